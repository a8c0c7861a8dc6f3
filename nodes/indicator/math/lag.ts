import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const lag = defineNode({
  kind: 'indicator.lag',
  summary: 'Lag: the input period events ago, x[i - period] (Tulip lag).',
  description:
    'LAG = x[i - period] (Tulip Indicators lag): the causal shift, to compare a series with its own ' +
    'past. period 0 passes the input through. No output for the first period events. Tulip has no ' +
    'default period: 1 (the previous value) is taken.',
  params: Type.Object(
    { period: Type.Integer({ minimum: 0, maximum: 100000, default: 1, description: 'Number of events to shift by.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.period,
  create: ({ period }) => {
    const ring = new Float64Array(Math.max(period, 1)); // the last period values; ring[pos] the one period ago
    let pos = 0;
    let seen = 0; // events consumed, counted up to period
    return {
      step(n, _t, { series }, { value }) {
        if (period === 0) {
          for (let i = 0; i < n; i++) value[i] = series[i];
          return;
        }
        let p = pos;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (seen < period) {
            seen++;
            value[i] = NaN;
          } else {
            value[i] = ring[p];
          }
          ring[p] = x;
          p = p + 1 === period ? 0 : p + 1;
        }
        pos = p;
      },
    };
  },
});
