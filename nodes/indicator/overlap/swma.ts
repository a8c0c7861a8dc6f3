import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WeightedWindow, symmetricTriangleWeights } from '../kernels/pandasTa.js';

export const swma = defineNode({
  kind: 'indicator.swma',
  summary: "Symmetric weighted moving average: triangular weights 1, 2, ..., 2, 1 over length bars (pandas-ta swma).",
  description:
    "SWMA = sum(w_i * close_i) over the last length bars with the symmetric triangle weights 1, 2, ..., ceil(length / 2), ..., 2, 1 normalised to sum 1 (pandas-ta swma, symmetric_triangle). pandas-ta'\''s asc argument has no effect (the weights are symmetric) and is not a param. " +
    'No output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 2, maximum: 100000, default: 10, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ma = new WeightedWindow(symmetricTriangleWeights(length));
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
