import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, ShadowLong, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod, ShadowVeryShort.avgPeriod) + 1;

export const cdlshootingstar = defineNode({
  kind: 'indicator.cdlshootingstar',
  summary: 'Shooting Star candlestick (TA-Lib CDLSHOOTINGSTAR): -100 where it appears, else 0.',
  description:
    'A candle with a small real body (below the BodyShort average of the 10 candles before it), an ' +
    'upper shadow longer than its real body (ShadowLong), no or a very short lower shadow (below the ' +
    'ShadowVeryShort average, 10% of the mean high-low range of the 10 previous candles), whose ' +
    "real body gaps up from the previous candle's. Always bearish (-100); the uptrend is not " +
    'checked. Default TA-Lib candle settings; no output for the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyShort0 = cs.average(BodyShort, 0);
    const shadowLong0 = cs.average(ShadowLong, 0);
    const svs0 = cs.average(ShadowVeryShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) < bodyShort0.value() && // small rb
            cs.upperShadow(0) > shadowLong0.value() && // long upper shadow
            cs.lowerShadow(0) < svs0.value() && // very short lower shadow
            cs.realBodyGapUp(0, 1) // gap up
              ? -100
              : 0;
        }
      },
    };
  },
});
