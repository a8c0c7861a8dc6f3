import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage } from '../kernels/maType.js';

export const tema = defineNode({
  kind: 'indicator.tema',
  summary: 'Triple exponential moving average: 3 * EMA - 3 * EMA2 + EMA3 (TA-Lib TEMA).',
  description:
    'TEMA = 3 * EMA1 - 3 * EMA2 + EMA3 (Mulloy), where EMA2 is the EMA of EMA1 and EMA3 the EMA of ' +
    'EMA2, all with k = 2 / (timePeriod + 1) and (x - prev) * k + prev. Each EMA is seeded with the ' +
    'simple average of the first timePeriod values of its input, as in TA-Lib, and the sum is formed ' +
    'in TA-Lib order (EMA3 + (3 * EMA1 - 3 * EMA2)), so values equal TA-Lib TEMA to the last bit. No ' +
    'output for the first 3 * (timePeriod - 1) events. EMAs never forget their seed: values depend ' +
    'on where the stream starts.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Period of the three EMAs; k = 2 / (timePeriod + 1).' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 3 * (p.timePeriod - 1),
  create: ({ timePeriod }) => {
    const average = createMovingAverage('tema', timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
