import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const stderr = defineNode({
  kind: 'indicator.stderr',
  summary: 'Standard error of the mean: the population standard deviation of the last period values over sqrt(period) (Tulip stderr).',
  description:
    'SE = sqrt(mean of x^2 - (mean of x)^2) / sqrt(period) over the last period inputs, from running ' +
    'sums updated as Tulip Indicators stderr does (add the newest, subtract the one leaving). As in ' +
    'Tulip, a variance that rounds to 0 or below is not square-rooted (it is output, times ' +
    '1 / sqrt(period), as it is: 0 or a tiny negative number). No output for the first period - 1 ' +
    'events. Tulip has no default period: 14 is taken here, as for most windows.',
  params: Type.Object(
    { period: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.period - 1,
  create: ({ period }) => {
    const scale = 1.0 / period;
    const mul = 1.0 / Math.sqrt(period);
    const ring = new Float64Array(period); // the last period values; ring[pos] the one leaving
    let pos = 0;
    let seen = 0; // events consumed, counted up to period
    let total = 0.0;
    let total2 = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        let p = pos;
        let sum = total;
        let sum2 = total2;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          sum += x;
          sum2 += x * x;
          if (seen < period) {
            seen++;
          } else {
            const old = ring[p];
            sum -= old;
            sum2 -= old * old;
          }
          ring[p] = x;
          p = p + 1 === period ? 0 : p + 1;
          if (seen < period) {
            value[i] = NaN;
            continue;
          }
          let s2s2 = sum2 * scale - sum * scale * (sum * scale);
          if (s2s2 > 0.0) s2s2 = Math.sqrt(s2s2);
          value[i] = mul * s2s2;
        }
        pos = p;
        total = sum;
        total2 = sum2;
      },
    };
  },
});
