import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdlhomingpigeon = defineNode({
  kind: 'indicator.cdlhomingpigeon',
  summary: 'Homing Pigeon candlestick pattern (TA-Lib CDLHOMINGPIGEON): +100 where it completes, else 0.',
  description:
    'Two black candles: a long one (real body above the BodyLong average of the 10 candles before ' +
    'it), then a short one (real body at most the BodyShort average) whose open is below the ' +
    "first's open and whose close is above the first's close, i.e. its body lies inside the first's. " +
    'Always bullish (+100); the trend is not checked. Default TA-Lib candle settings; no output for ' +
    'the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyShort0 = cs.average(BodyShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(1) === -1 && // 1st black
            cs.color(0) === -1 && // 2nd black
            cs.realBody(1) > bodyLong1.value() && // 1st long
            cs.realBody(0) <= bodyShort0.value() && // 2nd short
            cs.open(0) < cs.open(1) && // 2nd engulfed by 1st
            cs.close(0) > cs.close(1)
              ? 100
              : 0;
        }
      },
    };
  },
});
