import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Monotone } from '../kernels/monotone.js';

export const shortRun = defineNode({
  kind: 'indicator.short_run',
  summary: '1 when, over length bars, fast falls and slow rises (a potential top) or both fall, else 0 (pandas-ta short_run).',
  description:
    '(fast decreasing(length) and slow increasing(length)) or (fast decreasing(length) and slow ' +
    'decreasing(length)), the non-strict comparisons of indicator.increasing / indicator.decreasing: x[t] against ' +
    'x[t - length] (pandas-ta short_run, used by its amat). No output (NaN) for the first length events and while a ' +
    'compared value is NaN, where pandas-ta gives 0 (its comparisons with NaN are false).',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 2, description: 'Bars back of the comparisons.' }) },
    { additionalProperties: false },
  ),
  inputs: { fast: port.number(), slow: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length,
  create: ({ length }) => {
    const fastUp = new Monotone(length, true);
    const fastDown = new Monotone(length, false);
    const slowUp = new Monotone(length, true);
    const slowDown = new Monotone(length, false);
    return {
      step(n, _t, { fast, slow }, { value }) {
        for (let i = 0; i < n; i++) {
          const fu = fastUp.next(fast[i]);
          const fd = fastDown.next(fast[i]);
          const su = slowUp.next(slow[i]);
          const sd = slowDown.next(slow[i]);
          value[i] = fu !== fu || su !== su ? NaN : (fd & su) | (fd & sd);
        }
      },
    };
  },
});
