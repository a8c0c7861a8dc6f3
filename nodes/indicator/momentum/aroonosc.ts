import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const aroonosc = defineNode({
  kind: 'indicator.aroonosc',
  summary: 'Aroon oscillator: aroon up minus aroon down, -100 to 100 (TA-Lib AROONOSC).',
  description:
    'Over the window of the last timePeriod + 1 bars (today included): 100 / timePeriod * (position ' +
    'of the highest high - position of the lowest low), the most recent of equal extremes counting, ' +
    'as in TA-Lib; equal to aroonUp - aroonDown of indicator.aroon and computed in TA-Lib order, so ' +
    'values equal TA-Lib AROONOSC to the last bit. The extremes are tracked the way TA-Lib does (keep' +
    ' the extreme and its index, rescan the window only when it leaves), so results match TA-Lib\'s, ' +
    'NaN inputs included. No output for the first timePeriod events.',
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
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    // TA-Lib AROONOSC: the newest of equal extremes wins, on a rescan too (>=, <=).
    const extremes = new RollingExtremes(timePeriod + 1, { onNewValue: 'newest', onRescan: 'newest', output: 'index' });
    const factor = 100.0 / timePeriod;
    let lowestIdxBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    return {
      step(n, _t, { high, low }, { value }) {
        if (lowestIdxBuf.length < n) lowestIdxBuf = new Float64Array(n);
        const lowestIdx = lowestIdxBuf;
        // The extremes' event indexes (NaN during warm-up).
        extremes.run(high, low, 0, n, value, lowestIdx);
        for (let i = 0; i < n; i++) value[i] = factor * (value[i] - lowestIdx[i]);
      },
    };
  },
});
