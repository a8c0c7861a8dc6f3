import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/** TA-Lib SMA (INT_SMA): running sum, add the newest, divide, then subtract the oldest. */
export class Sma implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly ring: Float64Array;
  private pos = 0; // next slot to write; after writing, the oldest value of the window
  private seen = 0;
  private sum = 0.0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.ring = new Float64Array(period);
  }

  next(x: number): number {
    if (this.seen < this.lookback) return this.warm(x);
    // Steady state, as in run().
    const ring = this.ring;
    let pos = this.pos;
    const sum = this.sum + x;
    ring[pos] = x;
    pos = pos + 1 === this.period ? 0 : pos + 1;
    this.pos = pos;
    this.sum = sum - ring[pos];
    return sum / this.period;
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
    const ring = this.ring;
    const period = this.period;
    const lookback = this.lookback;
    let pos = this.pos;
    let seen = this.seen;
    let sum = this.sum;
    let i = from;
    for (; i < to && seen < lookback; i++) {
      const x = input[i];
      sum += x;
      ring[pos] = x;
      pos = pos + 1 === period ? 0 : pos + 1;
      output[i] = NaN;
      seen++;
    }
    for (; i < to; i++) {
      const x = input[i];
      sum += x;
      ring[pos] = x;
      pos = pos + 1 === period ? 0 : pos + 1;
      output[i] = sum / period;
      sum -= ring[pos]; // TA-Lib subtracts the oldest value after the division
    }
    this.pos = pos;
    this.seen = seen;
    this.sum = sum;
  }
}
