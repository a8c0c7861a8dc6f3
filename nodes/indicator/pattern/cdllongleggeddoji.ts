import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, ShadowLong, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, ShadowLong.avgPeriod);

export const cdllongleggeddoji = defineNode({
  kind: 'indicator.cdllongleggeddoji',
  summary: 'Long Legged Doji candlestick (TA-Lib CDLLONGLEGGEDDOJI): +100 where it appears, else 0.',
  description:
    'A doji (real body at most the BodyDoji average, 10% of the mean high-low range of the 10 ' +
    'candles before it) with at least one shadow longer than its real body (ShadowLong). Always ' +
    '+100, which signals indecision rather than a bullish market. Default TA-Lib candle settings; ' +
    'no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji0 = cs.average(BodyDoji, 0);
    const shadowLong0 = cs.average(ShadowLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) <= bodyDoji0.value() &&
            (cs.lowerShadow(0) > shadowLong0.value() || cs.upperShadow(0) > shadowLong0.value())
              ? 100
              : 0;
        }
      },
    };
  },
});
