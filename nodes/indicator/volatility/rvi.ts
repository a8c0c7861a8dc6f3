import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { createPandasTaMa, PANDAS_MA_TEXT, ptaMaModeParam } from '../kernels/pandasTa.js';

export const rvi = defineNode({
  kind: 'indicator.rvi',
  summary: 'Relative volatility index: an RSI-like ratio of the standard deviation on up and down events (pandas-ta volatility rvi).',
  description:
    'std = sample standard deviation of the last length values; up = std on events where the series ' +
    'rose (else 0), down = std where it fell (else 0; the first event counts as neither); RVI = scalar * ' +
    'MA(up) / (MA(up) + MA(down)) (Donald Dorsey, 1993; pandas-ta rvi, its default close-only form: the ' +
    'refined and thirds variants on high and low are not offered). MA is maMode: ' +
    PANDAS_MA_TEXT +
    '. Warm-up: length - 1 events with ema (seeded at the first deviation), 2 * (length - 1) with sma or ' +
    'wma or rma. When both averages are 0 the output is NaN (0 / 0), as in pandas-ta.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of events of the deviation and of the averages.' }),
      scalar: Type.Number({ minimum: 0, maximum: 1e6, default: 100, description: 'Scale of the ratio (100: percent).' }),
      maMode: ptaMaModeParam(['ema', 'sma', 'rma', 'wma'], 'ema', 'Moving average of the up and down deviations.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => (p.maMode === 'ema' ? p.length - 1 : 2 * (p.length - 1)),
  create: ({ length, scalar, maMode }) => {
    const window = new RollingWindow(length);
    const upAvg = createPandasTaMa(maMode, length, { sma: 'rescan' });
    const downAvg = createPandasTaMa(maMode, length, { sma: 'rescan' });
    let prev = NaN;
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          window.push(x);
          const std = window.std();
          const diff = x - prev; // NaN on the first event: pandas-ta fills it with 0
          prev = x;
          const pos = diff > 0 ? std : 0 * std;
          const neg = diff < 0 ? std : 0 * std;
          const p = upAvg.next(pos);
          const q = downAvg.next(neg);
          let result = scalar * p;
          result /= p + q;
          value[i] = result;
        }
      },
    };
  },
});
