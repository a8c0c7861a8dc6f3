import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';
import { TA_EPSILON } from './taEpsilon.js';

const KAMA_CONST_MAX = 2.0 / (30.0 + 1.0);
const KAMA_CONST_DIFF = 2.0 / (2.0 + 1.0) - KAMA_CONST_MAX;

/**
 * TA-Lib KAMA: efficiency ratio |x - x[period ago]| / sum |1-bar changes| over the period, smoothing
 * constant (ER * (2/3 - 2/31) + 2/31)^2, recursion seeded with the previous input.
 */
export class Kama implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly ring: Float64Array; // last `period` inputs
  private pos = 0; // slot of the next input; holds input[t - period]
  private seen = 0;
  private sumROC1 = 0.0;
  private prevKAMA = 0.0;
  private prevX = 0.0;
  private trailingValue = 0.0;

  constructor(readonly period: number) {
    this.lookback = period;
    this.ring = new Float64Array(period);
  }

  next(x: number): number {
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
    let pos = this.pos;
    let sumROC1 = this.sumROC1;
    let prevKAMA = this.prevKAMA;
    let prevX = this.prevX;
    let trailingValue = this.trailingValue;
    let i = from;
    if (this.seen <= period) {
      let seen = this.seen;
      for (; i < to && seen < period; i++) {
        const x = input[i];
        if (seen > 0) sumROC1 += Math.abs(prevX - x);
        prevX = x;
        ring[pos] = x;
        pos = pos + 1 === period ? 0 : pos + 1;
        output[i] = NaN;
        seen++;
      }
      this.seen = seen;
      if (seen === period && i < to) {
        // First KAMA (input `period`): the previous input is the previous KAMA.
        const x = input[i];
        sumROC1 += Math.abs(prevX - x);
        prevKAMA = prevX;
        const trailing = ring[pos]; // input 0
        const periodROC = x - trailing;
        trailingValue = trailing;
        let er: number;
        if (sumROC1 <= periodROC || (-TA_EPSILON < sumROC1 && sumROC1 < TA_EPSILON)) er = 1.0;
        else er = Math.abs(periodROC / sumROC1);
        let sc = er * KAMA_CONST_DIFF + KAMA_CONST_MAX;
        sc *= sc;
        prevKAMA = (x - prevKAMA) * sc + prevKAMA;
        output[i] = prevKAMA;
        ring[pos] = x;
        pos = pos + 1 === period ? 0 : pos + 1;
        prevX = x;
        this.seen = period + 1;
        i++;
      }
    }
    for (; i < to; i++) {
      const x = input[i];
      const trailing = ring[pos]; // input[t - period]
      const periodROC = x - trailing;
      sumROC1 -= Math.abs(trailingValue - trailing);
      sumROC1 += Math.abs(x - prevX);
      trailingValue = trailing;
      let er: number;
      if (sumROC1 <= periodROC || (-TA_EPSILON < sumROC1 && sumROC1 < TA_EPSILON)) er = 1.0;
      else er = Math.abs(periodROC / sumROC1);
      let sc = er * KAMA_CONST_DIFF + KAMA_CONST_MAX;
      sc *= sc;
      prevKAMA = (x - prevKAMA) * sc + prevKAMA;
      output[i] = prevKAMA;
      ring[pos] = x;
      pos = pos + 1 === period ? 0 : pos + 1;
      prevX = x;
    }
    this.pos = pos;
    this.sumROC1 = sumROC1;
    this.prevKAMA = prevKAMA;
    this.prevX = prevX;
    this.trailingValue = trailingValue;
  }
}
