import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const imi = defineNode({
  kind: 'indicator.imi',
  summary: 'Intraday momentum index: share of up-bar bodies in all bodies of the last timePeriod bars, 0 to 100 (TA-Lib IMI).',
  description:
    'IMI = 100 * up / (up + down) over the last timePeriod bars, where up sums close - open of bars ' +
    'with close > open and down sums open - close of the others. As in TA-Lib both sums are ' +
    'recomputed from scratch, oldest bar first, at every event (O(timePeriod) per event), so values ' +
    'equal TA-Lib IMI to the last bit; a window of bars with close = open gives 0 / 0 = NaN, as in ' +
    'TA-Lib. TA-Lib gives IMI an unstable period; hean uses its default, 0, so the warm-up is ' +
    'timePeriod - 1 events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of bars summed.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { open: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const body = new Float64Array(p); // close - open of the last timePeriod bars
    let pos = 0; // next slot to write; after writing, the oldest bar of the window
    let seen = 0;
    return {
      step(n, _t, { open, close }, { value }) {
        for (let i = 0; i < n; i++) {
          body[pos] = close[i] - open[i];
          pos = pos + 1 === p ? 0 : pos + 1;
          if (seen < p - 1) {
            seen++;
            value[i] = NaN;
            continue;
          }
          // close > open <=> close - open > 0, and open - close = -(close - open) exactly.
          let up = 0.0;
          let down = 0.0;
          for (let j = pos; j < p; j++) {
            const d = body[j];
            if (d > 0) up += d;
            else down -= d;
          }
          for (let j = 0; j < pos; j++) {
            const d = body[j];
            if (d > 0) up += d;
            else down -= d;
          }
          value[i] = 100.0 * (up / (up + down));
        }
      },
    };
  },
});
