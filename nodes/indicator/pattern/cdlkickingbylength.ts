import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(ShadowVeryShort.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdlkickingbylength = defineNode({
  kind: 'indicator.cdlkickingbylength',
  summary: 'Kicking pattern signed by the longer marubozu (TA-Lib CDLKICKINGBYLENGTH): +-100 where it completes, else 0.',
  description:
    'The Kicking pattern: two marubozu of opposite colours (each with a real body above the BodyLong ' +
    'average of the 10 candles before it and both shadows below the ShadowVeryShort average, 10% of ' +
    'their mean high-low range) with a candle gap between them (upside after a black one, downside ' +
    'after a white one). The sign is the colour of the candle with the longer real body (the first ' +
    'one on a tie). Default TA-Lib candle settings; no output for the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyLong0 = cs.average(BodyLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color1 = cs.color(1);
          const color0 = cs.color(0);
          const body1 = cs.realBody(1);
          const body0 = cs.realBody(0);
          value[i] =
            color1 === -color0 && // opposite candles
            // 1st marubozu
            body1 > bodyLong1.value() &&
            cs.upperShadow(1) < svs1.value() &&
            cs.lowerShadow(1) < svs1.value() &&
            // 2nd marubozu
            body0 > bodyLong0.value() &&
            cs.upperShadow(0) < svs0.value() &&
            cs.lowerShadow(0) < svs0.value() &&
            // gap
            ((color1 === -1 && cs.candleGapUp(0, 1)) || (color1 === 1 && cs.candleGapDown(0, 1)))
              ? (body0 > body1 ? color0 : color1) * 100
              : 0;
        }
      },
    };
  },
});
