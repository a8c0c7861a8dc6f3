import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, PandasRollingSum, RollingExtreme } from '../kernels/pandas.js';
import { ptaRma, trueRange } from '../kernels/pandasTa.js';

export const chop = defineNode({
  kind: 'indicator.chop',
  summary: 'Choppiness index: summed ATR over the high-low range of the window, on a log scale; near 100 choppy, near 0 trending (pandas-ta chop).',
  description:
    'CHOP = scalar * (log10(sum(ATR(atrLength), length)) - log10(highest high - lowest low)) / log10(length), natural ' +
    'logs when ln (E. W. Dreiss; pandas-ta chop). ATR is pandas-ta atr: Wilder\'s average of the true range as pandas ' +
    'ewm(alpha=1/atrLength, min_periods=atrLength); with atrLength 1 it is the true range. No output for the first ' +
    'atrLength + length - 1 events, as in pandas-ta. pandas-ta\'s drift argument is not used by its chop and is left out.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of bars of the range and of the ATR sum.' }),
      atrLength: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Period of the ATR.' }),
      ln: Type.Boolean({ default: false, description: 'Natural logarithms instead of base 10 (the ratio is the same but for rounding).' }),
      scalar: Type.Number({ default: 100, description: 'Scale of the index.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.atrLength + p.length - 1,
  create: ({ length, atrLength, ln, scalar }) => {
    const log = ln ? Math.log : Math.log10;
    const logLength = log(length);
    const highest = new RollingExtreme(length, true);
    const lowest = new RollingExtreme(length, false);
    const prevClose = new Lag(1);
    const atr = ptaRma(atrLength);
    const atrSum = new PandasRollingSum(length);
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const diff = highest.next(h) - lowest.next(l);
          const s = atrSum.next(atr.next(trueRange(h, l, prevClose.next(close[i]))));
          value[i] = scalar * ((log(s) - log(diff)) / logLength);
        }
      },
    };
  },
});
