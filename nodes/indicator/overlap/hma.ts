import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Delayed } from '../kernels/delayed.js';
import { createMovingAverage } from '../kernels/maType.js';

export const hma = defineNode({
  kind: 'indicator.hma',
  summary: "Hull moving average: a WMA of 2 WMA(length/2) - WMA(length) over sqrt(length) values (pandas-ta hma).",
  description:
    'HMA = WMA(2 * WMA(close, floor(length / 2)) - WMA(close, length), floor(sqrt(length))) (Alan Hull, ' +
    '2005; pandas-ta hma). The outer WMA starts at the first value of the difference, so there is no ' +
    'output for the first length + floor(sqrt(length)) - 2 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 2, maximum: 100000, default: 10, description: 'Number of values of the slow WMA.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1 + Math.floor(Math.sqrt(p.length)) - 1,
  create: ({ length }) => {
    const fast = createMovingAverage('wma', Math.floor(length / 2));
    const slow = createMovingAverage('wma', length);
    const hull = new Delayed(createMovingAverage('wma', Math.floor(Math.sqrt(length))), length - 1);
    let scratch = new Float64Array(0);
    return {
      step(n, _t, { series }, { value }) {
        if (scratch.length < n) scratch = new Float64Array(n);
        fast.run(series, scratch, 0, n);
        slow.run(series, value, 0, n);
        for (let i = 0; i < n; i++) scratch[i] = 2 * scratch[i] - value[i];
        hull.run(scratch, value, 0, n);
      },
    };
  },
});
