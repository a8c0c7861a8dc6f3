import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingHighest, RollingLowest } from '../kernels/momentumExtremes.js';

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
    const highest = new RollingHighest(timePeriod + 1);
    const lowest = new RollingLowest(timePeriod + 1);
    const factor = 100.0 / timePeriod;
    return {
      step(n, _t, { high, low }, { aroonDown, aroonUp }) {
        for (let i = 0; i < n; i++) {
          lowest.push(low[i]);
          highest.push(high[i]);
          const today = highest.count - 1;
          if (today < timePeriod) {
            aroonUp[i] = NaN;
            aroonDown[i] = NaN;
            continue;
          }
          aroonUp[i] = factor * (timePeriod - (today - highest.index));
          aroonDown[i] = factor * (timePeriod - (today - lowest.index));
        }
      },
    };
  },
});
