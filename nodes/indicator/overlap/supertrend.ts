import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { ptaRma } from '../kernels/pandasTa.js';

export const supertrend = defineNode({
  kind: 'indicator.supertrend',
  summary: 'Supertrend: an ATR band around (high + low) / 2 that ratchets with the trend and flips when the close crosses it (pandas-ta supertrend).',
  description:
    'upper = hl2 + multiplier * ATR, lower = hl2 - multiplier * ATR, hl2 = (high + low) / 2, ATR = RMA(true ' +
    'range, length) as pandas-ta atr computes it (adjusted ewm with alpha 1 / length, no true range on the first ' +
    'bar). direction turns 1 when close > the previous upper band, -1 when close < the previous lower band, ' +
    'else it stays, and then the band on its side may not retreat (lower = max(lower, previous lower) while ' +
    'rising, upper = min(upper, previous upper) while falling). trend is the lower band while direction is 1, ' +
    'the upper band while -1; long and short are trend on their side and NaN on the other (Olivier Seban; ' +
    'pandas-ta supertrend). The first length events have no output: pandas-ta writes placeholders there ' +
    '(trend 0 on the first bar, direction 1 throughout), which hean leaves out. pandas-ta adds machine ' +
    'epsilon to every high - low when some bar of the whole series has high = low (a look ahead of no ' +
    'consequence at 1e-9); hean uses high - low. No declared warm-up: long and short start with the trend side.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 7, description: 'ATR length.' }),
      multiplier: Type.Number({ exclusiveMinimum: 0, default: 3.0, description: 'Band width in ATRs.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { trend: port.number(), direction: port.number(), long: port.number(), short: port.number() },
  defaultOutput: 'trend',
  create: ({ length, multiplier }) => {
    const atr = ptaRma(length);
    let first = true;
    let prevClose = NaN;
    let prevUpper = NaN;
    let prevLower = NaN;
    let dir = 1;
    return {
      step(n, _t, { high, low, close }, { trend, direction, long, short }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const c = close[i];
          let tr = NaN;
          if (!first) tr = Math.max(Math.abs(h - l), Math.abs(h - prevClose), Math.abs(prevClose - l));
          const a = atr.next(tr);
          const hl2 = 0.5 * (h + l);
          const m = multiplier * a;
          let upper = hl2 + m;
          let lower = hl2 - m;
          if (!first) {
            if (c > prevUpper) dir = 1;
            else if (c < prevLower) dir = -1;
            else {
              if (dir > 0 && lower < prevLower) lower = prevLower;
              if (dir < 0 && upper > prevUpper) upper = prevUpper;
            }
          }
          first = false;
          prevClose = c;
          prevUpper = upper;
          prevLower = lower;
          if (a !== a) {
            trend[i] = direction[i] = long[i] = short[i] = NaN;
          } else if (dir > 0) {
            trend[i] = long[i] = lower;
            short[i] = NaN;
            direction[i] = 1;
          } else {
            trend[i] = short[i] = upper;
            long[i] = NaN;
            direction[i] = -1;
          }
        }
      },
    };
  },
});
