import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const decay = defineNode({
  kind: 'indicator.decay',
  summary: 'Decay: the input, or the previous output less 1/length (exp: times 1 - 1/length) if that is greater, floored at 0 (pandas-ta decay, as fixed after issue #715).',
  description:
    'D[0] = x[0]; linear: D[i] = max(0, x[i], D[i - 1] - 1 / length); exp: D[i] = max(0, x[i], D[i - 1] * (1 - 1 / ' +
    'length)): a signal (a cross, a spike) that fades over length events unless the input rises above it (Tulip ' +
    'Indicators decay and edecay, with a floor at 0; pandas-ta decay of its development branch). Departure from ' +
    'pandas-ta 0.3.14b0, whose decay has a known bug (twopirllc/pandas-ta issue #715): it decays from the ' +
    'previous input, max(x[i], x[i - 1] - 1 / length, 0) (exp: - exp(-length)), so a signal lasts one event; hean ' +
    'follows the published definition, which pandas-ta adopted in its fix. NaN inputs are skipped (the decay ' +
    'goes on). No warm-up; the value depends on where the stream starts.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of events a unit signal takes to fade (linear).' }),
      mode: Type.Union([Type.Literal('linear'), Type.Literal('exp')], { default: 'linear', description: 'linear: subtract 1/length per event; exp: multiply by 1 - 1/length.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ length, mode }) => {
    const exp = mode === 'exp';
    const rate = exp ? 1.0 - 1.0 / length : 1.0 / length;
    let prev = NaN;
    let started = false;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          let d: number;
          if (!started) {
            started = true;
            d = x;
          } else {
            const decayed = exp ? prev * rate : prev - rate;
            d = 0;
            if (x > d) d = x;
            if (decayed > d) d = decayed;
          }
          prev = d;
          value[i] = d;
        }
      },
    };
  },
});
