import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { ptaRma } from '../kernels/pandasTa.js';

export const kdj = defineNode({
  kind: 'indicator.kdj',
  summary: 'KDJ: a stochastic %K and %D smoothed with RMA(signal), and J = 3K - 2D (pandas-ta kdj).',
  description:
    'fastK = 100 (close - lowest low) / (highest high - lowest low) over the last length events ' +
    '(0 when the range is 0); K = RMA(fastK, signal), D = RMA(K, signal), J = 3 K - 2 D, RMA being ' +
    'pandas-ta rma: pandas ewm(alpha = 1 / signal, adjust=True), the weighted mean of every past ' +
    'value with weights (1 - alpha)^age, first after signal values (pandas-ta kdj). Departure: one ' +
    'warm-up for all outputs, so K starts with D and J, after length + 2 signal - 3 events ' +
    '(pandas-ta gives K signal - 1 events earlier).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 9, description: 'Number of events of the high-low range.' }),
      signal: Type.Integer({ minimum: 1, maximum: 100000, default: 3, description: 'Length of the two RMA smoothings.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { k: port.number(), d: port.number(), j: port.number() },
  defaultOutput: 'k',
  warmup: (p) => p.length + 2 * p.signal - 3,
  create: ({ length, signal }) => {
    const highs = new RollingWindow(length);
    const lows = new RollingWindow(length);
    const kAverage = ptaRma(signal);
    const dAverage = ptaRma(signal);
    const warmup = length + 2 * signal - 3;
    let seen = 0;
    return {
      step(n, _t, { high, low, close }, outputs) {
        const { k, d, j } = outputs;
        for (let i = 0; i < n; i++) {
          highs.push(high[i]);
          lows.push(low[i]);
          let fastK = NaN;
          if (highs.full) {
            let hh = -Infinity;
            let ll = Infinity;
            for (let s = 0; s < length; s++) {
              const h = highs.at(s);
              const l = lows.at(s);
              if (h > hh) hh = h;
              if (l < ll) ll = l;
              if (h !== h) hh = NaN; // pandas' rolling max / min: NaN when the window holds a NaN
              if (l !== l) ll = NaN;
            }
            const range = hh - ll;
            // pandas-ta non_zero_range: a zero range becomes machine epsilon.
            fastK = (100 * (close[i] - ll)) / (range !== 0 ? range : 2.220446049250313e-16);
          }
          const kv = kAverage.next(fastK);
          const dv = dAverage.next(kv);
          const early = seen < warmup;
          k[i] = early ? NaN : kv;
          d[i] = early ? NaN : dv;
          j[i] = early ? NaN : 3 * kv - 2 * dv;
          seen++;
        }
      },
    };
  },
});
