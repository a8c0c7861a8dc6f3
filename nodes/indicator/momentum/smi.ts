import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { TsiCore, tsiStarts } from './tsi.js';

const length = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const smi = defineNode({
  kind: 'indicator.smi',
  summary: 'SMI ergodic indicator: the TSI with short lengths, its EMA signal and their difference (pandas-ta smi).',
  description:
    'smi = tsi(close, fast, slow, signal, scalar) (see indicator.tsi: scalar * EMA(EMA(diff, slow), fast) / ' +
    'EMA(EMA(|diff|, slow), fast), diff = close - previous close), signal = EMA(smi, signal), oscillator = ' +
    'smi - signal (William Blau\'s SMI Ergodic indicator/oscillator; pandas-ta smi). fast and slow are ' +
    'swapped when slow < fast, as in pandas-ta. EMAs are pandas-ta\'s (ewm adjust=False, seeded with ' +
    'the mean of the first length rows, or the first value for an EMA of an EMA). All outputs start ' +
    'together at the signal\'s first value, after max(slow, fast, signal) - 1 events (19 with the defaults, ' +
    'as in pandas-ta; when signal is the largest, pandas-ta gives smi from max(slow, fast) - 1 on).',
  params: Type.Object(
    {
      fast: length(5, 'Length of the outer EMA.'),
      slow: length(20, 'Length of the inner EMA.'),
      signal: length(5, 'Length of the signal EMA.'),
      scalar: Type.Number({ minimum: -1e12, maximum: 1e12, default: 1, description: 'Multiplier of the ratio.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { smi: port.number(), signal: port.number(), oscillator: port.number() },
  defaultOutput: 'smi',
  warmup: (p) => tsiStarts(Math.min(p.fast, p.slow), Math.max(p.fast, p.slow), p.signal, 'ema', 1).signal,
  create: ({ fast, slow, signal, scalar }) => {
    const f = Math.min(fast, slow);
    const s = Math.max(fast, slow);
    const core = new TsiCore(f, s, signal, scalar, 'ema', 1);
    const first = tsiStarts(f, s, signal, 'ema', 1).signal;
    let row = 0;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++, row++) {
          core.next(series[i]);
          const on = row >= first;
          out.smi[i] = on ? core.line : NaN;
          out.signal[i] = on ? core.signal : NaN;
          out.oscillator[i] = on ? core.line - core.signal : NaN;
        }
      },
    };
  },
});
