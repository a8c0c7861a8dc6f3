import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { ptaRma } from '../kernels/pandasTa.js';

export const rma = defineNode({
  kind: 'indicator.rma',
  summary: "Wilder's moving average: an exponential average with alpha = 1 / length, as pandas' adjusted ewm (pandas-ta rma).",
  description:
    "RMA = close.ewm(alpha=1/length, adjust=True, min_periods=length).mean() (J. Welles Wilder's " +
    'smoothing, 1978, as pandas-ta rma computes it): the weighted mean of all values so far with weights ' +
    '(1 - 1/length)^age, normalised by the sum of the weights (the adjusted form, not seeded with an SMA ' +
    "as TA-Lib's Wilder smoothing in ATR/RSI is). No output for the first length - 1 events.",
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Smoothing length: alpha = 1 / length.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ewm = ptaRma(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ewm.next(series[i]);
      },
    };
  },
});
