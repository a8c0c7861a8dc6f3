import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, ShadowVeryShort.avgPeriod);

export const cdlgravestonedoji = defineNode({
  kind: 'indicator.cdlgravestonedoji',
  summary: 'Gravestone Doji candlestick (TA-Lib CDLGRAVESTONEDOJI): +100 where found, else 0.',
  description:
    'A doji (real body at most BodyDoji) with a very short lower shadow and an upper shadow that ' +
    'is not very short (ShadowVeryShort: 10% of the mean high-low range of the 10 candles before ' +
    'it). Always +100 when found, as TA-Lib. Default TA-Lib candle settings; no output for the ' +
    'first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji = cs.average(BodyDoji, 0);
    const svs = cs.average(ShadowVeryShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) <= bodyDoji.value() && cs.lowerShadow(0) < svs.value() && cs.upperShadow(0) > svs.value() ? 100 : 0;
        }
      },
    };
  },
});
