import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const bop = defineNode({
  kind: 'indicator.bop',
  summary: 'Balance of power: (close - open) / (high - low) of each bar (TA-Lib BOP).',
  description:
    'BOP = (close - open) / (high - low), bar by bar, with no smoothing and no warm-up; 0 when ' +
    'high - low is below 1e-14 (zero or negative range), as in TA-Lib, so values equal TA-Lib BOP ' +
    'to the last bit.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { open, high, low, close }, { value }) {
      for (let i = 0; i < n; i++) {
        const range = high[i] - low[i];
        value[i] = range < TA_EPSILON ? 0.0 : (close[i] - open[i]) / range;
      }
    },
  }),
});
