import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Monotone } from '../kernels/monotone.js';

export const longRun = defineNode({
  kind: 'indicator.long_run',
  summary: '1 when, over length bars, fast rises and slow falls (a potential bottom) or both rise, else 0 (pandas-ta long_run).',
  description:
    '(fast increasing(length) and slow decreasing(length)) or (fast increasing(length) and slow ' +
    'increasing(length)), the non-strict comparisons of indicator.increasing / indicator.decreasing: x[t] against ' +
    'x[t - length] (pandas-ta long_run, used by its amat). No output (NaN) for the first length events and while a ' +
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
          value[i] = fu !== fu || su !== su ? NaN : (fu & sd) | (fu & su);
        }
      },
    };
  },
});
