import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { MidRange } from '../kernels/midRange.js';

export const midprice = defineNode({
  kind: 'indicator.midprice',
  summary: 'Midpoint of the highest high and lowest low of the last timePeriod bars (TA-Lib MIDPRICE).',
  description:
    '(highest high + lowest low) / 2 over the last timePeriod bars. The extremes are tracked with ' +
    'keeping their index and rescanning the window only when one leaves it, and give exactly TA-Lib MIDPRICE, including its NaN ' +
    'behaviour: a NaN inside the window is skipped, a NaN high or low on the oldest bar of the window ' +
    'gives NaN. No output for the first timePeriod - 1 events.',
  params: Type.Object(
    { timePeriod: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod - 1,
  create: ({ timePeriod }) => {
    const range = new MidRange(timePeriod);
    return {
      step(n, _t, { high, low }, { value }) {
        range.run(high, low, value, 0, n);
      },
    };
  },
});
