import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const er = defineNode({
  kind: 'indicator.er',
  summary: "Kaufman's Efficiency Ratio: net change over length events / sum of the absolute changes (pandas-ta er).",
  description:
    'ER = |close - close[t - length]| / sum over the last length events of |close - close[t - drift]| ' +
    '(Perry Kaufman, "Smarter Trading", 1995; pandas-ta er): 1 for a straight move, near 0 for noise. ' +
    'No output for the first max(length, drift + length - 1) events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of events of the net change and of the sum.' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Lag of each absolute change in the sum.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => Math.max(p.length, p.drift + p.length - 1),
  create: ({ length, drift }) => {
    const closes = new RollingWindow(Math.max(length, drift) + 1);
    const changes = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          closes.push(x);
          changes.push(closes.count > drift ? Math.abs(x - closes.back(drift)) : NaN);
          const net = closes.count > length ? Math.abs(x - closes.back(length)) : NaN;
          value[i] = net / changes.sum();
        }
      },
    };
  },
});
