import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, PandasRollingSum, RollingExtreme } from '../kernels/pandas.js';
import { ptaRma, trueRange } from '../kernels/pandasTa.js';

export const cksp = defineNode({
  kind: 'indicator.cksp',
  summary: 'Chande Kroll stop: the highest of (highest high - x ATR) and the lowest of (lowest low + x ATR), stop levels for longs and shorts (pandas-ta cksp).',
  description:
    'long = highest over q bars of (highest high over p bars - x * ATR(p)); short = lowest over q bars of (lowest ' +
    'low over p bars + x * ATR(p)) (Tushar Chande and Stanley Kroll, The New Technical Trader, 1994; pandas-ta ' +
    'cksp). ATR is pandas-ta atr of the true range: Wilder\'s (pandas ewm(alpha=1/p, min_periods=p)) in TradingView ' +
    'mode, a p-bar rolling mean otherwise. Defaults are pandas-ta\'s documented ones (p=10, x=1, q=9, tvmode): ' +
    'pandas-ta 0.3.14b0 picks x and q before it defaults tvmode, so a call without tvmode gets x=3, q=20 with ' +
    'Wilder\'s ATR, a bug; pandas-ta documents x=3, q=20 for tvmode false (set them). No output for the first ' +
    'p + q - 1 events, as in pandas-ta.',
  params: Type.Object(
    {
      p: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Period of the ATR and of the first stop.' }),
      x: Type.Number({ exclusiveMinimum: 0, default: 1, description: 'ATR multiplier.' }),
      q: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Period of the second stop.' }),
      tvmode: Type.Boolean({ default: true, description: 'TradingView mode: Wilder\'s ATR; false: a simple average of the true range.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { long: port.number({ description: 'Stop for long positions.' }), short: port.number({ description: 'Stop for short positions.' }) },
  warmup: (p) => p.p + p.q - 1,
  create: ({ p, x, q, tvmode }) => {
    const atr: { next(v: number): number } = tvmode ? ptaRma(p) : new PandasRollingSum(p, true);
    const prevClose = new Lag(1);
    const highest = new RollingExtreme(p, true);
    const lowest = new RollingExtreme(p, false);
    const longStop = new RollingExtreme(q, true);
    const shortStop = new RollingExtreme(q, false);
    return {
      step(n, _t, { high, low, close }, { long, short }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const a = x * atr.next(trueRange(h, l, prevClose.next(close[i])));
          long[i] = longStop.next(highest.next(h) - a);
          short[i] = shortStop.next(lowest.next(l) + a);
        }
      },
    };
  },
});
