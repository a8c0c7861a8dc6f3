import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, PTA_MA_TEXT, ptaMaModeParam, ptaMaWarmup } from '../kernels/pandasTa.js';

export const qstick = defineNode({
  kind: 'indicator.qstick',
  summary: 'Q Stick: a moving average of close - open, the balance of white and black candle bodies (pandas-ta qstick).',
  description:
    'QStick = MA(close - open, length) (Tushar Chande; pandas-ta qstick). The average ' +
    `is pandas-ta's own: ${PTA_MA_TEXT}. No output for the first length - 1 events (hma: length + floor(sqrt(length)) - 2), ` +
    'as in pandas-ta. pandas-ta adds machine epsilon to every body of the whole series when any body is 0 (a look ' +
    'at the whole series, not causal): hean does not, a difference of 2.2e-16.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 10, description: 'Period of the average.' }),
      ma: ptaMaModeParam(['sma', 'ema', 'rma', 'dema', 'hma'], 'sma', 'The moving average (pandas-ta names).'),
    },
    { additionalProperties: false },
  ),
  inputs: { open: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => ptaMaWarmup(p.ma, p.length),
  create: ({ length, ma }) => {
    const avg = createPandasTaMa(ma, length, { sma: 'pandas' });
    return {
      step(n, _t, { open, close }, { value }) {
        for (let i = 0; i < n; i++) value[i] = avg.next(close[i] - open[i]);
      },
    };
  },
});
