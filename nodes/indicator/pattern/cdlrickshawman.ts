import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, Near, ShadowLong, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, ShadowLong.avgPeriod, Near.avgPeriod);

export const cdlrickshawman = defineNode({
  kind: 'indicator.cdlrickshawman',
  summary: 'Rickshaw Man candlestick (TA-Lib CDLRICKSHAWMAN): +100 where it appears, else 0.',
  description:
    'A doji (real body at most the BodyDoji average, 10% of the mean high-low range of the 10 ' +
    'candles before it) with both shadows longer than its real body (ShadowLong) and the body near ' +
    'the middle of the high-low range: within the Near average (20% of the mean high-low range of ' +
    'the 5 previous candles) of low + range / 2. Always +100, which signals indecision. Default ' +
    'TA-Lib candle settings; no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji0 = cs.average(BodyDoji, 0);
    const shadowLong0 = cs.average(ShadowLong, 0);
    const near0 = cs.average(Near, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const l0 = cs.low(0);
          const hl0 = cs.highLowRange(0);
          value[i] =
            cs.realBody(0) <= bodyDoji0.value() && // doji
            cs.lowerShadow(0) > shadowLong0.value() && // long shadow
            cs.upperShadow(0) > shadowLong0.value() && // long shadow
            // body near midpoint
            cs.bodyBottom(0) <= l0 + hl0 / 2 + near0.value() &&
            cs.bodyTop(0) >= l0 + hl0 / 2 - near0.value()
              ? 100
              : 0;
        }
      },
    };
  },
});
