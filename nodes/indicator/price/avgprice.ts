import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const avgprice = defineNode({
  kind: 'indicator.avgprice',
  summary: 'Average of open, high, low and close (TA-Lib AVGPRICE).',
  description: '(high + low + close + open) / 4, added in that order as TA-Lib does. No state, no warm-up (TA-Lib lookback 0).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { open, high, low, close }, { value }) {
      for (let i = 0; i < n; i++) value[i] = (high[i] + low[i] + close[i] + open[i]) / 4;
    },
  }),
});
