import { Type } from '@sinclair/typebox';
import type { SourceAdapter } from '../contract.js';
import { candleInfo } from '../../records/checkCandles.js';
import { placeOf } from './readCandleCsv.js';
import { readCandleCsvCached } from './readCandleCsvCached.js';
import { readCandleJsonl } from './readCandleJsonl.js';
import { readSeries } from './readSeries.js';
import { seriesInfo } from '../../records/checkSeries.js';
import { resolveDataFile } from './resolveDataFile.js';
import { readBook } from './readBook.js';
import { readTrades } from './readTrades.js';
import { bookInfo } from '../../records/checkBook.js';
import { tradesInfo } from '../../records/checkTrades.js';
import { bookFields } from '../../ports.js';
import { readText } from './readText.js';
import { textInfo } from '../../records/checkText.js';

/**
 * Replays a data file. Candles: CSV or CSV.gz through the fast column reader, Parquet (.parquet)
 * column by column through the same row checks, JSON lines (.jsonl, .ndjson, optionally .gz) line
 * by line. Series and texts: CSV or JSON lines (readSeries.ts,
 * readText.ts). Books and trades: CSV (readBook.ts, readTrades.ts).
 */
export const fileSource: SourceAdapter = {
  role: 'source',
  name: 'file',
  key: 'file',
  summary: 'A CSV, CSV.gz, Parquet (candles only) or JSON-lines file (candles: time,open,high,low,close,volume; series: a time and a value column; texts: a time and a text column; book snapshots and trades: CSV), replayed in a backtest.',
  binding: Type.Object(
    { file: Type.String({ minLength: 1, description: 'Data file: a path, or a name looked up in $HEAN_DATA_DIR and the user data directory.' }) },
    { additionalProperties: false },
  ),
  example: '{ file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }',
  records: ['candles', 'series', 'book', 'trades', 'text'],
  async replay(binding, spec, io) {
    const path = resolveDataFile(String(binding.file), io.env);
    io.outputs.input(path, `source ${io.node}`);
    if (spec.record === 'series') {
      const data = await readSeries(path, spec, io.warn);
      if (data.t.length === 0) {
        const missing = data.checker.missing ? `; ${data.checker.missing} row(s) had an empty ${spec.column}` : '';
        throw new Error(`${path}: no values of column ${spec.column}${spec.start !== undefined || spec.end !== undefined ? ' published in the requested start/end range' : ''}${missing}`);
      }
      const columns: Record<string, Float64Array> = { time: data.time, value: data.value };
      return { t: data.t, columns, info: seriesInfo(spec, { file: path }, data.time, data.t, data.checker) };
    }
    if (spec.record === 'text') {
      const data = await readText(path, spec, io.warn);
      if (data.t.length === 0) {
        const missing = data.checker.missing ? `; ${data.checker.missing} row(s) had an empty ${spec.column}` : '';
        throw new Error(`${path}: no texts in column ${spec.column}${spec.start !== undefined || spec.end !== undefined ? ' published in the requested start/end range' : ''}${missing}`);
      }
      // Event i's text is strings[i]: the text column is the index the frames carry (ports.ts Texts).
      const index = Float64Array.from(data.strings, (_s, i) => i);
      return { t: data.t, columns: { time: data.time, text: index }, strings: data.strings, info: textInfo(spec, { file: path }, data.time, data.t, data.checker) };
    }
    if (spec.record === 'trades') {
      const data = await readTrades(path, spec, io.warn);
      if (data.t.length === 0) throw new Error(`${path}: no trades${spec.start !== undefined || spec.end !== undefined ? ' in the requested start/end range' : ''}`);
      return { t: data.t, columns: { time: data.time, price: data.price, size: data.size, side: data.side }, info: tradesInfo(spec, { file: path }, data.time, data.side, data.checker) };
    }
    if (spec.record === 'book') {
      const data = await readBook(path, spec, io.warn);
      if (data.t.length === 0) throw new Error(`${path}: no book snapshots${spec.start !== undefined || spec.end !== undefined ? ' in the requested start/end range' : ''}`);
      const columns: Record<string, Float64Array> = { time: data.t, updateId: data.updateId };
      bookFields(spec.levels).forEach((name, c) => (columns[name] = data.levels[c]));
      return { t: data.t, columns, info: bookInfo(spec, { file: path }, data.t, data.checker, data.updates) };
    }
    if (/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) {
      const data = await readCandleJsonl(path, spec, io.warn);
      if (data.time.length === 0) throw new Error(`${path}: no candles${spec.start !== undefined || spec.end !== undefined ? ' in the requested start/end range' : ''}`);
      const { t, gaps, dropped, ...columns } = data;
      return { t, columns, info: candleInfo(spec, { file: path }, data.time, gaps, dropped) };
    }
    const parquet = /\.parquet$/i.test(path);
    const options = { timeframeMs: spec.timeframeMs, onBadRow: spec.onBadRow, start: spec.start, end: spec.end };
    // Imported when used: a CSV run does not parse the Parquet reader (hyparquet, 120 KB).
    const data = parquet ? await (await import('./readCandleParquet.js')).readCandleParquet(path, options) : await readCandleCsvCached(path, options, io);
    if (spec.onBadRow === 'warn') for (const issue of data.issues) io.warn(`data/${issue.kind}`, `${placeOf(path, issue.line, parquet ? 'row' : 'line')}: ${issue.message} (row dropped)`);
    if (data.rows === 0) throw new Error(`${path}: no candles${spec.start !== undefined || spec.end !== undefined ? ' in the requested start/end range' : ''}`);
    return {
      t: data.t,
      columns: { time: data.time, open: data.open, high: data.high, low: data.low, close: data.close, volume: data.volume },
      info: candleInfo(spec, { file: path }, data.time, data.gaps, data.issues.length),
    };
  },
};
