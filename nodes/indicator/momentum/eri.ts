import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { PandasTaEma } from '../kernels/pandasTa.js';

export const eri = defineNode({
  kind: 'indicator.eri',
  summary: 'Elder Ray Index: bull power high - EMA(close) and bear power low - EMA(close) (pandas-ta eri).',
  description:
    'bull = high - EMA(close, length), bear = low - EMA(close, length) (Alexander Elder; pandas-ta ' +
    'eri). The EMA is pandas-ta ema: the mean of the first length closes, then alpha 2 / (length + 1). ' +
    'No output for the first length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 13, description: 'Number of values of the EMA.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { bull: port.number(), bear: port.number() },
  defaultOutput: 'bull',
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ema = new PandasTaEma(length);
    return {
      step(n, _t, { high, low, close }, { bull, bear }) {
        for (let i = 0; i < n; i++) {
          const e = ema.next(close[i]);
          bull[i] = high[i] - e;
          bear[i] = low[i] - e;
        }
      },
    };
  },
});
