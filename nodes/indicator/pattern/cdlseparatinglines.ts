import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, Equal, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(ShadowVeryShort.avgPeriod, BodyLong.avgPeriod, Equal.avgPeriod) + 1;

export const cdlseparatinglines = defineNode({
  kind: 'indicator.cdlseparatinglines',
  summary: 'Separating Lines candlestick pattern (TA-Lib CDLSEPARATINGLINES): +100 bullish, -100 bearish, else 0.',
  description:
    'Two candles of opposite colours with the same open (within the Equal average, 5% of the mean ' +
    'high-low range of the 5 candles before the first), the second a belt hold: a long real body ' +
    '(above the BodyLong average of the 10 candles before it) with no or a very short lower shadow ' +
    'if white, upper shadow if black (below the ShadowVeryShort average, 10% of the mean high-low ' +
    'range). The sign is the colour of the second candle; the trend is not checked. Default TA-Lib ' +
    'candle settings; no output for the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const bodyLong0 = cs.average(BodyLong, 0);
    const equal1 = cs.average(Equal, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color0 = cs.color(0);
          const o0 = cs.open(0);
          const o1 = cs.open(1);
          value[i] =
            cs.color(1) === -color0 && // opposite candles
            o0 <= o1 + equal1.value() && // same open
            o0 >= o1 - equal1.value() &&
            cs.realBody(0) > bodyLong0.value() && // belt hold: long body
            ((color0 === 1 && cs.lowerShadow(0) < svs0.value()) || // with no lower shadow if bullish
              (color0 === -1 && cs.upperShadow(0) < svs0.value())) // with no upper shadow if bearish
              ? color0 * 100
              : 0;
        }
      },
    };
  },
});
