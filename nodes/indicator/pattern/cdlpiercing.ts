import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyLong.avgPeriod + 1;

export const cdlpiercing = defineNode({
  kind: 'indicator.cdlpiercing',
  summary: 'Piercing Pattern candlesticks (TA-Lib CDLPIERCING): +100 where it completes, else 0.',
  description:
    'A long black candle, then a long white candle (each real body above the BodyLong average of ' +
    "the 10 candles before it) that opens below the first's low and closes within the first's " +
    'body, above its midpoint (first close + 0.5 x first real body) and below its open. Always ' +
    'bullish (+100); the downtrend is not checked. Default TA-Lib candle settings; no output for ' +
    'the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyLong0 = cs.average(BodyLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const c0 = cs.close(0);
          value[i] =
            cs.color(1) === -1 && // 1st: black
            cs.realBody(1) > bodyLong1.value() && //      long
            cs.color(0) === 1 && // 2nd: white
            cs.realBody(0) > bodyLong0.value() && //      long
            cs.open(0) < cs.low(1) && //      open below prior low
            c0 < cs.open(1) && //      close within prior body
            c0 > cs.close(1) + cs.realBody(1) * 0.5 //        above midpoint
              ? 100
              : 0;
        }
      },
    };
  },
});
