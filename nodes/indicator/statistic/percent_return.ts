import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { returnKernel } from './log_return.js';

export const percentReturn = defineNode({
  kind: 'indicator.percent_return',
  summary: 'Return x / x[length ago] - 1, or cumulative x / first x - 1 (pandas-ta percent_return).',
  description:
    "x[i] / x[i - length] - 1 (pandas-ta percent_return, pandas' pct_change(length)): the same quantity " +
    'as TA-Lib ROCP (indicator.rocp, (x - earlier) / earlier), written as pandas does. With cumulative, ' +
    'x[i] / x[0] - 1 where x[0] is the first value this node received (pandas-ta: the first of the ' +
    'series; length is then unused), which TA-Lib lacks. A fraction, not a percentage, as in pandas-ta. ' +
    'No output for the first length events (none in cumulative form).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Number of events back of the earlier value.' }),
      cumulative: Type.Boolean({ default: false, description: 'Relative to the first value instead of length events back.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => (p.cumulative ? 0 : p.length),
  create: ({ length, cumulative }) => returnKernel(length, cumulative, (x, base) => x / base - 1),
});
