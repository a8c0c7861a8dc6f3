import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingExtremes } from '../kernels/rollingExtreme.js';

export const willr = defineNode({
  kind: 'indicator.willr',
  summary: "Williams' %R: where the close sits in the high-low range of the last timePeriod bars, 0 to -100 (TA-Lib WILLR).",
  description:
    '%R = (highest high - close) / ((highest high - lowest low) / -100) over the last timePeriod bars' +
    ' (today included), computed in that order as TA-Lib does, so values equal TA-Lib WILLR to the ' +
    'last bit; 0 when the range is zero. The extremes are tracked the way TA-Lib does (keep the ' +
    'extreme and its index, rescan the window only when it leaves), so results match TA-Lib\'s, NaN ' +
    'inputs included. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of bars in the high-low range.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    // TA-Lib WILLR: a new equal extreme takes over (>=, <=), a rescan keeps the oldest (>, <).
    const extremes = new RollingExtremes(timePeriod, { onNewValue: 'newest', onRescan: 'oldest', output: 'value' });
    let lowestBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    return {
      step(n, _t, { high, low, close }, { value }) {
        if (lowestBuf.length < n) lowestBuf = new Float64Array(n);
        const ll = lowestBuf;
        extremes.run(high, low, 0, n, value, ll);
        for (let i = 0; i < n; i++) {
          // NaN during warm-up: the extremes are NaN there.
          const hh = value[i];
          const diff = (hh - ll[i]) / -100.0;
          value[i] = diff !== 0.0 ? (hh - close[i]) / diff : 0.0;
        }
      },
    };
  },
});
