import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const emv = defineNode({
  kind: 'indicator.emv',
  summary: "Ease of movement, unsmoothed: the move of the bar's midpoint over its box ratio volume / 10000 / (high - low) (Tulip emv).",
  description:
    'EMV = (hl - hl[1 ago]) / (volume / 10000 / (high - low)), hl = (high + low) / 2 (Richard Arms; ' +
    'Tulip Indicators emv, one value per bar, not averaged). pandas-ta eom is an SMA of the same ' +
    'ratio with the volume divided by 1e8 instead of 1e4. As in Tulip, a bar with high = low gives 0 ' +
    '(the box ratio is infinite), a bar with zero volume +-Infinity, a bar with both NaN. No output for the first ' +
    'event.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: () => {
    let started = false;
    let prevMid = 0.0;
    return {
      step(n, _t, { high, low, volume }, { value }) {
        let last = prevMid;
        let i = 0;
        if (!started && n > 0) {
          started = true;
          last = (high[0] + low[0]) * 0.5;
          value[0] = NaN;
          i = 1;
        }
        for (; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const hl = (h + l) * 0.5;
          const br = volume[i] / 10000.0 / (h - l);
          value[i] = (hl - last) / br;
          last = hl;
        }
        prevMid = last;
      },
    };
  },
});
