import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';

export const ui = defineNode({
  kind: 'indicator.ui',
  summary: "Ulcer index: root mean square of the percentage drawdowns from the rolling highest close (pandas-ta ui).",
  description:
    'highest = highest series value of the last length events; downside = scalar * (series - highest) / ' +
    'highest; UI = sqrt(sum of downside^2 over the last length events / length) (Peter Martin, 1987; ' +
    'pandas-ta ui). everget: divide once more by length, as pandas-ta\'s everget option (the sum replaced ' +
    'by an SMA). Warm-up: 2 * (length - 1) events.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of events of the highest close and of the sum.' }),
      scalar: Type.Number({ minimum: 0, maximum: 1e6, default: 100, description: 'Multiplier of the drawdown (100: percent).' }),
      everget: Type.Boolean({ default: false, description: "Everget's variant: SMA instead of the sum (pandas-ta everget)." }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => 2 * (p.length - 1),
  create: ({ length, scalar, everget }) => {
    const closes = new RollingWindow(length);
    const squares = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          closes.push(x);
          const highest = closes.max();
          let downside = scalar * (x - highest);
          downside /= highest;
          squares.push(downside * downside);
          const mean = squares.sum() / length;
          value[i] = Math.sqrt(everget ? mean / length : mean);
        }
      },
    };
  },
});
