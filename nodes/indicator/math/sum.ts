import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const sum = defineNode({
  kind: 'indicator.sum',
  summary: 'Sum of the last timePeriod values (TA-Lib SUM).',
  description:
    'Running sum of the last timePeriod inputs, kept the way TA-Lib does: add the newest value, ' +
    'output, then subtract the oldest, so values equal TA-Lib SUM to the last bit. No output for ' +
    'the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values summed.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const pm1 = timePeriod - 1;
    const ring = new Float64Array(timePeriod);
    let pos = 0;
    let seen = 0; // events consumed, counted up to timePeriod - 1
    let total = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        let p = pos;
        let s = seen;
        let sum = total;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          sum += x;
          ring[p] = x;
          p = p + 1 === timePeriod ? 0 : p + 1;
          if (s < pm1) {
            s++;
            value[i] = NaN;
          } else {
            value[i] = sum;
            sum -= ring[p]; // the oldest value leaves the window
          }
        }
        pos = p;
        seen = s;
        total = sum;
      },
    };
  },
});
