import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const ttmTrend = defineNode({
  kind: 'indicator.ttm_trend',
  summary: 'TTM trend: 1 when the close is above the average midpoint (high + low) / 2 of the last length bars, else -1 (pandas-ta ttm_trend).',
  description:
    'avg = (hl2[t] + hl2[t - 1] + ... + hl2[t - length + 1]) / length, hl2 = 0.5 * (high + low), summed in that ' +
    'order as pandas-ta does; 1 when close > avg, else -1 (John Carter, Mastering the Trade, TTM Trend; pandas-ta ' +
    'ttm_trend). No output (NaN) for the first length - 1 events and while the average is NaN, where pandas-ta ' +
    'gives -1 (its comparison with NaN is false).',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 6, description: 'Number of bars averaged.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ring = new Float64Array(length);
    let pos = 0;
    let seen = 0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          ring[pos] = 0.5 * (high[i] + low[i]);
          let p = pos;
          pos = pos + 1 === length ? 0 : pos + 1;
          if (seen < length - 1) {
            seen++;
            value[i] = NaN;
            continue;
          }
          let sum = ring[p];
          for (let k = 1; k < length; k++) {
            p = p === 0 ? length - 1 : p - 1;
            sum = sum + ring[p];
          }
          const avg = sum / length;
          value[i] = avg !== avg ? NaN : close[i] > avg ? 1 : -1;
        }
      },
    };
  },
});
