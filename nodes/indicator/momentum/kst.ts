import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, RunningMean } from '../kernels/pandas.js';

const length = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

const kstStart = (p: { roc1: number; roc2: number; roc3: number; roc4: number; sma1: number; sma2: number; sma3: number; sma4: number; signal: number }) =>
  Math.max(p.roc1 + p.sma1, p.roc2 + p.sma2, p.roc3 + p.sma3, p.roc4 + p.sma4) - 1 + p.signal - 1;

export const kst = defineNode({
  kind: 'indicator.kst',
  summary: "'Know Sure Thing': a weighted sum of four smoothed rates of change, with its SMA signal (pandas-ta kst).",
  description:
    'rocmaK = SMA(ROC(close, rocK), smaK) for K = 1..4, ROC(n) = 100 * (close - close[n]) / close[n]; ' +
    'kst = 100 * (rocma1 + 2 * rocma2 + 3 * rocma3 + 4 * rocma4); signal = SMA(kst, signal) (Martin ' +
    'Pring, 1992; pandas-ta kst). The SMAs are pandas rolling means: no value while a NaN is in the ' +
    'window. Warm-up: both outputs start together at the signal\'s first value, after max(rocK + smaK) ' +
    '- 1 + signal - 1 events (52 with the defaults); pandas-ta gives the kst line signal - 1 events earlier.',
  params: Type.Object(
    {
      roc1: length(10, 'Length of the first rate of change.'),
      roc2: length(15, 'Length of the second rate of change.'),
      roc3: length(20, 'Length of the third rate of change.'),
      roc4: length(30, 'Length of the fourth rate of change.'),
      sma1: length(10, 'Length of the SMA of the first rate of change.'),
      sma2: length(10, 'Length of the SMA of the second rate of change.'),
      sma3: length(10, 'Length of the SMA of the third rate of change.'),
      sma4: length(15, 'Length of the SMA of the fourth rate of change.'),
      signal: length(9, 'Length of the SMA of kst (the signal line).'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { kst: port.number(), signal: port.number() },
  defaultOutput: 'kst',
  warmup: kstStart,
  create: (p) => {
    const lags = [new Lag(p.roc1), new Lag(p.roc2), new Lag(p.roc3), new Lag(p.roc4)];
    const smas = [new RunningMean(p.sma1, true), new RunningMean(p.sma2, true), new RunningMean(p.sma3, true), new RunningMean(p.sma4, true)];
    const signal = new RunningMean(p.signal, true);
    const first = kstStart(p);
    const ma = new Float64Array(4);
    let row = 0;
    return {
      step(n, _t, { series }, out) {
        for (let i = 0; i < n; i++, row++) {
          const x = series[i];
          for (let k = 0; k < 4; k++) {
            const prev = lags[k].next(x);
            ma[k] = smas[k].next((100 * (x - prev)) / prev);
          }
          const line = 100 * (ma[0] + 2 * ma[1] + 3 * ma[2] + 4 * ma[3]);
          const s = signal.next(line);
          const on = row >= first;
          out.kst[i] = on ? line : NaN;
          out.signal[i] = on ? s : NaN;
        }
      },
    };
  },
});
