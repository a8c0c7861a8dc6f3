import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

export const tdSeq = defineNode({
  kind: 'indicator.td_seq',
  summary: 'Tom DeMark sequential setup counts: consecutive closes above (up) or below (down) the close 4 bars earlier, up to 13 (pandas-ta td_seq).',
  description:
    'up = the number of consecutive events, up to 13, whose close is above the close 4 events earlier, ' +
    'counted while the current one is; 0 otherwise; down the same for closes below (Tom DeMark\'s TD ' +
    'Sequential setup; pandas-ta td_seq with asint=True). With showAll false only counts 6 to 9 are ' +
    'given, others are 0. An event without a close 4 events earlier (the first 4, NaN) counts as neither. ' +
    'pandas-ta 0.3.14b0 counts over a trailing 13-event window: causal as is. Warm-up: none (0 at first).',
  params: Type.Object(
    { showAll: Type.Boolean({ default: true, description: 'Give every count (true) or only the counts 6 to 9 (false).' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { up: port.number(), down: port.number() },
  defaultOutput: 'up',
  warmup: () => 0,
  create: ({ showAll }) => {
    const prev = new Lag(4);
    let upRun = 0;
    let downRun = 0;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const d = x - prev.next(x);
          upRun = d > 0 ? Math.min(upRun + 1, 13) : 0;
          downRun = d < 0 ? Math.min(downRun + 1, 13) : 0;
          out.up[i] = showAll || (upRun >= 6 && upRun <= 9) ? upRun : 0;
          out.down[i] = showAll || (downRun >= 6 && downRun <= 9) ? downRun : 0;
        }
      },
    };
  },
});
