import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Equal, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Equal.avgPeriod + 1;

export const cdlmatchinglow = defineNode({
  kind: 'indicator.cdlmatchinglow',
  summary: 'Matching Low candlestick pattern (TA-Lib CDLMATCHINGLOW): +100 where it completes, else 0.',
  description:
    'Two black candles with the same close: the second close is within the Equal average (5% of ' +
    'the mean high-low range of the 5 candles before the first) of the first close. Always bullish ' +
    '(+100); the downtrend is not checked. Default TA-Lib candle settings; no output for the first ' +
    '6 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const equal1 = cs.average(Equal, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const c0 = cs.close(0);
          const c1 = cs.close(1);
          value[i] =
            cs.color(1) === -1 && // first black
            cs.color(0) === -1 && // second black
            c0 <= c1 + equal1.value() && // 1st and 2nd same close
            c0 >= c1 - equal1.value()
              ? 100
              : 0;
        }
      },
    };
  },
});
