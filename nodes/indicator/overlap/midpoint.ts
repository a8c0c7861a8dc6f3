import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { MidRange } from '../kernels/midRange.js';

export const midpoint = defineNode({
  kind: 'indicator.midpoint',
  summary: 'Midpoint of the highest and lowest value of the last timePeriod values (TA-Lib MIDPOINT).',
  description:
    '(highest + lowest) / 2 over the last timePeriod inputs. The extremes are tracked by keeping ' +
    'their index and rescanning the window only when one leaves it, and give exactly TA-Lib MIDPOINT, including its NaN ' +
    'behaviour: a NaN inside the window is skipped, a NaN as the oldest value of the window gives ' +
    'NaN. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const range = new MidRange(timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        range.run(series, series, value, 0, n);
      },
    };
  },
});
