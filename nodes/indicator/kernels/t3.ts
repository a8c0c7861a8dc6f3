import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/** TA-Lib T3 with its vFactor. */
export function createT3(period: number, vFactor: number): T3 {
  return new T3(period, vFactor);
}

/**
 * TA-Lib T3 (Tillson): six chained EMAs with k = 2 / (period + 1) written k * x + (1 - k) * e, each
 * seeded with the simple average of the previous one's first `period` values; T3 = c1 * e6 + c2 *
 * e5 + c3 * e4 + c4 * e3 with TA-Lib's vFactor constants.
 */
export class T3 implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly k: number;
  private readonly oneMinusK: number;
  private readonly c1: number;
  private readonly c2: number;
  private readonly c3: number;
  private readonly c4: number;
  private seen = 0; // inputs consumed, counted up to lookback + 1
  private stage = 1; // the EMA being seeded (1..6), 7 once all are seeded
  private stageLeft = 0; // inputs left in the current seeding stage
  private acc = 0.0;
  private e1 = 0.0;
  private e2 = 0.0;
  private e3 = 0.0;
  private e4 = 0.0;
  private e5 = 0.0;
  private e6 = 0.0;

  constructor(
    readonly period: number,
    vFactor: number,
  ) {
    this.lookback = 6 * (period - 1);
    this.k = 2.0 / (period + 1.0);
    this.oneMinusK = 1.0 - this.k;
    const t = vFactor * vFactor;
    this.c1 = -(t * vFactor);
    this.c2 = 3.0 * (t - this.c1);
    this.c3 = -6.0 * t - 3.0 * (vFactor - this.c1);
    this.c4 = 1.0 + 3.0 * vFactor - this.c1 + 3.0 * t;
    this.stageLeft = period;
  }

  next(x: number): number {
    if (this.stage <= 6) return this.warm(x);
    const k = this.k;
    const omk = this.oneMinusK;
    const e1 = k * x + omk * this.e1;
    const e2 = k * e1 + omk * this.e2;
    const e3 = k * e2 + omk * this.e3;
    const e4 = k * e3 + omk * this.e4;
    const e5 = k * e4 + omk * this.e5;
    const e6 = k * e5 + omk * this.e6;
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
    this.e4 = e4;
    this.e5 = e5;
    this.e6 = e6;
    return this.c1 * e6 + this.c2 * e5 + this.c3 * e4 + this.c4 * e3;
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
    const k = this.k;
    const omk = this.oneMinusK;
    const c1 = this.c1;
    const c2 = this.c2;
    const c3 = this.c3;
    const c4 = this.c4;
    let e1 = this.e1;
    let e2 = this.e2;
    let e3 = this.e3;
    let e4 = this.e4;
    let e5 = this.e5;
    let e6 = this.e6;
    let i = from;
    if (this.stage <= 6) {
      const period = this.period;
      let stage = this.stage;
      let left = this.stageLeft;
      let acc = this.acc;
      for (; i < to && stage <= 6; i++) {
        const x = input[i];
        if (stage === 1) {
          acc = left === period ? x : acc + x; // TA-Lib starts the sum with the first value
        } else {
          e1 = k * x + omk * e1;
          if (stage === 2) acc += e1;
          else {
            e2 = k * e1 + omk * e2;
            if (stage === 3) acc += e2;
            else {
              e3 = k * e2 + omk * e3;
              if (stage === 4) acc += e3;
              else {
                e4 = k * e3 + omk * e4;
                if (stage === 5) acc += e4;
                else {
                  e5 = k * e4 + omk * e5;
                  acc += e5;
                }
              }
            }
          }
        }
        left--;
        output[i] = NaN;
        if (left === 0) {
          const e = acc / period;
          if (stage === 1) e1 = e;
          else if (stage === 2) e2 = e;
          else if (stage === 3) e3 = e;
          else if (stage === 4) e4 = e;
          else if (stage === 5) e5 = e;
          else {
            e6 = e;
            output[i] = c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3;
          }
          acc = e;
          stage++;
          left = period - 1;
        }
      }
      this.stage = stage;
      this.stageLeft = left;
      this.acc = acc;
    }
    for (; i < to; i++) {
      e1 = k * input[i] + omk * e1;
      e2 = k * e1 + omk * e2;
      e3 = k * e2 + omk * e3;
      e4 = k * e3 + omk * e4;
      e5 = k * e4 + omk * e5;
      e6 = k * e5 + omk * e6;
      output[i] = c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3;
    }
    this.e1 = e1;
    this.e2 = e2;
    this.e3 = e3;
    this.e4 = e4;
    this.e5 = e5;
    this.e6 = e6;
  }
}
