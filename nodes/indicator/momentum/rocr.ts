import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const rocr = defineNode({
  kind: 'indicator.rocr',
  summary: 'Rate of change ratio: x / x[timePeriod ago] (TA-Lib ROCR).',
  description:
    'ROCR = x[i] / x[i - timePeriod] (1 = no change). ' +
    'Computed as TA-Lib writes it, so values equal TA-Lib ROCR to the last bit. 0 when the earlier value is 0, as in TA-Lib. No output for the ' +
    'first timePeriod events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Distance in events to the earlier value.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const window = new Float64Array(p); // ring of the last timePeriod inputs
    let pos = 0; // slot of the value timePeriod events ago, overwritten by today's
    let seen = 0;
    return {
      step(n, _t, { series }, { value }) {
        let slot = pos;
        let i = 0;
        for (; i < n && seen < p; i++) {
          window[slot] = series[i];
          slot = slot + 1 === p ? 0 : slot + 1;
          seen++;
          value[i] = NaN;
        }
        for (; i < n; i++) {
          const x = series[i];
          const prev = window[slot];
          window[slot] = x;
          slot = slot + 1 === p ? 0 : slot + 1;
          value[i] = prev !== 0.0 ? x / prev : 0.0;
        }
        pos = slot;
      },
    };
  },
});
