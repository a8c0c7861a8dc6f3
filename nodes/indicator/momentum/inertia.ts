import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { RollingWindow } from '../kernels/pandas.js';
import { createPandasTaMa, ptaLinreg, ptaMaModeParam, ptaMaWarmup, PTA_MA4_TEXT } from '../kernels/pandasTa.js';

export const inertia = defineNode({
  kind: 'indicator.inertia',
  summary: "Dorsey's Inertia: a least-squares line through the Relative Volatility Index (pandas-ta inertia).",
  description:
    'RVI = scalar MA(up std) / (MA(up std) + MA(down std)), std the sample standard deviation of the ' +
    'last rviLength closes, up = 1 when close > the previous close (else 0), down = 1 when close < ' +
    'the previous close, both averages MA(rviLength) of maMode; Inertia = pandas-ta linreg(RVI, length): ' +
    'the least-squares line through the last length RVI values with x = 1..length, evaluated at x = ' +
    "length - 1 (pandas-ta's linreg default; the newest value is at x = length) (Donald Dorsey, 1995; " +
    "pandas-ta inertia with close only: pandas-ta's refined and thirds variants, which also take high " +
    'and low, are not offered, nor drift, which pandas-ta inertia takes but does not pass on). Moving averages (maMode): ' + PTA_MA4_TEXT + '. No output for the first ' +
    'rviLength + length - 2 events with ema (sma, wma, rma: 2 rviLength + length - 3).',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 20, description: 'Number of RVI values of the regression.' }),
      rviLength: Type.Integer({ minimum: 2, maximum: 100000, default: 14, description: 'Number of closes of the standard deviation and of the RVI averages.' }),
      scalar: Type.Number({ exclusiveMinimum: 0, maximum: 3e37, default: 100, description: 'Multiplier of the RVI (100: percent).' }),
      maMode: ptaMaModeParam(['sma', 'ema', 'wma', 'rma'], 'ema', 'Moving average of the RVI.'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => ptaMaWarmup(p.maMode, p.rviLength, p.rviLength - 1) + p.length - 1,
  create: ({ length, rviLength, scalar, maMode }) => {
    const window = new RollingWindow(rviLength);
    let prevClose = NaN;
    const upMa = createPandasTaMa(maMode, rviLength, { sma: 'rescan' });
    const downMa = createPandasTaMa(maMode, rviLength, { sma: 'rescan' });
    const rvis = new RollingWindow(length);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          window.push(x);
          let std = NaN;
          if (window.full) {
            const mean = window.sum() / rviLength;
            let ss = 0.0;
            for (let k = 0; k < rviLength; k++) {
              const d = window.at(k) - mean;
              ss += d * d;
            }
            std = Math.sqrt(ss / (rviLength - 1));
          }
          const change = x - prevClose; // NaN at the first event: neither up nor down
          prevClose = x;
          const up = upMa.next((change > 0 ? 1 : 0) * std);
          const down = downMa.next((change < 0 ? 1 : 0) * std);
          rvis.push((scalar * up) / (up + down));
          value[i] = ptaLinreg(rvis, 'linreg');
        }
      },
    };
  },
});
