import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const mfi = defineNode({
  kind: 'indicator.mfi',
  summary: 'Money flow index: volume-weighted RSI of the typical price, 0 to 100 (TA-Lib MFI).',
  description:
    'Typical price tp = (high + low + close) / 3.0; a bar\'s money flow tp * volume is positive when ' +
    'tp rose from the previous bar, negative when it fell, neither when unchanged. MFI = 100 * ' +
    'positive / (positive + negative), both summed over the last timePeriod bars as running sums ' +
    '(oldest subtracted, newest added) the way TA-Lib does, so values equal TA-Lib MFI to the last ' +
    'bit; 0 when positive + negative < 1, as in TA-Lib. TA-Lib gives MFI an unstable period; hean ' +
    'uses its default, 0, so the warm-up is timePeriod events (one is consumed for the first change).',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of money flows summed.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const positive = new Float64Array(p); // TA-Lib's circular buffer of money flows
    const negative = new Float64Array(p);
    let pos = 0; // slot of the oldest flow, overwritten by today's
    let seen = 0; // events consumed, counted up to timePeriod + 1
    let prevValue = 0.0;
    let posSum = 0.0;
    let negSum = 0.0;
    return {
      step(n, _t, { high, low, close, volume }, { value }) {
        // State in locals for the loop (closure doubles are boxed on every store), written back after.
        let last = prevValue;
        let pSum = posSum;
        let nSum = negSum;
        let slot = pos;
        for (let i = 0; i < n; i++) {
          let tp = (high[i] + low[i] + close[i]) / 3.0;
          if (seen > p) {
            pSum -= positive[slot];
            nSum -= negative[slot];
          } else if (seen === 0) {
            last = tp;
            seen = 1;
            value[i] = NaN;
            continue;
          } else {
            seen++;
          }
          const diff = tp - last;
          last = tp;
          tp *= volume[i];
          if (diff < 0) {
            negative[slot] = tp;
            nSum += tp;
            positive[slot] = 0.0;
          } else if (diff > 0) {
            positive[slot] = tp;
            pSum += tp;
            negative[slot] = 0.0;
          } else {
            positive[slot] = 0.0;
            negative[slot] = 0.0;
          }
          slot = slot + 1 === p ? 0 : slot + 1;
          if (seen <= p) {
            value[i] = NaN;
            continue;
          }
          const total = pSum + nSum;
          value[i] = total < 1.0 ? 0.0 : 100.0 * (pSum / total);
        }
        prevValue = last;
        posSum = pSum;
        negSum = nSum;
        pos = slot;
      },
    };
  },
});
