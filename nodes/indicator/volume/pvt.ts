import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const pvt = defineNode({
  kind: 'indicator.pvt',
  summary: 'Price-volume trend: running sum of the percentage change of the series times the volume (pandas-ta pvt).',
  description:
    'PVT = running sum from the second event of 100 * (series - previous) / previous * volume (pandas-ta ' +
    'pvt with drift 1). Warm-up: 1 event. A cumulative sum: values depend on where the stream starts.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: () => {
    let prev = NaN;
    let total = 0.0;
    return {
      step(n, _t, { series, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const pv = ((100 * (x - prev)) / prev) * volume[i];
          prev = x;
          if (pv === pv) {
            total += pv;
            value[i] = total;
          } else {
            value[i] = NaN; // pandas cumsum skips NaN
          }
        }
      },
    };
  },
});
