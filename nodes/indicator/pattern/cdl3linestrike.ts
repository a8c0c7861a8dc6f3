import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Near, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Near.avgPeriod + 3;

export const cdl3linestrike = defineNode({
  kind: 'indicator.cdl3linestrike',
  summary: 'Three-Line Strike candlestick pattern (TA-Lib CDL3LINESTRIKE): +100 / -100 where it completes, else 0.',
  description:
    'Three candles of one colour, each opening within or near (Near: 20% of the mean high-low ' +
    "range of the 5 candles before the previous one) the previous candle's real body, with " +
    'consecutively higher closes (white) or lower closes (black); then a fourth candle of the ' +
    'opposite colour that opens beyond the third close and closes beyond the first open. The sign ' +
    'is the colour of the three (+100 after three white, -100 after three black), as TA-Lib. The ' +
    'trend is not checked. Default TA-Lib candle settings; no output for the first 8 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const near3 = cs.average(Near, 3);
    const near2 = cs.average(Near, 2);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color1 = cs.color(1);
          const o2 = cs.open(2);
          const o1 = cs.open(1);
          value[i] =
            cs.color(3) === cs.color(2) && // three with same color
            cs.color(2) === color1 &&
            cs.color(0) === -color1 && // 4th opposite color
            o2 >= cs.bodyBottom(3) - near3.value() && // 2nd opens within/near 1st rb
            o2 <= cs.bodyTop(3) + near3.value() &&
            o1 >= cs.bodyBottom(2) - near2.value() && // 3rd opens within/near 2nd rb
            o1 <= cs.bodyTop(2) + near2.value() &&
            ((color1 === 1 && // if three white
              cs.close(1) > cs.close(2) &&
              cs.close(2) > cs.close(3) && // consecutive higher closes
              cs.open(0) > cs.close(1) && // 4th opens above prior close
              cs.close(0) < cs.open(3)) || // 4th closes below 1st open
              (color1 === -1 && // if three black
                cs.close(1) < cs.close(2) &&
                cs.close(2) < cs.close(3) && // consecutive lower closes
                cs.open(0) < cs.close(1) && // 4th opens below prior close
                cs.close(0) > cs.open(3))) // 4th closes above 1st open
              ? color1 * 100
              : 0;
        }
      },
    };
  },
});
