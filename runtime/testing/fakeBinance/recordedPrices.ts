import { MINUTE, upperBound, type SymbolData } from './marketData.js';

/** Columns of the best bid and ask price in RecordedBook.levels (bidPrice1, bidSize1, askPrice1, ...). */
const BID_PRICE_COLUMN = 0;
const ASK_PRICE_COLUMN = 2;

/**
 * The prices the fake exchange's orders meet, all read from the recordings, never invented:
 * - a market order at market time `now` takes the touch of the recorded book as of `now` (the
 *   best ask for a buy, the best bid for a sell) when the book recording covers `now`; otherwise
 *   the open of the 1m candle in progress at `now` (the last traded price known at its start:
 *   within the minute the recording has no finer price);
 * - a resting limit order fills once the recorded price reaches it: a closed minute whose low
 *   (a buy) or high (a sell) touched the limit, or the open of the minute in progress.
 */
export function marketPrice(data: SymbolData | undefined, now: number, side: 'BUY' | 'SELL'): number | undefined {
  const book = data?.book;
  if (book && book.time.length && now >= book.time[0] && now <= book.time[book.time.length - 1]) {
    const r = upperBound(book.time, now) - 1;
    const price = book.levels[side === 'BUY' ? ASK_PRICE_COLUMN : BID_PRICE_COLUMN][r];
    if (price > 0) return price;
  }
  const c = data?.candles;
  if (!c || !c.time.length) return undefined;
  const r = upperBound(c.time, now) - 1;
  if (r < 0 || now >= c.time[c.time.length - 1] + MINUTE) return undefined;
  return c.open[r];
}

/**
 * The first time in (from, now] at which the recorded price reached `limit` from the order's
 * side, or undefined: closed minutes by their low/high, the minute in progress by its open.
 */
export function limitReached(data: SymbolData | undefined, from: number, now: number, side: 'BUY' | 'SELL', limit: number): number | undefined {
  const c = data?.candles;
  if (!c || !c.time.length) return undefined;
  const reached = (price: number) => (side === 'BUY' ? price <= limit : price >= limit);
  for (let r = Math.max(0, upperBound(c.time, from) - 1); r < c.time.length && c.time[r] <= now; r++) {
    const closed = c.time[r] + MINUTE <= now;
    if (c.time[r] > from && reached(c.open[r])) return c.time[r];
    if (closed && reached(side === 'BUY' ? c.low[r] : c.high[r])) return Math.max(from, c.time[r] + MINUTE - 1);
  }
  return undefined;
}
