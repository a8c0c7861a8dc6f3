import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;

export const cdlunique3river = defineNode({
  kind: 'indicator.cdlunique3river',
  summary: 'Unique 3 River candlestick pattern (TA-Lib CDLUNIQUE3RIVER): +100 where it completes, else 0.',
  description:
    'Three candles: a long black candle (real body above the BodyLong average of the 10 candles ' +
    'before it); a black harami (close above the first close, open at or below the first open) ' +
    'with a lower low; a short white candle (real body below the BodyShort average) opening above ' +
    "the second's low. Always bullish (+100); the downtrend is not checked. Default TA-Lib candle " +
    'settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const bodyShort0 = cs.average(BodyShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const l1 = cs.low(1);
          value[i] =
            cs.realBody(2) > bodyLong2.value() && // 1st: long
            cs.color(2) === -1 && //      black
            cs.color(1) === -1 && // 2nd: black
            cs.close(1) > cs.close(2) && //      harami
            cs.open(1) <= cs.open(2) &&
            l1 < cs.low(2) && //      lower low
            cs.realBody(0) < bodyShort0.value() && // 3rd: short
            cs.color(0) === 1 && //      white
            cs.open(0) > l1 //      open not lower
              ? 100
              : 0;
        }
      },
    };
  },
});
