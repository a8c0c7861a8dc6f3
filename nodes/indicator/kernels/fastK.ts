import { RollingExtremes, type ExtremeRules } from './rollingExtreme.js';

/** TA-Lib STOCH / STOCHF: a new equal extreme takes over (<=, >=), a rescan keeps the oldest (<, >). */
const FAST_K: ExtremeRules = { onNewValue: 'newest', onRescan: 'oldest', output: 'value' };

/**
 * TA-Lib's stochastic fast %K over the last `period` events (ta_STOCHF.c): (close - lowest low) /
 * ((highest high - lowest low) / 100), 0 when that range is 0. TA-Lib recomputes the range only
 * when an extreme changes; computing it at every event gives the same bits.
 */
export class FastK {
  readonly lookback: number;
  private readonly extremes: RollingExtremes;
  private highestBuf = new Float64Array(0); // scratch, grown to the largest range

  constructor(readonly period: number) {
    this.extremes = new RollingExtremes(period, FAST_K);
    this.lookback = period - 1;
  }

  /** Feeds rows from..to of high, low, close; writes %K to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
    if (this.highestBuf.length < to) this.highestBuf = new Float64Array(to);
    const highest = this.highestBuf;
    this.extremes.run(high, low, from, to, highest, out);
    for (let i = from; i < to; i++) {
      const lowest = out[i];
      const diff = (highest[i] - lowest) / 100.0;
      out[i] = diff !== 0.0 ? (close[i] - lowest) / diff : 0.0;
    }
  }
}
