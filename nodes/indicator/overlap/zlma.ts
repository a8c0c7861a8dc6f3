import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { ptaMaModeParam, ptaMaWarmup, PtaZlma, type PtaMaMode } from '../kernels/pandasTa.js';

const MODES: readonly PtaMaMode[] = ['ema', 'dema', 'hma', 'linreg', 'rma', 'sma', 'swma', 't3', 'tema', 'trima', 'wma'];

export const zlma = defineNode({
  kind: 'indicator.zlma',
  summary: 'Zero lag moving average: an average of 2 close - close lag bars ago, lag = (length - 1) / 2 (pandas-ta zlma).',
  description:
    'ZLMA = MA(2 * close - close[lag], length), lag = floor((length - 1) / 2) (John Ehlers and Ric Way, ' +
    '"Zero Lag (Well, Almost)", 2010; pandas-ta zlma). maMode is the average, computed as pandas-ta computes ' +
    'it on the shifted series (its first lag values missing): ema (default; pandas-ta seeds it at event ' +
    'length - 1 with the mean of the values present in the first length events), dema, tema, t3 (EMA chains ' +
    'seeded the same way, t3 with a = 0.7), hma, linreg, rma (adjusted ewm, alpha 1 / length), sma, swma, ' +
    'trima, wma. pandas-ta also offers vidya, which it makes NaN on a series with missing leading values: ' +
    'not offered. No output for the first max(length - 1, lag + the average\'s own warm-up) events, as in pandas-ta.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 2, maximum: 100000, default: 10, description: 'Length of the average; the lag is floor((length - 1) / 2).' }),
      maMode: ptaMaModeParam(MODES, 'ema', 'The average (pandas-ta mamode).'),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => ptaMaWarmup(p.maMode as PtaMaMode, p.length, Math.trunc(0.5 * (p.length - 1))),
  create: ({ length, maMode }) => {
    const ma = new PtaZlma(length, maMode as PtaMaMode);
    return {
      step(n, _t, { series }, { value }) {
        for (let i = 0; i < n; i++) value[i] = ma.next(series[i]);
      },
    };
  },
});
