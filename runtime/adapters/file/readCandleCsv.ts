import { gunzipSync } from 'node:zlib';
import { DATA_MAX_BYTES, FileRefusedError, formatBytes, readBounded } from '../../boundedRead.js';
import { QUOTE_MAX, clipText, quoteText } from '../../quoteText.js';


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

/**
 * A problem with a data file. `kind` is a DataIssue kind for row problems, or one of the
 * file-level kinds 'missing-column', 'not-a-header', 'epoch-seconds', 'timeframe', 'empty',
 * 'gzip', 'options', 'line-too-long', for Parquet 'column-type' and 'parquet' (not readable as
 * Parquet), and from reading: 'not-a-file', 'system-file', 'too-large' (these are thrown whatever
 * the onBadRow policy). `line` is 1-based (the header is line 1, or a Parquet row number when
 * `unit` is 'row'; 0 when the problem is not on a line).
 */
export class DataError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly kind: string,
    detail: string,
    /** 'row' for a file without lines (Parquet): `line` is then the row number from 1, said `FILE: row N:`. */
    readonly unit: PlaceUnit = 'line',
  ) {
    super(line > 0 ? `${placeOf(file, line, unit)}: ${detail}` : `${file}: ${detail}`);
    this.name = 'DataError';
  }
}

/** How a reader numbers its records: CSV lines (the header is line 1), or Parquet rows from 1. */
export type PlaceUnit = 'line' | 'row';

/** `FILE:LINE` for a line, `FILE: row N` for a row. */
export function placeOf(file: string, n: number, unit: PlaceUnit): string {
  return unit === 'line' ? `${file}:${n}` : `${file}: row ${n}`;
}

// ---------------------------------------------------------------------------------------------
// Number scanning.

/** Exact powers of ten: every 10^k with k <= 22 is exactly representable as a double. */
const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10[k] = p;
const TWO_53 = 9007199254740992;

const COMMA = 44;
const LF = 10;
const CR = 13;

const ERR_MALFORMED = 1;
const ERR_NAN = 2;

// Out-values of scanField (module state, so the hot path allocates nothing).
let gEnd = 0; // index of the byte that ended the field (',' '\r' '\n') or the buffer length
let gErr = 0; // when scanField returned NaN: ERR_MALFORMED or ERR_NAN

/**
 * Parses the field starting at `i`. Fast path (Clinger): `[-]digits[.digits]` whose digits form
 * an integer mantissa m < 2^53 (so every field of at most 15 significant digits) with k <= 22
 * fraction digits is m / 10^k, both exact doubles, so the one division is correctly rounded and
 * equals Number(text) bit for bit. Anything else goes through Number() on the field's text.
 * Returns NaN (and sets gErr) for an unparsable or non-finite field; sets gEnd to the field end.
 */
function scanField(b: Uint8Array, i: number, n: number): number {
  const start = i;
  let neg = false;
  if (i < n && b[i] === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let c = 0;
  while (i < n) {
    c = b[i] - 48;
    if (c < 0 || c > 9) break;
    m = m * 10 + c;
    digits++;
    i++;
  }
  let k = 0;
  if (i < n && b[i] === 46) {
    i++;
    while (i < n) {
      c = b[i] - 48;
      if (c < 0 || c > 9) break;
      m = m * 10 + c;
      k++;
      i++;
    }
    digits += k;
  }
  if (digits > 0 && m < TWO_53 && k <= 22) {
    if (i >= n) {
      gEnd = i;
      return neg ? -(m / POW10[k]) : m / POW10[k];
    }
    c = b[i];
    if (c === COMMA || c === LF || c === CR) {
      gEnd = i;
      return neg ? -(m / POW10[k]) : m / POW10[k];
    }
  }
  // Slow path: find the end of the field, then Number() its text.
  while (i < n) {
    c = b[i];
    if (c === COMMA || c === LF || c === CR) break;
    i++;
  }
  gEnd = i;
  return slowNumber(fieldText(b, start, i));
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
 * The fast path alone, for tests: the value of bytes [start, end) if they are `[-]digits[.digits]`
 * that the fast path takes, else NaN (the reader would then use Number() on the text).
 */
export function fastDecimal(bytes: Uint8Array, start: number, end: number): number {
  const v = scanField(bytes, start, end);
  // scanField falls back to Number() itself; report only what the fast path produced.
  let i = start;
  if (i < end && bytes[i] === 45) i++;
  let digits = 0;
  let m = 0;
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
  return digits > 0 && m < TWO_53 && k <= 22 ? v : NaN;
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

const TOO_LARGE_HINT = 'split it into smaller files (e.g. one per year) and run them one after the other, or resample it to a longer timeframe';

/**
 * A candle file's bytes, decompressed, within `maxBytes` (default DATA_MAX_BYTES): a regular file
 * only (see readBounded), a .gz one decompressed no further than the limit. Shared by the CSV
 * and JSON-lines readers.
 */
export async function readDataFile(path: string, maxBytes = DATA_MAX_BYTES): Promise<Buffer> {
  return inflateDataFile(path, readStoredDataFile(path, maxBytes), maxBytes);
}

/** A data file's bytes as stored (still gzip-compressed for a .gz), under the same rules as readDataFile. */
export function readStoredDataFile(path: string, maxBytes = DATA_MAX_BYTES): Buffer {
  try {
    return readBounded(path, { maxBytes, expected: 'a data file (CSV, CSV.gz or JSON lines)', tooLargeHint: TOO_LARGE_HINT });
  } catch (e) {
    if (e instanceof FileRefusedError) throw new DataError(path, 0, e.kind, e.detail);
    throw e;
  }
}

/** Stored bytes as the parser reads them: gzip (by its magic bytes, whatever the name) decompressed within `maxBytes`. */
export function inflateDataFile(path: string, raw: Buffer, maxBytes = DATA_MAX_BYTES): Buffer {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    // Synchronous: the thread-pool round trips of the async gunzip cost about as much again as inflating.
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(path, 0, 'too-large', `decompresses to more than the ${formatBytes(maxBytes)} limit for a data file (CSV, CSV.gz or JSON lines); ${TOO_LARGE_HINT}`);
    }
    throw new DataError(path, 0, 'gzip', `starts like a gzip file but could not be decompressed (${(e as Error).message}); expected a complete .gz file or plain CSV. Download or compress it again`);
  }
}

/** Reads an OHLCV candle file (CSV or gzip-compressed CSV) into columns, checking every row. */
export async function readCandleCsv(path: string, options: CandleReadOptions): Promise<CandleColumns> {
  return parseCandleBuffer(path, await readDataFile(path, options.maxBytes), options);
}

export function lineTooLong(file: string, line: number, bytes: number, record = 'candle'): DataError {
  return new DataError(
    file,
    line,
    'line-too-long',
    `line is ${bytes > 1 << 20 ? formatBytes(bytes) : `${bytes.toLocaleString('en-US')} bytes`} long, over the ${formatBytes(MAX_LINE_BYTES)} limit for a line; a ${record} row is a few dozen bytes. Is this a ${record} file, with LF or CRLF line ends?`,
  );
}

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
  private prevTime = NaN; // last valid row (anywhere in the file)
  private prevAt = 0;
  private keptTime = NaN; // last kept row (inside start/end)
  private readonly spacings = new Float64Array(TIMEFRAME_EVIDENCE); // the first ones, to judge the timeframe
  private spacingsSeen = 0;

  /** `capacity`: the most rows the file can have. Throws a DataError 'options' for bad options. */
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
    const prevTime = this.prevTime;
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
    this.prevTime = tm;
    this.prevAt = this.at;
    if (tm < this.start || tm >= this.end) return;
    const rows = this.rows;
    if (rows > 0 && tm - this.keptTime > tf) this.gaps.push({ from: this.keptTime, to: tm, missingBars: (tm - this.keptTime) / tf - 1 });
    this.keptTime = tm;
    this.time[rows] = tm;
    this.open[rows] = o;
    this.high[rows] = h;
    this.low[rows] = l;
    this.close[rows] = cl;
    this.volume[rows] = vol;
    this.rows = rows + 1;
  }

  /** The rows kept, as columns. */
  finish(): CandleColumns {
    const rows = this.rows;
    let { time, open, high, low, close, volume } = this;
    if (rows < time.length) {
      time = time.slice(0, rows);
      open = open.slice(0, rows);
      high = high.slice(0, rows);
      low = low.slice(0, rows);
      close = close.slice(0, rows);
      volume = volume.slice(0, rows);
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

/** The parser behind readCandleCsv, over an already decompressed buffer. */
export function parseCandleBuffer(file: string, buf: Uint8Array, options: CandleReadOptions): CandleColumns {
  checkCandleOptions(file, options);
  const n = buf.length;
  let pos = 0;
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;

  // Header (line 1).
  let headerEnd = buf.indexOf(LF, pos);
  if (headerEnd < 0) headerEnd = n;
  let headerTextEnd = headerEnd;
  if (headerTextEnd > pos && buf[headerTextEnd - 1] === CR) headerTextEnd--;
  if (buf.subarray(pos, Math.min(headerTextEnd, pos + MAX_LINE_BYTES)).indexOf(CR) >= 0) {
    throw new DataError(file, 1, 'not-a-header', `line 1 has a carriage return (\\r) inside it: the lines seem to end with CR alone (old Mac style); expected LF or CRLF line ends. Convert them, e.g. tr '\\r' '\\n' < in.csv > out.csv`);
  }
  if (headerTextEnd - pos > MAX_LINE_BYTES) throw lineTooLong(file, 1, headerTextEnd - pos);
  const headerText = fieldText(buf, pos, headerTextEnd);
  if (headerText.trim() === '') {
    throw new DataError(file, 1, 'empty', `${n === 0 ? 'file is empty' : 'first line is blank'}; expected a header row such as time,open,high,low,close,volume followed by one row per candle`);
  }
  const { names, roles } = parseHeader(file, headerText);
  const ncols = roles.length;
  pos = headerEnd + 1;

  // Capacity: one row per remaining line (and no line over the limit: no field is decoded whole).
  let cap = 0;
  for (let i = pos; i < n; ) {
    let j = buf.indexOf(LF, i);
    if (j < 0) j = n;
    if (j - i > MAX_LINE_BYTES) throw lineTooLong(file, cap + 2, j - i);
    cap++;
    i = j + 1;
  }
  const checker = new CandleRowChecker(file, options, cap);
  const bad = (kind: DataIssueKind, message: string, hint: string): void => {
    checker.at = line;
    checker.bad(kind, message, hint);
  };
  const vals = new Float64Array(7);
  let line = 1;
  const colName = (col: number): string => names[col] || `#${col + 1}`;

  while (pos < n) {
    line++;
    const lineStart = pos;
    let c = buf[pos];
    if (c === LF || c === CR || c === 32 || c === 9) {
      // Blank line(s): fine at the end of the file, malformed in the middle.
      let j = pos;
      while (j < n && (buf[j] === LF || buf[j] === CR || buf[j] === 32 || buf[j] === 9)) j++;
      if (j >= n) break;
      const nl = buf.indexOf(LF, pos);
      if (nl >= 0 && nl < j) {
        pos = nl + 1;
        bad('malformed', `blank line; expected a row of ${ncols} values`, 'Remove the blank line');
        continue;
      }
    }

    let err = 0;
    let errCol = -1;
    let fieldStart = pos;
    let col = 0;
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
      const v = scanField(buf, pos, n);
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
      if (role === ROLE_TIME && v < 1e11) throw epochSecondsError(file, line, fieldText(buf, fieldStart, pos));
      vals[role] = v;
    }

    // End of line: '\n', '\r\n' or the end of the buffer.
    let lineEnd = pos;
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
      const nl = buf.indexOf(LF, pos);
      lineEnd = nl < 0 ? n : nl;
      pos = nl < 0 ? n : nl + 1;
      const text = fieldText(buf, lineStart, lineEnd > lineStart && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd);
      if (errCol < 0) {
        const found = text.split(',').length;
        bad('malformed', `found ${found} value${found === 1 ? '' : 's'}, expected ${ncols} (header: ${clipText(names.join(','))}): ${quoteText(text)}`, 'Every row needs one value per header column; fix the row');
      } else {
        const value = fieldText(buf, fieldStart, gEnd);
        const name = colName(errCol);
        if (roles[errCol] === ROLE_TIME) {
          if (err === ERR_NAN) bad('nan', `time is ${quoteText(value)}; expected a finite time`, 'Fix or remove the row');
          else bad('malformed', `time ${quoteText(value)} is not a time; expected integer epoch milliseconds (e.g. 1502942400000) or ISO-8601 (2024-01-02T03:00:00Z, 2024-01-02 03:00:00, 2024-01-02; UTC unless an offset is given)`, 'Fix the value');
        } else if (err === ERR_NAN) {
          bad('nan', `${name} is ${quoteText(value)}; expected a finite number`, 'Fix or remove the row');
        } else {
          bad('malformed', `${name} ${quoteText(value)} is not a number; expected a decimal number such as 4261.48`, 'Fix the value');
        }
      }
      continue;
    }

    checker.at = line;
    checker.add(vals[ROLE_TIME], vals[ROLE_OPEN], vals[ROLE_HIGH], vals[ROLE_LOW], vals[ROLE_CLOSE], vals[ROLE_VOLUME]);
  }
  return checker.finish();
}
