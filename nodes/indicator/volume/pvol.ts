import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const pvol = defineNode({
  kind: 'indicator.pvol',
  summary: 'Price-volume: the series times the volume, optionally signed by the change of the series (pandas-ta pvol).',
  description:
    'PVOL = series * volume; with signed, times the sign of series - previous series (+1 on the first ' +
    'event, 0 when unchanged) (pandas-ta pvol). No warm-up.',
  params: Type.Object(
    { signed: Type.Boolean({ default: false, description: 'Multiply by the sign of the change of the series.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ signed }) => {
    let prev = NaN;
    let row = 0;
    return {
      step(n, _t, { series, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          let pv = x * volume[i];
          if (signed) {
            const d = x - prev;
            pv *= row === 0 ? 1 : d > 0 ? 1 : d < 0 ? -1 : d;
          }
          prev = x;
          row++;
          value[i] = pv;
        }
      },
    };
  },
});
