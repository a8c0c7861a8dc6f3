import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, PandasRollingSum } from '../kernels/pandas.js';

export const dpo = defineNode({
  kind: 'indicator.dpo',
  summary: 'Detrended price oscillator, causal form: the close minus the SMA of length bars as it was floor(length/2) + 1 bars ago (pandas-ta dpo, centered=False).',
  description:
    'DPO = close - SMA(close, length)[t bars ago], t = floor(length / 2) + 1 (pandas-ta dpo with centered=False; ' +
    'the detrended price oscillator of StockCharts and Fidelity). pandas-ta\'s default (centered=True) shifts the ' +
    'result t bars back, close[t bars ago] - SMA(close, length), written t bars earlier: it looks ahead, so hean ' +
    'offers only the causal form. The SMA is a pandas rolling mean. No output for the first length + t - 1 events.',
  params: Type.Object(
    { length: Type.Integer({ minimum: 1, maximum: 100000, default: 20, description: 'Period of the SMA.' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.length - 1 + Math.floor(0.5 * p.length) + 1,
  create: ({ length }) => {
    const sma = new PandasRollingSum(length, true);
    const lag = new Lag(Math.floor(0.5 * length) + 1);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) {
          const x = series[i];
          value[i] = x - lag.next(sma.next(x));
        }
      },
    };
  },
});
