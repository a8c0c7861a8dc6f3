import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyDoji.avgPeriod + 2;

export const cdltristar = defineNode({
  kind: 'indicator.cdltristar',
  summary: 'Tristar candlestick pattern (TA-Lib CDLTRISTAR): +100 bullish, -100 bearish where it completes, else 0.',
  description:
    'Three dojis (real bodies at most the BodyDoji average: 10% of the mean high-low range of the ' +
    '10 candles before the first, the same threshold for all three). Bearish (-100) when the second ' +
    "gaps up and the third's body top is below the second's; bullish (+100) when the second gaps " +
    "down and the third's body bottom is above the second's; else 0. Default TA-Lib candle " +
    'settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyDoji2 = cs.average(BodyDoji, 2);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          // TA-Lib compares all three bodies with the average seen from the first candle.
          const doji = bodyDoji2.valueAt(2);
          let out = 0;
          if (cs.realBody(2) <= doji && cs.realBody(1) <= doji && cs.realBody(0) <= doji) {
            if (cs.realBodyGapUp(1, 2) && cs.bodyTop(0) < cs.bodyTop(1)) out = -100; // 3rd is not higher than 2nd
            if (cs.realBodyGapDown(1, 2) && cs.bodyBottom(0) > cs.bodyBottom(1)) out = 100; // 3rd is not lower than 2nd
          }
          value[i] = out;
        }
      },
    };
  },
});
