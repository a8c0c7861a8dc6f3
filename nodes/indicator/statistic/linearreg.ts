import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { linearRegKernel } from '../kernels/linearReg.js';

export const linearreg = defineNode({
  kind: 'indicator.linearreg',
  summary: 'Linear regression: the least-squares line of the last timePeriod values, taken at the current event (TA-Lib LINEARREG).',
  description:
    'b + m * (timePeriod - 1), where y = b + m * x is the least-squares line through the last timePeriod inputs (x = 0 for the oldest): the fitted value at the newest event. Recomputed over the window at every event in TA-Lib\'s order of operations (equal to TA-Lib to the last bit up to timePeriod 1290; above that TA-Lib\'s 32-bit integer sum of squares overflows and its values are wrong, hean computes it exactly). No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of events the line is fitted to.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => linearRegKernel(timePeriod, 'linearreg'),
});
