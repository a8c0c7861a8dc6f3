import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyDoji.avgPeriod;

export const cdldoji = defineNode({
  kind: 'indicator.cdldoji',
  summary: 'Doji candlestick (TA-Lib CDLDOJI): +100 where the real body is doji-sized, else 0.',
  description:
    'A candle whose real body |close - open| is at most BodyDoji: 10% of the mean high-low range ' +
    'of the 10 candles before it (the current candle is excluded, as in TA-Lib; the running total ' +
    'is seeded at the first output and slides by adding the newest range and subtracting the ' +
    'oldest). Always +100 when found. Default TA-Lib candle settings; no output for the first 10 ' +
    'events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji = cs.average(BodyDoji, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] = cs.realBody(0) <= bodyDoji.value() ? 100 : 0;
        }
      },
    };
  },
});
