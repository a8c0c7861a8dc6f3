import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const ssf = defineNode({
  kind: 'indicator.ssf',
  summary: "Ehlers' super smoother filter, 2 or 3 poles: a recursive low-pass filter of the close (pandas-ta ssf).",
  description:
    '2 poles: x = pi sqrt(2) / length, a = exp(-x), b = 2 a cos(x), SSF = (1 + a^2 - b) close + b SSF[-1] - a^2 ' +
    'SSF[-2]; 3 poles: x = pi / length, a = exp(-x), b = 2 a cos(sqrt(3) x), c = a^2, SSF = (1 - (c + b) + c (1 + b) ' +
    '- c^2) close + (c + b) SSF[-1] - c (1 + b) SSF[-2] + c^2 SSF[-3] (John F. Ehlers\' super smoother, in the ' +
    'form of pandas-ta ssf, which weights the close alone where some of Ehlers\' versions average two closes). Departure from pandas-ta 0.3.14b0: on its first rows it reads ' +
    'SSF[-1], SSF[-2] (and SSF[-3]) as the last rows of the whole series (Python negative indexes), a look ' +
    "ahead; hean starts causally, as Ehlers' filters usually start, SSF = close for the first `poles` events, then the recursion. " +
    'The two agree once the start has decayed. A value from the first event.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Critical period of the filter, in bars.' }),
      poles: Type.Union([Type.Literal(2), Type.Literal(3)], { default: 2, description: 'Number of poles: 2 or 3.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ length, poles }) => {
    let c1: number, c2: number, c3: number, c4: number;
    if (poles === 3) {
      const x = Math.PI / length;
      const a0 = Math.exp(-x);
      const b0 = 2 * a0 * Math.cos(Math.sqrt(3) * x);
      const c0 = a0 * a0;
      c4 = c0 * c0;
      c3 = -c0 * (1 + b0);
      c2 = c0 + b0;
      c1 = 1 - c2 - c3 - c4;
    } else {
      const x = (Math.PI * Math.SQRT2) / length;
      const a0 = Math.exp(-x);
      c3 = -a0 * a0; // a1
      c2 = 2 * a0 * Math.cos(x); // b1
      c1 = 1 - c3 - c2;
      c4 = 0;
    }
    let seen = 0;
    let f1 = 0;
    let f2 = 0;
    let f3 = 0;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          let f: number;
          if (seen < poles) {
            seen++;
            f = x;
          } else if (poles === 3) {
            f = c1 * x + c2 * f1 + c3 * f2 + c4 * f3;
          } else {
            f = c1 * x + c2 * f1 + c3 * f2;
          }
          f3 = f2;
          f2 = f1;
          f1 = f;
          value[i] = f;
        }
      },
    };
  },
});
