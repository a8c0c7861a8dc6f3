import { clipText, quoteText } from '../../quoteText.js';
import { DataError, MAX_LINE_BYTES, lineTooLong, notAHeader, parseIsoTime } from './readCandleCsv.js';

/** The lines of a text file (a UTF-8 BOM and CR before LF removed); a line longer than MAX_LINE_BYTES stops the read, naming `record`. */
export function splitLines(path: string, buf: Buffer, record: string): string[] {
  const lines: string[] = [];
  let start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  while (start <= buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end - start > MAX_LINE_BYTES) throw lineTooLong(path, lines.length + 1, end - start, record);
    lines.push(buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end));
    start = end + 1;
  }
  return lines;
}

/** Splits a CSV line on commas outside double quotes; quotes are removed ("a,b" -> a,b; "" -> "). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

/** A row of a record file that the checks reject instead of stopping (onBadRow). */
export type RejectRow = (line: number, kind: 'malformed' | 'nan', message: string, hint: string) => unknown;

const INTEGER = /^-?\d+$/;
const NAN_WORD = /^[+-]?(nan|inf|infinity)$/i;
const RADIX_PREFIX = /^[+-]?0[xXoObB]/;

/**
 * An exchange timestamp cell as epoch ms: an integer in milliseconds, microseconds (>= 1e14,
 * as Tardis writes) or nanoseconds (>= 1e17), floored to the millisecond; or ISO-8601. NaN when
 * it is none of these (the row is rejected); epoch seconds stop the read.
 */
export function exchangeTime(path: string, text: string, line: number, column: string, reject: RejectRow): number {
  if (INTEGER.test(text)) {
    const n = Number(text);
    if (n >= 0 && n < 1e11) throw new DataError(path, line, 'epoch-seconds', `${column} ${clipText(text)} looks like epoch seconds; expected epoch milliseconds (or micro-/nanoseconds, or ISO-8601). Multiply the time column by 1000`);
    return n >= 1e17 ? Math.floor(n / 1e6) : n >= 1e14 ? Math.floor(n / 1e3) : n;
  }
  const ms = parseIsoTime(text);
  if (Number.isNaN(ms)) reject(line, 'malformed', `${column} ${quoteText(text)} is not a time; expected epoch milliseconds or ISO-8601`, 'Fix the time');
  return ms;
}

/** A numeric cell: NaN for an empty cell, undefined (after rejecting the row) for anything that is not a decimal number. */
export function numberCell(text: string, line: number, column: string, reject: RejectRow): number | undefined {
  if (text === '') return NaN;
  const v = NAN_WORD.test(text) || RADIX_PREFIX.test(text) ? NaN : Number(text);
  if (Number.isNaN(v)) {
    reject(line, NAN_WORD.test(text) ? 'nan' : 'malformed', `${column} ${quoteText(text)} is not a number; expected a decimal number such as 61837.63`, 'Fix or remove the row');
    return undefined;
  }
  return v;
}

/** The position of the first header name (case-insensitive) among `aliases`, or -1. */
export function findColumn(names: readonly string[], aliases: readonly string[]): number {
  const lower = names.map((n) => n.toLowerCase());
  for (const alias of aliases) {
    const at = lower.indexOf(alias.toLowerCase());
    if (at >= 0) return at;
  }
  return -1;
}

/** The header's columns, checked to be a header (`example` and `what` describe the expected file). */
export function headerOf(path: string, header: string, example: string, what: string): string[] {
  if (header.trim() === '') throw new DataError(path, 1, 'empty', `first line is blank (or the file is empty); expected ${example}`);
  const names = csvFields(header);
  const notHeader = notAHeader(path, header, names, example, what);
  if (notHeader) throw notHeader;
  return names;
}

/** Lines 2.. of a CSV file as fields, with their line numbers; a blank line is a bad row except at the end. */
export function* csvRows(lines: readonly string[], reject: RejectRow): Generator<[string[], number]> {
  let last = lines.length;
  while (last > 0 && lines[last - 1].trim() === '') last--;
  for (let i = 1; i < last; i++) {
    if (lines[i].trim() === '') {
      reject(i + 1, 'malformed', 'blank line; expected a row', 'Remove the blank line');
      continue;
    }
    yield [csvFields(lines[i]), i + 1];
  }
}

// ---------------------------------------------------------------------------------------------
// Fast path: rows of printable ASCII without quotes or spaces (nearly every exported file) are
// read straight from the bytes; any other row, and any cell the fast parsers do not take, goes
// through the string path above, so values and messages are the same either way.

const TWO_53 = 2 ** 53;
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

/** Switch for tests that compare the fast path with the string path; always true in runs. */
export const csvFastPath = { enabled: true };

/** Line i of the file spans bytes [starts[i], ends[i]) (a CR before LF excluded). */
export interface LineIndex {
  buf: Buffer;
  starts: number[];
  ends: number[];
}

/** The lines of a file as byte ranges; same lines, BOM handling and line-too-long error as splitLines. */
export function indexLines(path: string, buf: Buffer, record: string): LineIndex {
  const starts: number[] = [];
  const ends: number[] = [];
  const n = buf.length;
  let start = n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  // A byte loop rather than buf.indexOf per line: the native call costs more than a short line's scan.
  for (let i = start; ; i++) {
    if (i < n && buf[i] !== 10) continue;
    if (i - start > MAX_LINE_BYTES) throw lineTooLong(path, starts.length + 1, i - start, record);
    starts.push(start);
    ends.push(i > start && buf[i - 1] === 13 ? i - 1 : i);
    if (i >= n) break;
    start = i + 1;
  }
  return { buf, starts, ends };
}

/** The text of line i (0-based), as splitLines gives it. */
export function lineText(lines: LineIndex, i: number): string {
  return lines.buf.toString('utf8', lines.starts[i], lines.ends[i]);
}

/** One past the last line that is not blank (trailing blank lines are not rows), as csvRows counts. */
export function lastRowLine(lines: LineIndex): number {
  let last = lines.starts.length;
  while (last > 0 && lineText(lines, last - 1).trim() === '') last--;
  return last;
}

/**
 * Splits bytes [start, end) on commas when every byte is printable ASCII other than space and
 * '"' (so csvFields would neither unquote nor trim anything), and reads each field as
 * plainDecimal would, in the same pass: returns the number of fields and, for the first
 * `fieldStart.length` of them, their byte range and value (NaN for an empty field or one that
 * plainDecimal does not take: the caller tells them apart by the range). Returns -1 for an empty
 * line or any other byte: such a line takes the string path.
 */
export function splitPlain(buf: Uint8Array, start: number, end: number, fieldStart: Int32Array, fieldEnd: Int32Array, values: Float64Array): number {
  if (start >= end) return -1;
  const max = fieldStart.length;
  let count = 0;
  let i = start;
  for (;;) {
    const from = i;
    let m = 0;
    let c = 0;
    if (i < end && buf[i] === 45) i++;
    const integerStart = i;
    while (i < end) {
      c = buf[i] - 48;
      if (c < 0 || c > 9) break;
      m = m * 10 + c;
      i++;
    }
    let digits = i - integerStart;
    let decimals = 0;
    if (i < end && buf[i] === 46) {
      i++;
      const fractionStart = i;
      while (i < end) {
        c = buf[i] - 48;
        if (c < 0 || c > 9) break;
        m = m * 10 + c;
        i++;
      }
      decimals = i - fractionStart;
      digits += decimals;
    }
    // Anything after the number up to the comma: the field is not a plain decimal (or the line not plain).
    let plain = true;
    while (i < end) {
      c = buf[i];
      if (c === 44) break;
      if (c <= 32 || c >= 127 || c === 34) return -1;
      plain = false;
      i++;
    }
    if (count < max) {
      fieldStart[count] = from;
      fieldEnd[count] = i;
      if (plain && digits > 0 && m < TWO_53 && decimals <= 22) {
        const v = m / POW10[decimals];
        values[count] = buf[from] === 45 ? -v : v;
      } else values[count] = NaN;
    }
    count++;
    if (i >= end) return count;
    i++;
  }
}

/**
 * Bytes [start, end) as a number when they are `[-]digits[.digits]` (or `.digits`) with at most
 * 2^53 - 1 as the digits' integer and at most 22 decimals: then m / 10^k is one correctly
 * rounded division of two exact doubles, bit-identical to Number(text). NaN for anything else
 * (the caller then goes through numberCell).
 */
export function plainDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = i < end && buf[i] === 45;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let decimals = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = buf[i] - 48;
    if (c >= 0 && c <= 9) {
      m = m * 10 + c;
      digits++;
      if (dot) decimals++;
    } else if (c === -2 && !dot) dot = true;
    else return NaN;
  }
  if (digits === 0 || m >= TWO_53 || decimals > 22) return NaN;
  const v = m / POW10[decimals];
  return negative ? -v : v;
}

/**
 * Bytes [start, end) as an exchange time when they are plain digits below 2^53 and at least
 * 1e11 (not epoch seconds): exactly what exchangeTime returns for that text. NaN for anything
 * else (the caller then goes through exchangeTime, which rejects, throws or parses ISO-8601).
 */
export function plainTime(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  if (n >= TWO_53 || n < 1e11) return NaN;
  return n >= 1e14 ? Math.floor(n / 1e3) : n;
}

/** Whether bytes [start, end) are exactly the ASCII `word` (lower case). */
export function bytesAre(buf: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (buf[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * The cells of a CSV file's rows, read in place: from the row's bytes when splitPlain takes it
 * (`slow` undefined: `values`, `fieldStart`, `fieldEnd` hold them), else from csvFields' strings
 * (`slow`). text, number and time give the same values and messages either way.
 */
export class CsvCells {
  readonly fieldStart: Int32Array;
  readonly fieldEnd: Int32Array;
  readonly values: Float64Array;
  slow: string[] | undefined;

  constructor(
    private readonly path: string,
    readonly lines: LineIndex,
    private readonly names: readonly string[],
    /** Cells a row must have (one past the rightmost column read). */
    private readonly needed: number,
    private readonly reject: RejectRow,
  ) {
    this.fieldStart = new Int32Array(needed);
    this.fieldEnd = new Int32Array(needed);
    this.values = new Float64Array(needed);
  }

  /** Splits line i (0-based; the header is 0). False when the row was rejected: blank, or short of cells. */
  row(i: number): boolean {
    const lines = this.lines;
    let count = csvFastPath.enabled ? splitPlain(lines.buf, lines.starts[i], lines.ends[i], this.fieldStart, this.fieldEnd, this.values) : -1;
    this.slow = undefined;
    if (count < 0) {
      const text = lineText(lines, i);
      if (text.trim() === '') {
        this.reject(i + 1, 'malformed', 'blank line; expected a row', 'Remove the blank line');
        return false;
      }
      this.slow = csvFields(text);
      count = this.slow.length;
    }
    if (count < this.needed) {
      const names = this.names;
      this.reject(i + 1, 'malformed', `found ${count} values, expected ${names.length} (header: ${clipText(names.join(','))}): ${quoteText(lineText(lines, i))}`, 'Every row needs one value per header column; fix the row');
      return false;
    }
    return true;
  }

  text(k: number): string {
    return this.slow ? this.slow[k] : this.lines.buf.toString('latin1', this.fieldStart[k], this.fieldEnd[k]);
  }

  /** Cell k as numberCell reads it: NaN when empty, undefined (row rejected) when not a number. */
  number(k: number, line: number): number | undefined {
    if (!this.slow) {
      const v = this.values[k];
      if (v === v) return v;
      if (this.fieldStart[k] === this.fieldEnd[k]) return NaN;
    }
    return numberCell(this.text(k), line, this.names[k], this.reject);
  }

  /** Cell k as exchangeTime reads it (NaN: row rejected). */
  time(k: number, line: number): number {
    const time = this.slow ? NaN : plainTime(this.lines.buf, this.fieldStart[k], this.fieldEnd[k]);
    return time === time ? time : exchangeTime(this.path, this.text(k), line, this.names[k], this.reject);
  }
}
