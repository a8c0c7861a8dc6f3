import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { windowStatistic } from '../kernels/pandas.js';

export const median = defineNode({
  kind: 'indicator.median',
  summary: 'Rolling median of the last length values (pandas-ta median).',
  description:
    "The middle value of the last length inputs, or the mean of the two middle ones for an even length: pandas' " +
    'close.rolling(length).median(), which pandas-ta median returns (a sibling of the SMA, robust to ' +
    'outliers; not TA-Lib MEDPRICE, which is (high + low) / 2). No output for the first length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 30, description: 'Number of values in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) =>
    windowStatistic(length, (w) => {
      w.sort();
      const mid = length >> 1;
      return length % 2 === 1 ? w[mid] : (w[mid - 1] + w[mid]) / 2;
    }),
});
