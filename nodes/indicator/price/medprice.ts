import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const medprice = defineNode({
  kind: 'indicator.medprice',
  summary: 'Median price: midpoint of high and low (TA-Lib MEDPRICE).',
  description: '(high + low) / 2. No state, no warm-up (TA-Lib lookback 0).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { high, low }, { value }) {
      for (let i = 0; i < n; i++) value[i] = (high[i] + low[i]) / 2.0;
    },
  }),
});
