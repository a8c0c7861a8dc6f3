import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { readCandleCsv } from '../../runtime/data/readCandleCsv.js';
import { TIMEFRAME_PATTERN, parseTimeParam, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

const TimeParam = Type.Union([Type.String(), Type.Number()]);

export const candles = defineNode({
  kind: 'source.candles',
  summary: 'OHLCV candles replayed from a CSV or CSV.gz file (backtest), one event per candle at its close.',
  description:
    'Columns time,open,high,low,close,volume; `time` is the candle open time as epoch ms or ' +
    'ISO-8601 (UTC unless an offset is given). A candle becomes knowable when it closes, so its ' +
    'event time is open time + timeframe. The file comes from the mode binding ' +
    '(`modes.backtest.<id>.file`) or `--data`, looked up as given, then in HEAN_DATA_DIR, then in ' +
    'the user data directory. Gaps are reported and kept as they are (no synthetic bars). ' +
    'Duplicate or out-of-order times, NaN, non-positive prices, negative volume and malformed ' +
    'rows stop the run naming file and line, unless onBadRow is skip (drop silently, counted in ' +
    'the summary) or warn (drop and print each).',
  params: Type.Object(
    {
      symbol: Type.String({ minLength: 1, description: 'Instrument, e.g. BTCUSDT (a label for reports).' }),
      timeframe: Type.String({ pattern: TIMEFRAME_PATTERN, description: 'Bar length: 1m, 5m, 1h, 1d ...' }),
      onBadRow: Type.Union([Type.Literal('error'), Type.Literal('skip'), Type.Literal('warn')], { default: 'error', description: 'What a bad row does: stop the run, or drop it (skip: counted, warn: printed).' }),
      start: Type.Optional(TimeParam),
      end: Type.Optional(TimeParam),
    },
    { additionalProperties: false },
  ),
  exampleParams: { symbol: 'BTCUSDT', timeframe: '1h' },
  inputs: {},
  outputs: {
    candles: port.candles({ description: 'The whole candle (for brokers).' }),
    open: port.number(),
    high: port.number(),
    low: port.number(),
    close: port.number(),
    volume: port.number(),
  },
  defaultOutput: 'candles',
  check: (p) => {
    const problems = [];
    for (const key of ['start', 'end'] as const) {
      const value = p[key];
      if (value === undefined) continue;
      try {
        parseTimeParam(value);
      } catch (e) {
        problems.push({ path: [key], message: (e as Error).message });
      }
    }
    return problems;
  },
  create: (p, ctx) => ({
    async load() {
      const file = ctx.binding.file;
      if (typeof file !== 'string' || !file) {
        throw new Error(`source "${ctx.id}" has no data file: add modes.backtest.${ctx.id}.file to the graph or pass --data ${ctx.id}=FILE`);
      }
      const path = ctx.resolveDataFile(file);
      const data = await readCandleCsv(path, {
        timeframeMs: timeframeMs(p.timeframe),
        onBadRow: p.onBadRow,
        start: p.start === undefined ? undefined : parseTimeParam(p.start),
        end: p.end === undefined ? undefined : parseTimeParam(p.end),
      });
      if (p.onBadRow === 'warn') for (const issue of data.issues) ctx.warn(`data/${issue.kind}`, `${path}:${issue.line}: ${issue.message} (row dropped)`);
      if (data.rows === 0) throw new Error(`${path}: no candles${p.start !== undefined || p.end !== undefined ? ' in the requested start/end range' : ''}`);
      const missingBars = data.gaps.reduce((s, g) => s + g.missingBars, 0);
      return {
        t: data.t,
        columns: { time: data.time, open: data.open, high: data.high, low: data.low, close: data.close, volume: data.volume },
        info: {
          symbol: p.symbol,
          timeframe: p.timeframe,
          file: path,
          rows: data.rows,
          firstOpenTime: data.time[0],
          lastOpenTime: data.time[data.rows - 1],
          gaps: data.gaps.length,
          missingBars,
          gapList: data.gaps,
          rowsDropped: data.issues.length,
        },
      };
    },
  }),
});
