import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, ShadowShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, ShadowShort.avgPeriod);

export const cdlshortline = defineNode({
  kind: 'indicator.cdlshortline',
  summary: 'Short Line candle (TA-Lib CDLSHORTLINE): +100 white, -100 black where it appears, else 0.',
  description:
    'A candle with a short real body (below the BodyShort average of the 10 candles before it) and ' +
    'both shadows short (below the ShadowShort average: half the mean of upper + lower shadow of ' +
    'the 10 previous candles). The sign is the candle colour (close >= open is white). Default ' +
    'TA-Lib candle settings; no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyShort0 = cs.average(BodyShort, 0);
    const shadowShort0 = cs.average(ShadowShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) < bodyShort0.value() &&
            cs.upperShadow(0) < shadowShort0.value() &&
            cs.lowerShadow(0) < shadowShort0.value()
              ? cs.color(0) * 100
              : 0;
        }
      },
    };
  },
});
