import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { BLOCK } from '../kernels/block.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const accbands = defineNode({
  kind: 'indicator.accbands',
  summary: 'Acceleration Bands: simple averages of widened highs and lows around the simple average of closes (TA-Lib ACCBANDS).',
  description:
    'With w = 4 * (high - low) / (high + low) per bar: realUpperBand = SMA(high * (1 + w)), ' +
    'realMiddleBand = SMA(close), realLowerBand = SMA(low * (1 - w)), all over timePeriod bars ' +
    '(Headley). When high + low is within 1e-14 of 0, the bar contributes high and low unchanged, as ' +
    'in TA-Lib. Each simple average is a TA-Lib running sum (add the newest, divide, subtract the ' +
    'oldest), so values equal TA-Lib ACCBANDS to the last bit. No output for the first timePeriod - 1 ' +
    'events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 20, description: 'Number of bars averaged.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { realUpperBand: port.number(), realMiddleBand: port.number(), realLowerBand: port.number() },
  defaultOutput: 'realMiddleBand',
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => new AccBandsKernel(timePeriod),
});

/** Three TA-Lib running-sum SMAs in one loop, as a class (V8 optimises a method once for every instance). */
class AccBandsKernel {
  private readonly lookback: number;
  // Rings of the last `period` upper, close and lower values.
  private readonly ringU: Float64Array;
  private readonly ringM: Float64Array;
  private readonly ringL: Float64Array;
  private readonly sums = new Float64Array(3); // upper, middle, lower (a typed array: always loaded as doubles)
  private pos = 0;
  private seen = 0;

  constructor(private readonly period: number) {
    this.lookback = period - 1;
    this.ringU = new Float64Array(period);
    this.ringM = new Float64Array(period);
    this.ringL = new Float64Array(period);
  }

  step(
    n: number,
    _t: Float64Array,
    { high, low, close }: { high: Float64Array; low: Float64Array; close: Float64Array },
    out: { realUpperBand: Float64Array; realMiddleBand: Float64Array; realLowerBand: Float64Array },
  ): void {
    // Blocks of at most BLOCK rows: V8 optimises `range` between calls (see kernels/block.ts).
    for (let from = 0; from < n; ) {
      const to = n - from > BLOCK ? from + BLOCK : n;
      this.range(high, low, close, out, from, to);
      from = to;
    }
  }

  private range(
    high: Float64Array,
    low: Float64Array,
    close: Float64Array,
    out: { realUpperBand: Float64Array; realMiddleBand: Float64Array; realLowerBand: Float64Array },
    from: number,
    to: number,
  ): void {
    const period = this.period;
    const lookback = this.lookback;
    const rU = this.ringU;
    const rM = this.ringM;
    const rL = this.ringL;
    const sums = this.sums;
    const upperOut = out.realUpperBand;
    const middleOut = out.realMiddleBand;
    const lowerOut = out.realLowerBand;
    let p = this.pos;
    let k = this.seen;
    let su = sums[0];
    let sm = sums[1];
    let sl = sums[2];
    for (let i = from; i < to; i++) {
      const h = high[i];
      const l = low[i];
      const c = close[i];
      let u: number;
      let d: number;
      let w = h + l;
      if (!(-TA_EPSILON < w && w < TA_EPSILON)) {
        w = (4 * (h - l)) / w;
        u = h * (1 + w);
        d = l * (1 - w);
      } else {
        u = h;
        d = l;
      }
      su += u;
      sm += c;
      sl += d;
      rU[p] = u;
      rM[p] = c;
      rL[p] = d;
      p = p + 1 === period ? 0 : p + 1;
      if (k >= lookback) {
        upperOut[i] = su / period;
        middleOut[i] = sm / period;
        lowerOut[i] = sl / period;
        su -= rU[p];
        sm -= rM[p];
        sl -= rL[p];
      } else {
        upperOut[i] = NaN;
        middleOut[i] = NaN;
        lowerOut[i] = NaN;
        k++;
      }
    }
    this.pos = p;
    this.seen = k;
    sums[0] = su;
    sums[1] = sm;
    sums[2] = sl;
  }
}
