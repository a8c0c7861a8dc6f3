import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/** TA-Lib WMA: weights 1..period, kept as a running weighted sum and a running plain sum. */
export class Wma implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly ring: Float64Array;
  private readonly divider: number;
  private pos = 0;
  private seen = 0;
  private periodSum = 0.0;
  private periodSub = 0.0;
  private trailingValue = 0.0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.ring = new Float64Array(period);
    this.divider = (period * (period + 1)) >> 1;
  }

  next(x: number): number {
    if (this.seen < this.lookback) return this.warm(x);
    const ring = this.ring;
    let pos = this.pos;
    ring[pos] = x;
    pos = pos + 1 === this.period ? 0 : pos + 1;
    this.pos = pos;
    let periodSub = this.periodSub + x;
    periodSub -= this.trailingValue;
    const periodSum = this.periodSum + x * this.period;
    this.trailingValue = ring[pos];
    this.periodSub = periodSub;
    this.periodSum = periodSum - periodSub;
    return periodSum / this.divider;
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
    const divider = this.divider;
    let pos = this.pos;
    let seen = this.seen;
    let periodSum = this.periodSum;
    let periodSub = this.periodSub;
    let trailingValue = this.trailingValue;
    let i = from;
    for (; i < to && seen < lookback; i++) {
      const x = input[i];
      ring[pos] = x;
      pos = pos + 1 === period ? 0 : pos + 1;
      seen++;
      periodSub += x;
      periodSum += x * seen;
      output[i] = NaN;
    }
    for (; i < to; i++) {
      const x = input[i];
      ring[pos] = x;
      pos = pos + 1 === period ? 0 : pos + 1;
      periodSub += x;
      periodSub -= trailingValue;
      periodSum += x * period;
      trailingValue = ring[pos]; // oldest value of the window, leaving at the next step
      output[i] = periodSum / divider;
      periodSum -= periodSub;
    }
    this.pos = pos;
    this.seen = seen;
    this.periodSum = periodSum;
    this.periodSub = periodSub;
    this.trailingValue = trailingValue;
  }
}
