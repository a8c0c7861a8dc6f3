import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, ShadowVeryLong, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, ShadowVeryLong.avgPeriod);

export const cdlhighwave = defineNode({
  kind: 'indicator.cdlhighwave',
  summary: 'High-Wave candlestick (TA-Lib CDLHIGHWAVE): +100 white, -100 black, else 0.',
  description:
    'A candle with a short real body (below BodyShort: the mean real body of the 10 candles ' +
    'before it) and both shadows very long (each longer than twice the real body: ' +
    'ShadowVeryLong). The sign is the colour of the candle. Default TA-Lib candle settings; no ' +
    'output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyShort = cs.average(BodyShort, 0);
    const shadowVeryLong = cs.average(ShadowVeryLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(0) < bodyShort.value() &&
            cs.upperShadow(0) > shadowVeryLong.value() &&
            cs.lowerShadow(0) > shadowVeryLong.value()
              ? cs.color(0) * 100
              : 0;
        }
      },
    };
  },
});
