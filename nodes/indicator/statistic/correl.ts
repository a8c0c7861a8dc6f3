import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const correl = defineNode({
  kind: 'indicator.correl',
  summary: "Pearson's correlation coefficient of series0 and series1 over the last timePeriod events (TA-Lib CORREL).",
  description:
    'r = (sum(xy) - sum(x) sum(y) / n) / sqrt((sum(x^2) - sum(x)^2 / n) (sum(y^2) - sum(y)^2 / n)) ' +
    'over the last n = timePeriod pairs of values (not returns), or 0 when the product under the ' +
    'root is below 1e-14 (a flat window). Running sums updated the way TA-Lib does (subtract the ' +
    'oldest pair, then add the newest), so values equal TA-Lib CORREL to the last bit. With ' +
    'timePeriod 1 the output is 0. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Number of pairs correlated.' }) },
    { additionalProperties: false },
  ),
  inputs: { series0: port.number(), series1: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const period = timePeriod;
    const pm1 = period - 1;
    const xs = new Float64Array(period);
    const ys = new Float64Array(period);
    let pos = 0; // slot of the next pair; before it is written, the oldest pair of a full window
    let seen = 0; // events consumed, counted up to timePeriod
    let sumX = 0.0;
    let sumY = 0.0;
    let sumXY = 0.0;
    let sumX2 = 0.0;
    let sumY2 = 0.0;
    return {
      step(n, _t, { series0, series1 }, { value }) {
        let p = pos;
        let s = seen;
        let sX = sumX;
        let sY = sumY;
        let sXY = sumXY;
        let sX2 = sumX2;
        let sY2 = sumY2;
        for (let i = 0; i < n; i++) {
          if (s === period) {
            // TA-Lib removes the trailing pair before adding the new one.
            const tx = xs[p];
            const ty = ys[p];
            sX -= tx;
            sX2 -= tx * tx;
            sXY -= tx * ty;
            sY -= ty;
            sY2 -= ty * ty;
          }
          const x = series0[i];
          const y = series1[i];
          sX += x;
          sX2 += x * x;
          sXY += x * y;
          sY += y;
          sY2 += y * y;
          xs[p] = x;
          ys[p] = y;
          p = p + 1 === period ? 0 : p + 1;
          if (s < pm1) {
            s++;
            value[i] = NaN;
            continue;
          }
          s = period;
          const t = (sX2 - (sX * sX) / period) * (sY2 - (sY * sY) / period);
          value[i] = !(t < 1e-14) ? (sXY - (sX * sY) / period) / Math.sqrt(t) : 0.0;
        }
        pos = p;
        seen = s;
        sumX = sX;
        sumY = sY;
        sumXY = sXY;
        sumX2 = sX2;
        sumY2 = sY2;
      },
    };
  },
});
