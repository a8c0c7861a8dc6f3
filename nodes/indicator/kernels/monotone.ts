import { Lag } from './pandas.js';

/**
 * pandas-ta increasing / decreasing of one value (asint): non-strict, (k x)[t] - (k x)[t - length] > 0 (< 0
 * when decreasing), k = 1 +- percent/100; strict, x[t] > (k x)[t - 1] and x[t - j + 2] > (k x)[t - j + 1] for j = 3..length (the pandas-ta
 * loop with drift 1). NaN while a compared value is missing (pandas-ta: 0).
 */
export class Monotone {
  /** Leading values without output. */
  readonly lookback: number;
  private readonly ring: Float64Array; // the last lookback + 1 values
  private pos = 0;
  private seen = 0;
  private readonly k: number;

  constructor(
    private readonly length: number,
    private readonly up: boolean,
    private readonly strict = false,
    percent = 0,
  ) {
    this.lookback = strict ? Math.max(1, length - 1) : length;
    this.ring = new Float64Array(this.lookback + 1);
    this.k = percent ? (up ? 1 + 0.01 * percent : 1 - 0.01 * percent) : 1;
  }

  /** x[lag bars ago], lag <= lookback (after the current value was written). */
  private at(lag: number): number {
    const size = this.ring.length;
    let p = this.pos - 1 - lag;
    if (p < 0) p += size;
    return this.ring[p];
  }

  next(x: number): number {
    const size = this.ring.length;
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === size ? 0 : this.pos + 1;
    if (this.seen < this.lookback) {
      this.seen++;
      return NaN;
    }
    const k = this.k;
    const up = this.up;
    if (!this.strict) {
      const a = k === 1 ? x : k * x;
      const old = this.at(this.length);
      const b = k === 1 ? old : k * old;
      if (a !== a || b !== b) return NaN;
      const d = a - b;
      return (up ? d > 0 : d < 0) ? 1 : 0;
    }
    let result = 1;
    for (let j = 2; j <= this.length || j === 2; j++) {
      // j = 2: x[t] against x[t - 1]; j >= 3: x[t - (j - 2)] against x[t - (j - 1)]
      const newer = j === 2 ? x : this.at(j - 2);
      const olderRaw = j === 2 ? this.at(1) : this.at(j - 1);
      const older = k === 1 ? olderRaw : k * olderRaw;
      if (newer !== newer || older !== older) return NaN;
      if (!(up ? newer > older : newer < older)) result = 0;
    }
    return result;
  }
}
