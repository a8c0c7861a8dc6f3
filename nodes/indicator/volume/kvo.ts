import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { createPandasTaMa, PANDAS_MA_TEXT, ptaMaModeParam } from '../kernels/pandasTa.js';

const period = (def: number, description: string) => Type.Integer({ minimum: 1, maximum: 100000, default: def, description });

export const kvo = defineNode({
  kind: 'indicator.kvo',
  summary: 'Klinger volume oscillator: fast minus slow average of the volume signed by the typical price, and its signal line (pandas-ta kvo).',
  description:
    'sv = volume * sign(hlc3 - previous hlc3), hlc3 = (high + low + close) / 3, the sign +1 on the first ' +
    'event and 0 when unchanged; kvo = MA(sv, fast) - MA(sv, slow); signal = MA(kvo, signal) started at ' +
    "kvo's first value (Stephen Klinger; pandas-ta kvo, its simplified form with volume in place of " +
    "Klinger's volume force). MA is maMode: " +
    PANDAS_MA_TEXT +
    '. Warm-up: max(fast, slow) - 1 + signal - 1 events; both outputs start together (pandas-ta gives kvo ' +
    'from event max(fast, slow) - 1).',
  params: Type.Object(
    {
      fast: period(34, 'Period of the fast average.'),
      slow: period(55, 'Period of the slow average.'),
      signal: period(13, 'Period of the signal line.'),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of all three lines.'),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { kvo: port.number(), signal: port.number() },
  defaultOutput: 'kvo',
  warmup: (p) => Math.max(p.fast, p.slow) - 1 + p.signal - 1,
  create: ({ fast, slow, signal, maMode }) => {
    const warmup = Math.max(fast, slow) - 1 + signal - 1;
    const fastMa = createPandasTaMa(maMode, fast, { sma: 'rescan' });
    const slowMa = createPandasTaMa(maMode, slow, { sma: 'rescan' });
    const signalMa = createPandasTaMa(maMode, signal, { sma: 'rescan', fromFirstValue: true });
    let prevHlc3 = NaN;
    let row = 0;
    return {
      step(n, _t, { high, low, close, volume }, outs) {
        for (let i = 0; i < n; i++) {
          const hlc3 = (high[i] + low[i] + close[i]) / 3.0;
          const d = hlc3 - prevHlc3;
          const sign = row === 0 ? 1 : d > 0 ? 1 : d < 0 ? -1 : d; // d: 0 or NaN
          prevHlc3 = hlc3;
          const sv = volume[i] * sign;
          const k = fastMa.next(sv) - slowMa.next(sv);
          const s = signalMa.next(k);
          if (row++ < warmup) {
            outs.kvo[i] = NaN;
            outs.signal[i] = NaN;
          } else {
            outs.kvo[i] = k;
            outs.signal[i] = s;
          }
        }
      },
    };
  },
});
