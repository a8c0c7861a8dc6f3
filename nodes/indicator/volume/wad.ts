import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const wad = defineNode({
  kind: 'indicator.wad',
  summary: 'Williams accumulation/distribution: the running sum of close minus the true low on up closes, minus the true high on down closes (Tulip wad).',
  description:
    'On a close above the previous close add close - min(previous close, low); on a close below it add ' +
    'close - max(previous close, high); an unchanged close adds nothing. WAD is the running sum from ' +
    'the second event (Larry Williams; Tulip Indicators wad). It uses no volume. No output for the ' +
    'first event. A running sum: values depend on where the stream starts.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: () => 1,
  create: () => {
    let started = false;
    let total = 0.0;
    let prevClose = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        let sum = total;
        let yc = prevClose;
        let i = 0;
        if (!started && n > 0) {
          started = true;
          yc = close[0];
          value[0] = NaN;
          i = 1;
        }
        for (; i < n; i++) {
          const c = close[i];
          if (c > yc) {
            const l = low[i];
            sum += c - (yc < l ? yc : l);
          } else if (c < yc) {
            const h = high[i];
            sum += c - (yc > h ? yc : h);
          }
          value[i] = sum;
          yc = c;
        }
        total = sum;
        prevClose = yc;
      },
    };
  },
});
