import { RollingExtremes, type ExtremeRules } from './rollingExtreme.js';

/** TA-Lib MIDPOINT / MIDPRICE compare strictly, and scan from the oldest value at every event. */
const MID_RANGE: ExtremeRules = { onNewValue: 'oldest', onRescan: 'oldest', nanWhenOldestIsNaN: true, output: 'value' };

/** (highest high + lowest low) / 2 over the last `period` events, TA-Lib MIDPRICE (and MIDPOINT: high = low). */
export class MidRange {
  readonly lookback: number;
  private readonly extremes: RollingExtremes;
  private lowestBuf = new Float64Array(0); // scratch, grown to the largest range

  constructor(readonly period: number) {
    this.extremes = new RollingExtremes(period, MID_RANGE);
    this.lookback = period - 1;
  }

  /** Feeds high[from..to), low[from..to); writes the mid-range to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    if (this.lowestBuf.length < to) this.lowestBuf = new Float64Array(to);
    const lowest = this.lowestBuf;
    this.extremes.run(high, low, from, to, out, lowest);
    for (let i = from; i < to; i++) out[i] = (out[i] + lowest[i]) / 2.0;
  }
}
