import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { PandasTaEma } from '../kernels/pandasTa.js';

/**
 * pandas-ta's round(x, 8) on its numpy floats, i.e. numpy's round: rint(x * 1e8) / 1e8, ties
 * of the scaled product to even.
 */
export function round8(x: number): number {
  const y = x * 1e8;
  let r = Math.round(y); // halves go up
  if (r - y === 0.5 && r % 2 !== 0) r -= 1;
  return r / 1e8;
}

/** pandas-ta non_zero_range's epsilon (sys.float_info.epsilon). */
const EPSILON = 2.220446049250313e-16;

const stcStart = (p: { tcLength: number; fast: number; slow: number }) => Math.max(p.fast, p.slow) - 1 + p.tcLength - 1;

export const stc = defineNode({
  kind: 'indicator.stc',
  summary: 'Schaff trend cycle: a twice-applied, smoothed stochastic of the MACD line, 0 to 100 (pandas-ta stc, with the published %K condition).',
  description:
    'macd = EMA(close, fast) - EMA(close, slow) (pandas-ta EMAs: ewm adjust=False seeded with the mean of ' +
    'the first length values; fast and slow swapped when slow < fast); stoch1 = 100 * (macd - lowest macd) / ' +
    '(highest - lowest macd) over tcLength, kept from the event before when that range is not positive; ' +
    'stoch = round(stoch[-1] + factor * (stoch1 - stoch[-1]), 8); stoch2 = the same stochastic of stoch, ' +
    'stc = round(stc[-1] + factor * (stoch2 - stc[-1]), 8) (Doug Schaff, 1999; pandas-ta stc / schaff_tc, ' +
    'with its rounding to 8 decimals (numpy\'s: rint(x * 1e8) / 1e8) and its state starting at 0 on the first event). Departure from ' +
    'pandas-ta 0.3.14b0, a known bug (github twopirllc/pandas-ta issue 699, values biased low): it ' +
    'computes stoch1 only when the lowest macd is positive and otherwise keeps the previous value; hean ' +
    'follows the published definition (when the range is positive), as pandas-ta does for stoch2. ' +
    'pandas-ta also adds 2.2e-16 to the macd range when one of the whole series is 0 (a look at the whole ' +
    'series); hean does not (for the range of stoch, always zero during the warm-up, it does, as ' +
    'pandas-ta: a zero range there gives 0). Warm-up: max(fast, slow) - 1 + tcLength - 1 events (34 ' +
    'with the defaults), for every output; pandas-ta gives 0 for stc and stoch (its state) before.',
  params: Type.Object(
    {
      tcLength: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Length of both stochastic windows.' }),
      fast: Type.Integer({ minimum: 1, maximum: 100000, default: 12, description: 'Length of the fast EMA of the MACD.' }),
      slow: Type.Integer({ minimum: 2, maximum: 100000, default: 26, description: 'Length of the slow EMA of the MACD.' }),
      factor: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5, description: 'Smoothing factor of both stochastics.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { stc: port.number(), macd: port.number(), stoch: port.number() },
  defaultOutput: 'stc',
  warmup: stcStart,
  create: (p) => {
    const fastEma = new PandasTaEma(Math.min(p.fast, p.slow));
    const slowEma = new PandasTaEma(Math.max(p.fast, p.slow));
    const macdWindow = new RollingWindow(p.tcLength);
    const pfWindow = new RollingWindow(p.tcLength);
    const factor = p.factor;
    const first = stcStart(p);
    let row = 0;
    let stoch1 = 0;
    let pf = 0;
    let stoch2 = 0;
    let pff = 0;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++, row++) {
          const x = series[i];
          const macd = fastEma.next(x) - slowEma.next(x);
          macdWindow.push(macd);
          const macdFull = macdWindow.complete;
          if (row > 0) {
            if (macdFull) {
              const lowest = macdWindow.min();
              const range = macdWindow.max() - lowest;
              if (range > 0) stoch1 = 100 * ((macd - lowest) / range);
            }
            pf = round8(pf + factor * (stoch1 - pf));
          }
          pfWindow.push(pf);
          const pfFull = pfWindow.complete;
          if (row > 0) {
            if (pfFull) {
              const lowest = pfWindow.min();
              const range = pfWindow.max() - lowest + EPSILON;
              if (range > 0) stoch2 = 100 * ((pf - lowest) / range);
            }
            pff = round8(pff + factor * (stoch2 - pff));
          }
          const on = row >= first;
          out.stc[i] = on ? pff : NaN;
          out.macd[i] = on ? macd : NaN;
          out.stoch[i] = on ? pf : NaN;
        }
      },
    };
  },
});
