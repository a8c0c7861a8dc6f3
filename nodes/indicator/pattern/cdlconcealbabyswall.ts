import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = ShadowVeryShort.avgPeriod + 3;

export const cdlconcealbabyswall = defineNode({
  kind: 'indicator.cdlconcealbabyswall',
  summary: 'Concealing Baby Swallow candlestick pattern (TA-Lib CDLCONCEALBABYSWALL): +100 where it completes, else 0.',
  description:
    'Four black candles: two marubozu (very short shadows: ShadowVeryShort), a third whose real ' +
    'body gaps down but with an upper shadow (longer than ShadowVeryShort) reaching into the ' +
    "second's real body, and a fourth whose range engulfs the third's, shadows included. Always " +
    'bullish (+100); the trend is not checked. Default TA-Lib candle settings; no output for the ' +
    'first 13 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs3 = cs.average(ShadowVeryShort, 3);
    const svs2 = cs.average(ShadowVeryShort, 2);
    const svs1 = cs.average(ShadowVeryShort, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(3) === -1 && // 1st black
            cs.color(2) === -1 && // 2nd black
            cs.color(1) === -1 && // 3rd black
            cs.color(0) === -1 && // 4th black
            cs.lowerShadow(3) < svs3.value() && // 1st: marubozu
            cs.upperShadow(3) < svs3.value() &&
            cs.lowerShadow(2) < svs2.value() && // 2nd: marubozu
            cs.upperShadow(2) < svs2.value() &&
            cs.realBodyGapDown(1, 2) && // 3rd: opens gapping down
            cs.upperShadow(1) > svs1.value() && //      and HAS an upper shadow
            cs.high(1) > cs.close(2) && //      that extends into the prior body
            cs.high(0) > cs.high(1) &&
            cs.low(0) < cs.low(1) // 4th: engulfs the 3rd including the shadows
              ? 100
              : 0;
        }
      },
    };
  },
});
