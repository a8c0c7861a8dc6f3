import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WeightedWindow, pascalWeights } from '../kernels/pandasTa.js';

export const pwma = defineNode({
  kind: 'indicator.pwma',
  summary: "Pascal's weighted moving average: binomial weights C(length - 1, i) over length bars (pandas-ta pwma).",
  description:
    "PWMA = sum(w_i * close_i) over the last length bars with the weights of row length - 1 of Pascal'\''s triangle, C(length - 1, i) / 2^(length - 1) (pandas-ta pwma). pandas-ta'\''s asc argument has no effect and is not a param. " +
    'No output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ma = new WeightedWindow(pascalWeights(length));
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
