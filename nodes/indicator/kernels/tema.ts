import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/** TA-Lib TEMA: 3 * EMA - 3 * EMA(EMA) + EMA(EMA(EMA)), each EMA seeded from the previous one's first values. */
export class Tema implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly k: number;
  private seen = 0; // inputs consumed, counted up to 3 * period - 2
  private sum1 = 0.0;
  private sum2 = 0.0;
  private sum3 = 0.0;
  private e1 = 0.0;
  private e2 = 0.0;
  private e3 = 0.0;

  constructor(readonly period: number) {
    this.lookback = 3 * (period - 1);
    this.k = 2.0 / (period + 1);
  }

  next(x: number): number {
    if (this.seen <= this.lookback) return this.warm(x);
    const k = this.k;
    const e1 = (x - this.e1) * k + this.e1;
    const e2 = (e1 - this.e2) * k + this.e2;
    const e3 = (e2 - this.e3) * k + this.e3;
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
    return e3 + (3.0 * e1 - 3.0 * e2);
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
    const lookback = this.lookback;
    const first2 = period - 1; // input of the first EMA's first value
    const first3 = 2 * (period - 1); // input of the second EMA's first value
    let e1 = this.e1;
    let e2 = this.e2;
    let e3 = this.e3;
    let i = from;
    if (this.seen <= lookback) {
      let seen = this.seen;
      let sum1 = this.sum1;
      let sum2 = this.sum2;
      let sum3 = this.sum3;
      for (; i < to && seen <= lookback; i++) {
        const x = input[i];
        if (seen < period) {
          sum1 += x;
          if (seen === first2) e1 = sum1 / period;
        } else {
          e1 = (x - e1) * k + e1;
        }
        if (seen >= first2) {
          if (seen < first2 + period) {
            sum2 += e1;
            if (seen === first3) e2 = sum2 / period;
          } else {
            e2 = (e1 - e2) * k + e2;
          }
        }
        if (seen >= first3) {
          sum3 += e2;
          if (seen === lookback) e3 = sum3 / period;
        }
        output[i] = seen === lookback ? e3 + (3.0 * e1 - 3.0 * e2) : NaN;
        seen++;
      }
      this.seen = seen;
      this.sum1 = sum1;
      this.sum2 = sum2;
      this.sum3 = sum3;
    }
    for (; i < to; i++) {
      e1 = (input[i] - e1) * k + e1;
      e2 = (e1 - e2) * k + e2;
      e3 = (e2 - e3) * k + e3;
      output[i] = e3 + (3.0 * e1 - 3.0 * e2);
    }
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
  }
}
