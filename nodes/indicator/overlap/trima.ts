import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage } from '../kernels/maType.js';

export const trima = defineNode({
  kind: 'indicator.trima',
  summary: 'Triangular moving average over timePeriod values (TA-Lib TRIMA).',
  description:
    'Weights rising 1, 2, ... to the middle of the window and falling back to 1 (a simple average of ' +
    'a simple average: periods (n+1)/2 and (n+1)/2 for odd n, n/2 and n/2 + 1 for even n), divided ' +
    'by the sum of the weights. Kept the TA-Lib way with a numerator and two running half sums ' +
    'updated by four adjustments per event, so values equal TA-Lib TRIMA to the last bit. No output ' +
    'for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const average = createMovingAverage('trima', timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
