/**
 * `hean data download binance SYMBOL TIMEFRAME --from DATE --to DATE`: fetches public Binance
 * spot klines (GET /api/v3/klines, no API key) into a CSV(.gz) file laid out like the shared data
 * files: header `time,open,high,low,close,volume`, time = open time in epoch ms (UTC), numbers as
 * `String(Number(field))`.
 *
 * Robustness:
 * - rows are appended to `<out>.partial` (plain CSV) page by page; a later run with the same
 *   output resumes after the last complete row (a torn last line is cut off);
 * - network errors, HTTP 429 and 5xx are retried with exponential backoff (Retry-After honoured),
 *   at most MAX_TRIES tries per request;
 * - the final file is written to a temporary name and renamed, so it is either complete or absent;
 * - gaps (exchange outages) are reported, never filled.
 */
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync, fstatSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { timeframeMs } from './timeframe.js';
import { candleParquet } from './candleParquet.js';
import { readCandleCsv } from '../adapters/file/readCandleCsv.js';

export interface DownloadOptions {
  exchange: 'binance';
  /** BTCUSDT (case-insensitive). */
  symbol: string;
  /** 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d */
  timeframe: string;
  /** Epoch ms; bars with open time in [from, to) are fetched. */
  from: number;
  to: number;
  /** Target data directory (created if missing). */
  dir: string;
  /** Explicit output file path (relative to the working directory), overrides the default name. CSV: gzipped when it ends in `.gz`, plain otherwise. */
  out?: string;
  /** 'csv' (the default) or 'parquet' (candleParquet's columns; the default when `out` ends in `.parquet`). */
  format?: CandleFileFormat;
  /** Default 'https://api.binance.com'. */
  baseUrl?: string;
  /** Bars fetched / bars expected (the estimate shrinks as gaps are found; the last call has done == total). */
  onProgress?: (done: number, total: number) => void;
  fetchImpl?: typeof fetch;
  /** Base delay of the exponential backoff between tries (default 1000 ms; doubles each try). For tests. */
  retryDelayMs?: number;
  /** Per-request timeout (default 30 000 ms); a timeout counts as a network error and is retried. */
  requestTimeoutMs?: number;
}

export interface DownloadResult {
  /** Absolute path of the written file. */
  file: string;
  rows: number;
  /** Missing bars between two present bars: open time of the bar before, of the bar after, bars missing. */
  gaps: { from: number; to: number; missingBars: number }[];
  /** Set when a `.partial` from an earlier run was continued: the open time fetching resumed at. */
  resumedFrom?: number;
  /** HTTP requests made by this call (retries included). */
  requests: number;
}

export const DEFAULT_BINANCE_URL = 'https://api.binance.com';
export const CSV_HEADER = 'time,open,high,low,close,volume';
/** Binance's maximum `limit` for /api/v3/klines. */
export const KLINES_PAGE_LIMIT = 1000;
const MAX_TRIES = 5;

/** Binance spot intervals this downloader accepts (its `1M` is a calendar month: not a fixed bar). */
const BINANCE_INTERVALS = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'];

/** Bar length in ms of a Binance interval this downloader accepts. */
export function parseTimeframe(tf: string): number {
  if (!BINANCE_INTERVALS.includes(tf)) throw new Error(`timeframe "${tf}" is not supported for download; accepted: ${BINANCE_INTERVALS.join(', ')}`);
  return timeframeMs(tf);
}

function yearMonth(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/** First bar open time >= t on the bar grid (Binance bars up to 1d are aligned to the epoch, i.e. UTC). */
function alignUp(t: number, tfMs: number): number {
  return Math.ceil(t / tfMs) * tfMs;
}

export type CandleFileFormat = 'csv' | 'parquet';

/** The format of an output file: `format` if given, else by the extension of `out` (.parquet), else CSV. Throws when they disagree. */
export function candleFileFormat(format: string | undefined, out: string | undefined): CandleFileFormat {
  const byName = out === undefined ? undefined : /\.parquet$/i.test(out) ? 'parquet' : 'csv';
  if (format === undefined) return byName ?? 'csv';
  if (format !== 'csv' && format !== 'parquet') throw new Error(`format "${format}" is not one; expected csv or parquet`);
  if (byName !== undefined && byName !== format) {
    throw new Error(`output file ${out} ${byName === 'parquet' ? 'ends in .parquet' : 'does not end in .parquet'} but the format is ${format}; name a ${format === 'parquet' ? '.parquet' : '.csv or .csv.gz'} file, or leave the format out`);
  }
  return format;
}

/** `btcusdt_1h_binance_2017-08_2024-04.csv.gz` (`.parquet` for Parquet): months (UTC) of `from` and of the last bar open time < `to`. */
export function defaultCandleFileName(symbol: string, timeframe: string, from: number, to: number, format: CandleFileFormat = 'csv'): string {
  const tfMs = parseTimeframe(timeframe);
  checkRange(from, to);
  const lastBar = Math.max(from, Math.floor((to - 1) / tfMs) * tfMs);
  return `${normaliseSymbol(symbol).toLowerCase()}_${timeframe}_binance_${yearMonth(from)}_${yearMonth(lastBar)}.${format === 'parquet' ? 'parquet' : 'csv.gz'}`;
}

function checkRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error(`download range must be epoch milliseconds; got from=${from}, to=${to}`);
  if (to <= from) throw new Error(`download range is empty: to (${new Date(to).toISOString()}) must be after from (${new Date(from).toISOString()})`);
}

export function normaliseSymbol(symbol: string): string {
  const s = symbol.trim().toUpperCase();
  if (!/^[A-Z0-9]{2,30}$/.test(s)) throw new Error(`symbol "${symbol}" is not a Binance spot symbol; expected letters and digits only, such as BTCUSDT (not BTC/USDT)`);
  return s;
}

/** The URL as shown in messages: no user:password, no host-level secrets. */
function displayUrl(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  return u.href;
}

/**
 * The exchange refused the request (an HTTP 4xx other than 429). `status` 400 means the request's
 * own values are wrong, and those come from the user (symbol, timeframe, dates): a usage error.
 */
export class ExchangeRejection extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ExchangeRejection';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface PartialState {
  rows: number;
  last: number | undefined;
  first: number | undefined;
  gaps: DownloadResult['gaps'];
}

export async function downloadCandles(options: DownloadOptions): Promise<DownloadResult> {
  if (options.exchange !== 'binance') throw new Error(`exchange "${String(options.exchange)}" is not supported; supported: binance`);
  const symbol = normaliseSymbol(options.symbol);
  const tfMs = parseTimeframe(options.timeframe);
  const { from, to } = options;
  checkRange(from, to);
  const fetchImpl = options.fetchImpl ?? globalThis.fetch;
  const baseDelay = options.retryDelayMs ?? 1000;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const base = new URL(options.baseUrl || DEFAULT_BINANCE_URL);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error(`baseUrl ${displayUrl(base)} must be http(s)`);

  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const format = candleFileFormat(options.format, options.out);
  const file = options.out ? resolve(options.out) : join(dir, defaultCandleFileName(symbol, options.timeframe, from, to, format));
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;

  let requests = 0;

  // ---- resume from an earlier partial, if any
  let state = existsSync(partial) ? await loadPartial(partial, tfMs, from, to) : undefined;
  if (state && state.first !== undefined && state.first > alignUp(from, tfMs)) {
    // The partial starts later than this request: fine if the exchange has nothing before it
    // (listing date), otherwise it is from another request (a different --from, same month).
    const probe = await requestPage(alignUp(from, tfMs), state.first - 1, 1);
    if (probe.length > 0) state = undefined;
  }
  if (!state) {
    const fd = openSync(partial, 'w');
    writeSync(fd, `${CSV_HEADER}\n`);
    closeSync(fd);
    state = { rows: 0, last: undefined, first: undefined, gaps: [] };
  }
  const resumedFrom = state.last !== undefined ? state.last + tfMs : undefined;

  const expectedTotal = (done: number, last: number | undefined): number => {
    const end = Math.min(to, Date.now());
    const next = last !== undefined ? last + tfMs : alignUp(from, tfMs);
    return done + Math.max(0, Math.ceil((end - next) / tfMs));
  };
  options.onProgress?.(state.rows, expectedTotal(state.rows, state.last));

  // ---- page forward
  let start = resumedFrom ?? from;
  const fd = openSync(partial, 'a');
  try {
    while (start < to) {
      const page = await requestPage(start, to - 1, KLINES_PAGE_LIMIT);
      if (page.length === 0) break;
      const lines: string[] = [];
      let maxOpen = -Infinity;
      for (const k of page) {
        const t = k.time;
        if (t > maxOpen) maxOpen = t;
        if (t < from || t >= to) continue;
        if (state.last !== undefined && t <= state.last) continue; // duplicate or out of order: never written
        if (state.last !== undefined && t - state.last > tfMs) {
          state.gaps.push({ from: state.last, to: t, missingBars: Math.round((t - state.last) / tfMs) - 1 });
        }
        if (state.first === undefined) state.first = t;
        state.last = t;
        state.rows++;
        lines.push(k.line);
      }
      if (lines.length) {
        writeSync(fd, lines.join('\n') + '\n');
        options.onProgress?.(state.rows, expectedTotal(state.rows, state.last));
      }
      const next = maxOpen + tfMs;
      if (!(next > start)) throw new Error(`Binance returned klines that do not advance past ${new Date(start).toISOString()} (GET ${displayUrl(klinesUrl(start, to - 1, KLINES_PAGE_LIMIT))}); stopping to avoid a loop`);
      start = next;
    }
  } catch (e) {
    closeSync(fd);
    if (state.rows === 0 && existsSync(partial)) unlinkSync(partial); // nothing worth resuming
    throw e;
  }
  closeSync(fd);

  if (state.rows === 0) {
    unlinkSync(partial);
    throw new Error(`Binance has no ${symbol} ${options.timeframe} klines between ${new Date(from).toISOString()} and ${new Date(to).toISOString()} (the pair may not have traded then); nothing written`);
  }

  // ---- final file: convert, gzip or copy the partial (CSV whatever the format, so that a download
  // resumes the same way) to a temporary name, then rename atomically
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    // Parquet: the numbers the CSV reader would read from the CSV, so a backtest gives the same results.
    if (format === 'parquet') writeFileSync(tmp, candleParquet(await readCandleCsv(partial, { timeframeMs: tfMs })));
    else if (file.endsWith('.gz')) await pipeline(createReadStream(partial), createGzip(), createWriteStream(tmp));
    else await pipeline(createReadStream(partial), createWriteStream(tmp));
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
  unlinkSync(partial);
  options.onProgress?.(state.rows, state.rows);

  const result: DownloadResult = { file, rows: state.rows, gaps: state.gaps, requests };
  if (resumedFrom !== undefined) result.resumedFrom = resumedFrom;
  return result;

  // ---- HTTP
  function klinesUrl(startTime: number, endTime: number, limit: number): URL {
    const url = new URL('/api/v3/klines', base);
    url.search = new URLSearchParams({ symbol, interval: options.timeframe, startTime: String(startTime), endTime: String(endTime), limit: String(limit) }).toString();
    return url;
  }

  async function requestPage(startTime: number, endTime: number, limit: number): Promise<{ time: number; line: string }[]> {
    const url = klinesUrl(startTime, endTime, limit);
    const shown = displayUrl(url);
    let lastProblem = '';
    for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
      let wait = baseDelay * 2 ** (attempt - 1);
      requests++;
      try {
        const res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
        const text = await res.text();
        if (res.ok) {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw new Error(`response is not JSON (${text.slice(0, 120)})`);
          }
          return parsePage(body, shown);
        }
        const problem = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${binanceMessage(text)}`;
        if (res.status === 429 || res.status >= 500) {
          lastProblem = problem;
          const retryAfter = Number(res.headers.get('retry-after'));
          if (res.headers.get('retry-after') !== null && Number.isFinite(retryAfter) && retryAfter >= 0) wait = retryAfter * 1000;
        } else {
          const hint = /\(code -1121\)/.test(problem) ? `; "${symbol}" is not a Binance spot symbol: check its spelling (e.g. BTCUSDT, ETHBTC)` : '';
          throw new ExchangeRejection(`Binance rejected GET ${shown}: ${problem}${hint}`, res.status);
        }
      } catch (e) {
        if (e instanceof ExchangeRejection) throw e;
        if (e instanceof BadPageError) throw e;
        lastProblem = networkProblem(e);
      }
      if (attempt < MAX_TRIES) await sleep(wait);
    }
    // A partial without bars is removed on the way out (nothing to resume), so only name one that stays.
    const saved = state?.rows ?? 0;
    throw new Error(
      `download failed: GET ${shown} failed ${MAX_TRIES} times (last: ${lastProblem}). ` +
        (saved > 0
          ? `${saved.toLocaleString('en-US')} bars are saved in ${partial}; re-running the same command resumes from there.`
          : 'No bar was saved; run the same command again once the exchange answers.'),
    );
  }

  function parsePage(body: unknown, shown: string): { time: number; line: string }[] {
    if (!Array.isArray(body)) throw new BadPageError(`Binance answered GET ${shown} with something that is not a kline array: ${JSON.stringify(body).slice(0, 200)}`);
    const rows = body.map((k: unknown, i) => {
      if (!Array.isArray(k) || k.length < 6) throw new BadPageError(`Binance answered GET ${shown} with a malformed kline at index ${i}: ${JSON.stringify(k).slice(0, 200)}`);
      const time = Number(k[0]);
      const values = [1, 2, 3, 4, 5].map((j) => Number(k[j]));
      if (!Number.isSafeInteger(time) || values.some((v) => !Number.isFinite(v))) {
        throw new BadPageError(`Binance answered GET ${shown} with a kline that has a bad time or price at index ${i}: ${JSON.stringify(k).slice(0, 200)}`);
      }
      return { time, line: `${time},${values.map((v) => String(v)).join(',')}` };
    });
    return rows.sort((a, b) => a.time - b.time);
  }
}

class BadPageError extends Error {}

function binanceMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; msg?: unknown };
    if (body && typeof body.msg === 'string') return `: ${body.msg}${body.code !== undefined ? ` (code ${String(body.code)})` : ''}`;
  } catch {
    // not JSON
  }
  const t = text.trim().replace(/\s+/g, ' ');
  return t ? `: ${t.slice(0, 200)}` : '';
}

function networkProblem(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'request timed out';
  const cause = err?.cause ? ` (${err.cause.code ?? err.cause.message ?? String(err.cause)})` : '';
  return `${err?.message ?? String(e)}${cause}`;
}

/**
 * Reads a `.partial` CSV: cuts a torn last line (and rows at or after `to`), checks order, and
 * returns its row count, first/last open time and gaps. Returns undefined when the file is not
 * usable for this request (wrong header, rows before `from`, unparsable or unordered rows), in
 * which case the download starts over.
 */
async function loadPartial(path: string, tfMs: number, from: number, to: number): Promise<PartialState | undefined> {
  const size = statSync(path).size;
  // Cut a torn last line: keep everything up to the last '\n'.
  const keep = lastNewlineEnd(path, size);
  if (keep < size) truncateSync(path, keep);

  const state: PartialState = { rows: 0, last: undefined, first: undefined, gaps: [] };
  let offset = 0;
  let header = true;
  let cutAt: number | undefined;
  let pending = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = pending + (chunk as string);
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const lineStart = offset;
      offset += Buffer.byteLength(line) + 1;
      if (cutAt !== undefined) continue;
      if (header) {
        if (line !== CSV_HEADER) return undefined;
        header = false;
        continue;
      }
      const fields = line.split(',');
      const t = Number(fields[0]);
      if (fields.length !== 6 || !Number.isSafeInteger(t) || fields.slice(1).some((f) => f === '' || !Number.isFinite(Number(f)))) return undefined;
      if (t < from) return undefined;
      if (t >= to) {
        cutAt = lineStart;
        continue;
      }
      if (state.last !== undefined) {
        if (t <= state.last) return undefined;
        if (t - state.last > tfMs) state.gaps.push({ from: state.last, to: t, missingBars: Math.round((t - state.last) / tfMs) - 1 });
      }
      if (state.first === undefined) state.first = t;
      state.last = t;
      state.rows++;
    }
  }
  if (header) return undefined;
  if (cutAt !== undefined) truncateSync(path, cutAt);
  return state;
}

/** Byte length of the file up to and including its last '\n' (0 if none). */
function lastNewlineEnd(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let end = fstatSync(fd).size || size;
    while (end > 0) {
      const startPos = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - startPos, startPos);
      const idx = buf.subarray(0, n).lastIndexOf(10);
      if (idx >= 0) return startPos + idx + 1;
      end = startPos;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
