import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = 5;

export const cdlhikkake = defineNode({
  kind: 'indicator.cdlhikkake',
  summary: 'Hikkake candlestick pattern (TA-Lib CDLHIKKAKE): +-100 on the pattern, +-200 on its confirmation, else 0.',
  description:
    'An inside bar (lower high and higher low than the candle before it) followed by a candle ' +
    'breaking out of it on both ends in one direction: lower high and lower low gives a bullish ' +
    'hikkake (+100), higher high and higher low a bearish one (-100). If, within the 3 candles ' +
    'after the pattern, a candle closes above the high (bullish) or below the low (bearish) of ' +
    'the inside bar, that candle gets +200 / -200 (confirmation, once per pattern); a new pattern ' +
    'on the same candle wins over a confirmation. As TA-Lib, the pattern state is also tracked ' +
    'over the 3 candles before the first output. No candle-size averages. No output for the ' +
    'first 5 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    // TA-Lib runs the pattern logic from startIdx - 3 on, without output: start the stream there.
    const cs = new CandleStream(lookback - 3, lookback + 1);
    let patternIdx = 0; // TA-Lib's index of the last hikkake (0 after a confirmation)
    let patternResult = 0;
    let insideHigh = 0.0; // high and low of the inside bar (TA-Lib's inHigh/inLow[patternIdx-1])
    let insideLow = 0.0;
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const idx = cs.count - 1;
          const h0 = cs.high(0);
          const l0 = cs.low(0);
          const h1 = cs.high(1);
          const l1 = cs.low(1);
          let out = 0;
          if (
            h1 < cs.high(2) &&
            l1 > cs.low(2) && // 1st + 2nd: lower high and higher low
            ((h0 < h1 && l0 < l1) || // (bull) 3rd: lower high and lower low
              (h0 > h1 && l0 > l1)) // (bear) 3rd: higher high and higher low
          ) {
            patternResult = 100 * (h0 < h1 ? 1 : -1);
            patternIdx = idx;
            insideHigh = h1;
            insideLow = l1;
            out = patternResult;
          } else if (
            idx <= patternIdx + 3 && // confirmation if the hikkake was no more than 3 bars ago
            ((patternResult > 0 && cs.close(0) > insideHigh) || // close higher than the high of 2nd
              (patternResult < 0 && cs.close(0) < insideLow)) // close lower than the low of 2nd
          ) {
            out = patternResult + 100 * (patternResult > 0 ? 1 : -1);
            patternIdx = 0;
          }
          value[i] = idx >= lookback ? out : NaN;
        }
      },
    };
  },
});
