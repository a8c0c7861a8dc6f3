import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const edecay = defineNode({
  kind: 'indicator.edecay',
  summary: 'Exponential decay: the input, or the previous output times 1 - 1/period if that is greater (Tulip edecay).',
  description:
    'E[0] = x[0]; E[i] = max(x[i], E[i - 1] * (1 - 1 / period)) (Tulip Indicators edecay): a peak ' +
    'that fades by the fraction 1/period per event unless the input rises above it. A NaN input ' +
    'gives the decayed previous value, as in Tulip. pandas-ta decay(mode="exp") is another thing: ' +
    'max(x[i], x[i - 1] - exp(-length), 0), from the previous input, not the previous output. No ' +
    'warm-up; the value depends on where the stream starts. Tulip has no default period: 5 is taken ' +
    '(pandas-ta decay\'s default length).',
  params: Type.Object(
    { period: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'The output loses 1/period of itself per event.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: () => 0,
  create: ({ period }) => {
    const scale = 1.0 - 1.0 / period;
    let started = false;
    let prev = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        let last = prev;
        let i = 0;
        if (!started && n > 0) {
          started = true;
          last = series[0];
          value[0] = last;
          i = 1;
        }
        for (; i < n; i++) {
          const x = series[i];
          const d = last * scale;
          last = x > d ? x : d;
          value[i] = last;
        }
        prev = last;
      },
    };
  },
});
