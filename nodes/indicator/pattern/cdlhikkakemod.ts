import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Near, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(1, Near.avgPeriod) + 5;

export const cdlhikkakemod = defineNode({
  kind: 'indicator.cdlhikkakemod',
  summary: 'Modified Hikkake candlestick pattern (TA-Lib CDLHIKKAKEMOD): +-100 on the pattern, +-200 on its confirmation, else 0.',
  description:
    'Four candles: a second inside the first (lower high, higher low), a third inside the second, ' +
    'and a fourth breaking out of the third on both ends: lower high and lower low with the ' +
    'second closing near its low (within Near: 20% of the mean high-low range of the 5 candles ' +
    'before the second) gives a bullish pattern (+100); higher high and higher low with the second ' +
    'closing near its high a bearish one (-100). If, within the 3 candles after, a candle closes ' +
    'above the high (bullish) or below the low (bearish) of the third candle, it gets +200 / -200 ' +
    '(once per pattern); a new pattern on the same candle wins over a confirmation. As TA-Lib, the ' +
    'pattern state is also tracked over the 3 candles before the first output. Default TA-Lib ' +
    'candle settings; no output for the first 10 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    // TA-Lib runs the pattern logic (and slides its Near total) from startIdx - 3 on, without output.
    const cs = new CandleStream(lookback - 3, lookback + 1);
    const near2 = cs.average(Near, 2);
    let patternIdx = 0;
    let patternResult = 0;
    let insideHigh = 0.0; // high and low of the third candle (TA-Lib's inHigh/inLow[patternIdx-1])
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
          const h2 = cs.high(2);
          const l2 = cs.low(2);
          let out = 0;
          if (
            h2 < cs.high(3) &&
            l2 > cs.low(3) && // 2nd: lower high and higher low than 1st
            h1 < h2 &&
            l1 > l2 && // 3rd: lower high and higher low than 2nd
            ((h0 < h1 && l0 < l1 && cs.close(2) <= l2 + near2.value()) || // (bull) 4th lower, 2nd closes near its low
              (h0 > h1 && l0 > l1 && cs.close(2) >= h2 - near2.value())) // (bear) 4th higher, 2nd closes near its high
          ) {
            patternResult = 100 * (h0 < h1 ? 1 : -1);
            patternIdx = idx;
            insideHigh = h1;
            insideLow = l1;
            out = patternResult;
          } else if (
            idx <= patternIdx + 3 && // confirmation if the hikkake was no more than 3 bars ago
            ((patternResult > 0 && cs.close(0) > insideHigh) || // close higher than the high of 3rd
              (patternResult < 0 && cs.close(0) < insideLow)) // close lower than the low of 3rd
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
