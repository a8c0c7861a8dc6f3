import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, ptaMaModeParam, PTA_MA4_TEXT } from '../kernels/pandasTa.js';

export const bias = defineNode({
  kind: 'indicator.bias',
  summary: 'Bias: how far the close is above its moving average, close / MA - 1 (pandas-ta bias).',
  description:
    'BIAS = close / MA(close, length) - 1 (pandas-ta bias). Moving averages (maMode): ' + PTA_MA4_TEXT +
    '. No output for the first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 26, description: 'Number of values of the moving average.' }),
      maMode: ptaMaModeParam(['sma', 'ema', 'wma', 'rma'], 'sma', 'Moving average of the close.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length, maMode }) => {
    const ma = createPandasTaMa(maMode, length, { sma: 'rescan' });
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = series[i] / ma.next(series[i]) - 1;
      },
    };
  },
});
