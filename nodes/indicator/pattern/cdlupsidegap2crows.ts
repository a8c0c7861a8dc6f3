import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;

export const cdlupsidegap2crows = defineNode({
  kind: 'indicator.cdlupsidegap2crows',
  summary: 'Upside Gap Two Crows candlestick pattern (TA-Lib CDLUPSIDEGAP2CROWS): -100 where it completes, else 0.',
  description:
    'Three candles: a long white candle (real body above the BodyLong average of the 10 candles ' +
    'before it); a short black candle (real body at most the BodyShort average) whose real body ' +
    'gaps up; a black candle engulfing the second body (opens above its open, closes below its ' +
    'close) but closing above the first close. Always bearish (-100); the uptrend is not checked. ' +
    'Default TA-Lib candle settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const bodyShort1 = cs.average(BodyShort, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const c0 = cs.close(0);
          value[i] =
            cs.color(2) === 1 && // 1st: white
            cs.realBody(2) > bodyLong2.value() && //      long
            cs.color(1) === -1 && // 2nd: black
            cs.realBody(1) <= bodyShort1.value() && //      short
            cs.realBodyGapUp(1, 2) && //      gapping up
            cs.color(0) === -1 && // 3rd: black
            cs.open(0) > cs.open(1) && // 3rd: engulfing prior rb
            c0 < cs.close(1) &&
            c0 > cs.close(2) //      closing above 1st
              ? -100
              : 0;
        }
      },
    };
  },
});
