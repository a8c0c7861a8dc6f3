import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { varianceKernel } from '../kernels/variance.js';

export const stddev = defineNode({
  kind: 'indicator.stddev',
  summary: 'Population standard deviation of the last timePeriod values, times nbDev (TA-Lib STDDEV).',
  description:
    'sqrt(variance) * nbDev, variance = mean of x^2 - (mean of x)^2 over the last timePeriod ' +
    'inputs (population, divided by timePeriod), from running sums updated the way TA-Lib does ' +
    '(add the newest, output, subtract the oldest). A variance below 1e-14 (zero, or negative ' +
    'from rounding) gives 0, as in TA-Lib. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 5, description: 'Number of values in the window.' }),
      nbDev: Type.Number({ minimum: -3e37, maximum: 3e37, default: 1, description: 'Multiplier of the standard deviation.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod, nbDev }) => varianceKernel(timePeriod, nbDev),
});
