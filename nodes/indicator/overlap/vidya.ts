import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { PtaVidya } from '../kernels/pandasTa.js';

export const vidya = defineNode({
  kind: 'indicator.vidya',
  summary: "Chande's variable index dynamic average: an EMA whose alpha is scaled by |CMO| (pandas-ta vidya).",
  description:
    'VIDYA = alpha |CMO| close + (1 - alpha |CMO|) VIDYA[-1], alpha = 2 / (length + 1), CMO = (up - down) / ' +
    '(up + down) with up and down the sums of the positive and negative one-bar changes over the last length ' +
    'bars (Tushar Chande, 1992; pandas-ta vidya). As in pandas-ta the recursion starts at event length from ' +
    'VIDYA = 0 (so the first value is alpha |CMO| close), an exact 0 gives no value, and a NaN CMO (a flat ' +
    'window) makes every later value NaN. pandas-ta\'s drift argument is left out: any drift but 1 makes its ' +
    'VIDYA NaN throughout (the CMO is not ready when its recursion starts). No output for the first length events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Length of the CMO; alpha = 2 / (length + 1).' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length,
  create: ({ length }) => {
    const ma = new PtaVidya(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
