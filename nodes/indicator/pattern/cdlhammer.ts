import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, Near, ShadowLong, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback =
  Math.max(Math.max(Math.max(BodyShort.avgPeriod, ShadowLong.avgPeriod), ShadowVeryShort.avgPeriod), Near.avgPeriod) + 1;

export const cdlhammer = defineNode({
  kind: 'indicator.cdlhammer',
  summary: 'Hammer candlestick (TA-Lib CDLHAMMER): +100 where found, else 0.',
  description:
    'A candle with a small real body (below BodyShort: the mean real body of the 10 candles ' +
    'before it), a long lower shadow (longer than the real body: ShadowLong), a very short upper ' +
    'shadow (ShadowVeryShort), and its real body at or near the previous candle\'s low (bottom of ' +
    "the body <= previous low + Near, 20% of the mean high-low range of the 5 candles before the " +
    'previous one). Always +100; the trend is not checked. Default TA-Lib candle settings; no ' +
    'output for the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyShort = cs.average(BodyShort, 0);
    const shadowLong = cs.average(ShadowLong, 0);
    const svs = cs.average(ShadowVeryShort, 0);
    const near1 = cs.average(Near, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) < bodyShort.value() && // small rb
            cs.lowerShadow(0) > shadowLong.value() && // long lower shadow
            cs.upperShadow(0) < svs.value() && // very short upper shadow
            cs.bodyBottom(0) <= cs.low(1) + near1.value() // rb near the prior candle's lows
              ? 100
              : 0;
        }
      },
    };
  },
});
