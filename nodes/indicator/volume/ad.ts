import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const ad = defineNode({
  kind: 'indicator.ad',
  summary: 'Chaikin accumulation/distribution line: running sum of close-location-weighted volume (TA-Lib AD).',
  description:
    'AD += ((close - low) - (high - close)) / (high - low) * volume for each bar whose high - low > 0 ' +
    '(other bars add nothing), starting from 0 at the first event, in TA-Lib order, so values equal ' +
    'TA-Lib AD to the last bit. No warm-up. A cumulative sum: values depend on where the stream starts.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => {
    let sum = 0.0;
    return {
      step(n, _t, { high, low, close, volume }, { value }) {
        let s = sum; // a local in the hot loop (closure doubles are boxed on every store)
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const range = h - l;
          const c = close[i];
          if (range > 0.0) s += (((c - l) - (h - c)) / range) * volume[i];
          value[i] = s;
        }
        sum = s;
      },
    };
  },
});
