import { join } from 'node:path';
import { readCandleCsv } from '../../adapters/file/readCandleCsv.js';
import { readTrades } from '../../adapters/file/readTrades.js';
import { readBook } from '../../adapters/file/readBook.js';

/**
 * What the fake exchange serves, read from the recorded files with hean's own readers: 1-minute
 * candles, raw trades and top-10 book snapshots (each with the update id of the last diff in it).
 * Nothing is invented: an interval above 1m is aggregated from the 1m candles the way the
 * exchange aggregates, and a symbol without a recording is listed but has no data.
 */
export const RECORDED_FILES = {
  candles: 'btcusdt_1m_binance_2026-03_2026-04.csv.gz',
  trades: 'btcusdt_trades_binance_spot_2024-08-08.csv.gz',
  book: 'btcusdt_l2_top10_binance_spot_2024-08-08.csv.gz',
} as const;

export const MINUTE = 60_000;
export const BOOK_LEVELS = 10;

export interface RecordedCandles {
  /** Open times (epoch ms), one minute apart. */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface RecordedTrades {
  /** Trade time T (epoch ms), in exchange order. */
  time: Float64Array;
  id: Float64Array;
  price: Float64Array;
  size: Float64Array;
  /** Aggressor side: +1 buy, -1 sell (the buyer was the maker). */
  side: Float64Array;
}

export interface RecordedBook {
  /** Event time E of the diff that produced each snapshot (epoch ms). */
  time: Float64Array;
  /** Final update id u of that diff. */
  updateId: Float64Array;
  /** BOOK_LEVELS * 4 columns: bidPrice1, bidSize1, askPrice1, askSize1, bidPrice2, ... */
  levels: Float64Array[];
}

export interface SymbolData {
  candles?: RecordedCandles;
  trades?: RecordedTrades;
  book?: RecordedBook;
}

export type RecordedPaths = Partial<Record<keyof typeof RECORDED_FILES, string>>;

/** The recorded files in `dir` (HEAN_DATA_DIR). */
export function recordedPaths(dir: string): RecordedPaths {
  return { candles: join(dir, RECORDED_FILES.candles), trades: join(dir, RECORDED_FILES.trades), book: join(dir, RECORDED_FILES.book) };
}

/** Reads the given recorded files of BTCUSDT (a kind without a path has no data); ETHUSDT is listed without data. */
export async function loadMarketData(paths: RecordedPaths): Promise<Map<string, SymbolData>> {
  const warn = (code: string, message: string) => {
    throw new Error(`recorded data: ${code} ${message}`);
  };
  const btc: SymbolData = {};
  await Promise.all([
    paths.candles &&
      readCandleCsv(paths.candles, { timeframeMs: MINUTE }).then((c) => {
        btc.candles = { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
      }),
    paths.trades &&
      readTrades(paths.trades, { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, warn).then((t) => {
        btc.trades = { time: t.time, id: t.id, price: t.price, size: t.size, side: t.side };
      }),
    paths.book &&
      readBook(paths.book, { record: 'book', symbol: 'BTCUSDT', levels: BOOK_LEVELS, onBadRow: 'error', onGap: 'error' }, warn).then((b) => {
        btc.book = { time: b.t, updateId: b.updateId, levels: b.levels };
      }),
  ]);
  return new Map([
    ['BTCUSDT', btc],
    ['ETHUSDT', {}],
  ]);
}

/** First index i with values[i] > x in a sorted array (binary search). */
export function upperBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with values[i] >= x in a sorted array. */
export function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
