import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * The last `length` values of a series, for statistics recomputed over the whole window at every
 * event (pandas' rolling median, quantile, skew, kurt, var, ... and pandas-ta's kinds built on
 * them). `push` stores a value and says whether the window is full; `ordered()` copies the window
 * oldest first into a buffer kept by the window (no allocation per event) and returns it.
 *
 * Recomputing each window (O(length) per event) keeps results independent of how the stream is
 * chunked and of the values that left the window long ago (no running sums drifting by rounding).
 */
export class RollingWindow {
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  private pos = 0;
  private count = 0;

  constructor(readonly length: number) {
    this.ring = new Float64Array(length);
    this.scratch = new Float64Array(length);
  }

  /** Store x; true when the window holds `length` values. */
  push(x: number): boolean {
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    if (this.count < this.length) this.count++;
    return this.count === this.length;
  }

  /** The window oldest first (valid until the next call). */
  ordered(): Float64Array {
    const n = this.length;
    const head = n - this.pos;
    this.scratch.set(this.ring.subarray(this.pos), 0);
    this.scratch.set(this.ring.subarray(0, this.pos), head);
    return this.scratch;
  }
}

/** Sum of a, first to last. */
export function sumOf(a: Float64Array): number {
  let s = 0.0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Sum of squared deviations from the mean (two passes: mean, then deviations). */
export function squaredDeviations(a: Float64Array, mean: number): number {
  let s = 0.0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - mean;
    s += d * d;
  }
  return s;
}

/** Sample variance with divisor length - ddof, as pandas' rolling var(ddof). */
export function varianceOf(a: Float64Array, ddof: number): number {
  const mean = sumOf(a) / a.length;
  const v = squaredDeviations(a, mean) / (a.length - ddof);
  return v < 0 ? 0 : v;
}

/** True when every value of a equals the first (pandas forces skew 0 and kurt -3 then). */
export function allEqual(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/**
 * A kernel giving f(window, oldest first) once `length` values are in, NaN before.
 * Usage: `create: ({ length }) => windowStatistic(length, (w) => median(w))`.
 */
export function windowStatistic(length: number, f: (w: Float64Array) => number): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const window = new RollingWindow(length);
  return {
    step(n, _t, { series }, { value }) {
      for (let i = 0; i < n; i++) value[i] = window.push(series[i]) ? f(window.ordered()) : NaN;
    },
  };
}
