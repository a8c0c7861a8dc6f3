import { INTERVALS, klinePayload, klinesBetween, num } from './klines.js';
import { BOOK_LEVELS, MINUTE, upperBound, type RecordedBook, type SymbolData } from './marketData.js';

/**
 * What Binance's market streams send while market time moves from `from` to `to` (exclusive,
 * inclusive), in time order: kline updates (one mid-minute update with x=false, one at every
 * minute's close: x=true when the interval closes), raw trades, and depth diffs between
 * consecutive recorded book snapshots with their update ids (U = previous u + 1).
 */
export interface StreamEvent {
  time: number;
  /** Stream name, lower case (`btcusdt@kline_1m`). */
  stream: string;
  payload: Record<string, unknown>;
  /** A closing kline (the skip-candle fault drops these), or a depth diff (the gap fault). */
  kind: 'kline' | 'kline-close' | 'trade' | 'depth';
}

/** Parsed stream names: what the server can serve. */
export type StreamName = { symbol: string; type: 'kline'; interval: string } | { symbol: string; type: 'trade' } | { symbol: string; type: 'depth'; rate: string };

/** `btcusdt@kline_1m`, `btcusdt@trade`, `btcusdt@depth`, `btcusdt@depth@100ms`; undefined when not one of those. */
export function parseStream(name: string, symbols: ReadonlySet<string>): StreamName | undefined {
  const m = /^([a-z0-9]+)@(kline_([0-9]+[mhd])|trade|depth(@(100ms|1000ms))?)$/.exec(name);
  if (!m || !symbols.has(m[1].toUpperCase())) return undefined;
  const symbol = m[1].toUpperCase();
  if (m[3] !== undefined) return INTERVALS[m[3]] ? { symbol, type: 'kline', interval: m[3] } : undefined;
  if (m[2] === 'trade') return { symbol, type: 'trade' };
  return { symbol, type: 'depth', rate: m[5] ?? '1000ms' };
}

/** The events of one subscribed stream in (from, to]. Candles in `hidden` (open times) and trades in `hiddenTrades` (ids) never existed. */
export function streamEvents(name: string, stream: StreamName, data: SymbolData, from: number, to: number, hidden: ReadonlySet<number>, hiddenTrades: ReadonlySet<number> = new Set()): StreamEvent[] {
  const out: StreamEvent[] = [];
  if (stream.type === 'kline' && data.candles) {
    const interval = INTERVALS[stream.interval];
    const candles = data.candles;
    // Update points of minute o: o + 30 s (in progress) and o + 60 s (the minute closed).
    for (let i = upperBound(candles.time, from - MINUTE); i < candles.time.length; i++) {
      const o = candles.time[i];
      if (o > to) break;
      if (hidden.has(o)) continue;
      for (const at of [o + MINUTE / 2, o + MINUTE]) {
        if (at <= from || at > to) continue;
        const openTime = Math.floor(o / interval) * interval;
        const [k] = klinesBetween(candles, interval, openTime, openTime, o, hidden); // the minutes up to o
        if (!k) continue;
        const closing = at === openTime + interval;
        k.closed = closing;
        out.push({ time: at, stream: name, kind: closing ? 'kline-close' : 'kline', payload: { e: 'kline', E: at, s: stream.symbol, k: klinePayload(k, stream.symbol, stream.interval) } });
      }
    }
  } else if (stream.type === 'trade' && data.trades) {
    const t = data.trades;
    for (let i = upperBound(t.time, from); i < t.time.length && t.time[i] <= to; i++) {
      if (hiddenTrades.has(t.id[i])) continue;
      out.push({ time: t.time[i], stream: name, kind: 'trade', payload: { e: 'trade', E: t.time[i], s: stream.symbol, t: t.id[i], p: num(t.price[i]), q: num(t.size[i]), T: t.time[i], m: t.side[i] === -1, M: true } });
    }
  } else if (stream.type === 'depth' && data.book) {
    const b = data.book;
    for (let r = Math.max(1, upperBound(b.time, from)); r < b.time.length && b.time[r] <= to; r++) {
      const { bids, asks } = depthDiff(b, r);
      out.push({ time: b.time[r], stream: name, kind: 'depth', payload: { e: 'depthUpdate', E: b.time[r], s: stream.symbol, U: b.updateId[r - 1] + 1, u: b.updateId[r], b: bids, a: asks } });
    }
  }
  return out;
}

/** Levels of snapshot r as [price, size] text pairs, per side. */
export function bookSide(book: RecordedBook, r: number, side: 'bid' | 'ask', depth = BOOK_LEVELS): [string, string][] {
  const levels: [string, string][] = [];
  const offset = side === 'bid' ? 0 : 2;
  for (let l = 0; l < Math.min(depth, BOOK_LEVELS); l++) {
    const price = book.levels[4 * l + offset][r];
    const size = book.levels[4 * l + offset + 1][r];
    if (Number.isNaN(price)) break;
    levels.push([num(price), num(size)]);
  }
  return levels;
}

/**
 * The diff from snapshot r - 1 to snapshot r of the recorded top-10 book: levels that changed or
 * appeared with their new size, levels that left with size 0. Applied to snapshot r - 1 it gives
 * snapshot r exactly, which is what a client's book must then show.
 */
function depthDiff(book: RecordedBook, r: number): { bids: [string, string][]; asks: [string, string][] } {
  const diff = (side: 'bid' | 'ask') => {
    const before = new Map(bookSide(book, r - 1, side));
    const after = new Map(bookSide(book, r, side));
    const changes: [string, string][] = [];
    for (const price of before.keys()) if (!after.has(price)) changes.push([price, '0']);
    for (const [price, size] of after) if (before.get(price) !== size) changes.push([price, size]);
    return changes;
  };
  return { bids: diff('bid'), asks: diff('ask') };
}
