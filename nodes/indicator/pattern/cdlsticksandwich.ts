import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Equal, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Equal.avgPeriod + 2;

export const cdlsticksandwich = defineNode({
  kind: 'indicator.cdlsticksandwich',
  summary: 'Stick Sandwich candlestick pattern (TA-Lib CDLSTICKSANDWICH): +100 where it completes, else 0.',
  description:
    'Three candles: black, white with a low above the first close, black closing at the first ' +
    'close (within the Equal average, 5% of the mean high-low range of the 5 candles before the ' +
    'first). Always bullish (+100); the downtrend is not checked. Default TA-Lib candle settings; no ' +
    'output for the first 7 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const equal2 = cs.average(Equal, 2);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const c0 = cs.close(0);
          const c2 = cs.close(2);
          value[i] =
            cs.color(2) === -1 && // first black
            cs.color(1) === 1 && // second white
            cs.color(0) === -1 && // third black
            cs.low(1) > c2 && // 2nd low > prior close
            c0 <= c2 + equal2.value() && // 1st and 3rd same close
            c0 >= c2 - equal2.value()
              ? 100
              : 0;
        }
      },
    };
  },
});
