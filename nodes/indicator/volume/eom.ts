import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { nonZeroRange } from '../kernels/pandasTa.js';

export const eom = defineNode({
  kind: 'indicator.eom',
  summary: "Arms' ease of movement: the move of the bar midpoint per unit of volume per range, averaged (pandas-ta eom).",
  description:
    'distance = (high + low) / 2 - (previous high + previous low) / 2; box ratio = (volume / divisor) / ' +
    '(high - low); EOM = SMA(distance / box ratio, length) (Richard Arms; pandas-ta eom with drift 1; ' +
    'pandas-ta takes a close it does not use: not an input here). A zero high - low counts as machine ' +
    'epsilon (pandas-ta non_zero_range, per event). Warm-up: length events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of events of the SMA.' }),
      divisor: Type.Number({ exclusiveMinimum: 0, maximum: 1e300, default: 100000000, description: 'Volume scale of the box ratio.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length,
  create: ({ length, divisor }) => {
    const window = new RollingWindow(length);
    let prevMid = NaN;
    return {
      step(n, _t, { high, low, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const mid = 0.5 * (h + l);
          const distance = mid - prevMid;
          prevMid = mid;
          let boxRatio = volume[i] / divisor;
          boxRatio /= nonZeroRange(h, l);
          window.push(distance / boxRatio);
          value[i] = window.mean();
        }
      },
    };
  },
});
