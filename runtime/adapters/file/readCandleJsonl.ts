import type { CandleSpec } from '../../records/sourceSpec.js';
import { CandleChecker } from '../../records/checkCandles.js';
import { pickRows } from '../../records/pickRows.js';
import { CANDLE_FIELDS } from '../../ports.js';
import { clipText } from '../../quoteText.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { readDataFile } from './dataFile.js';
import { DataError, MAX_LINE_BYTES, lineTooLong, parseIsoTime } from './readCandleCsv.js';

/**
 * Candles from a JSON-lines file (optionally gzipped): one object per line with the fields
 * time, open, high, low, close, volume (time as epoch ms or ISO-8601), checked like every other
 * candle source (CandleChecker), bad lines named by file:line. Not the CSV reader's fast path:
 * JSON lines are for interchange (what other tools export), CSV for bulk history. The file is
 * read as readCandleCsv reads (readDataFile: size limit, regular files only) and decoded line by
 * line, each at most MAX_LINE_BYTES.
 */
export async function readCandleJsonl(path: string, spec: CandleSpec, warn: (code: string, message: string) => void, maxBytes = DATA_MAX_BYTES) {
  const buf = await readDataFile(path, maxBytes);
  let count = 1;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) count++;
  const columns = CANDLE_FIELDS.map(() => new Float64Array(count));
  const checker = new CandleChecker(spec, warn, `${path} line`);
  const keep: number[] = [];
  for (let i = 0, start = 0; i < count; i++) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end - start > MAX_LINE_BYTES) throw lineTooLong(path, i + 1, end - start);
    const line = buf.toString('utf8', start, end).trim();
    start = end + 1;
    if (!line) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (e) {
      // V8 quotes the start of the text ('Unexpected token 'S', "SECRET=..." is not valid JSON'): keep its reason only.
      const reason = clipText((e as Error).message.replace(/, ".*$/s, ''), 120);
      throw new DataError(path, i + 1, 'malformed', `not JSON (${reason}); expected one object per line such as {"time":1502942400000,"open":4261.48,"high":4313.62,"low":4261.32,"close":4308.83,"volume":47.18}`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new DataError(path, i + 1, 'malformed', `expected an object with ${CANDLE_FIELDS.join(', ')}`);
    const values = CANDLE_FIELDS.map((f) => {
      const v = row[f];
      if (f === 'time' && typeof v === 'string') return parseIsoTime(v);
      return typeof v === 'number' ? v : v === undefined ? missing(path, i + 1, f) : NaN;
    });
    values.forEach((v, c) => (columns[c][i] = v));
    if (checker.accept(values[0], values[1], values[2], values[3], values[4], values[5], i + 1)) keep.push(i);
  }
  const [time, open, high, low, close, volume] = columns.map((c) => pickRows(keep, c));
  return { time, open, high, low, close, volume, t: Float64Array.from(time, (x) => x + spec.timeframeMs), gaps: checker.gaps, dropped: checker.dropped };
}

function missing(path: string, line: number, field: string): never {
  throw new DataError(path, line, 'missing-column', `no "${field}"; expected the fields ${CANDLE_FIELDS.join(', ')}`);
}
