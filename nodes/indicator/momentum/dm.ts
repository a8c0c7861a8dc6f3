import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { createPandasTaMa, ptaMaModeParam, ptaMaWarmup, PTA_MA4_TEXT } from '../kernels/pandasTa.js';

export const dm = defineNode({
  kind: 'indicator.dm',
  summary: 'Directional movement +DM / -DM averaged with a pandas-ta moving average (pandas-ta dm; not TA-Lib PLUS_DM/MINUS_DM).',
  description:
    'up = high - high[t - drift], down = low[t - drift] - low; +DM = up when up > down and up > 0, ' +
    'else 0; -DM = down when down > up and down > 0, else 0; plus = MA(+DM, length), minus = ' +
    'MA(-DM, length) (J. Welles Wilder; pandas-ta dm without TA-Lib). Unlike TA-Lib PLUS_DM / ' +
    "MINUS_DM (indicator.plus_dm, indicator.minus_dm: Wilder's running sum, about length times " +
    'larger), these are averages; the default rma is pandas ewm(alpha = 1 / length, adjust=True). ' +
    'Moving averages (maMode): ' + PTA_MA4_TEXT + '. No output for the first drift + length - 1 ' +
    'events (ema: max(length - 1, drift), its seed being the mean of the values among the first length).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of values of the averages.' }),
      maMode: ptaMaModeParam(['sma', 'ema', 'wma', 'rma'], 'rma', 'Moving average of +DM and -DM.'),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Lag of the movement, in events.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { plus: port.number(), minus: port.number() },
  defaultOutput: 'plus',
  warmup: (p) => ptaMaWarmup(p.maMode, p.length, p.drift),
  create: ({ length, maMode, drift }) => {
    const highs = new RollingWindow(drift + 1);
    const lows = new RollingWindow(drift + 1);
    const plusMa = createPandasTaMa(maMode, length, { sma: 'rescan' });
    const minusMa = createPandasTaMa(maMode, length, { sma: 'rescan' });
    return {
      step(n, _t, { high, low }, { plus, minus }) {
        for (let i = 0; i < n; i++) {
          highs.push(high[i]);
          lows.push(low[i]);
          let pos = NaN;
          let neg = NaN;
          if (highs.count > drift) {
            const up = high[i] - highs.back(drift);
            const down = lows.back(drift) - low[i];
            // pandas: (condition) * up, then zero(): |x| < epsilon -> 0 (NaN stays NaN).
            pos = up > down && up > 0 ? up : up === up ? 0 : NaN;
            neg = down > up && down > 0 ? down : down === down ? 0 : NaN;
          }
          plus[i] = plusMa.next(pos);
          minus[i] = minusMa.next(neg);
        }
      },
    };
  },
});
