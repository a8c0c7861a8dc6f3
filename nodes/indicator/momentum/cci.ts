import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const cci = defineNode({
  kind: 'indicator.cci',
  summary: 'Commodity channel index: typical price minus its mean, over 0.015 times the mean absolute deviation (TA-Lib CCI).',
  description:
    'With typical price tp = (high + low + close) / 3 and over the last timePeriod bars: CCI = (tp - ' +
    'mean) / (0.015 * (sum |tp_j - mean| / timePeriod)); 0 when tp - mean or the deviation sum is 0. ' +
    'The mean and the mean absolute deviation are recomputed over the window at every event (O(timePeriod) ' +
    'per event, there is no running form of the deviation), summing in the same circular-buffer order ' +
    'as TA-Lib, so values equal TA-Lib CCI to the last bit. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of typical prices in the window.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const ring = new Float64Array(p); // TA-Lib's circular buffer, same slots (summed in slot order)
    let pos = 0;
    let seen = 0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          const last = (high[i] + low[i] + close[i]) / 3;
          ring[pos] = last;
          pos = pos + 1 === p ? 0 : pos + 1;
          if (seen < p - 1) {
            seen++;
            value[i] = NaN;
            continue;
          }
          let average = 0.0;
          for (let j = 0; j < p; j++) average += ring[j];
          average /= p;
          let deviation = 0.0;
          for (let j = 0; j < p; j++) deviation += Math.abs(ring[j] - average);
          const d = last - average;
          value[i] = d !== 0.0 && deviation !== 0.0 ? d / (0.015 * (deviation / p)) : 0.0;
        }
      },
    };
  },
});
