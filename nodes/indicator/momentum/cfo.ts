import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { ptaLinreg } from '../kernels/pandasTa.js';

export const cfo = defineNode({
  kind: 'indicator.cfo',
  summary: "Chande Forecast Oscillator: percent distance of the close from its least-squares line's value (pandas-ta cfo).",
  description:
    'CFO = scalar (close - L) / close, where L is the least-squares line through the last length ' +
    'closes evaluated at the newest close (Tushar Chande; pandas-ta cfo, which takes pandas-ta ' +
    'linreg(tsf=True): with x = 1..length that is the fitted value at x = length, i.e. TA-Lib ' +
    "LINEARREG, not TA-Lib TSF's one-step-ahead forecast; hean follows pandas-ta). No output for " +
    'the first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 9, description: 'Number of closes of the regression.' }),
      scalar: Type.Number({ minimum: -3e37, maximum: 3e37, default: 100, description: 'Multiplier (100: percent).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length, scalar }) => {
    const ring = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          ring.push(x);
          value[i] = (scalar * (x - ptaLinreg(ring, 'tsf'))) / x;
        }
      },
    };
  },
});
