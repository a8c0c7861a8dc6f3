import type { Hash } from 'node:crypto';
import { formatBytes } from '../../boundedRead.js';
import { QUOTE_MAX, clipText, quoteText } from '../../quoteText.js';
import { DataFile, type ContentReader } from './dataFile.js';
import { DataError, type PlaceUnit } from './dataError.js';
import { POW10, TWO_53, longDecimal, quotient } from './decimal.js';

export { DataError, placeOf, type PlaceUnit } from './dataError.js';

export type BadRowPolicy = 'error' | 'skip' | 'warn';

export interface CandleReadOptions {
  /** Bar length; the event time of a row is its open time + timeframeMs. */
  timeframeMs: number;
  /** What a bad row does: 'error' (default) throws, 'skip' and 'warn' drop it and list it in `issues`. */
  onBadRow?: BadRowPolicy;
  /** Keep rows with open time >= start (epoch ms). */
  start?: number;
  /** Keep rows with open time < end (epoch ms). */
  end?: number;
  /** Largest file accepted, in bytes after decompression (default DATA_MAX_BYTES, 1 GiB). */
  maxBytes?: number;
}

export type DataIssueKind = 'malformed' | 'nan' | 'non-positive-price' | 'negative-volume' | 'impossible-candle' | 'duplicate' | 'out-of-order';

/** A dropped row. `message` does not repeat the file and line (callers prefix `file:line: `). */
export interface DataIssue {
  line: number;
  kind: DataIssueKind;
  message: string;
}

/** Open time of the bar before the gap, open time of the bar after it, bars missing between them. */
export interface Gap {
  from: number;
  to: number;
  missingBars: number;
}

export interface CandleColumns {
  file: string;
  /** Rows kept. */
  rows: number;
  /** Open time (epoch ms). */
  time: Float64Array;
  /** Event time = open time + timeframeMs. */
  t: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  gaps: Gap[];
  /** Rows dropped under onBadRow 'skip' / 'warn'. */
  issues: DataIssue[];
}

// ---------------------------------------------------------------------------------------------
// Number scanning.

const COMMA = 44;
const LF = 10;
const CR = 13;

const ERR_MALFORMED = 1;
const ERR_NAN = 2;

// Out-values of scanField (module state, so it allocates nothing).
let gEnd = 0; // index of the byte that ended the field (',' '\r' '\n') or n
let gErr = 0; // when scanField returned NaN: ERR_MALFORMED or ERR_NAN

/**
 * The value of the four bytes at i when they are ASCII digits, else -1: read as one little-endian
 * int32 (the first digit in the low byte), checked and combined with three multiplications
 * instead of four rounds of load, compare and multiply-add.
 */
function fourDigits(view: DataView, i: number): number {
  const x = view.getInt32(i, true);
  if ((x & 0xf0f0f0f0) !== 0x30303030 || (((x + 0x06060606) | 0) & 0xf0f0f0f0) !== 0x30303030) return -1;
  const v = x - 0x30303030;
  const pairs = (v * 10 + (v >>> 8)) & 0x00ff00ff; // first*10 + second, third*10 + fourth
  return Math.imul(pairs, 0x640001) >>> 16;
}

/**
 * The number `[-]digits[.digits]` (or `.digits`, `digits.`) at i, from the bytes (decimal.ts):
 * m / 10^k when its digits form a mantissa m < 2^53 with k <= 22 decimals, else longNumber's
 * value. Stores it in out[slot] (a double returned from a call that is not inlined would be
 * boxed) and returns the index of the first byte that cannot continue such a number (the caller
 * checks that it ends the field), or its complement (~index, negative) when there is no digit
 * or the text is left to Number(): so the caller's branch need not wait for the division.
 * `view` is a DataView of `b`'s bytes. The bytes must not end inside the number
 * (every line read ends with LF, the last one with a sentinel LF), and three bytes after that
 * must be readable: no index is checked against the length.
 */
function scanPlain(b: Uint8Array, view: DataView, i: number, out: Float64Array, slot: number): number {
  const start = i;
  if (b[i] === 45) i++;
  const wholeStart = i;
  // The whole part and the fraction in two sums (two short chains of multiply-adds), four digits at a time.
  let whole = 0;
  for (let four = fourDigits(view, i); four >= 0; four = fourDigits(view, i)) {
    whole = whole * 1e4 + four;
    i += 4;
  }
  for (let d = b[i] - 48; d >= 0 && d <= 9; d = b[++i] - 48) whole = whole * 10 + d;
  const wholeEnd = i;
  let fraction = 0;
  if (b[i] === 46) {
    i++;
    for (let four = fourDigits(view, i); four >= 0; four = fourDigits(view, i)) {
      fraction = fraction * 1e4 + four;
      i += 4;
    }
    for (let d = b[i] - 48; d >= 0 && d <= 9; d = b[++i] - 48) fraction = fraction * 10 + d;
  }
  const k = i === wholeEnd ? 0 : i - wholeEnd - 1;
  if (k === 0 && wholeEnd === wholeStart) return ~i; // no digit
  if (k <= 22) {
    // Exact when the mantissa is below 2^53; at least 2^53 when it is not (rounding is monotonic).
    const m = whole * POW10[k] + fraction;
    if (m < 9007199254740992 /* 2^53 */) {
      out[slot] = b[start] === 45 ? -(m / POW10[k]) : m / POW10[k];
      return i;
    }
  }
  const v = longNumber(b, start, i, whole, fraction, k);
  out[slot] = v;
  return v === v ? i : ~i;
}

/**
 * A number scanPlain read past the exact path: with up to 19 digits whose whole part and
 * fraction each came to less than 2^53 (so their sums are exact), quotient() of them; else
 * longDecimal() reading the bytes again. NaN: left to Number().
 */
function longNumber(b: Uint8Array, start: number, end: number, whole: number, fraction: number, k: number): number {
  if (k <= 22 && whole < TWO_53 && fraction < TWO_53 && whole * POW10[k] + fraction < 1.8e19) {
    const v = quotient(whole, k, fraction, k);
    if (v === v) return b[start] === 45 ? -v : v;
  }
  return longDecimal(b, start, end);
}

const scratch = new Float64Array(1);

/**
 * The field at i as the reader reads it: scanPlain's number when that is the whole field, else
 * Number() of its text (quotes, spaces, exponents, '+' allowed), NaN with gErr set when that is
 * not a finite number. Sets gEnd to the end of the field (',' '\r' '\n' or n). Needs what
 * scanPlain needs.
 */
function scanField(b: Uint8Array, view: DataView, i: number, n: number): number {
  let end = scanPlain(b, view, i, scratch, 0);
  const plain = end >= 0;
  if (!plain) end = ~end;
  if (end >= n || b[end] === COMMA || b[end] === LF || b[end] === CR) {
    if (plain) {
      gEnd = end;
      return scratch[0];
    }
  } else {
    while (end < n && b[end] !== COMMA && b[end] !== LF && b[end] !== CR) end++;
  }
  gEnd = end;
  return slowNumber(fieldText(b, i, end));
}

function fieldText(b: Uint8Array, start: number, end: number): string {
  return Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8');
}

function unquote(text: string): string {
  let t = text.trim();
  if (t.length >= 2 && t.charCodeAt(0) === 34 && t.charCodeAt(t.length - 1) === 34) t = t.slice(1, -1).trim();
  return t;
}

const NAN_WORD = /^[+-]?(nan|inf|infinity)$/i;
const RADIX_PREFIX = /^[+-]?0[xXoObB]/;

function slowNumber(text: string): number {
  const t = unquote(text);
  if (t === '' || RADIX_PREFIX.test(t)) {
    gErr = ERR_MALFORMED;
    return NaN;
  }
  const v = Number(t);
  if (v - v === 0) return v; // finite
  gErr = v === v || NAN_WORD.test(t) ? ERR_NAN : ERR_MALFORMED;
  return NaN;
}

/**
 * The exact fast path alone, for tests: the value of bytes [start, end) if they are
 * `[-]digits[.digits]` whose digits form a mantissa below 2^53 with at most 22 decimals (one
 * correctly rounded division), else NaN (the reader then uses longDecimal or Number()).
 */
export function fastDecimal(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (i < end && bytes[i] === 45) i++;
  let m = 0;
  let digits = 0;
  let k = 0;
  let dot = false;
  for (; i < end; i++) {
    const c = bytes[i];
    if (c === 46 && !dot) {
      dot = true;
      continue;
    }
    if (c < 48 || c > 57) return NaN;
    m = m * 10 + (c - 48);
    digits++;
    if (dot) k++;
  }
  if (!(digits > 0 && m < TWO_53 && k <= 22)) return NaN;
  // What the reader computes for the field, terminated as in a file.
  const field = new Uint8Array(end - start + 4).fill(LF);
  field.set(bytes.subarray(start, end));
  return scanPlain(field, new DataView(field.buffer), 0, scratch, 0) >= 0 ? scratch[0] : NaN;
}

// ---------------------------------------------------------------------------------------------
// Times.

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** ISO-8601 date or date-time; without an offset it is UTC. NaN if not a valid one. */
export function parseIsoTime(text: string): number {
  const m = ISO.exec(text);
  if (!m) return NaN;
  const year = +m[1];
  const month = +m[2];
  const day = +m[3];
  const hour = m[4] === undefined ? 0 : +m[4];
  const minute = m[5] === undefined ? 0 : +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return NaN;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return NaN;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year < 100) ms = new Date(ms).setUTCFullYear(year);
  if (m[7] !== undefined) ms += Math.round(Number('0.' + m[7]) * 1000);
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.charCodeAt(0) === 45 ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2);
    const om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return NaN;
    ms -= sign * (oh * 3_600_000 + om * 60_000);
  }
  return ms;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

const UNITS: [number, string][] = [
  [604_800_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

/** 300000 -> "5m", 5400000 -> "90m", 1500 -> "1500ms". */
export function formatDuration(ms: number): string {
  for (const [size, unit] of UNITS) if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

// ---------------------------------------------------------------------------------------------
// Checks shared with the candle checker of streams and memory feeds (records/checkCandles.ts).

/** Why a candle with prices > 0 is impossible, or '' when low <= open, close <= high. */
export function impossibleCandle(open: number, high: number, low: number, close: number): string {
  const range = `expected low <= open, close <= high`;
  if (!(low <= high)) return `impossible candle: high ${high} is below low ${low}; ${range}`;
  for (const [name, v] of [['open', open], ['close', close]] as const) {
    if (!(v >= low && v <= high)) return `impossible candle: ${name} ${v} is outside low..high (${low}..${high}); ${range}`;
  }
  return '';
}

/**
 * Spacings looked at before judging the declared timeframe. Gaps (exchange outages) are rare:
 * the real 1h file has 28 in 58,419 bars, so among its first 20 spacings, or any real file's,
 * several are exactly one timeframe. When none of the first 20 is, the bars are not candles of
 * that timeframe (1h bars declared 1m would otherwise pass as one gap per bar).
 */
export const TIMEFRAME_EVIDENCE = 20;

/**
 * The message when the first TIMEFRAME_EVIDENCE spacings (`spacings`, all multiples of `tf`)
 * contain no spacing of one timeframe, or '' when they do.
 */
export function timeframeContradiction(spacings: Float64Array, tf: number): string {
  const sorted = Float64Array.from(spacings).sort();
  if (sorted[0] <= tf) return '';
  const median = sorted[sorted.length >> 1];
  return (
    `candles are ${formatDuration(median)} apart (the median of the first ${sorted.length} spacings; the smallest is ${formatDuration(sorted[0])}), never ${formatDuration(tf)}: ` +
    `these are not ${formatDuration(tf)} candles with gaps. Declare the timeframe of the data (timeframe: ${formatDuration(sorted[0])})`
  );
}

// ---------------------------------------------------------------------------------------------
// Header.

export const ROLE_IGNORE = 0;
export const ROLE_TIME = 1;
export const ROLE_OPEN = 2;
export const ROLE_HIGH = 3;
export const ROLE_LOW = 4;
export const ROLE_CLOSE = 5;
export const ROLE_VOLUME = 6;
export const ROLE_NAMES = ['', 'time', 'open', 'high', 'low', 'close', 'volume'];
const TIME_NAMES = ['time', 'timestamp', 'open_time', 'date'];
const EXPECTED = 'time (or timestamp, open_time, date), open, high, low, close, volume';

interface Header {
  names: string[];
  roles: Int32Array;
}

/** What column names are made of; a first line with anything else is not echoed back. */
const COLUMN_NAME = /^[\p{L}\p{M}\p{N} _.()[\]%#/$:+&'-]{0,64}$/u;
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/;
const HEADER_EXAMPLE = 'a header such as time,open,high,low,close,volume followed by one row per candle';

/**
 * Line 1 when it is not a header: said without quoting it (it may be a secret, binary, a whole
 * file) unless it is a data row. `example` describes the expected file, `what` names its kind.
 */
export function notAHeader(file: string, text: string, names: string[], example = HEADER_EXAMPLE, what = 'a candle file'): DataError | undefined {
  const bad = NOT_TEXT.exec(text);
  if (bad) {
    const what = bad[0] === '\ufffd' ? 'bytes that are not UTF-8' : bad[0] === '\u0000' ? 'a NUL byte' : 'a control character';
    return new DataError(file, 1, 'not-a-header', `line 1 is not text: it has ${what} at column ${bad.index + 1}; expected ${example}. Is this a CSV file (a .gz file must start with the gzip bytes)?`);
  }
  const first = names[0];
  if (names.length > 1 && first !== '' && (!Number.isNaN(slowNumber(first)) || !Number.isNaN(parseIsoTime(first)))) {
    return new DataError(file, 1, 'not-a-header', `line 1 is a row of values (${quoteText(text)}), not a header; expected ${example}. Add the header line (its columns in the file's order) at the top`);
  }
  if (names.length > 1 && names.every((name) => COLUMN_NAME.test(name))) return undefined;
  const sep = names.length === 1 ? [';', '\t', '|'].find((c) => text.split(c).length >= 3 && text.split(c).every((name) => COLUMN_NAME.test(unquote(name)))) : undefined;
  if (sep) return new DataError(file, 1, 'not-a-header', `line 1 separates its columns with ${sep === '\t' ? 'tabs' : `"${sep}"`}; expected commas (${example}). Convert the file to comma-separated values`);
  return new DataError(
    file,
    1,
    'not-a-header',
    `line 1 (${text.length} characters, ${names.length} comma-separated field${names.length === 1 ? '' : 's'}) does not look like a CSV header: a header has two or more comma-separated column names of at most 64 letters, digits, spaces and _ . - ( ) [ ] % # / $ : + & '; expected ${example}. Is this ${what}?`,
  );
}

function parseHeader(file: string, text: string): Header {
  const names = text.split(',').map(unquote);
  const notHeader = notAHeader(file, text, names);
  if (notHeader) throw notHeader;
  const roles = candleColumnRoles(file, names, 1, 'The first line must be a header naming them; rename the header\'s columns to match');
  return { names, roles };
}

/**
 * The role (ROLE_*) of each named column: time (or an alias), open, high, low, close, volume,
 * matched case-insensitively; others ignored. Throws when one is missing or named twice; `line`
 * is where the names are (the CSV header, 0 for Parquet's schema), `fix` ends the message.
 */
export function candleColumnRoles(file: string, names: string[], line: number, fix: string): Int32Array {
  const lower = names.map((s) => s.toLowerCase());
  const roles = new Int32Array(names.length);
  const missing: string[] = [];
  const assign = (role: number, candidates: string[]): void => {
    for (const name of candidates) {
      const idx = lower.indexOf(name);
      if (idx < 0) continue;
      if (lower.indexOf(name, idx + 1) >= 0) {
        throw new DataError(file, line, 'malformed', `column "${name}" appears twice in the ${line > 0 ? 'header' : 'schema'} (${clipText(names.join(','))}); expected each of ${EXPECTED} once. Rename or remove one of them`);
      }
      roles[idx] = role;
      return;
    }
    missing.push(ROLE_NAMES[role]);
  };
  assign(ROLE_TIME, TIME_NAMES);
  assign(ROLE_OPEN, ['open']);
  assign(ROLE_HIGH, ['high']);
  assign(ROLE_LOW, ['low']);
  assign(ROLE_CLOSE, ['close']);
  assign(ROLE_VOLUME, ['volume']);
  if (missing.length > 0) {
    throw new DataError(
      file,
      line,
      'missing-column',
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; found columns: ${clipText(names.map((s) => s || '(empty)').join(', '), 2 * QUOTE_MAX)}; expected: ${EXPECTED} (case-insensitive, any order, extra columns ignored). ${fix}`,
    );
  }
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Reading.

const SKIP_HINT = 'or set onBadRow: skip';

/** A candle row is under 200 bytes; a longer line than this is not one (and is not read whole). */
export const MAX_LINE_BYTES = 64 * 1024;

/** Content read at a time: enough that the per-block costs vanish, little enough to keep memory flat. */
const BLOCK_BYTES = 1 << 20;

/**
 * Reads an OHLCV candle file (CSV or gzip-compressed CSV) into columns, checking every row. The
 * file is read a block at a time (gzip decompressed as it goes): memory holds the columns and a
 * block, not the file.
 */
export async function readCandleCsv(path: string, options: CandleReadOptions): Promise<CandleColumns> {
  const file = DataFile.open(path, options.maxBytes);
  try {
    return await readCandleCsvFile(file, options);
  } finally {
    file.close();
  }
}

/**
 * readCandleCsv over an open DataFile, from its first byte. `hash` sees the stored bytes as they
 * are read (the column cache keys on them); `blockBytes` is for tests of rows across blocks.
 */
export function readCandleCsvFile(file: DataFile, options: CandleReadOptions, hash?: Hash, blockBytes = BLOCK_BYTES): Promise<CandleColumns> {
  return new CandleCsvReader(file, options, file.content(hash), blockBytes).read();
}

export function lineTooLong(file: string, line: number, bytes: number, record = 'candle'): DataError {
  return new DataError(
    file,
    line,
    'line-too-long',
    `line is ${bytes > 1 << 20 ? formatBytes(bytes) : `${bytes.toLocaleString('en-US')} bytes`} long, over the ${formatBytes(MAX_LINE_BYTES)} limit for a line; a ${record} row is a few dozen bytes. Is this a ${record} file, with LF or CRLF line ends?`,
  );
}

const LAST_VALID = 0;
const LAST_KEPT = 1;

/**
 * The checks every candle reader applies to its rows, in file order, and the columns of the rows
 * kept: prices > 0, volume >= 0, low <= open, close <= high, strictly increasing times spaced by
 * the timeframe (or multiples, recorded as gaps), start/end, and onBadRow. A reader decodes a row
 * into numbers, sets `at` to its line (CSV) or row (Parquet) number and calls `add`; a row it
 * cannot decode it reports with `bad`. Shared by readCandleCsv and readCandleParquet.
 */
export class CandleRowChecker {
  /** Line or row number of the row being checked (set by the reader before `add` or `bad`). */
  at = 0;
  rows = 0;
  readonly issues: DataIssue[] = [];
  private readonly tf: number;
  private readonly policy: BadRowPolicy;
  private readonly start: number;
  private readonly end: number;
  private time: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private readonly gaps: Gap[] = [];
  private prevAt = 0;
  // The times of the last valid row (LAST_VALID, anywhere in the file) and of the last kept row
  // (LAST_KEPT, inside start/end). In an array: storing a double in an object field makes a new
  // heap number each time, garbage on every row.
  private readonly last = Float64Array.of(NaN, NaN);
  private readonly spacings = new Float64Array(TIMEFRAME_EVIDENCE); // the first ones, to judge the timeframe
  private readonly row = new Float64Array(ROLE_VOLUME + 1); // add()'s values, for addRow
  private spacingsSeen = 0;

  /** `capacity`: the rows to make room for (more grow the columns). Throws a DataError 'options' for bad options. */
  constructor(
    readonly file: string,
    options: CandleReadOptions,
    capacity: number,
    readonly unit: PlaceUnit = 'line',
  ) {
    checkCandleOptions(file, options);
    this.tf = options.timeframeMs;
    this.policy = options.onBadRow ?? 'error';
    this.start = options.start ?? -Infinity;
    this.end = options.end ?? Infinity;
    this.time = new Float64Array(capacity);
    this.open = new Float64Array(capacity);
    this.high = new Float64Array(capacity);
    this.low = new Float64Array(capacity);
    this.close = new Float64Array(capacity);
    this.volume = new Float64Array(capacity);
  }

  /** A bad row at `at`: throws under 'error', else records it (the reader moves on). */
  bad(kind: DataIssueKind, message: string, hint: string): void {
    if (this.policy === 'error') throw new DataError(this.file, this.at, kind, `${message}. ${hint} ${SKIP_HINT}`, this.unit);
    this.issues.push({ line: this.at, kind, message });
  }

  /** Checks the decoded row at `at` (finite numbers, time in whole epoch ms) and keeps it if good and inside start/end. */
  add(tm: number, o: number, h: number, l: number, cl: number, vol: number): void {
    const row = this.row;
    row[ROLE_TIME] = tm;
    row[ROLE_OPEN] = o;
    row[ROLE_HIGH] = h;
    row[ROLE_LOW] = l;
    row[ROLE_CLOSE] = cl;
    row[ROLE_VOLUME] = vol;
    this.addRow(row);
  }

  /**
   * add() with the row's values in `v` at the ROLE_* indices. The readers' loops call this one:
   * V8 does not always inline a call from a large loop, and a call that is not inlined boxes each
   * double it passes (a CSV read of 1 M rows made ~96 MB of garbage that way, a scavenge every
   * 40,000 rows); an array passes none.
   */
  addRow(v: Float64Array): void {
    // Nearly every row: good, one timeframe after the last (so no gap: a kept row's predecessor
    // was kept), the timeframe judged, inside start/end, with room.
    const rows = this.rows;
    const tm = v[ROLE_TIME];
    const o = v[ROLE_OPEN];
    const h = v[ROLE_HIGH];
    const l = v[ROLE_LOW];
    const cl = v[ROLE_CLOSE];
    const vol = v[ROLE_VOLUME];
    if (
      tm - this.last[LAST_VALID] === this.tf &&
      l > 0 &&
      l <= o &&
      o <= h &&
      l <= cl &&
      cl <= h &&
      vol >= 0 &&
      this.spacingsSeen === TIMEFRAME_EVIDENCE &&
      tm >= this.start &&
      tm < this.end &&
      rows < this.time.length
    ) {
      this.last[LAST_VALID] = tm;
      this.prevAt = this.at;
      this.last[LAST_KEPT] = tm;
      this.time[rows] = tm;
      this.open[rows] = o;
      this.high[rows] = h;
      this.low[rows] = l;
      this.close[rows] = cl;
      this.volume[rows] = vol;
      this.rows = rows + 1;
      return;
    }
    this.check(tm, o, h, l, cl, vol);
  }

  /** add() for the rest: every check, each with its message. */
  private check(tm: number, o: number, h: number, l: number, cl: number, vol: number): void {
    if (!(o > 0 && h > 0 && l > 0 && cl > 0)) {
      const which = o > 0 ? (h > 0 ? (l > 0 ? 'close' : 'low') : 'high') : 'open';
      const value = which === 'open' ? o : which === 'high' ? h : which === 'low' ? l : cl;
      this.bad('non-positive-price', `${which} is ${value}; expected prices (open, high, low, close) > 0`, 'Fix or remove the row');
      return;
    }
    if (vol < 0) {
      this.bad('negative-volume', `volume is ${vol}; expected volume >= 0 (zero is valid)`, 'Fix or remove the row');
      return;
    }
    if (!(l <= h && o >= l && o <= h && cl >= l && cl <= h)) {
      this.bad('impossible-candle', impossibleCandle(o, h, l, cl), 'Fix or remove the row');
      return;
    }
    const prevTime = this.last[LAST_VALID];
    const unit = this.unit;
    if (tm <= prevTime) {
      if (tm === prevTime) {
        this.bad('duplicate', `duplicate time ${iso(tm)} (also on ${unit} ${this.prevAt}); rows must have strictly increasing times`, 'Remove the duplicate');
      } else {
        this.bad('out-of-order', `time ${iso(tm)} goes backwards (${unit} ${this.prevAt} has ${iso(prevTime)}); rows must have strictly increasing times`, 'Sort the file by time');
      }
      return;
    }
    const tf = this.tf;
    if (this.prevAt > 0) {
      const d = tm - prevTime;
      if (d < tf || d % tf !== 0) {
        throw new DataError(
          this.file,
          this.at,
          'timeframe',
          `rows are ${formatDuration(d)} apart (${iso(prevTime)} on ${unit} ${this.prevAt}, ${iso(tm)} on ${unit} ${this.at}), ${d < tf ? 'closer than' : 'not a multiple of'} the ${formatDuration(tf)} timeframe (timeframeMs ${tf}); the timeframe is wrong for this file. Expected rows ${formatDuration(tf)} apart (or a multiple, at gaps); read the file with the timeframe it was written with, or resample it`,
          unit,
        );
      }
      if (this.spacingsSeen < TIMEFRAME_EVIDENCE) {
        this.spacings[this.spacingsSeen++] = d;
        const contradiction = this.spacingsSeen === TIMEFRAME_EVIDENCE ? timeframeContradiction(this.spacings, tf) : '';
        if (contradiction) throw new DataError(this.file, this.at, 'timeframe', `declared timeframe ${formatDuration(tf)}, but ${contradiction}`, unit);
      }
    }
    this.last[LAST_VALID] = tm;
    this.prevAt = this.at;
    if (tm < this.start || tm >= this.end) return;
    const rows = this.rows;
    if (rows === this.time.length) this.grow();
    const kept = this.last[LAST_KEPT];
    if (rows > 0 && tm - kept > tf) this.gaps.push({ from: kept, to: tm, missingBars: (tm - kept) / tf - 1 });
    this.last[LAST_KEPT] = tm;
    this.time[rows] = tm;
    this.open[rows] = o;
    this.high[rows] = h;
    this.low[rows] = l;
    this.close[rows] = cl;
    this.volume[rows] = vol;
    this.rows = rows + 1;
  }

  /** Room for more rows than `capacity` said: half as many again. */
  private grow(): void {
    const capacity = Math.ceil(this.time.length * 1.5) + 16;
    const grown = (column: Float64Array): Float64Array => {
      const to = new Float64Array(capacity);
      to.set(column);
      return to;
    };
    this.time = grown(this.time);
    this.open = grown(this.open);
    this.high = grown(this.high);
    this.low = grown(this.low);
    this.close = grown(this.close);
    this.volume = grown(this.volume);
  }

  /**
   * The rows kept, as columns: views of the first `rows` values when they fill at least half the
   * room (room never written takes no memory), else copies.
   */
  finish(): CandleColumns {
    const rows = this.rows;
    let { time, open, high, low, close, volume } = this;
    if (rows < time.length) {
      const cut = rows >= time.length / 2 ? (column: Float64Array) => column.subarray(0, rows) : (column: Float64Array) => column.slice(0, rows);
      time = cut(time);
      open = cut(open);
      high = cut(high);
      low = cut(low);
      close = cut(close);
      volume = cut(volume);
    }
    const t = new Float64Array(rows);
    for (let i = 0; i < rows; i++) t[i] = time[i] + this.tf;
    return { file: this.file, rows, time, t, open, high, low, close, volume, gaps: this.gaps, issues: this.issues };
  }
}

/** Throws a DataError 'options' when the timeframe or the onBadRow policy is not one. */
export function checkCandleOptions(file: string, options: CandleReadOptions): void {
  const tf = options.timeframeMs;
  if (!(Number.isInteger(tf) && tf > 0)) {
    throw new DataError(file, 0, 'options', `timeframeMs is ${tf}; expected a positive whole number of milliseconds such as 3600000 for 1h`);
  }
  const policy = options.onBadRow ?? 'error';
  if (policy !== 'error' && policy !== 'skip' && policy !== 'warn') {
    throw new DataError(file, 0, 'options', `onBadRow is "${String(policy)}"; expected error, skip or warn`);
  }
}

/**
 * The error for a time below 1e11 (`text` as found): epoch seconds, not milliseconds. Thrown
 * whatever the onBadRow policy (every row of such a file is wrong the same way).
 */
export function epochSecondsError(file: string, at: number, text: string, unit: PlaceUnit = 'line'): DataError {
  return new DataError(
    file,
    at,
    'epoch-seconds',
    `time ${clipText(text)} looks like epoch seconds (a number below 1e11 is before 1973-03-03 in milliseconds); expected epoch milliseconds or ISO-8601. Multiply the time column by 1000 (e.g. 1502942400 -> 1502942400000) or write ISO-8601 times`,
    unit,
  );
}

/** Room made beyond the rows a file's first lines suggest (later lines may be shorter). */
const ESTIMATE_MARGIN = 1.1;

/**
 * The CSV candle reader's state across blocks. Errors come out as the whole-file reader they
 * replace had them: that reader decompressed the whole file first, then read the header, then
 * measured every line, then read rows. So on an error here the rest of the file is still read
 * (see firstError) for a gzip error or the size limit, which come first, and after a row's error
 * for a later line over the limit, which came before any row's.
 */
class CandleCsvReader {
  private readonly path: string;
  private readonly buf: Buffer;
  private readonly view: DataView;
  /** Bytes of content in buf. */
  private have = 0;
  private eof = false;
  /** Bytes of content before buf[0]. */
  private consumed = 0;
  private names: string[] = [];
  private roles: Int32Array = new Int32Array(0);
  private checker: CandleRowChecker | undefined;
  /** The line being read (1: the header). */
  private line = 1;
  /** The first of the blank lines seen since the last row (0: none): an error unless only blank lines follow. */
  private blankFrom = 0;
  /** Where the line being read when an error was thrown starts, in buf (-1: not in the rows). */
  private failedAt = -1;
  private readonly vals = new Float64Array(7);

  constructor(
    private readonly file: DataFile,
    private readonly options: CandleReadOptions,
    private readonly content: ContentReader,
    private readonly blockBytes: number,
  ) {
    this.path = file.path;
    // A block, what is left of a line (at most MAX_LINE_BYTES + 1 bytes) before it, a sentinel
    // byte and three more (scanPlain reads four at a time).
    this.buf = Buffer.allocUnsafe(MAX_LINE_BYTES + blockBytes + 8);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  async read(): Promise<CandleColumns> {
    try {
      checkCandleOptions(this.path, this.options);
      let pos = await this.header();
      const checker = new CandleRowChecker(this.path, this.options, this.estimateRows(pos));
      this.checker = checker;
      for (;;) {
        // The complete lines in buf; in the last block all of it, a sentinel LF after it.
        let limit = this.have;
        if (this.eof) this.buf[limit] = LF;
        else limit = Math.max(pos, this.buf.lastIndexOf(LF, this.have - 1) + 1);
        pos = this.rows(this.buf, pos, limit);
        if (this.eof) break;
        this.drop(pos);
        pos = 0;
        if (this.have > MAX_LINE_BYTES) {
          const start = this.consumed;
          const end = await this.lineEnd(0);
          throw lineTooLong(this.path, this.line + 1, end.at - start);
        }
        await this.more();
      }
      return checker.finish();
    } catch (e) {
      throw await this.firstError(e);
    }
  }

  /** Reads up to blockBytes more content into buf (less at the end of the file, then eof). */
  private async more(): Promise<void> {
    const end = this.have + this.blockBytes;
    while (this.have < end) {
      const n = await this.content.read(this.buf, this.have, end - this.have);
      if (n === 0) {
        this.eof = true;
        return;
      }
      this.have += n;
    }
  }

  /** Drops buf[0, pos): what follows moves to the front. */
  private drop(pos: number): void {
    this.buf.copyWithin(0, pos, this.have);
    this.consumed += pos;
    this.have -= pos;
  }

  /** The first LF in buf[from, have), or -1. */
  private lf(from: number): number {
    const at = this.buf.indexOf(LF, from);
    return at >= 0 && at < this.have ? at : -1;
  }

  /**
   * Where the line containing buf[from] ends, in content bytes from the start of the file: its LF,
   * or the end of the file; and whether a CR comes right before. Reads on, dropping what it passes.
   */
  private async lineEnd(from: number): Promise<{ at: number; cr: boolean }> {
    for (;;) {
      const lf = this.lf(from);
      if (lf >= 0) return { at: this.consumed + lf, cr: lf > 0 && this.buf[lf - 1] === CR };
      if (this.eof) return { at: this.consumed + this.have, cr: this.have > 0 && this.buf[this.have - 1] === CR };
      // Keep the last byte: it may be the CR of a CRLF.
      from = Math.min(this.have, 1);
      this.drop(this.have - from);
      await this.more();
    }
  }

  /** Reads line 1 and the column roles from it; returns where line 2 starts. */
  private async header(): Promise<number> {
    let lf = -1;
    do {
      const searched = this.have;
      await this.more();
      lf = this.lf(searched);
    } while (lf < 0 && !this.eof && this.have <= MAX_LINE_BYTES + 4);
    const buf = this.buf;
    const pos = this.have >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    // Without an LF so far, the line runs past MAX_LINE_BYTES (or to the end of the file).
    let textEnd = lf >= 0 ? lf : this.have;
    if (textEnd > pos && buf[textEnd - 1] === CR) textEnd--;
    if (buf.subarray(pos, Math.min(textEnd, pos + MAX_LINE_BYTES)).indexOf(CR) >= 0) {
      throw new DataError(this.path, 1, 'not-a-header', `line 1 has a carriage return (\\r) inside it: the lines seem to end with CR alone (old Mac style); expected LF or CRLF line ends. Convert them, e.g. tr '\\r' '\\n' < in.csv > out.csv`);
    }
    if (lf < 0 && !this.eof) {
      const end = await this.lineEnd(0);
      throw lineTooLong(this.path, 1, end.at - (end.cr ? 1 : 0) - pos);
    }
    if (textEnd - pos > MAX_LINE_BYTES) throw lineTooLong(this.path, 1, textEnd - pos);
    const headerText = fieldText(buf, pos, textEnd);
    if (headerText.trim() === '') {
      throw new DataError(this.path, 1, 'empty', `${this.have === 0 ? 'file is empty' : 'first line is blank'}; expected a header row such as time,open,high,low,close,volume followed by one row per candle`);
    }
    const { names, roles } = parseHeader(this.path, headerText);
    this.names = names;
    this.roles = roles;
    return lf >= 0 ? lf + 1 : this.have;
  }

  /**
   * Rows to make room for: every line of a file read whole in the first block, else the file's
   * size over the length of the lines in the first MiB, with a margin (the columns grow past it
   * if need be; room never written takes no memory).
   */
  private estimateRows(pos: number): number {
    const window = this.eof ? this.have : Math.min(this.have, pos + (1 << 20));
    let lines = 0;
    for (let at = pos; at < window; lines++) {
      const lf = this.lf(at);
      at = lf < 0 || lf >= window ? window : lf + 1;
    }
    if (this.eof || lines === 0) return lines;
    return Math.max(0, Math.ceil(((this.file.sizeHint - this.consumed - pos) * lines * ESTIMATE_MARGIN) / (window - pos))) + 1024;
  }

  /**
   * Reads the lines that start in buf[pos, n): each ends with an LF before n, or is the file's
   * last, followed by a sentinel LF at n. Returns where the next line starts.
   */
  private rows(buf: Buffer, pos: number, n: number): number {
    const roles = this.roles;
    const ncols = roles.length;
    const last = ncols - 1;
    const vals = this.vals;
    const view = this.view;
    const checker = this.checker!;
    let lineStart = pos;
    try {
      while (pos < n) {
        lineStart = pos;
        const line = ++this.line;
        let c = buf[pos];
        if (c === LF || c === CR || c === 32 || c === 9) {
          let j = pos;
          while (c === 32 || c === 9 || c === CR) c = buf[++j];
          if (c === LF) {
            // A blank line: malformed, unless nothing but blank lines follows.
            if (j - lineStart > MAX_LINE_BYTES) throw lineTooLong(this.path, line, j - lineStart);
            if (j >= n) return n; // the sentinel: blank to the end
            if (this.blankFrom === 0) this.blankFrom = line;
            pos = j + 1;
            continue;
          }
        }
        if (this.blankFrom !== 0) this.blankLines(line);

        // Fast path: plain numbers, one per column, then the line end. Anything else (and any
        // bad row) is read again by slowRow, which says what is wrong.
        let p = pos;
        let col = 0;
        for (; col < ncols; col++) {
          const role = roles[col];
          if (role === ROLE_IGNORE) {
            c = buf[p];
            while (c !== COMMA && c !== LF && c !== CR) c = buf[++p];
          } else {
            p = scanPlain(buf, view, p, vals, role);
            if (p < 0) break;
            c = buf[p];
          }
          if (col < last) {
            if (c !== COMMA) break;
            p++;
          }
        }
        if (col === ncols && (c === LF || (c === CR && buf[++p] === LF))) {
          const time = vals[ROLE_TIME];
          if (time >= 1e11 && Math.floor(time) === time) {
            if (p - lineStart > MAX_LINE_BYTES) throw lineTooLong(this.path, line, p - lineStart);
            checker.at = line;
            checker.addRow(vals);
            pos = p + 1;
            continue;
          }
        }
        pos = this.slowRow(buf, lineStart, n, line);
      }
    } catch (e) {
      this.failedAt = lineStart;
      throw e;
    }
    return pos;
  }

  /** The blank lines from blankFrom to the line before `line`, now that a row follows them. */
  private blankLines(line: number): void {
    const from = this.blankFrom;
    this.blankFrom = 0;
    for (let at = from; at < line; at++) this.bad(at, 'malformed', `blank line; expected a row of ${this.roles.length} values`, 'Remove the blank line');
  }

  private bad(line: number, kind: DataIssueKind, message: string, hint: string): void {
    const checker = this.checker!;
    checker.at = line;
    checker.bad(kind, message, hint);
  }

  /**
   * Reads the row at pos (line `line`, not blank) field by field, saying what is wrong with it
   * if anything (times in ISO-8601 and numbers Number() reads also come here). Returns where
   * the next line starts.
   */
  private slowRow(buf: Buffer, pos: number, n: number, line: number): number {
    const lineStart = pos;
    const lf = buf.indexOf(LF, pos); // at most n: the sentinel
    if (lf - lineStart > MAX_LINE_BYTES) throw lineTooLong(this.path, line, lf - lineStart);
    const roles = this.roles;
    const ncols = roles.length;
    const vals = this.vals;
    let err = 0;
    let errCol = -1;
    let fieldStart = pos;
    let col = 0;
    let c = 0;
    for (; col < ncols; col++) {
      if (col > 0) {
        if (pos >= n || buf[pos] !== COMMA) break; // too few fields
        pos++;
      }
      fieldStart = pos;
      const role = roles[col];
      if (role === ROLE_IGNORE) {
        while (pos < n) {
          c = buf[pos];
          if (c === COMMA || c === LF || c === CR) break;
          pos++;
        }
        continue;
      }
      const v = scanField(buf, this.view, pos, n);
      pos = gEnd;
      if (v !== v) {
        if (role === ROLE_TIME && gErr === ERR_MALFORMED) {
          const ms = parseIsoTime(unquote(fieldText(buf, fieldStart, pos)));
          if (ms === ms) {
            vals[ROLE_TIME] = ms;
            continue;
          }
        }
        err = gErr;
        errCol = col;
        break;
      }
      if (role === ROLE_TIME && !Number.isInteger(v)) {
        err = ERR_MALFORMED;
        errCol = col;
        break;
      }
      if (role === ROLE_TIME && v < 0) {
        err = ERR_MALFORMED;
        errCol = col;
        break;
      }
      if (role === ROLE_TIME && v < 1e11) throw epochSecondsError(this.path, line, fieldText(buf, fieldStart, pos));
      vals[role] = v;
    }

    // End of line: '\n', '\r\n' or the end of the file.
    if (err === 0) {
      if (col < ncols) {
        err = ERR_MALFORMED;
      } else if (pos < n) {
        c = buf[pos];
        if (c === LF) pos++;
        else if (c === CR && (pos + 1 >= n || buf[pos + 1] === LF)) pos += 2;
        else err = ERR_MALFORMED;
      }
    }
    if (err !== 0) {
      const text = fieldText(buf, lineStart, lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf);
      const names = this.names;
      if (errCol < 0) {
        const found = text.split(',').length;
        this.bad(line, 'malformed', `found ${found} value${found === 1 ? '' : 's'}, expected ${ncols} (header: ${clipText(names.join(','))}): ${quoteText(text)}`, 'Every row needs one value per header column; fix the row');
      } else {
        const value = fieldText(buf, fieldStart, gEnd);
        const name = names[errCol] || `#${errCol + 1}`;
        if (roles[errCol] === ROLE_TIME) {
          if (err === ERR_NAN) this.bad(line, 'nan', `time is ${quoteText(value)}; expected a finite time`, 'Fix or remove the row');
          else this.bad(line, 'malformed', `time ${quoteText(value)} is not a time; expected integer epoch milliseconds (e.g. 1502942400000) or ISO-8601 (2024-01-02T03:00:00Z, 2024-01-02 03:00:00, 2024-01-02; UTC unless an offset is given)`, 'Fix the value');
        } else if (err === ERR_NAN) {
          this.bad(line, 'nan', `${name} is ${quoteText(value)}; expected a finite number`, 'Fix or remove the row');
        } else {
          this.bad(line, 'malformed', `${name} ${quoteText(value)} is not a number; expected a decimal number such as 4261.48`, 'Fix the value');
        }
      }
      return lf + 1;
    }

    const checker = this.checker!;
    checker.at = line;
    checker.addRow(vals);
    return pos;
  }

  /**
   * The error to throw for `e`: a gzip error or the size limit further on if any (the whole-file
   * reader met those first); after a row's error, else the first line over the limit from that
   * row on (it measured every line before reading rows); else `e`.
   */
  private async firstError(e: unknown): Promise<unknown> {
    if (!(e instanceof DataError) || e.kind === 'too-large' || e.kind === 'gzip') return e;
    let from = this.failedAt;
    const longLines = from >= 0 && e.kind !== 'line-too-long';
    if (!longLines && !this.file.gzip) return e;
    let found: DataError | undefined;
    let line = this.line;
    let lineStart = this.consumed + from;
    try {
      for (;;) {
        if (longLines && !found) {
          for (let lf = this.lf(from); lf >= 0; lf = this.lf(from)) {
            const length = this.consumed + lf - lineStart;
            if (length > MAX_LINE_BYTES) {
              found = lineTooLong(this.path, line, length);
              break;
            }
            line++;
            from = lf + 1;
            lineStart = this.consumed + from;
          }
          if (!found && this.eof && this.consumed + this.have - lineStart > MAX_LINE_BYTES) found = lineTooLong(this.path, line, this.consumed + this.have - lineStart);
        }
        if (this.eof || (found && !this.file.gzip)) break;
        this.drop(this.have);
        from = 0;
        await this.more();
      }
    } catch (later) {
      if (later instanceof DataError) return later;
      throw later;
    }
    return found ?? e;
  }
}

