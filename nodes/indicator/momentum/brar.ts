import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const brar = defineNode({
  kind: 'indicator.brar',
  summary: 'BRAR: AR = sum(high - open) / sum(open - low), BR = sum(max(high - prev close, 0)) / sum(max(prev close - low, 0)), times scalar (pandas-ta brar).',
  description:
    'Over the last length events: AR = scalar sum(high - open) / sum(open - low); BR = scalar ' +
    'sum(max(high - close[t - drift], 0)) / sum(max(close[t - drift] - low, 0)) (the Chinese ' +
    '"emotion" indicators; pandas-ta brar). Departure: one warm-up for both outputs, so AR starts ' +
    'with BR, after drift + length - 1 events (pandas-ta gives AR drift events earlier); pandas-ta ' +
    'adds machine epsilon to every range of the whole series when one of them is 0 (a look at the ' +
    'future), hean does not (a change below 1e-15 relative).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 26, description: 'Number of events of the sums.' }),
      scalar: Type.Number({ minimum: -3e37, maximum: 3e37, default: 100, description: 'Multiplier (100: percent).' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Lag of the previous close.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: { ar: port.number(), br: port.number() },
  defaultOutput: 'ar',
  warmup: (p) => p.drift + p.length - 1,
  create: ({ length, scalar, drift }) => {
    const highOpen = new RollingWindow(length);
    const openLow = new RollingWindow(length);
    const highClose = new RollingWindow(length);
    const closeLow = new RollingWindow(length);
    const closes = new RollingWindow(drift + 1);
    const warmup = drift + length - 1;
    let seen = 0;
    return {
      step(n, _t, { open, high, low, close }, outputs) {
        const { ar, br } = outputs;
        for (let i = 0; i < n; i++) {
          closes.push(close[i]);
          highOpen.push(high[i] - open[i]);
          openLow.push(open[i] - low[i]);
          if (closes.count > drift) {
            const prev = closes.back(drift);
            const hcy = high[i] - prev;
            const cyl = prev - low[i];
            highClose.push(hcy < 0 ? 0 : hcy);
            closeLow.push(cyl < 0 ? 0 : cyl);
          } else {
            highClose.push(NaN);
            closeLow.push(NaN);
          }
          const early = seen < warmup;
          ar[i] = early ? NaN : (scalar * highOpen.sum()) / openLow.sum();
          br[i] = early ? NaN : (scalar * highClose.sum()) / closeLow.sum();
          seen++;
        }
      },
    };
  },
});
