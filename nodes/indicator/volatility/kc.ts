import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, nonZeroRange, PANDAS_MA_TEXT, ptaMaModeParam, ptaMaWarmup, trueRange } from '../kernels/pandasTa.js';

export const kc = defineNode({
  kind: 'indicator.kc',
  summary: 'Keltner channels: an average of the close plus and minus scalar times an average of the true range (pandas-ta kc).',
  description:
    'middle = MA(close, length), band = MA(range, length) where range is the true range (tr true, the ' +
    'default) or high - low; upper = middle + scalar * band, lower = middle - scalar * band (Chester ' +
    'Keltner, 1960, in the ATR form of Linda Bradford Raschke; pandas-ta kc). MA is maMode: ' +
    PANDAS_MA_TEXT +
    '. The true range has no value on the first event, so with tr the EMA of the range is seeded with the ' +
    'mean of the length - 1 ranges among the first length events, as pandas-ta does. Warm-up: length - 1 ' +
    'events (ema, or tr false), else length; all three outputs start together (with tr and a mode other ' +
    'than ema pandas-ta gives the middle line one event earlier). A zero high - low counts as machine ' +
    'epsilon (pandas-ta non_zero_range, applied per event).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Number of events of both averages.' }),
      scalar: Type.Number({ minimum: 0, maximum: 1e6, default: 2, description: 'Multiple of the averaged range added and subtracted.' }),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of the close and of the range.'),
      tr: Type.Boolean({ default: true, description: 'Average the true range (true) or high - low (false).' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { lower: port.number(), middle: port.number(), upper: port.number() },
  defaultOutput: 'middle',
  warmup: (p) => ptaMaWarmup(p.maMode, p.length, p.tr ? 1 : 0),
  create: ({ length, scalar, maMode, tr }) => {
    const warmup = ptaMaWarmup(maMode, length, tr ? 1 : 0);
    const basis = createPandasTaMa(maMode, length, { sma: 'rescan' });
    const band = createPandasTaMa(maMode, length, { sma: 'rescan' });
    let row = 0;
    let prevClose = NaN;
    return {
      step(n, _t, { high, low, close }, { lower, middle, upper }) {
        for (let i = 0; i < n; i++) {
          const range = tr ? trueRange(high[i], low[i], prevClose) : nonZeroRange(high[i], low[i]);
          prevClose = close[i];
          const m = basis.next(close[i]);
          const b = band.next(range);
          if (row++ < warmup) {
            lower[i] = NaN;
            middle[i] = NaN;
            upper[i] = NaN;
          } else {
            lower[i] = m - scalar * b;
            middle[i] = m;
            upper[i] = m + scalar * b;
          }
        }
      },
    };
  },
});
