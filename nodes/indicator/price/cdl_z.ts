import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { ohlcInputs } from '../kernels/candle.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow, sumOf, varianceOf } from '../kernels/pandas.js';

export const cdlZ = defineNode({
  kind: 'indicator.cdl_z',
  summary: 'Candles as rolling z-scores: each of open, high, low, close standardized over its last length values (pandas-ta cdl_z).',
  description:
    'For each of open, high, low and close: (x - mean) / stdev over its last length values, stdev with ' +
    'divisor length - ddof (indicator.zscore with std 1; pandas-ta cdl_z). Departures: pandas-ta\'s full ' +
    'option (one z-score over the whole series, back-filled) looks ahead and is not offered; pandas-ta ' +
    'turns ddof 0 into 1 (a falsy check), here 0 gives the population deviation. No output for the ' +
    'first length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 30, description: 'Number of values in the window.' }),
      ddof: Type.Integer({ minimum: 0, maximum: 99999, default: 1, description: 'Delta degrees of freedom of the standard deviation (below length).' }),
    },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: {
    open: port.number({ description: 'z-score of the open.' }),
    high: port.number({ description: 'z-score of the high.' }),
    low: port.number({ description: 'z-score of the low.' }),
    close: port.number({ description: 'z-score of the close.' }),
  },
  warmup: (p) => p.length - 1,
  check: (p) => (p.ddof >= p.length ? [{ path: ['ddof'], message: 'ddof must be below length' }] : []),
  create: ({ length, ddof }) => {
    const names = ['open', 'high', 'low', 'close'] as const;
    const windows = names.map(() => new RollingWindow(length));
    return {
      step(n, _t, inp, out) {
        for (let k = 0; k < 4; k++) {
          const window = windows[k];
          const x = inp[names[k]];
          const z = out[names[k]];
          for (let i = 0; i < n; i++) {
            if (!window.push(x[i])) {
              z[i] = NaN;
              continue;
            }
            const w = window.ordered();
            z[i] = (x[i] - sumOf(w) / length) / Math.sqrt(varianceOf(w, ddof));
          }
        }
      },
    };
  },
});
