import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WeightedWindow, sineWeights } from '../kernels/pandasTa.js';

export const sinwma = defineNode({
  kind: 'indicator.sinwma',
  summary: "Sine weighted moving average: weights sin((i + 1) pi / (length + 1)) over length bars (pandas-ta sinwma).",
  description:
    "SINWMA = sum(w_i * close_i) over the last length bars with w_i = sin((i + 1) pi / (length + 1)) normalised to sum 1 (Everget, TradingView; pandas-ta sinwma). " +
    'No output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ma = new WeightedWindow(sineWeights(length));
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
