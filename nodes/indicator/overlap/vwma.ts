import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RunningMean } from '../kernels/pandas.js';

export const vwma = defineNode({
  kind: 'indicator.vwma',
  summary: 'Volume weighted moving average: SMA(close * volume) / SMA(volume) over length bars (pandas-ta vwma).',
  description:
    'VWMA = SMA(close * volume, length) / SMA(volume, length), i.e. sum(close * volume) / sum(volume) ' +
    'over the last length bars (pandas-ta vwma). NaN where the window holds no volume (0 / 0). No ' +
    'output for the first length - 1 events, as in pandas-ta.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 10, description: 'Number of bars in the window.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const pv = new RunningMean(length, false);
    const v = new RunningMean(length, false);
    return {
      step(n, _t, { series, volume }, { value }) {
        for (let i = 0; i < n; i++) value[i] = pv.next(series[i] * volume[i]) / v.next(volume[i]);
      },
    };
  },
});
