import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { sumOf, varianceOf, windowStatistic } from '../kernels/pandas.js';

export const zscore = defineNode({
  kind: 'indicator.zscore',
  summary: 'Rolling z-score: (x - SMA(length)) / (std * sample standard deviation over length) (pandas-ta zscore).',
  description:
    '(x - mean) / (std * stdev), mean and stdev (divisor length - ddof, ddof = 1 by default as in ' +
    'pandas-ta) over the last length inputs including the current one (pandas-ta zscore without TA-Lib). ' +
    'pandas-ta replaces a std of 1 or less by 1, so std here starts at 1. A window of equal values ' +
    'divides by 0 (infinite, or NaN for 0/0), as pandas does. No output for the first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values in the window.' }),
      std: Type.Number({ minimum: 1, maximum: 1e6, default: 1, description: 'Multiplier of the standard deviation.' }),
      ddof: Type.Integer({ minimum: 0, maximum: 99999, default: 1, description: 'Delta degrees of freedom of the standard deviation (below length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  check: (p) => (p.ddof >= p.length ? [{ path: ['ddof'], message: 'ddof must be below length' }] : []),
  create: ({ length, std, ddof }) =>
    windowStatistic(length, (w) => (w[length - 1] - sumOf(w) / length) / (std * Math.sqrt(varianceOf(w, ddof)))),
});
