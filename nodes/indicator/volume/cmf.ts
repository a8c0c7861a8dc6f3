import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { nonZeroRange } from '../kernels/pandasTa.js';

export const cmf = defineNode({
  kind: 'indicator.cmf',
  summary: 'Chaikin money flow: the sum of money-flow volume over the sum of volume of the last length events (pandas-ta cmf).',
  description:
    'Money-flow volume = (2 close - (high + low)) * volume / (high - low); CMF = its sum over the last ' +
    'length events / the sum of volume over the same events (Marc Chaikin; pandas-ta cmf in its high, ' +
    'low, close form: the open-based variant is not offered). A zero high - low counts as machine epsilon ' +
    '(pandas-ta non_zero_range, per event). Warm-up: length - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Number of events summed.' }) },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number(), volume: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1,
  create: ({ length }) => {
    const flows = new RollingWindow(length);
    const volumes = new RollingWindow(length);
    return {
      step(n, _t, { high, low, close, volume }, { value }) {
        for (let i = 0; i < n; i++) {
          let ad = 2 * close[i] - (high[i] + low[i]);
          ad *= volume[i] / nonZeroRange(high[i], low[i]);
          flows.push(ad);
          volumes.push(volume[i]);
          value[i] = flows.sum() / volumes.sum();
        }
      },
    };
  },
});
