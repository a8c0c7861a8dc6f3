import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const avgdev = defineNode({
  kind: 'indicator.avgdev',
  summary: 'Mean absolute deviation of the last timePeriod values from their mean (TA-Lib AVGDEV).',
  description:
    'sum(|x - mean|) / timePeriod over the last timePeriod inputs, mean = their simple average. ' +
    'Recomputed over the window at every event in TA-Lib order (sum newest first, then the ' +
    'deviations newest first), so values equal TA-Lib AVGDEV to the last bit. No output for the ' +
    'first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const period = timePeriod;
    const pm1 = period - 1;
    const ring = new Float64Array(period);
    let pos = 0; // slot of the next event
    let seen = 0; // events consumed, counted up to timePeriod - 1
    return {
      step(n, _t, { series }, { value }) {
        let p = pos;
        let s = seen;
        for (let i = 0; i < n; i++) {
          ring[p] = series[i];
          const newest = p;
          p = p + 1 === period ? 0 : p + 1;
          if (s < pm1) {
            s++;
            value[i] = NaN;
            continue;
          }
          // Newest first: slots newest down to 0, then period-1 down to newest+1.
          let total = 0.0;
          for (let k = newest; k >= 0; k--) total += ring[k];
          for (let k = pm1; k > newest; k--) total += ring[k];
          const mean = total / period;
          let dev = 0.0;
          for (let k = newest; k >= 0; k--) dev += Math.abs(ring[k] - mean);
          for (let k = pm1; k > newest; k--) dev += Math.abs(ring[k] - mean);
          value[i] = dev / period;
        }
        pos = p;
        seen = s;
      },
    };
  },
});
