import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, PTA_MA_MODES, ptaMaModeParam, type PtaMaMode } from '../kernels/pandasTa.js';

export const hilo = defineNode({
  kind: 'indicator.hilo',
  summary: 'Gann HiLo activator: the MA of lows after a close above the previous MA of highs, the MA of highs after a close below the previous MA of lows (pandas-ta hilo).',
  description:
    'With H = MA(high, highLength) and L = MA(low, lowLength): if close > H[-1], value = long = L; else if ' +
    'close < L[-1], value = short = H; else value = long = short = the previous value (Robert Krausz, the Gann ' +
    'HiLo activator, Stocks & Commodities 1998; pandas-ta hilo). On the long side short is NaN and vice versa. ' +
    'maMode is the average as pandas-ta ma computes it, any of its modes: ' + PTA_MA_MODES.join(', ') +
    ' (zlma with its default ema). Output starts when the averages and the comparisons first give a ' +
    'value, which depends on the data (NaN comparisons are false, as in pandas-ta), so no warm-up is declared.',
  params: Type.Object(
    {
      highLength: Type.Integer({ minimum: 2, maximum: 100000, default: 13, description: 'Length of the average of highs.' }),
      lowLength: Type.Integer({ minimum: 2, maximum: 100000, default: 21, description: 'Length of the average of lows.' }),
      maMode: ptaMaModeParam(PTA_MA_MODES, 'sma', 'The average (pandas-ta mamode).'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number(), long: port.number(), short: port.number() },
  defaultOutput: 'value',
  create: ({ highLength, lowLength, maMode }) => {
    const highMa = createPandasTaMa(maMode as PtaMaMode, highLength);
    const lowMa = createPandasTaMa(maMode as PtaMaMode, lowLength);
    let first = true;
    let prevH = NaN;
    let prevL = NaN;
    let prev = NaN;
    return {
      step(n, _t, { high, low, close }, { value, long, short }) {
        for (let i = 0; i < n; i++) {
          const h = highMa.next(high[i]);
          const l = lowMa.next(low[i]);
          const c = close[i];
          if (first) {
            first = false;
            value[i] = long[i] = short[i] = NaN;
          } else if (c > prevH) {
            value[i] = long[i] = l;
            short[i] = NaN;
          } else if (c < prevL) {
            value[i] = short[i] = h;
            long[i] = NaN;
          } else {
            value[i] = long[i] = short[i] = prev;
          }
          prev = value[i];
          prevH = h;
          prevL = l;
        }
      },
    };
  },
});
