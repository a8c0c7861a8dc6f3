import { FAST_K_RULES, RollingExtremes } from './rollingExtreme.js';

/**
 * TA-Lib's stochastic fast %K over the last `period` events (ta_STOCHF.c): (close - lowest low) /
 * ((highest high - lowest low) / 100), 0 when that range is 0.
 */
export class FastK {
  readonly lookback: number;
  private readonly extremes: RollingExtremes;

  constructor(readonly period: number) {
    this.extremes = new RollingExtremes(period, FAST_K_RULES);
    this.lookback = period - 1;
  }

  /** Feeds rows from..to of high, low, close; writes %K to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
    this.extremes.runFastK(high, low, close, out, from, to);
  }
}
