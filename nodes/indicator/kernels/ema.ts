import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/** TA-Lib INT_EMA with an explicit k (MACDFIX uses 0.15 / 0.075); period >= 1, no TA_MA shortcut. */
export function createEma(period: number, k: number = 2.0 / (period + 1)): Ema {
  return new Ema(period, k);
}

/** TA-Lib INT_EMA: seeded with the simple average of the first `period` values, then (x - prev) * k + prev. */
export class Ema implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private seen = 0; // inputs consumed, counted up to period
  private sum = 0.0;
  private prev = 0.0;

  constructor(
    readonly period: number,
    readonly k: number,
  ) {
    this.lookback = period - 1;
  }

  next(x: number): number {
    if (this.seen < this.period) return this.warm(x);
    const prev = this.prev;
    return (this.prev = (x - prev) * this.k + prev);
  }

  private warm(x: number): number {
    const one = this.one;
    one[0] = x;
    this.run(one, one, 0, 1);
    return one[0];
  }

  run(input: Float64Array, output: Float64Array, from: number, to: number): void {
    // Blocks of at most BLOCK inputs: V8 optimises runRange between calls (see BLOCK).
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.runRange(input, output, from, end);
      from = end;
    }
  }

  private runRange(input: Float64Array, output: Float64Array, from: number, to: number): void {
    const period = this.period;
    const k = this.k;
    let prev = this.prev;
    let i = from;
    if (this.seen < period) {
      let seen = this.seen;
      let sum = this.sum;
      for (; i < to && seen < period; i++) {
        sum += input[i];
        seen++;
        if (seen === period) {
          prev = sum / period;
          output[i] = prev;
        } else {
          output[i] = NaN;
        }
      }
      this.seen = seen;
      this.sum = sum;
    }
    for (; i < to; i++) {
      prev = (input[i] - prev) * k + prev;
      output[i] = prev;
    }
    this.prev = prev;
  }
}
