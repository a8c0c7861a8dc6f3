import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage } from '../kernels/maType.js';

export const kama = defineNode({
  kind: 'indicator.kama',
  summary: 'Kaufman adaptive moving average (TA-Lib KAMA).',
  description:
    'An EMA whose smoothing constant adapts each event: the efficiency ratio ER = |x - x[timePeriod ' +
    'ago]| / (sum of |1-event changes| over the window) (1 when that sum is within 1e-14 of 0 or not ' +
    'above the net change), sc = (ER * (2/3 - 2/31) + 2/31)^2, KAMA = (x - prev) * sc + prev. As in ' +
    'TA-Lib the recursion is seeded with the previous input, and the sum of changes is kept as a ' +
    'running sum, so values equal TA-Lib KAMA to the last bit. No output for the first timePeriod ' +
    'events. KAMA never forgets its seed: values depend on where the stream starts (TA-Lib unstable ' +
    'period 0).',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of 1-event changes in the efficiency ratio.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const average = createMovingAverage('kama', timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
