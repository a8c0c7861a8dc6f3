import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const donchian = defineNode({
  kind: 'indicator.donchian',
  summary: 'Donchian channels: lowest low and highest high of the last events, and their midpoint (pandas-ta donchian).',
  description:
    'lower = lowest low of the last lowerLength events, upper = highest high of the last upperLength ' +
    'events, middle = 0.5 * (lower + upper) (Richard Donchian; pandas-ta donchian). Warm-up: ' +
    'max(lowerLength, upperLength) - 1 events; all outputs start together (pandas-ta gives the shorter ' +
    'side earlier when the lengths differ).',
  params: Type.Object(
    {
      lowerLength: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Number of events of the lowest low.' }),
      upperLength: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Number of events of the highest high.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { lower: port.number(), middle: port.number(), upper: port.number() },
  defaultOutput: 'middle',
  warmup: (p) => Math.max(p.lowerLength, p.upperLength) - 1,
  create: ({ lowerLength, upperLength }) => {
    const warmup = Math.max(lowerLength, upperLength) - 1;
    const lows = new RollingWindow(lowerLength);
    const highs = new RollingWindow(upperLength);
    let row = 0;
    return {
      step(n, _t, { high, low }, { lower, middle, upper }) {
        for (let i = 0; i < n; i++) {
          lows.push(low[i]);
          highs.push(high[i]);
          if (row++ < warmup) {
            lower[i] = NaN;
            middle[i] = NaN;
            upper[i] = NaN;
            continue;
          }
          const l = lows.min();
          const u = highs.max();
          lower[i] = l;
          middle[i] = 0.5 * (l + u);
          upper[i] = u;
        }
      },
    };
  },
});
