import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag } from '../kernels/pandas.js';

export const logReturn = defineNode({
  kind: 'indicator.log_return',
  summary: 'Log return ln(x / x[length ago]), or cumulative ln(x / first x) (pandas-ta log_return).',
  description:
    'ln(x[i] / x[i - length]) (pandas-ta log_return); with cumulative, ln(x[i] / x[0]) where x[0] is the ' +
    'first value this node received (pandas-ta: the first of the series; length is then unused). No ' +
    'output for the first length events (none in cumulative form).',
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
  create: ({ length, cumulative }) => returnKernel(length, cumulative, (x, base) => Math.log(x / base)),
});

/** f(x, earlier) with earlier = the value length events back (or the first value when cumulative). */
export function returnKernel(length: number, cumulative: boolean, f: (x: number, earlier: number) => number) {
  const lag = new Lag(length);
  let seen = 0;
  let first = NaN;
  return {
    step(n: number, _t: Float64Array, { series }: { series: Float64Array }, { value }: { value: Float64Array }) {
      for (let i = 0; i < n; i++) {
        const x = series[i];
        if (cumulative) {
          if (seen === 0) {
            first = x;
            seen = 1;
          }
          value[i] = f(x, first);
          continue;
        }
        const earlier = lag.next(x);
        if (seen < length) {
          seen++;
          value[i] = NaN;
        } else value[i] = f(x, earlier);
      }
    },
  };
}
