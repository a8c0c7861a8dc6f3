import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib TA_IS_ZERO: -1e-14 < v < 1e-14. */
const TA_EPSILON = 0.00000000000001;

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
  create: ({ timePeriod }) => {
    const period = timePeriod;
    const lookback = period - 1;
    // Rings of the last timePeriod upper, close and lower values.
    const ringU = new Float64Array(period);
    const ringM = new Float64Array(period);
    const ringL = new Float64Array(period);
    let pos = 0;
    let seen = 0;
    // Running sums in a typed array (always loaded as doubles): upper, middle, lower.
    const sums = new Float64Array(3);
    return {
      step(n, _t, { high, low, close }, out) {
        // Closure constants in locals too: the loop then keeps them in registers.
        const period_ = period;
        const lookback_ = lookback;
        const rU = ringU;
        const rM = ringM;
        const rL = ringL;
        const upperOut = out.realUpperBand;
        const middleOut = out.realMiddleBand;
        const lowerOut = out.realLowerBand;
        let p = pos;
        let k = seen;
        let su = sums[0];
        let sm = sums[1];
        let sl = sums[2];
        for (let i = 0; i < n; i++) {
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
          p = p + 1 === period_ ? 0 : p + 1;
          if (k >= lookback_) {
            upperOut[i] = su / period_;
            middleOut[i] = sm / period_;
            lowerOut[i] = sl / period_;
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
        pos = p;
        seen = k;
        sums[0] = su;
        sums[1] = sm;
        sums[2] = sl;
      },
    };
  },
});
