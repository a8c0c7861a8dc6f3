import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { PandasEwm, RollingWindow } from '../kernels/pandas.js';
import { trueRange } from '../kernels/pandasTa.js';

export const aberration = defineNode({
  kind: 'indicator.aberration',
  summary: 'Aberration: an SMA of the typical price plus and minus the ATR (pandas-ta aberration).',
  description:
    'middle = SMA((high + low + close) / 3, length), atr = Wilder average of the true range over ' +
    'atrLength (pandas-ta atr: pandas ewm(alpha=1/atrLength, min_periods=atrLength) of the true range, ' +
    'which starts on the second event), upper = middle + atr, lower = middle - atr (pandas-ta ' +
    'aberration). Warm-up: max(length - 1, atrLength) events; all outputs start together (pandas-ta ' +
    'gives the middle line from event length - 1).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 5, description: 'Number of events of the SMA of the typical price.' }),
      atrLength: Type.Integer({ minimum: 1, maximum: 100000, default: 15, description: 'Period of the ATR.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { middle: port.number(), upper: port.number(), lower: port.number(), atr: port.number() },
  defaultOutput: 'middle',
  warmup: (p) => Math.max(p.length - 1, p.atrLength),
  create: ({ length, atrLength }) => {
    const warmup = Math.max(length - 1, atrLength);
    const typical = new RollingWindow(length);
    const rma = PandasEwm.fromAlpha(1.0 / atrLength, true, atrLength);
    let prevClose = NaN;
    let row = 0;
    return {
      step(n, _t, { high, low, close }, outs) {
        const { middle, upper, lower, atr } = outs;
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const c = close[i];
          const a = rma.next(trueRange(h, l, prevClose));
          prevClose = c;
          typical.push((h + l + c) / 3.0);
          const zg = typical.mean();
          if (row++ < warmup) {
            middle[i] = NaN;
            upper[i] = NaN;
            lower[i] = NaN;
            atr[i] = NaN;
          } else {
            middle[i] = zg;
            upper[i] = zg + a;
            lower[i] = zg - a;
            atr[i] = a;
          }
        }
      },
    };
  },
});
