import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const add = defineNode({
  kind: 'indicator.add',
  summary: 'Sum of two series, event by event (TA-Lib ADD).',
  description: 'series0 + series1 at each event. No state, no warm-up (TA-Lib lookback 0). Both inputs must be aligned on the same events (the runtime joins them).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series0: port.number(), series1: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { series0, series1 }, { value }) {
      for (let i = 0; i < n; i++) value[i] = series0[i] + series1[i];
    },
  }),
});
