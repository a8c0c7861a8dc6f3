import { MINUTE, lowerBound, upperBound, type RecordedCandles } from './marketData.js';

/**
 * Klines as Binance computes them from the recorded 1m candles: an interval's kline aggregates
 * the minutes inside it (first open, highest high, lowest low, last close, summed volume). The
 * kline still forming at `now` holds the minutes opened so far; a minute in progress shows its
 * recorded values (the recording has nothing finer, and inventing a path would be synthetic
 * data), marked not closed, so a client that uses an unclosed kline is caught by `x`/closeTime.
 */
export const INTERVALS: Record<string, number> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': 60 * MINUTE,
  '2h': 120 * MINUTE,
  '4h': 240 * MINUTE,
  '6h': 360 * MINUTE,
  '8h': 480 * MINUTE,
  '12h': 720 * MINUTE,
  '1d': 1440 * MINUTE,
};

export interface Kline {
  openTime: number;
  /** openTime + interval - 1, as Binance reports it. */
  closeTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The interval is over at `now`. */
  closed: boolean;
}

/**
 * The klines of `intervalMs` whose open time is in [from, to], as of market time `now` (none
 * opening after now), skipping the 1m candles in `hidden` (open times: a hole in the history).
 * The kline forming at `now` holds the minutes that opened before now (see above); a 1m kline
 * opened at or before now is shown whole.
 */
export function klinesBetween(candles: RecordedCandles, intervalMs: number, from: number, to: number, now: number, hidden: ReadonlySet<number>): Kline[] {
  const out: Kline[] = [];
  const first = lowerBound(candles.time, Math.floor(from / intervalMs) * intervalMs);
  const last = upperBound(candles.time, Math.min(now, to + intervalMs - 1));
  let current: Kline | undefined;
  for (let i = first; i < last; i++) {
    const t = candles.time[i];
    if (hidden.has(t)) continue;
    const openTime = Math.floor(t / intervalMs) * intervalMs;
    if (openTime < from || openTime > to || openTime > now) continue;
    if (!current || current.openTime !== openTime) {
      if (current) out.push(current);
      current = { openTime, closeTime: openTime + intervalMs - 1, open: candles.open[i], high: candles.high[i], low: candles.low[i], close: candles.close[i], volume: candles.volume[i], closed: openTime + intervalMs <= now };
    } else {
      current.high = Math.max(current.high, candles.high[i]);
      current.low = Math.min(current.low, candles.low[i]);
      current.close = candles.close[i];
      current.volume += candles.volume[i];
    }
  }
  if (current) out.push(current);
  return out;
}

/** Binance's REST kline row: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBase, takerQuote, ignore]. */
export function klineRow(k: Kline): (number | string)[] {
  // The recording has no quote volume, trade count or taker volumes: served as 0, never estimated.
  return [k.openTime, num(k.open), num(k.high), num(k.low), num(k.close), num(k.volume), k.closeTime, '0', 0, '0', '0', '0'];
}

/** The kline stream's payload (`k`) for a symbol and interval name. */
export function klinePayload(k: Kline, symbol: string, interval: string): Record<string, unknown> {
  return { t: k.openTime, T: k.closeTime, s: symbol, i: interval, f: -1, L: -1, o: num(k.open), c: num(k.close), h: num(k.high), l: num(k.low), v: num(k.volume), n: 0, x: k.closed, q: '0', V: '0', Q: '0', B: '0' };
}

/** A decimal as Binance writes it: a string (shortest round-trip form of the recorded double). */
export function num(x: number): string {
  // Summed volumes pick up binary noise (0.1 + 0.2); 10 significant decimals is beyond the recordings' precision.
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(15)));
}
