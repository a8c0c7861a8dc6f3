import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { windowStatistic } from '../kernels/pandas.js';

export const quantile = defineNode({
  kind: 'indicator.quantile',
  summary: 'Rolling q-quantile of the last length values, linear interpolation (pandas-ta quantile).',
  description:
    'The q-quantile of the last length inputs: with the window sorted and h = q (length - 1), ' +
    "lo = floor(h), the value at lo + (value at lo + 1 - value at lo) (h - lo): pandas' " +
    "close.rolling(length).quantile(q) (interpolation 'linear'), which pandas-ta quantile returns. " +
    'No output for the first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Number of values in the window.' }),
      q: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.5, description: 'The quantile, between 0 and 1.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length, q }) => {
    const h = q * (length - 1);
    const lo = Math.trunc(h);
    const frac = h - lo;
    return windowStatistic(length, (w) => {
      w.sort();
      if (h === lo) return w[lo];
      return w[lo] + (w[lo + 1] - w[lo]) * frac;
    });
  },
});
