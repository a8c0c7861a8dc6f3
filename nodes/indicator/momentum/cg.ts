import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const cg = defineNode({
  kind: 'indicator.cg',
  summary: "Ehlers' Center of Gravity: -sum((age + 1) close) / sum(close) over the last length closes (pandas-ta cg).",
  description:
    'CG = -sum_{i=0}^{length-1} (i + 1) close[t - i] / sum_{i=0}^{length-1} close[t - i] (the newest ' +
    'close weighs 1, the oldest length) (John Ehlers, "The CG Oscillator", 2002; pandas-ta cg). No ' +
    'output for the first length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of closes.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const ring = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          ring.push(series[i]);
          if (!ring.full) {
            value[i] = NaN;
            continue;
          }
          let num = 0.0;
          for (let k = 0; k < length; k++) num += (length - k) * ring.at(k);
          value[i] = -num / ring.sum();
        }
      },
    };
  },
});
