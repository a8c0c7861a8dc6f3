import type { MovingAverage } from './maType.js';

/**
 * A moving average fed only from the `skip`-th input on: the inputs before (the warm-up NaNs of
 * the series it averages) are passed over and give NaN, so they never enter its running sums.
 * For averages of averages (HMA's WMA of 2 WMA(n/2) - WMA(n), T3-like chains) whose reference
 * starts the outer average at the inner one's first value, as pandas' rolling windows do.
 */
export class Delayed implements MovingAverage {
  readonly lookback: number;
  private seen = 0;

  constructor(
    private readonly inner: MovingAverage,
    private readonly skip: number,
  ) {
    this.lookback = skip + inner.lookback;
  }

  next(x: number): number {
    if (this.seen < this.skip) {
      this.seen++;
      return NaN;
    }
    return this.inner.next(x);
  }

  run(input: Float64Array, output: Float64Array, from: number, to: number): void {
    let i = from;
    for (; i < to && this.seen < this.skip; i++, this.seen++) output[i] = NaN;
    if (i < to) this.inner.run(input, output, i, to);
  }
}
