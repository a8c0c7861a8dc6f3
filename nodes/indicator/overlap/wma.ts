import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage } from '../kernels/maType.js';

export const wma = defineNode({
  kind: 'indicator.wma',
  summary: 'Linearly weighted moving average over timePeriod values (TA-Lib WMA).',
  description:
    'Weights 1, 2, ..., timePeriod from the oldest to the newest value, divided by timePeriod * ' +
    '(timePeriod + 1) / 2. Kept the TA-Lib way as a running weighted sum and a running plain sum ' +
    '(add timePeriod * newest, output, subtract the plain sum), so values equal TA-Lib WMA to the ' +
    'last bit. No output for the first timePeriod - 1 events. The running sums can drift by ' +
    'rounding over very long streams, as in TA-Lib.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values weighted.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const average = createMovingAverage('wma', timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
