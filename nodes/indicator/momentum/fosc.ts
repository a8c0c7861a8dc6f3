import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const fosc = defineNode({
  kind: 'indicator.fosc',
  summary: "Forecast oscillator: 100 * (x - the previous event's time series forecast of x) / x (Tulip fosc).",
  description:
    'FOSC = 100 * (x[i] - TSF[i - 1]) / x[i], where TSF[i - 1] is the least-squares line through the ' +
    'period values up to the previous event, extended one event ahead (to event i): the percent ' +
    'error of the forecast (Tushar Chande; Tulip Indicators fosc, with its running sums of y and x*y, ' +
    'x = 1 for the oldest value). pandas-ta cfo differs: it compares x with the line fitted through ' +
    'the window that includes x itself. No output for the first period events. Tulip has no default ' +
    'period: 14 is the common one.',
  params: Type.Object(
    { period: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of values the line is fitted to.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.period,
  create: ({ period }) => {
    // Tulip's LINEAR_REGRESSION macro: x = 1 + ... + period, x2 = 1^2 + ... + period^2.
    let x = 0;
    let x2 = 0;
    for (let i = 0; i < period - 1; i++) {
      x += i + 1;
      x2 += (i + 1) * (i + 1);
    }
    x += period;
    x2 += period * period;
    const bd = 1.0 / (period * x2 - x * x);
    const pinv = 1.0 / period;
    const ring = new Float64Array(period);
    let pos = 0; // slot of the next value; after writing, the slot after it holds the oldest of the window
    let seen = 0; // events consumed, counted up to period
    let sxy = 0.0;
    let sy = 0.0;
    let forecast = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        let p = pos;
        let xy = sxy;
        let y = sy;
        let tsf = forecast;
        for (let i = 0; i < n; i++) {
          const v = series[i];
          ring[p] = v;
          p = p + 1 === period ? 0 : p + 1;
          if (seen < period - 1) {
            xy += v * (seen + 1);
            y += v;
            seen++;
            value[i] = NaN;
            continue;
          }
          xy += v * period;
          y += v;
          const b = (period * xy - x * y) * bd;
          const a = (y - b * x) * pinv;
          if (seen < period) {
            seen++;
            value[i] = NaN;
          } else {
            value[i] = (100 * (v - tsf)) / v;
          }
          tsf = a + b * (period + 1);
          xy -= y;
          y -= ring[p];
        }
        pos = p;
        sxy = xy;
        sy = y;
        forecast = tsf;
      },
    };
  },
});
