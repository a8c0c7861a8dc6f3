import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RunningSumWindow } from '../kernels/pandas.js';
import { symmetricTriangleWeights, WeightedWindow } from '../kernels/pandasTa.js';

const rvgiStart = (p: { length: number; swmaLength: number }) => 2 * (p.swmaLength - 1) + p.length - 1;

export const rvgi = defineNode({
  kind: 'indicator.rvgi',
  summary: 'Relative vigor index: summed, triangle-smoothed close - open over summed, smoothed high - low, with a signal (pandas-ta rvgi).',
  description:
    'rvgi = SUM(SWMA(close - open, swmaLength), length) / SUM(SWMA(high - low, swmaLength), length); ' +
    'signal = SWMA(rvgi, swmaLength), SWMA being the symmetric triangle weighted average (weights 1, 2, ' +
    '..., 2, 1 over their sum; with the default 4: 1, 2, 2, 1 over 6) (John Ehlers\' RVI, 2002; pandas-ta ' +
    'rvgi). Warm-up: both outputs start at the signal\'s first value, after 2 * (swmaLength - 1) + ' +
    'length - 1 events (19 with the defaults); pandas-ta gives rvgi swmaLength - 1 events earlier. ' +
    'pandas-ta adds 2.2e-16 to every close - open (and high - low) when one of the whole series is 0 (a ' +
    'look at the whole series, below any price\'s precision); hean does not.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of smoothed values summed.' }),
      swmaLength: Type.Integer({ minimum: 2, maximum: 100000, default: 4, description: 'Length of the symmetric weighted averages.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: { rvgi: port.number(), signal: port.number() },
  defaultOutput: 'rvgi',
  warmup: rvgiStart,
  create: (p) => {
    const num = new WeightedWindow(symmetricTriangleWeights(p.swmaLength));
    const den = new WeightedWindow(symmetricTriangleWeights(p.swmaLength));
    const numSum = new RunningSumWindow(p.length);
    const denSum = new RunningSumWindow(p.length);
    const signal = new WeightedWindow(symmetricTriangleWeights(p.swmaLength));
    const first = rvgiStart(p);
    let row = 0;
    return {
      step(n, _t, { open, high, low, close }, out) {
        for (let i = 0; i < n; i++, row++) {
          const a = numSum.push(num.next(close[i] - open[i])) ? numSum.total() : NaN;
          const b = denSum.push(den.next(high[i] - low[i])) ? denSum.total() : NaN;
          const r = a / b;
          const s = signal.next(r);
          const on = row >= first;
          out.rvgi[i] = on ? r : NaN;
          out.signal[i] = on ? s : NaN;
        }
      },
    };
  },
});
