import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, PandasRollingSum, RollingExtreme } from '../kernels/pandas.js';

export const vhf = defineNode({
  kind: 'indicator.vhf',
  summary: 'Vertical horizontal filter: the range of the closes over the sum of their absolute changes; high when trending (pandas-ta vhf).',
  description:
    'VHF = |highest close - lowest close| / sum(|close - close[drift bars ago]|, length) over the last length bars ' +
    '(Adam White, 1991; pandas-ta vhf). No output for the first length + drift - 1 events, as in pandas-ta. ' +
    'pandas-ta adds machine epsilon to every range of the whole series when any range is 0 (a look at the whole ' +
    'series, not causal): hean does not, a difference of 2.2e-16.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 28, description: 'Number of bars.' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Bars back of the change.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length + p.drift - 1,
  create: ({ length, drift }) => {
    const highest = new RollingExtreme(length, true);
    const lowest = new RollingExtreme(length, false);
    const prev = new Lag(drift);
    const changes = new PandasRollingSum(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const range = Math.abs(highest.next(x) - lowest.next(x));
          value[i] = range / changes.next(Math.abs(x - prev.next(x)));
        }
      },
    };
  },
});
