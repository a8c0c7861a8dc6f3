import type { MovingAverage } from './maType.js';
import { BLOCK } from './block.js';

/**
 * TA-Lib TRIMA: triangular weights (1, 2, ..., 2, 1), kept as TA-Lib does with a numerator and
 * two running partial sums (numeratorSub over the older half, numeratorAdd over the newer half).
 */
export class Trima implements MovingAverage {
  readonly lookback: number;
  private readonly one = new Float64Array(1);
  private readonly ring: Float64Array;
  private readonly half: number;
  private readonly odd: boolean;
  private readonly factor: number;
  private pos = 0; // slot of the next input; holds the value leaving the window
  private midPos = 0; // slot of the input `half` events before the next one
  private seen = 0;
  private numerator = 0.0;
  private numeratorSub = 0.0;
  private numeratorAdd = 0.0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.ring = new Float64Array(period);
    const h = period >> 1;
    this.half = h;
    this.odd = period % 2 === 1;
    this.factor = 1.0 / (this.odd ? (h + 1) * (h + 1) : h * (h + 1));
    this.midPos = period - h; // pos 0 - h, wrapped
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
    const factor = this.factor;
    let pos = this.pos;
    let midPos = this.midPos;
    let numerator = this.numerator;
    let numeratorSub = this.numeratorSub;
    let numeratorAdd = this.numeratorAdd;
    let i = from;
    if (this.seen < period) {
      let seen = this.seen;
      for (; i < to && seen < period; i++) {
        ring[pos] = input[i];
        pos = pos + 1 === period ? 0 : pos + 1;
        midPos = midPos + 1 === period ? 0 : midPos + 1;
        seen++;
        if (seen < period) {
          output[i] = NaN;
          continue;
        }
        // First output: TA-Lib's initial sums, in its order (ring[j] holds input j here).
        const h = this.half;
        const middle = this.odd ? h : h - 1;
        numerator = 0.0;
        numeratorSub = 0.0;
        for (let j = middle; j >= 0; j--) {
          numeratorSub += ring[j];
          numerator += numeratorSub;
        }
        numeratorAdd = 0.0;
        for (let j = middle + 1; j < period; j++) {
          numeratorAdd += ring[j];
          numerator += numeratorAdd;
        }
        output[i] = numerator * factor;
      }
      this.seen = seen;
    }
    if (this.odd) {
      for (; i < to; i++) {
        const x = input[i];
        numerator -= numeratorSub;
        numeratorSub -= ring[pos]; // input[t - period]
        ring[pos] = x;
        pos = pos + 1 === period ? 0 : pos + 1;
        const mid = ring[midPos]; // input[t - half]
        midPos = midPos + 1 === period ? 0 : midPos + 1;
        numeratorSub += mid;
        numerator += numeratorAdd;
        numeratorAdd -= mid;
        numeratorAdd += x;
        numerator += x;
        output[i] = numerator * factor;
      }
    } else {
      for (; i < to; i++) {
        const x = input[i];
        numerator -= numeratorSub;
        numeratorSub -= ring[pos];
        ring[pos] = x;
        pos = pos + 1 === period ? 0 : pos + 1;
        const mid = ring[midPos];
        midPos = midPos + 1 === period ? 0 : midPos + 1;
        numeratorSub += mid;
        numeratorAdd -= mid;
        numerator += numeratorAdd;
        numeratorAdd += x;
        numerator += x;
        output[i] = numerator * factor;
      }
    }
    this.pos = pos;
    this.midPos = midPos;
    this.numerator = numerator;
    this.numeratorSub = numeratorSub;
    this.numeratorAdd = numeratorAdd;
  }
}
