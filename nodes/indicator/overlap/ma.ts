import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createMovingAverage, maLookback, maTypeParam, MA_TYPES_TEXT } from '../kernels/maType.js';

export const ma = defineNode({
  kind: 'indicator.ma',
  summary: 'Moving average of any TA-Lib MA type over timePeriod values (TA-Lib MA).',
  description:
    'The moving average selected by maType: ' + MA_TYPES_TEXT + '. Each type is computed the way ' +
    'its own TA-Lib function does (running sums, seeds and order of operations), so values equal ' +
    'TA-Lib MA to the last bit (mama: to the last bit wherever V8 Math.atan rounds like the C ' +
    'library, otherwise within a few ulps). Warm-up: TA-Lib MA lookback: timePeriod - 1 for sma, ' +
    'ema, wma, trima; 2 * (timePeriod - 1) for dema; 3 * (timePeriod - 1) for tema; timePeriod for ' +
    'kama; 32 for mama; 6 * (timePeriod - 1) for t3; 0 when timePeriod is 1. ema, dema, tema, kama, ' +
    'mama and t3 never forget their seed: values depend on where the stream starts (TA-Lib unstable ' +
    'period 0).',
  params: Type.Object(
    {
      timePeriod: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Number of values averaged (ignored by mama; 1 passes the input through).' }),
      maType: maTypeParam('Type of moving average.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => maLookback(p.maType, p.timePeriod),
  create: ({ timePeriod, maType }) => {
    const average = createMovingAverage(maType, timePeriod);
    return {
      step(n, _t, { series }, { value }) {
        average.run(series, value, 0, n);
      },
    };
  },
});
