import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage } from '../kernels/maType.js';

export const dema = defineNode({
  kind: 'indicator.dema',
  summary: 'Double exponential moving average: 2 * EMA - EMA of the EMA (TA-Lib DEMA).',
  description:
    'DEMA = 2 * EMA(x) - EMA(EMA(x)) (Mulloy), both EMAs with k = 2 / (timePeriod + 1) and ' +
    '(x - prev) * k + prev. As in TA-Lib, the first EMA is seeded with the simple average of the ' +
    'first timePeriod inputs, and the second with the simple average of the first timePeriod values ' +
    'of the first EMA, so values equal TA-Lib DEMA to the last bit. No output for the first 2 * ' +
    '(timePeriod - 1) events. EMAs never forget their seed: values depend on where the stream starts.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Period of both EMAs; k = 2 / (timePeriod + 1).' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 2 * (p.timePeriod - 1),
  create: ({ timePeriod }) => {
    const average = createMovingAverage('dema', timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
