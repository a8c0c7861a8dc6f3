import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const decay = defineNode({
  kind: 'indicator.decay',
  summary: 'Decay as pandas-ta computes it: max(value, previous value - 1/length, 0), or - exp(-length) in exp mode (pandas-ta decay).',
  description:
    'linear: max(x, x[1 bar ago] - 1 / length, 0); exp: max(x, x[1 bar ago] - exp(-length), 0); the first value is ' +
    'max(x, 0) (pandas-ta decay, the formula its documentation gives). pandas-ta cites Tulip Indicators\' decay, ' +
    'which decays from its own previous output (max(x, decay[1 bar ago] - 1 / length), and edecay multiplies by ' +
    '1 - 1 / length): pandas-ta decays from the previous input instead, so a signal lasts one bar, not length bars. ' +
    'hean follows pandas-ta here (use the Tulip forms for a decaying memory). No warm-up.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Decay length.' }),
      mode: Type.Union([Type.Literal('linear'), Type.Literal('exp')], { default: 'linear', description: 'linear: subtract 1/length; exp: subtract exp(-length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  create: ({ length, mode }) => {
    const step = mode === 'exp' ? Math.exp(-length) : 1 / length;
    let prev = NaN;
    let first = true;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          const diff = first ? x : prev - step;
          first = false;
          prev = x;
          // pandas DataFrame.max(axis=1) over (x, diff, 0): NaN skipped
          let m = 0;
          if (x === x && x > m) m = x;
          if (diff === diff && diff > m) m = diff;
          value[i] = m;
        }
      },
    };
  },
});
