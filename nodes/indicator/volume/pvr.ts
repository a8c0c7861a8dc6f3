import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const pvr = defineNode({
  kind: 'indicator.pvr',
  summary: 'Price-volume rank: 1 to 4 from the directions of the series and of the volume (pandas-ta pvr).',
  description:
    'PVR = 1 when the series and the volume did not fall from the previous event, 2 when the series did ' +
    'not fall and the volume fell, 3 when the series fell and the volume did not, 4 when both fell ' +
    '(Anthony Macek, Technical Analysis of Stocks & Commodities, June 1994; pandas-ta pvr). The first ' +
    'event counts as no change (1). No warm-up.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: () => {
    let prev = NaN;
    let prevVolume = NaN;
    let row = 0;
    return {
      step(n, _t, { series, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const v = volume[i];
          let dc = x - prev;
          let dv = v - prevVolume;
          if (row++ === 0) dc = dv = 0; // pandas-ta fills the first difference with 0
          prev = x;
          prevVolume = v;
          if (dc >= 0) value[i] = dv >= 0 ? 1 : dv < 0 ? 2 : NaN;
          else if (dc < 0) value[i] = dv >= 0 ? 3 : dv < 0 ? 4 : NaN;
          else value[i] = NaN;
        }
      },
    };
  },
});
