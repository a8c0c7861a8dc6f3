import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { varianceOf, windowStatistic } from '../kernels/pandas.js';

export const varianceKind = defineNode({
  kind: 'indicator.variance',
  summary: 'Sample variance of the last length values, divisor length - ddof (pandas-ta variance; ddof 1 by default).',
  description:
    'sum((x - mean)^2) / (length - ddof) over the last length inputs (pandas-ta variance without TA-Lib: ' +
    "pandas' close.rolling(length).var(ddof)). With the default ddof = 1 this is the sample (unbiased) " +
    'variance, length / (length - 1) times TA-Lib VAR (indicator.var, the population variance, ddof = 0). ' +
    'Computed over the window at every event (mean, then squared deviations). ddof must be below length. ' +
    'No output for the first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values in the window.' }),
      ddof: Type.Integer({ minimum: 0, maximum: 99999, default: 1, description: 'Delta degrees of freedom: the divisor is length - ddof (below length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  check: (p) => (p.ddof >= p.length ? [{ path: ['ddof'], message: 'ddof must be below length' }] : []),
  create: ({ length, ddof }) => windowStatistic(length, (w) => varianceOf(w, ddof)),
});
