import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, RunningMean } from '../kernels/pandas.js';
import { PandasTaEma, ptaRma, trueRange } from '../kernels/pandasTa.js';

export const pgo = defineNode({
  kind: 'indicator.pgo',
  summary: "Pretty good oscillator: the distance of the close from its SMA in units of an EMA of the ATR (pandas-ta pgo).",
  description:
    'pgo = (close - SMA(close, length)) / EMA(ATR(length), length) (Mark Johnson; pandas-ta pgo). ATR is ' +
    'pandas-ta\'s: Wilder\'s average (ewm alpha = 1 / length, adjust True, min_periods length) of the true ' +
    'range max(high - low, |high - previous close|, |previous close - low|), which has no value on the ' +
    'first event; the EMA is pandas-ta\'s (ewm span length, adjust False), which, fed from the first ATR ' +
    'value, starts at that value. Warm-up: length events. pandas-ta adds 2.2e-16 to every high - low ' +
    'when one of the whole series is 0 (a look at the whole series, below the precision of any price); ' +
    'hean does not.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Length of the SMA, the ATR and its EMA.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length,
  create: ({ length }) => {
    const prevClose = new Lag(1);
    const atr = ptaRma(length);
    const atrEma = new PandasTaEma(length);
    const sma = new RunningMean(length, true);
    let row = 0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        for (let i = 0; i < n; i++, row++) {
          const h = high[i];
          const l = low[i];
          const c = close[i];
          const pc = prevClose.next(c);
          const tr = trueRange(h, l, pc);
          const e = atrEma.next(atr.next(tr));
          const m = sma.next(c);
          value[i] = row >= length ? (c - m) / e : NaN;
        }
      },
    };
  },
});
