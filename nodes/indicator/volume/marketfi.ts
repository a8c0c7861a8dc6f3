import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const marketfi = defineNode({
  kind: 'indicator.marketfi',
  summary: "Market facilitation index: (high - low) / volume, Bill Williams' price range per unit of volume (Tulip marketfi).",
  description:
    'MFI = (high - low) / volume (Bill Williams, Trading Chaos, 1995; Tulip Indicators marketfi). ' +
    'A bar with zero volume gives Infinity (or NaN if its range is 0 too), as in Tulip. No warm-up.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => ({
    step(n, _t, { high, low, volume }, { value }) {
      for (let i = 0; i < n; i++) value[i] = (high[i] - low[i]) / volume[i];
    },
  }),
});
