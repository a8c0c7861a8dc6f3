import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Monotone } from '../kernels/monotone.js';
import { createPandasTaMa, PTA_MA_TEXT, ptaMaModeParam, ptaMaWarmup } from '../kernels/pandasTa.js';

export const amat = defineNode({
  kind: 'indicator.amat',
  summary: 'Archer moving averages trends: long 1 when the fast and slow averages rise together or the fast turns up against a falling slow; short the mirror (pandas-ta amat).',
  description:
    'long = long_run(MA(fast), MA(slow), lookback), short = short_run(MA(fast), MA(slow), lookback) (see ' +
    'indicator.long_run / indicator.short_run: comparisons with the value lookback bars back) (Archer moving ' +
    `averages trends; pandas-ta amat). The averages are pandas-ta's own: ${PTA_MA_TEXT}. No output (NaN) until both ` +
    'averages have values lookback bars back, where pandas-ta gives 0 (its comparisons with NaN are false).',
  params: Type.Object(
    {
      fast: Type.Integer({ minimum: 2, maximum: 100000, default: 8, description: 'Period of the fast average.' }),
      slow: Type.Integer({ minimum: 2, maximum: 100000, default: 21, description: 'Period of the slow average.' }),
      lookback: Type.Integer({ minimum: 1, maximum: 100000, default: 2, description: 'Bars back of the comparisons.' }),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'dema', 'wma', 'hma'], 'ema', 'The moving average (pandas-ta names).'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { long: port.number(), short: port.number() },
  warmup: (p) => Math.max(ptaMaWarmup(p.maMode, p.fast), ptaMaWarmup(p.maMode, p.slow)) + p.lookback,
  create: ({ fast, slow, lookback, maMode }) => {
    const fastMa = createPandasTaMa(maMode, fast, { sma: 'pandas' });
    const slowMa = createPandasTaMa(maMode, slow, { sma: 'pandas' });
    const fastUp = new Monotone(lookback, true);
    const fastDown = new Monotone(lookback, false);
    const slowUp = new Monotone(lookback, true);
    const slowDown = new Monotone(lookback, false);
    return {
      step(n, _t, { series }, { long, short }) {
        for (let i = 0; i < n; i++) {
          const f = fastMa.next(series[i]);
          const s = slowMa.next(series[i]);
          const fu = fastUp.next(f);
          const fd = fastDown.next(f);
          const su = slowUp.next(s);
          const sd = slowDown.next(s);
          if (fu !== fu || su !== su) {
            long[i] = NaN;
            short[i] = NaN;
          } else {
            long[i] = (fu & sd) | (fu & su);
            short[i] = (fd & su) | (fd & sd);
          }
        }
      },
    };
  },
});
