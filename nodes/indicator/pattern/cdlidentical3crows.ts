import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Equal, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(ShadowVeryShort.avgPeriod, Equal.avgPeriod) + 2;

export const cdlidentical3crows = defineNode({
  kind: 'indicator.cdlidentical3crows',
  summary: 'Identical Three Crows candlestick pattern (TA-Lib CDLIDENTICAL3CROWS): -100 where it completes, else 0.',
  description:
    'Three black candles with declining closes, each with a very short lower shadow (below the ' +
    'ShadowVeryShort average of its 10 previous candles), the 2nd and 3rd opening at (within the ' +
    "Equal average of the prior candle's 5 previous high-low ranges) the prior candle's close. " +
    'Always bearish (-100); the trend is not checked. Default TA-Lib candle settings; no output for ' +
    'the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs2 = cs.average(ShadowVeryShort, 2);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const equal2 = cs.average(Equal, 2);
    const equal1 = cs.average(Equal, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          let hit = cs.color(2) === -1 && cs.color(1) === -1 && cs.color(0) === -1; // three black
          if (hit) {
            const c2 = cs.close(2);
            const c1 = cs.close(1);
            const o1 = cs.open(1);
            const o0 = cs.open(0);
            hit =
              c2 > c1 && // three declining
              c1 > cs.close(0) &&
              // very short lower shadows
              cs.lowerShadow(2) < svs2.value() &&
              cs.lowerShadow(1) < svs1.value() &&
              cs.lowerShadow(0) < svs0.value() &&
              o1 <= c2 + equal2.value() && // 2nd opens very close to 1st close
              o1 >= c2 - equal2.value() &&
              o0 <= c1 + equal1.value() && // 3rd opens very close to 2nd close
              o0 >= c1 - equal1.value();
          }
          value[i] = hit ? -100 : 0;
        }
      },
    };
  },
});
