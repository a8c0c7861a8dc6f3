import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Monotone } from '../kernels/monotone.js';

export const increasing = defineNode({
  kind: 'indicator.increasing',
  summary: '1 when the series rises over length bars (strict: at every bar, by more than percent), else 0 (pandas-ta increasing).',
  description:
    'Non-strict: 1 when (k x)[t] - (k x)[t - length] > 0, k = 1 + percent / 100 (as pandas-ta computes it, so percent ' +
    'changes nothing but rounding here). Strict: 1 when x[t] > k x[t - 1] and x[t - j + 2] > k x[t - j + 1] for j = 3..length, ' +
    'i.e. the last max(length - 1, 1) steps each rises by more than percent (pandas-ta increasing, asint, drift 1; its ' +
    'drift argument is left out: with strict and drift > 2 pandas-ta compares with later values). 0 otherwise. ' +
    'No output (NaN) for the first length events (strict: max(length - 1, 1)) and while a compared value is NaN, ' +
    'where pandas-ta gives 0 (its comparisons with NaN are false).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Bars back of the comparison (strict: number of bars of the run).' }),
      strict: Type.Boolean({ default: false, description: 'Require a increasing step at every bar of the run.' }),
      percent: Type.Number({ minimum: 0, maximum: 100, default: 0, description: 'Strict: the least step, in percent.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => (p.strict ? Math.max(1, p.length - 1) : p.length),
  create: ({ length, strict, percent }) => {
    const m = new Monotone(length, true, strict, percent);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = m.next(series[i]);
      },
    };
  },
});
