import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const aroon = defineNode({
  kind: 'indicator.aroon',
  summary: 'Aroon down and up: how recently the lowest low and highest high of the last timePeriod + 1 bars occurred, 0 to 100 (TA-Lib AROON).',
  description:
    'Over the window of the last timePeriod + 1 bars (today included): aroonUp = 100 / timePeriod * ' +
    '(timePeriod - bars since the highest high), aroonDown the same with the lowest low; among equal ' +
    'extremes the most recent counts, as in TA-Lib. Computed in TA-Lib order (factor 100 / ' +
    'timePeriod times an integer), so values equal TA-Lib AROON to the last bit. The extremes are tracked the ' +
    'way TA-Lib does (keep the extreme and its index, rescan the window only when it leaves), so ' +
    'results match TA-Lib\'s, NaN inputs included. No output for the first timePeriod events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Look-back in bars; the window holds timePeriod + 1 bars.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { aroonDown: port.number(), aroonUp: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    // TA-Lib AROON: the newest of equal extremes wins, on a rescan too (>=, <=).
    const extremes = new RollingExtremes(timePeriod + 1, { onNewValue: 'newest', onRescan: 'newest', output: 'index' });
    const factor = 100.0 / timePeriod;
    let row = 0; // index of the next event
    return {
      step(n, _t, { high, low }, { aroonDown, aroonUp }) {
        // The extremes' event indexes (NaN during warm-up), then turned into the outputs in place.
        extremes.run(high, low, 0, n, aroonUp, aroonDown);
        const r0 = row;
        for (let i = 0; i < n; i++) {
          const today = r0 + i;
          aroonUp[i] = factor * (timePeriod - (today - aroonUp[i]));
          aroonDown[i] = factor * (timePeriod - (today - aroonDown[i]));
        }
        row = r0 + n;
      },
    };
  },
});
