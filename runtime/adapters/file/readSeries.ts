import type { SeriesSpec } from '../../records/sourceSpec.js';
import { SeriesChecker } from '../../records/checkSeries.js';
import { pickRows } from '../../records/pickRows.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { QUOTE_MAX, clipText, quoteText } from '../../quoteText.js';
import { jsonLineFields } from './jsonLine.js';
import { readDataFile } from './dataFile.js';
import { DataError, notAHeader, parseIsoTime } from './readCandleCsv.js';
import { csvFields, splitLines } from './csvText.js';

export interface SeriesColumns {
  /** The stamps of the kept rows, as the time column says (epoch ms). */
  time: Float64Array;
  /** Their event times: when each value became knowable (seriesEventTime). */
  t: Float64Array;
  value: Float64Array;
  checker: SeriesChecker;
}

const NAN_WORD = /^[+-]?(nan|inf|infinity)$/i;
const RADIX_PREFIX = /^[+-]?0[xXoObB]/;
const INTEGER = /^-?\d+$/;
const TIME_EXPECTED = 'expected integer epoch milliseconds (e.g. 1517443200000), ISO-8601 (2018-02-01T00:00:00Z) or a date (2018-02-01, UTC midnight)';

/**
 * A numeric time series from a CSV or JSON-lines file (optionally gzipped), read as the candle
 * readers read (readDataFile: size limit, regular files only). Series files are small (one row
 * per day or per 8 hours), so lines are decoded one by one rather than by the candle reader's
 * byte scanner. Every row goes through SeriesChecker; problems name file:line.
 */
export async function readSeries(path: string, spec: SeriesSpec, warn: (code: string, message: string) => void, maxBytes = DATA_MAX_BYTES): Promise<SeriesColumns> {
  const buf = await readDataFile(path, maxBytes);
  const jsonl = /\.(jsonl|ndjson)(\.gz)?$/i.test(path);
  const checker = new SeriesChecker(spec, warn, (at) => `${path}:${at}`, (at, kind, message) => new DataError(path, Number(at), kind, message));
  const lines = splitLines(path, buf, 'series');
  const time = new Float64Array(lines.length);
  const value = new Float64Array(lines.length);
  const keep: number[] = [];
  const row = jsonl ? jsonRows(path, spec, checker) : csvRows(path, spec, checker, lines[0] ?? '');
  // A blank line is fine at the end of the file (a trailing newline), a bad row anywhere else.
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  for (let i = jsonl ? 0 : 1; i < last; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') {
      checker.reject(line, 'malformed', 'blank line; expected a row', 'Remove the blank line');
      continue;
    }
    const parsed = row(lines[i], line);
    if (!parsed) continue;
    time[i] = parsed[0];
    value[i] = parsed[1];
    if (checker.accept(parsed[0], parsed[1], line)) keep.push(i);
  }
  const kept = pickRows(keep, time);
  return { time: kept, t: Float64Array.from(kept, (x) => checker.eventTime(x)), value: pickRows(keep, value), checker };
}

/** The index of a column by name: exact, else the one that matches ignoring case. */
export function columnIndex(path: string, names: string[], wanted: string, param: string): number {
  const exact = names.flatMap((n, i) => (n === wanted ? [i] : []));
  const loose = exact.length ? exact : names.flatMap((n, i) => (n.toLowerCase() === wanted.toLowerCase() ? [i] : []));
  if (loose.length === 1) return loose[0];
  const found = clipText(names.map((s) => s || '(empty)').join(', '), 2 * QUOTE_MAX);
  if (loose.length > 1) throw new DataError(path, 1, 'malformed', `column "${wanted}" appears ${loose.length} times in the header (${found}); expected it once. Rename or remove the others`);
  throw new DataError(path, 1, 'missing-column', `no column "${clipText(wanted)}" (the ${param} param); found columns: ${found}. Set ${param} to one of them, or rename the header's column`);
}

/** A time cell: epoch ms or ISO-8601; NaN (after rejecting the row) when it is neither. Epoch seconds stop the run. */
function parseTime(path: string, text: string, line: number, checker: SeriesChecker, column: string): number {
  if (INTEGER.test(text)) {
    const ms = Number(text);
    if (ms >= 0 && ms < 1e11) {
      throw new DataError(path, line, 'epoch-seconds', `${column} ${clipText(text)} looks like epoch seconds (a number below 1e11 is before 1973-03-03 in milliseconds); ${TIME_EXPECTED}. Multiply the time column by 1000 or write ISO-8601 times`);
    }
    return ms;
  }
  const ms = parseIsoTime(text);
  if (Number.isNaN(ms)) checker.reject(line, 'malformed', `${column} ${quoteText(text)} is not a time; ${TIME_EXPECTED}`, 'Fix the time');
  return ms;
}

/** A value cell: a number, NaN for an empty cell (missing value), undefined (row rejected) for anything else. */
function parseValue(text: string, line: number, checker: SeriesChecker, column: string): number | undefined {
  if (text === '') return NaN;
  if (NAN_WORD.test(text)) {
    checker.reject(line, 'nan', `${column} is ${quoteText(text)}; expected a finite number (leave the cell empty when no value was published)`, 'Fix or remove the row');
    return undefined;
  }
  const v = RADIX_PREFIX.test(text) ? NaN : Number(text);
  if (Number.isNaN(v)) {
    checker.reject(line, 'malformed', `${column} ${quoteText(text)} is not a number; expected a decimal number such as 0.0001 or 42`, 'Fix the value');
    return undefined;
  }
  return v;
}

function csvRows(path: string, spec: SeriesSpec, checker: SeriesChecker, header: string): (text: string, line: number) => [number, number] | undefined {
  const example = `a header such as ${spec.timeColumn},${spec.column} followed by one row per value`;
  if (header.trim() === '') throw new DataError(path, 1, 'empty', `first line is blank (or the file is empty); expected ${example}`);
  const names = csvFields(header);
  // A one-column header cannot hold time and value: let notAHeader explain what line 1 is instead.
  const notHeader = notAHeader(path, header, names, example, 'a series file');
  if (notHeader) throw notHeader;
  const timeAt = columnIndex(path, names, spec.timeColumn, 'timeColumn');
  const valueAt = columnIndex(path, names, spec.column, 'column');
  if (timeAt === valueAt) throw new DataError(path, 1, 'options', `timeColumn and column both name the column "${names[timeAt]}"; expected two different columns`);
  const needed = Math.max(timeAt, valueAt) + 1;
  return (text, line) => {
    const fields = csvFields(text);
    if (fields.length < needed) {
      checker.reject(line, 'malformed', `found ${fields.length} value${fields.length === 1 ? '' : 's'}, expected ${names.length} (header: ${clipText(names.join(','))}): ${quoteText(text)}`, 'Every row needs one value per header column; fix the row');
      return undefined;
    }
    const time = parseTime(path, fields[timeAt], line, checker, spec.timeColumn);
    if (Number.isNaN(time)) return undefined;
    const value = parseValue(fields[valueAt], line, checker, spec.column);
    return value === undefined ? undefined : [time, value];
  };
}

function jsonRows(path: string, spec: SeriesSpec, checker: SeriesChecker): (text: string, line: number) => [number, number] | undefined {
  const example = `one object per line such as {"${spec.timeColumn}":"2018-02-01","${spec.column}":30}`;
  return (text, line) => {
    const fields = jsonLineFields(path, text, line, example, [[spec.timeColumn, 'timeColumn'], [spec.column, 'column']]);
    const t = fields[spec.timeColumn];
    const time = typeof t === 'number' ? parseTime(path, String(t), line, checker, spec.timeColumn) : typeof t === 'string' ? parseTime(path, t.trim(), line, checker, spec.timeColumn) : NaN;
    if (typeof t !== 'number' && typeof t !== 'string') checker.reject(line, 'malformed', `${spec.timeColumn} is ${clipText(JSON.stringify(t) ?? String(t))}; ${TIME_EXPECTED}`, 'Fix the time');
    if (Number.isNaN(time)) return undefined;
    const v = fields[spec.column];
    if (v === null) return [time, NaN];
    if (typeof v !== 'number') {
      checker.reject(line, 'malformed', `${spec.column} is ${clipText(JSON.stringify(v) ?? String(v))}; expected a number (or null when no value was published)`, 'Fix the value');
      return undefined;
    }
    return [time, v];
  };
}
