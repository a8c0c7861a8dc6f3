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
 * - a resting limit order fills as the recorded trades (or, outside the trade recording, the 1m
 *   candles) go through its price: restingFills().
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

/** A fill of a resting order: when, how much (base units). */
export interface RestingFill {
  time: number;
  qty: number;
}

/**
 * The size displayed on the order's side at its limit price in the recorded book as of `now`: the
 * queue a new order joins behind (price-time priority). 0 when the price improves on the touch (a
 * new level: nothing ahead) or is not a displayed level, or when no book recording covers `now`.
 */
export function queueAhead(data: SymbolData | undefined, now: number, side: 'BUY' | 'SELL', limit: number): number {
  const book = data?.book;
  if (!book || !book.time.length || now < book.time[0] || now > book.time[book.time.length - 1]) return 0;
  const r = upperBound(book.time, now) - 1;
  const offset = side === 'BUY' ? BID_PRICE_COLUMN : ASK_PRICE_COLUMN;
  for (let l = 0; 4 * l + offset < book.levels.length; l++) {
    if (book.levels[4 * l + offset][r] === limit) return book.levels[4 * l + offset + 1][r];
  }
  return 0;
}

/**
 * How a resting limit order (`remaining` units, `ahead` units before it at its price) fills while
 * market time moves from `from` to `to` (exclusive, inclusive), from the recordings only:
 * - where the trade recording covers the interval, by its trades: a trade by the other side's
 *   aggressor (a seller hitting bids, for a resting buy) AT the limit first works through the
 *   queue ahead, then fills the order with what is left of its size (a partial fill when the
 *   recorded size runs out); a trade THROUGH the limit (a sell below a resting bid) means the level
 *   was cleared, so whatever remains fills. Cancellations ahead are not assumed (only trades move
 *   the queue: the conservative queue model, as the simulated broker's fill: queue);
 * - elsewhere, by the 1m candles: a minute whose low (a buy) or high (a sell) went through the
 *   limit fills it completely at its last millisecond, and a minute that opened through it fills it
 *   at its open. A candle that only touched the limit fills nothing: its queue is not recorded.
 * Fills are at the limit price (a resting maker order gets no better price).
 */
export function restingFills(data: SymbolData | undefined, side: 'BUY' | 'SELL', limit: number, remaining: number, ahead: number, from: number, to: number): { fills: RestingFill[]; ahead: number } {
  const fills: RestingFill[] = [];
  const t = data?.trades;
  if (t && t.time.length && to > t.time[0] && from < t.time[t.time.length - 1]) {
    const buy = side === 'BUY';
    for (let i = upperBound(t.time, from); i < t.time.length && t.time[i] <= to && remaining > EPS; i++) {
      // side: +1 buyer-initiated (hits asks), -1 seller-initiated (hits bids).
      if (buy ? t.side[i] !== -1 || t.price[i] > limit : t.side[i] !== 1 || t.price[i] < limit) continue;
      let qty: number;
      if (t.price[i] !== limit) qty = remaining;
      else {
        qty = Math.min(remaining, Math.max(0, t.size[i] - ahead));
        ahead = Math.max(0, ahead - t.size[i]);
      }
      qty = Number(qty.toFixed(8));
      if (qty <= 0) continue;
      fills.push({ time: t.time[i], qty });
      remaining = Number((remaining - qty).toFixed(8));
    }
    return { fills, ahead };
  }
  const c = data?.candles;
  if (!c || !c.time.length || remaining <= 0) return { fills, ahead };
  const through = (price: number) => (side === 'BUY' ? price < limit : price > limit);
  for (let r = Math.max(0, upperBound(c.time, from) - 1); r < c.time.length && c.time[r] <= to; r++) {
    if (c.time[r] > from && through(c.open[r])) return { fills: [{ time: c.time[r], qty: remaining }], ahead };
    if (c.time[r] + MINUTE <= to && through(side === 'BUY' ? c.low[r] : c.high[r])) return { fills: [{ time: Math.max(from + 1, c.time[r] + MINUTE - 1), qty: remaining }], ahead };
  }
  return { fills, ahead };
}

const EPS = 1e-9;
