import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/maType.js';
import { TA_EPSILON } from '../kernels/taEpsilon.js';

export const ppo = defineNode({
  kind: 'indicator.ppo',
  summary: 'Percentage price oscillator: (fast MA - slow MA) / slow MA * 100 (TA-Lib PPO).',
  description:
    'value = ((MA(fastPeriod) - MA(slowPeriod)) / MA(slowPeriod)) * 100 of the series, both of type ' +
    'maType, and 0 when the slow average is within 1e-14 of 0 (TA-Lib order of operations). ' +
    'MA types: ' + MA_TYPES_TEXT + '. As in TA-Lib: if slowPeriod < fastPeriod the two are swapped; ' +
    'both averages start on the first event (unlike MACD, the fast one is not seeded later). No ' +
    'output for the first TA-Lib MA lookback of the larger period. Values equal TA-Lib PPO to the ' +
    'last bit (mama: see indicator.mama).',
  params: Type.Object(
    {
      fastPeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 12, description: 'Period of the fast moving average.' }),
      slowPeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 26, description: 'Period of the slow moving average.' }),
      maType: maTypeParam('Type of both moving averages.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => maLookback(p.maType, Math.max(p.fastPeriod, p.slowPeriod)),
  create: ({ fastPeriod, slowPeriod, maType }) => {
    const fast = createMovingAverage(maType, Math.min(fastPeriod, slowPeriod));
    const slow = createMovingAverage(maType, Math.max(fastPeriod, slowPeriod));
    let fastBuf = new Float64Array(0); // per-chunk scratch, grown to the largest chunk
    return {
      step(n, _t, { series }, { value }) {
        if (fastBuf.length < n) fastBuf = new Float64Array(n);
        const f = fastBuf;
        fast.run(series, f, 0, n);
        slow.run(series, value, 0, n);
        percentOf(f, value, n);
      },
    };
  },
});

/** slow[i] = ((fast[i] - slow[i]) / slow[i]) * 100, 0 when slow[i] is within 1e-14 of 0 (TA-Lib INT_PO). */
function percentOf(fast: Float64Array, slow: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const slowMa = slow[i];
    // NaN during the slow average's warm-up (NaN is not within epsilon of 0).
    slow[i] = !(-TA_EPSILON < slowMa && slowMa < TA_EPSILON) ? ((fast[i] - slowMa) / slowMa) * 100.0 : 0.0;
  }
}
