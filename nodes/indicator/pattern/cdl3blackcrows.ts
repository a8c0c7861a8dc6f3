import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = ShadowVeryShort.avgPeriod + 3;

export const cdl3blackcrows = defineNode({
  kind: 'indicator.cdl3blackcrows',
  summary: 'Three Black Crows candlestick pattern (TA-Lib CDL3BLACKCROWS): -100 where it completes, else 0.',
  description:
    'A white candle, then three black candles with very short lower shadows (below the ' +
    'ShadowVeryShort average: 10% of the mean high-low range of the 10 candles before each), each ' +
    "opening within the previous black candle's real body, closing lower each time, the first " +
    "black closing under the white candle's high. Always bearish (-100); the trend is not checked. " +
    'Default TA-Lib candle settings; no output for the first 13 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs2 = cs.average(ShadowVeryShort, 2);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const svs0 = cs.average(ShadowVeryShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(3) === 1 && // white
            cs.color(2) === -1 && // 1st black
            cs.lowerShadow(2) < svs2.value() && // very short lower shadow
            cs.color(1) === -1 && // 2nd black
            cs.lowerShadow(1) < svs1.value() &&
            cs.color(0) === -1 && // 3rd black
            cs.lowerShadow(0) < svs0.value() &&
            cs.open(1) < cs.open(2) &&
            cs.open(1) > cs.close(2) && // 2nd black opens within 1st black's rb
            cs.open(0) < cs.open(1) &&
            cs.open(0) > cs.close(1) && // 3rd black opens within 2nd black's rb
            cs.high(3) > cs.close(2) && // 1st black closes under prior candle's high
            cs.close(2) > cs.close(1) && // three declining
            cs.close(1) > cs.close(0)
              ? -100
              : 0;
        }
      },
    };
  },
});
