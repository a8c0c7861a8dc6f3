import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

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
    const alpha = 2 / (length + 1);
    const pos = new Float64Array(length);
    const neg = new Float64Array(length);
    let k = 0; // ring slot of the next change
    let seen = 0; // events so far
    let prevClose = NaN;
    let v = 0;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const mom = x - prevClose;
          prevClose = x;
          // pandas clip keeps NaN: a NaN change enters both sums as NaN.
          pos[k] = mom !== mom ? NaN : mom > 0 ? mom : 0;
          neg[k] = mom !== mom ? NaN : mom < 0 ? -mom : 0;
          k = k + 1 === length ? 0 : k + 1;
          if (seen < length) {
            seen++;
            value[i] = NaN;
            continue;
          }
          let up = 0.0;
          let down = 0.0;
          for (let j = 0; j < length; j++) {
            up += pos[j];
            down += neg[j];
          }
          const cmo = Math.abs((up - down) / (up + down));
          v = alpha * cmo * x + v * (1 - alpha * cmo);
          value[i] = v === 0 ? NaN : v;
        }
      },
    };
  },
});
