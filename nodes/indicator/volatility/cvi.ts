import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const cvi = defineNode({
  kind: 'indicator.cvi',
  summary: "Chaikin's volatility: the percent change over period events of an EMA(period) of high - low (Tulip cvi).",
  description:
    'E = EMA(high - low, period), k = 2 / (period + 1), seeded with the first high - low (not with an ' +
    'average); CVI = 100 * (E - E[period ago]) / E[period ago] (Marc Chaikin; Tulip Indicators cvi, ' +
    'computed in its order of operations). No output for the first 2 * period - 1 events, as in ' +
    'Tulip. Tulip has no default period: 10 is the common one (Chaikin\'s 10-event EMA and 10-event ' +
    'change). The EMA never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    { period: Type.Integer({ minimum: 2, maximum: 100000, default: 10, description: 'Period of the EMA of high - low and of its change.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 2 * p.period - 1,
  create: ({ period }) => {
    const per = 2 / (period + 1);
    const first = 2 * period - 1;
    const ring = new Float64Array(period); // the last period EMA values, ring[pos] the oldest
    let pos = 0;
    let seen = 0; // events consumed, counted up to first
    let ema = 0.0;
    return {
      step(n, _t, { high, low }, { value }) {
        let p = pos;
        let val = ema;
        for (let i = 0; i < n; i++) {
          const range = high[i] - low[i];
          if (seen === 0) {
            val = range;
            seen++;
            value[i] = NaN;
            continue;
          }
          val = (range - val) * per + val;
          if (seen < first) {
            seen++;
            value[i] = NaN;
          } else {
            const old = ring[p];
            value[i] = (100.0 * (val - old)) / old;
          }
          ring[p] = val;
          p = p + 1 === period ? 0 : p + 1;
        }
        pos = p;
        ema = val;
      },
    };
  },
});
