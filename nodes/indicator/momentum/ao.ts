import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingMean } from '../kernels/pandas.js';

export const ao = defineNode({
  kind: 'indicator.ao',
  summary: 'Awesome Oscillator: SMA(fast) - SMA(slow) of the median price (high + low) / 2 (pandas-ta ao).',
  description:
    'AO = SMA(median, fast) - SMA(median, slow) with median = 0.5 (high + low) (Bill Williams; ' +
    'pandas-ta ao). The averages are rolling means; if slow < fast the two are swapped, as ' +
    'pandas-ta does. No output for the first max(fast, slow) - 1 events.',
  params: Type.Object(
    {
      fast: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of values of the fast average.' }),
      slow: Type.Integer({ minimum: 1, maximum: 100000, default: 34, description: 'Number of values of the slow average.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => Math.max(p.fast, p.slow) - 1,
  create: ({ fast, slow }) => {
    const fastMean = new RollingMean(Math.min(fast, slow));
    const slowMean = new RollingMean(Math.max(fast, slow));
    return {
      step(n, _t, { high, low }, { value }) {
        for (let i = 0; i < n; i++) {
          const median = 0.5 * (high[i] + low[i]);
          const f = fastMean.next(median);
          value[i] = f - slowMean.next(median);
        }
      },
    };
  },
});
