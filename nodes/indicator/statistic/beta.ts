import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const beta = defineNode({
  kind: 'indicator.beta',
  summary: "Beta: slope of the regression of series1's one-event returns on series0's, over timePeriod returns (TA-Lib BETA).",
  description:
    'From the second event on, returns x = (series0 - previous) / previous and y = (series1 - ' +
    'previous) / previous (0 when the previous value is within 1e-14 of zero). Over the last ' +
    'timePeriod returns, beta = (n sum(xy) - sum(x) sum(y)) / (n sum(x^2) - sum(x)^2), n = ' +
    'timePeriod, or 0 when that denominator is within 1e-14 of zero: cov(x, y) / var(x), the ' +
    'slope of series1 returns against series0 returns (TA-Lib divides by the variance of its ' +
    'first input, inReal0 = series0). Sums are running (add the newest return, output, subtract ' +
    'the oldest) in TA-Lib order, so values equal TA-Lib BETA to the last bit. No output for the ' +
    'first timePeriod events (timePeriod returns need timePeriod + 1 values).',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of returns in the regression.' }) },
    { additionalProperties: false },
  ),
  inputs: { series0: port.number(), series1: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const period = timePeriod;
    const nd = period; // TA-Lib's n = (double)optInTimePeriod
    const xs = new Float64Array(period); // the returns in the window
    const ys = new Float64Array(period);
    let pos = 0;
    let seen = 0; // events consumed, counted up to timePeriod
    let lastX = 0.0;
    let lastY = 0.0;
    let sxx = 0.0;
    let sxy = 0.0;
    let sx = 0.0;
    let sy = 0.0;
    return {
      step(n, _t, { series0, series1 }, { value }) {
        let p = pos;
        let s = seen;
        let px = lastX;
        let py = lastY;
        let Sxx = sxx;
        let Sxy = sxy;
        let Sx = sx;
        let Sy = sy;
        for (let i = 0; i < n; i++) {
          const a = series0[i];
          const b = series1[i];
          if (s === 0) {
            px = a;
            py = b;
            s = 1;
            value[i] = NaN;
            continue;
          }
          // TA_IS_ZERO(v): -1e-14 < v < 1e-14
          const x = !(-1e-14 < px && px < 1e-14) ? (a - px) / px : 0.0;
          px = a;
          const y = !(-1e-14 < py && py < 1e-14) ? (b - py) / py : 0.0;
          py = b;
          Sxx += x * x;
          Sxy += x * y;
          Sx += x;
          Sy += y;
          xs[p] = x;
          ys[p] = y;
          p = p + 1 === period ? 0 : p + 1;
          if (s < period) {
            s++;
            value[i] = NaN;
            continue;
          }
          const den = nd * Sxx - Sx * Sx;
          value[i] = !(-1e-14 < den && den < 1e-14) ? (nd * Sxy - Sx * Sy) / den : 0.0;
          const ox = xs[p]; // the oldest return leaves the window
          const oy = ys[p];
          Sxx -= ox * ox;
          Sxy -= ox * oy;
          Sx -= ox;
          Sy -= oy;
        }
        pos = p;
        seen = s;
        lastX = px;
        lastY = py;
        sxx = Sxx;
        sxy = Sxy;
        sx = Sx;
        sy = Sy;
      },
    };
  },
});
