import { MID_RANGE_RULES, RollingExtremes } from './rollingExtreme.js';

/** (highest high + lowest low) / 2 over the last `period` events, TA-Lib MIDPRICE (and MIDPOINT: high = low). */
export class MidRange {
  readonly lookback: number;
  private readonly extremes: RollingExtremes;

  constructor(readonly period: number) {
    this.extremes = new RollingExtremes(period, MID_RANGE_RULES);
    this.lookback = period - 1;
  }

  /** Feeds high[from..to), low[from..to); writes the mid-range to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    this.extremes.runMidRange(high, low, out, from, to);
  }
}
