import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { varianceKernel } from '../kernels/variance.js';

const variance = defineNode({
  kind: 'indicator.var',
  summary: 'Population variance of the last timePeriod values (TA-Lib VAR).',
  description:
    'mean of x^2 - (mean of x)^2 over the last timePeriod inputs (population, divided by ' +
    'timePeriod), from running sums updated the way TA-Lib does (add the newest, output, subtract ' +
    'the oldest), so values equal TA-Lib VAR to the last bit (rounding can make it slightly ' +
    'negative for a flat window, as in TA-Lib). nbDev is accepted for TA-Lib compatibility and, as ' +
    'in TA-Lib, ignored. With timePeriod 1 the output is 0. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of values in the window.' }),
      nbDev: Type.Number({ minimum: -3e37, maximum: 3e37, default: 1, description: 'Ignored, as in TA-Lib VAR.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => varianceKernel(timePeriod, undefined),
});

// `var` is a reserved word: the binding is `variance`, exported under the contract name `var`.
export { variance as var };
