import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const typprice = defineNode({
  kind: 'indicator.typprice',
  summary: 'Typical price: average of high, low and close (TA-Lib TYPPRICE).',
  description: '(high + low + close) / 3. No state, no warm-up (TA-Lib lookback 0).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { high, low, close }, { value }) {
      for (let i = 0; i < n; i++) value[i] = (high[i] + low[i] + close[i]) / 3.0;
    },
  }),
});
