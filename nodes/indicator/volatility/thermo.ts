import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, PANDAS_MA_TEXT, ptaMaModeParam, ptaMaWarmup } from '../kernels/pandasTa.js';

export const thermo = defineNode({
  kind: 'indicator.thermo',
  summary: "Elder's market thermometer: the larger of the high's and the low's move out of the previous bar, its average, and two signals (pandas-ta thermo).",
  description:
    'value = max(|high - previous high|, |previous low - low|) (the high side when equal); ma = MA(value, ' +
    'length); long = 1 when value < ma * long else 0; short = 1 when value > ma * short else 0 ' +
    '(Alexander Elder, Come Into My Trading Room, 2002; pandas-ta thermo with asint). MA is maMode: ' +
    PANDAS_MA_TEXT +
    '. Warm-up: length - 1 events with ema (at least 1), length otherwise; all outputs start together ' +
    '(pandas-ta gives value from the second event, and long / short as 0 while its average is NaN).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Period of the average.' }),
      long: Type.Number({ minimum: 0, maximum: 1e6, default: 2, description: 'Multiple of the average below which long is 1.' }),
      short: Type.Number({ minimum: 0, maximum: 1e6, default: 0.5, description: 'Multiple of the average above which short is 1.' }),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of the thermometer.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number() },
  outputs: { value: port.number(), ma: port.number(), long: port.number(), short: port.number() },
  defaultOutput: 'value',
  warmup: (p) => ptaMaWarmup(p.maMode, p.length, 1),
  create: (p) => {
    const warmup = ptaMaWarmup(p.maMode, p.length, 1);
    const average = createPandasTaMa(p.maMode, p.length, { sma: 'rescan' });
    const longK = p.long;
    const shortK = p.short;
    let prevHigh = NaN;
    let prevLow = NaN;
    let row = 0;
    return {
      step(n, _t, { high, low }, outs) {
        for (let i = 0; i < n; i++) {
          const thermoL = Math.abs(prevLow - low[i]);
          const thermoH = Math.abs(high[i] - prevHigh);
          prevHigh = high[i];
          prevLow = low[i];
          const v = thermoH < thermoL ? thermoL : thermoH;
          const m = average.next(v);
          if (row++ < warmup) {
            outs.value[i] = NaN;
            outs.ma[i] = NaN;
            outs.long[i] = NaN;
            outs.short[i] = NaN;
          } else {
            outs.value[i] = v;
            outs.ma[i] = m;
            outs.long[i] = v < m * longK ? 1 : 0;
            outs.short[i] = v > m * shortK ? 1 : 0;
          }
        }
      },
    };
  },
});
