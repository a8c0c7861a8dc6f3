import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyLong.avgPeriod + 2;

export const cdl2crows = defineNode({
  kind: 'indicator.cdl2crows',
  summary: 'Two Crows candlestick pattern (TA-Lib CDL2CROWS): -100 where it completes, else 0.',
  description:
    'Three candles: a long white candle (real body above the BodyLong average of the 10 candles ' +
    'before it), a black candle whose real body gaps up from the first, then a black candle that ' +
    "opens within the second's real body and closes within the first's. Always bearish (-100); " +
    'the trend is not checked. Default TA-Lib candle settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const o0 = cs.open(0);
          const c0 = cs.close(0);
          value[i] =
            cs.color(2) === 1 && // 1st: white
            cs.realBody(2) > bodyLong2.value() && //      long
            cs.color(1) === -1 && // 2nd: black
            cs.realBodyGapUp(1, 2) && //      gapping up
            cs.color(0) === -1 && // 3rd: black
            o0 < cs.open(1) &&
            o0 > cs.close(1) && //      opening within 2nd rb
            c0 > cs.open(2) &&
            c0 < cs.close(2) //      closing within 1st rb
              ? -100
              : 0;
        }
      },
    };
  },
});
