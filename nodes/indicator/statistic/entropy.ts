import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow, sumOf } from '../kernels/pandas.js';

export const entropy = defineNode({
  kind: 'indicator.entropy',
  summary: 'Rolling Shannon entropy of the values as shares of their length-sum, in a given log base (pandas-ta entropy).',
  description:
    'P = x / SUM(x, length); E = SUM(-P ln(P) / ln(base), length) (Claude Shannon, 1948; pandas-ta ' +
    'entropy). P needs length inputs and E length values of P, so there is no output for the first ' +
    '2 (length - 1) events. Meant for positive series (prices); sums are recomputed over each window.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of values in each sum.' }),
      base: Type.Number({ exclusiveMinimum: 0, maximum: 1e6, default: 2, description: 'Base of the logarithm (not 1).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 2 * (p.length - 1),
  check: (p) => (p.base === 1 ? [{ path: ['base'], message: 'a logarithm base of 1 divides by ln(1) = 0' }] : []),
  create: ({ length, base }) => {
    const prices = new RollingWindow(length);
    const terms = new RollingWindow(length);
    const lnBase = Math.log(base);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!prices.push(series[i])) {
            value[i] = NaN;
            continue;
          }
          const p = series[i] / sumOf(prices.ordered());
          value[i] = terms.push((-p * Math.log(p)) / lnBase) ? sumOf(terms.ordered()) : NaN;
        }
      },
    };
  },
});
