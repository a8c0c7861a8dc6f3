import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyShort.avgPeriod;

export const cdlspinningtop = defineNode({
  kind: 'indicator.cdlspinningtop',
  summary: 'Spinning Top candle (TA-Lib CDLSPINNINGTOP): +100 white, -100 black where it appears, else 0.',
  description:
    'A candle with a small real body (below the BodyShort average of the 10 candles before it) and ' +
    'both shadows longer than the real body. The sign is the candle colour (close >= open is ' +
    'white). Default TA-Lib candle settings; no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyShort0 = cs.average(BodyShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const body = cs.realBody(0);
          value[i] =
            body < bodyShort0.value() && cs.upperShadow(0) > body && cs.lowerShadow(0) > body ? cs.color(0) * 100 : 0;
        }
      },
    };
  },
});
