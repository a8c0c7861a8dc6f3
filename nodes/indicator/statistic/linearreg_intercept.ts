import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { linearRegKernel } from '../kernels/linearReg.js';

export const linearregIntercept = defineNode({
  kind: 'indicator.linearreg_intercept',
  summary: 'Intercept of the least-squares line of the last timePeriod values, at the oldest event (TA-Lib LINEARREG_INTERCEPT).',
  description:
    'b, the value at the oldest event of the window (x = 0) of the least-squares line y = b + m * x through the last timePeriod inputs. Recomputed over the window at every event in TA-Lib\'s order of operations (equal to TA-Lib to the last bit up to timePeriod 1290; above that TA-Lib\'s 32-bit integer sum of squares overflows and its values are wrong, hean computes it exactly). No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of events the line is fitted to.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => linearRegKernel(timePeriod, 'intercept'),
});
