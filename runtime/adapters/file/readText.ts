import type { TextSpec } from '../../records/sourceSpec.js';
import { TextChecker } from '../../records/checkText.js';
import { DATA_MAX_BYTES } from '../../boundedRead.js';
import { clipText, quoteText } from '../../quoteText.js';
import { jsonLineFields } from './jsonLine.js';
import { readDataFile } from './dataFile.js';
import { DataError, parseIsoTime } from './readCandleCsv.js';
import { headerOf, splitLines } from './csvText.js';
import { csvRecords } from './csvRecords.js';
import { columnIndex } from './readSeries.js';

export interface TextColumns {
  /** The stamps of the kept texts, as the time column says (epoch ms). */
  time: Float64Array;
  /** Their event times: stamp + publicationLag, same-millisecond texts sequenced in file order. */
  t: Float64Array;
  /** The kept texts, trimmed; strings[i] is event i's. */
  strings: string[];
  checker: TextChecker;
}

const INTEGER = /^-?\d+$/;
const TIME_OF_DAY = /\d[T ]\d{2}:\d{2}/;
const ZONE = /(?:Z|z|[+-]\d{2}(?::?\d{2})?)$/;
const TIME_EXPECTED = 'expected integer epoch milliseconds (e.g. 1723161255342) or ISO-8601 with a zone (2024-08-08T23:54:15Z, 2024-08-08T19:54:15-04:00)';

/**
 * Timestamped texts (headlines, posts) from a CSV file with a header, or JSON lines (.jsonl,
 * .ndjson), either optionally gzipped, read as the other readers read (readDataFile: size
 * limit, regular files only). CSV follows RFC 4180, since headlines hold commas, quotes and
 * line breaks: a quoted field may span lines, `""` is a quote inside it. Every row goes through
 * TextChecker; problems name file:line (the line a row starts on).
 */
export async function readText(path: string, spec: TextSpec, warn: (code: string, message: string) => void, maxBytes = DATA_MAX_BYTES): Promise<TextColumns> {
  const buf = await readDataFile(path, maxBytes);
  const checker = new TextChecker(spec, warn, (at) => `${path}:${at}`, (at, kind, message) => new DataError(path, Number(at), kind, message));
  const time: number[] = [];
  const t: number[] = [];
  const strings: string[] = [];
  const keep = (stamp: number, text: string, line: number) => {
    const at = checker.accept(stamp, text, line);
    if (Number.isNaN(at)) return;
    time.push(stamp);
    t.push(at);
    strings.push(text);
  };
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(path)) jsonRows(path, buf, spec, checker, keep);
  else csvRows(path, buf, spec, checker, keep);
  return { time: Float64Array.from(time), t: Float64Array.from(t), strings, checker };
}

type Keep = (stamp: number, text: string, line: number) => void;

/**
 * A stamp as epoch ms: an integer (milliseconds), or ISO-8601 with a zone, a fraction below the
 * millisecond rounded up (never earlier than the stamp). NaN after rejecting the row. A
 * date-time without a zone is refused rather than read as UTC: a New York stamp read so would
 * put a headline hours before it was published.
 */
function textTime(path: string, text: string, line: number, checker: TextChecker, column: string): number {
  if (INTEGER.test(text)) {
    const ms = Number(text);
    if (ms >= 0 && ms < 1e11) throw new DataError(path, line, 'epoch-seconds', `${column} ${clipText(text)} looks like epoch seconds (a number below 1e11 is before 1973-03-03 in milliseconds); ${TIME_EXPECTED}. Multiply the time column by 1000 or write ISO-8601 times`);
    return ms;
  }
  const extra = /[.,]\d{3}(\d+)/.exec(text);
  const ms = parseIsoTime(extra ? text.replace(/([.,]\d{3})\d+/, '$1') : text);
  if (Number.isNaN(ms)) {
    checker.reject(line, 'malformed', `${column} ${quoteText(text)} is not a time; ${TIME_EXPECTED}`, 'Fix the time');
    return NaN;
  }
  if (!TIME_OF_DAY.test(text) || !ZONE.test(text)) {
    checker.reject(line, 'malformed', `${column} ${quoteText(text)} has no ${TIME_OF_DAY.test(text) ? 'time zone' : 'time of day and zone'}; ${TIME_EXPECTED}`, 'Write the instant with its zone (Z or an offset such as +02:00)');
    return NaN;
  }
  return extra && /[1-9]/.test(extra[1]) ? ms + 1 : ms;
}

function csvRows(path: string, buf: Buffer, spec: TextSpec, checker: TextChecker, keep: Keep): void {
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const text = buf.toString('utf8', start);
  const firstEnd = text.indexOf('\n');
  const header = firstEnd < 0 ? text : text.slice(0, firstEnd);
  const names = headerOf(path, header.endsWith('\r') ? header.slice(0, -1) : header, `a header such as ${spec.timeColumn},${spec.column} followed by one row per text`, 'a text file');
  const timeAt = columnIndex(path, names, spec.timeColumn, 'timeColumn');
  const textAt = columnIndex(path, names, spec.column, 'column');
  if (timeAt === textAt) throw new DataError(path, 1, 'options', `timeColumn and column both name the column "${names[timeAt]}"; expected two different columns`);
  const needed = Math.max(timeAt, textAt) + 1;
  for (const row of csvRecords(path, text, firstEnd < 0 ? text.length : firstEnd + 1, 2)) {
    if (row.blank) {
      checker.reject(row.line, 'malformed', 'blank line; expected a row', 'Remove the blank line');
      continue;
    }
    if (row.problem) {
      checker.reject(row.line, 'malformed', row.problem, 'Quote the whole field and double the quotes inside it ("He said ""buy""")');
      continue;
    }
    if (row.fields.length < needed) {
      checker.reject(row.line, 'malformed', `found ${row.fields.length} value${row.fields.length === 1 ? '' : 's'}, expected ${names.length} (header: ${clipText(names.join(','))})`, 'Every row needs one value per header column; quote fields that hold commas');
      continue;
    }
    const stamp = textTime(path, row.fields[timeAt].trim(), row.line, checker, spec.timeColumn);
    if (!Number.isNaN(stamp)) keep(stamp, row.fields[textAt].trim(), row.line);
  }
}

function jsonRows(path: string, buf: Buffer, spec: TextSpec, checker: TextChecker, keep: Keep): void {
  const example = `one object per line such as {"${spec.timeColumn}":"2024-08-08T23:54:15Z","${spec.column}":"Fed holds rates"}`;
  const lines = splitLines(path, buf, 'text');
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  for (let i = 0; i < last; i++) {
    const line = i + 1;
    if (lines[i].trim() === '') {
      checker.reject(line, 'malformed', 'blank line; expected a row', 'Remove the blank line');
      continue;
    }
    const fields = jsonLineFields(path, lines[i], line, example, [[spec.timeColumn, 'timeColumn'], [spec.column, 'column']]);
    const stampValue = fields[spec.timeColumn];
    if (typeof stampValue !== 'number' && typeof stampValue !== 'string') {
      checker.reject(line, 'malformed', `${spec.timeColumn} is ${clipText(JSON.stringify(stampValue) ?? String(stampValue))}; ${TIME_EXPECTED}`, 'Fix the time');
      continue;
    }
    const stamp = textTime(path, String(stampValue).trim(), line, checker, spec.timeColumn);
    if (Number.isNaN(stamp)) continue;
    const value = fields[spec.column];
    if (value !== null && typeof value !== 'string') {
      checker.reject(line, 'malformed', `${spec.column} is ${clipText(JSON.stringify(value) ?? String(value))}; expected a JSON string (or null when there is no text)`, 'Write the text as a string');
      continue;
    }
    keep(stamp, value === null ? '' : value.trim(), line);
  }
}
