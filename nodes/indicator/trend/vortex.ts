import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { Lag, PandasRollingSum } from '../kernels/pandas.js';
import { trueRange } from '../kernels/pandasTa.js';

export const vortex = defineNode({
  kind: 'indicator.vortex',
  summary: 'Vortex indicator: upward and downward trend movement over the summed true range, VI+ and VI- (pandas-ta vortex).',
  description:
    'VI+ = sum(|high - low[drift bars ago]|, length) / sum(TR, length), VI- = sum(|low - high[drift bars ago]|, length) / ' +
    'sum(TR, length), TR the true range against the previous close (pandas-ta passes no drift to it) (Etienne Botes and Douglas Siepman, "The ' +
    'Vortex Indicator", Technical Analysis of Stocks & Commodities, January 2010; pandas-ta vortex). Sums are pandas ' +
    'rolling sums (Kahan). No output for the first length + drift - 1 events, as in pandas-ta.',
  params: Type.Object(
    {
      length: Type.Integer({ minimum: 1, maximum: 100000, default: 14, description: 'Number of bars summed.' }),
      drift: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'Bars back of the previous high, low and close.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { plus: port.number({ description: 'VI+' }), minus: port.number({ description: 'VI-' }) },
  warmup: (p) => p.length + p.drift - 1,
  create: ({ length, drift }) => {
    const prevHigh = new Lag(drift);
    const prevLow = new Lag(drift);
    const prevClose = new Lag(1); // pandas-ta vortex calls true_range without drift
    const trSum = new PandasRollingSum(length);
    const plusSum = new PandasRollingSum(length);
    const minusSum = new PandasRollingSum(length);
    return {
      step(n, _t, { high, low, close }, { plus, minus }) {
        for (let i = 0; i < n; i++) {
          const h = high[i];
          const l = low[i];
          const ph = prevHigh.next(h);
          const pl = prevLow.next(l);
          const tr = trSum.next(trueRange(h, l, prevClose.next(close[i])));
          plus[i] = plusSum.next(Math.abs(h - pl)) / tr;
          minus[i] = minusSum.next(Math.abs(l - ph)) / tr;
        }
      },
    };
  },
});
