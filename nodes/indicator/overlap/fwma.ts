import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WeightedWindow, fibonacciWeights } from '../kernels/pandasTa.js';

export const fwma = defineNode({
  kind: 'indicator.fwma',
  summary: "Fibonacci's weighted moving average: Fibonacci weights 1, 1, 2, 3, 5, ... with the largest on the newest bar (pandas-ta fwma).",
  description:
    "FWMA = sum(w_i * close_i) over the last length bars with the weights 1, 1, 2, 3, 5, ... (the first length Fibonacci numbers, the largest on the newest bar) normalised to sum 1 (pandas-ta fwma). pandas-ta'\''s asc argument has no effect and is not a param. " +
    'No output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ma = new WeightedWindow(fibonacciWeights(length));
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
