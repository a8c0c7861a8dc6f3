import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { WeightedWindow } from '../kernels/pandasTa.js';

export const alma = defineNode({
  kind: 'indicator.alma',
  summary: 'Arnaud Legoux moving average: Gaussian weights centred at distributionOffset of the window (published ALMA; pandas-ta alma).',
  description:
    'ALMA = sum(w_i * close_i) / sum(w_i) over the last length bars, i = 0 the oldest, with ' +
    'w_i = exp(-(i - m)^2 / (2 s^2)), m = distributionOffset * (length - 1), s = length / sigma ' +
    '(Arnaud Legoux and Dimitrios Kouzis-Loukas, 2009; the TradingView ta.alma definition). An offset ' +
    'near 1 centres the weights on the newest bars. Departures from pandas-ta 0.3.14b0 alma, which has ' +
    'bugs: it applies the weights newest first (its offset 0.85 centres them on the oldest bars; its ' +
    'values equal the published ALMA with offset 1 - distributionOffset), writes 0 at event length - 1 ' +
    'and no value at event length. hean follows the published definition: a value from event length - 1 on.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of bars in the window.' }),
      sigma: Type.Number({ exclusiveMinimum: 0, default: 6.0, description: 'Width: s = length / sigma (a larger sigma gives narrower weights).' }),
      distributionOffset: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        default: 0.85,
        description: 'Centre of the weights as a fraction of the window from the oldest (0) to the newest (1) bar.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length, sigma, distributionOffset }) => {
    const m = distributionOffset * (length - 1);
    const s = length / sigma;
    const w = new Float64Array(length);
    let total = 0;
    for (let i = 0; i < length; i++) {
      w[i] = Math.exp((-1 * ((i - m) * (i - m))) / (2 * s * s));
      total += w[i];
    }
    const ma = new WeightedWindow(w, total);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
