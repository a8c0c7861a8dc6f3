import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, ShadowVeryLong, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, ShadowVeryShort.avgPeriod, ShadowVeryLong.avgPeriod);

export const cdltakuri = defineNode({
  kind: 'indicator.cdltakuri',
  summary: 'Takuri candlestick, a dragonfly doji with a very long lower shadow (TA-Lib CDLTAKURI): +100 or 0.',
  description:
    'A doji (real body at most the BodyDoji average, 10% of the mean high-low range of the 10 ' +
    'candles before it) with no or a very short upper shadow (below the ShadowVeryShort average, ' +
    'also 10% of that mean range) and a lower shadow longer than twice its real body ' +
    '(ShadowVeryLong). Always +100. Default TA-Lib candle settings; no output for the first 10 ' +
    'events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji0 = cs.average(BodyDoji, 0);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const svl0 = cs.average(ShadowVeryLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) <= bodyDoji0.value() && cs.upperShadow(0) < svs0.value() && cs.lowerShadow(0) > svl0.value()
              ? 100
              : 0;
        }
      },
    };
  },
});
