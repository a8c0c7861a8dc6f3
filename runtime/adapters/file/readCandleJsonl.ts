import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { CandleSpec } from '../../records/sourceSpec.js';
import { CandleChecker } from '../../records/checkCandles.js';
import { pickRows } from '../../records/pickRows.js';
import { CANDLE_FIELDS } from '../../ports.js';
import { parseIsoTime } from './readCandleCsv.js';

/**
 * Candles from a JSON-lines file (optionally gzipped): one object per line with the fields
 * time, open, high, low, close, volume (time as epoch ms or ISO-8601), checked like every other
 * candle source (CandleChecker), bad lines named by file:line. Not the CSV reader's fast path:
 * JSON lines are for interchange (what other tools export), CSV for bulk history.
 */
export async function readCandleJsonl(path: string, spec: CandleSpec, warn: (code: string, message: string) => void) {
  const raw = await readFile(path);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  const lines = text.split('\n');
  const columns = CANDLE_FIELDS.map(() => new Float64Array(lines.length));
  const checker = new CandleChecker(spec, warn, `${path} line`);
  const keep: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not JSON (${(e as Error).message}); expected one object per line such as {"time":1502942400000,"open":4261.48,"high":4313.62,"low":4261.32,"close":4308.83,"volume":47.18}`);
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error(`${path}:${i + 1}: expected an object with ${CANDLE_FIELDS.join(', ')}`);
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
  throw new Error(`${path}:${line}: no "${field}"; expected the fields ${CANDLE_FIELDS.join(', ')}`);
}
