import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ShadowLong, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback =
  Math.max(Math.max(ShadowVeryShort.avgPeriod, ShadowLong.avgPeriod), Math.max(BodyLong.avgPeriod, BodyShort.avgPeriod)) + 2;

export const cdl3starsinsouth = defineNode({
  kind: 'indicator.cdl3starsinsouth',
  summary: 'Three Stars In The South candlestick pattern (TA-Lib CDL3STARSINSOUTH): +100 where it completes, else 0.',
  description:
    'Three black candles: a long one (BodyLong) with a long lower shadow (longer than its real ' +
    'body: ShadowLong); a smaller one opening above the first close but within its range, trading ' +
    "below the first close but not below the first low, with a lower shadow (ShadowVeryShort); " +
    'then a small marubozu (short body, very short shadows) inside the second candle\'s range. ' +
    'Always bullish (+100); the trend is not checked. Default TA-Lib candle settings; no output for ' +
    'the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const shadowLong2 = cs.average(ShadowLong, 2);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const bodyShort0 = cs.average(BodyShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(2) === -1 && // 1st black
            cs.color(1) === -1 && // 2nd black
            cs.color(0) === -1 && // 3rd black
            cs.realBody(2) > bodyLong2.value() && // 1st: long
            cs.lowerShadow(2) > shadowLong2.value() && //      with long lower shadow
            cs.realBody(1) < cs.realBody(2) && // 2nd: smaller candle
            cs.open(1) > cs.close(2) &&
            cs.open(1) <= cs.high(2) && //      that opens higher but within 1st range
            cs.low(1) < cs.close(2) && //      and trades lower than 1st close
            cs.low(1) >= cs.low(2) && //      but not lower than 1st low
            cs.lowerShadow(1) > svs1.value() && //      and has a lower shadow
            cs.realBody(0) < bodyShort0.value() && // 3rd: small marubozu
            cs.lowerShadow(0) < svs0.value() &&
            cs.upperShadow(0) < svs0.value() &&
            cs.low(0) > cs.low(1) &&
            cs.high(0) < cs.high(1) //      engulfed by prior candle's range
              ? 100
              : 0;
        }
      },
    };
  },
});
