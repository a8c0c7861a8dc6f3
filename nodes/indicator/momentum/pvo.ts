import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { PandasTaEma, ptaEmaStart } from '../kernels/pandasTa.js';

const length = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

const pvoStart = (p: { fast: number; slow: number; signal: number }) => ptaEmaStart(Math.max(p.fast, p.slow) - 1, p.signal);

export const pvo = defineNode({
  kind: 'indicator.pvo',
  summary: 'Percentage volume oscillator: the PPO of volume, with its EMA signal and histogram (pandas-ta pvo).',
  description:
    'pvo = scalar * (EMA(volume, fast) - EMA(volume, slow)) / EMA(volume, slow); signal = EMA(pvo, signal); ' +
    'histogram = pvo - signal (pandas-ta pvo). fast and slow are swapped when slow < fast, as in pandas-ta. ' +
    'EMAs are pandas-ta\'s: ewm(span=length, adjust=False) seeded at row length - 1 with the mean of the ' +
    'first length values; the signal EMA, fed from the first pvo value, is seeded with that value when ' +
    'signal <= slow, else with the mean of its first values. Warm-up: max(fast, slow, signal) - 1 events ' +
    '(25 with the defaults); all outputs start together.',
  params: Type.Object(
    {
      fast: length(12, 'Length of the fast EMA of volume.'),
      slow: length(26, 'Length of the slow EMA of volume.'),
      signal: length(9, 'Length of the signal EMA.'),
      scalar: Type.Number({ minimum: -1e12, maximum: 1e12, default: 100, description: 'Multiplier (100: percent).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { volume: port.number() },
  outputs: { pvo: port.number(), signal: port.number(), histogram: port.number() },
  defaultOutput: 'pvo',
  warmup: pvoStart,
  create: (p) => {
    const fast = new PandasTaEma(Math.min(p.fast, p.slow));
    const slow = new PandasTaEma(Math.max(p.fast, p.slow));
    const signal = new PandasTaEma(p.signal);
    const scalar = p.scalar;
    const first = pvoStart(p);
    let row = 0;
    return {
      step(n, _t, { volume }, out) {
        for (let i = 0; i < n; i++, row++) {
          const x = volume[i];
          const f = fast.next(x);
          const s = slow.next(x);
          const line = (scalar * (f - s)) / s;
          const sig = signal.next(line);
          const on = row >= first;
          out.pvo[i] = on ? line : NaN;
          out.signal[i] = on ? sig : NaN;
          out.histogram[i] = on ? line - sig : NaN;
        }
      },
    };
  },
});
