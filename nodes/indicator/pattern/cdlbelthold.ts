import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyLong.avgPeriod, ShadowVeryShort.avgPeriod);

export const cdlbelthold = defineNode({
  kind: 'indicator.cdlbelthold',
  summary: 'Belt-hold candlestick pattern (TA-Lib CDLBELTHOLD): +100 white, -100 black, else 0.',
  description:
    'One long candle (real body above the BodyLong average of the 10 candles before it) that ' +
    'opens on its extreme: a white candle with a very short lower shadow, or a black candle with ' +
    'a very short upper shadow (ShadowVeryShort: 10% of the mean high-low range of the 10 candles ' +
    'before it). The sign is the colour; the trend is not checked. Default TA-Lib candle ' +
    'settings; no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong = cs.average(BodyLong, 0);
    const svs = cs.average(ShadowVeryShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color = cs.color(0);
          value[i] =
            cs.realBody(0) > bodyLong.value() && // long body
            ((color === 1 && cs.lowerShadow(0) < svs.value()) || // white body and very short lower shadow
              (color === -1 && cs.upperShadow(0) < svs.value())) // black body and very short upper shadow
              ? color * 100
              : 0;
        }
      },
    };
  },
});
