import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { createPtaWma } from '../kernels/pandasTa.js';

export const coppock = defineNode({
  kind: 'indicator.coppock',
  summary: 'Coppock Curve: WMA(length) of ROC(fast) + ROC(slow) (pandas-ta coppock).',
  description:
    'COPC = WMA(ROC(close, fast) + ROC(close, slow), length), ROC(n) = 100 (close - close[t-n]) / ' +
    'close[t-n], WMA weights 1..length, newest heaviest (Edwin Coppock, 1962; pandas-ta coppock). ' +
    'No output for the first max(fast, slow) + length - 1 events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of values of the WMA.' }),
      fast: Type.Integer({ minimum: 1, maximum: 100000, default: 11, description: 'Lag of the fast rate of change.' }),
      slow: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Lag of the slow rate of change.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => Math.max(p.fast, p.slow) + p.length - 1,
  create: ({ length, fast, slow }) => {
    const closes = new RollingWindow(Math.max(fast, slow) + 1);
    const wma = createPtaWma(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          closes.push(x);
          let total = NaN;
          if (closes.count > Math.max(fast, slow)) {
            const pf = closes.back(fast);
            const ps = closes.back(slow);
            total = (100 * (x - pf)) / pf + (100 * (x - ps)) / ps;
          }
          value[i] = wma.next(total);
        }
      },
    };
  },
});
