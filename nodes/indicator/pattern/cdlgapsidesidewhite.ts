import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Equal, Near, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(Near.avgPeriod, Equal.avgPeriod) + 2;

export const cdlgapsidesidewhite = defineNode({
  kind: 'indicator.cdlgapsidesidewhite',
  summary: 'Up/Down-gap side-by-side white lines (TA-Lib CDLGAPSIDESIDEWHITE): +100 up gap, -100 down gap, else 0.',
  description:
    'Two white candles whose real bodies both gap away from the candle before them (both up or ' +
    'both down), of about the same size (within Near: 20% of the mean high-low range of the 5 ' +
    'candles before the first white) and with about the same open (within Equal: 5%). +100 for an ' +
    'upside gap, -100 for a downside gap; the trend is not checked. Default TA-Lib candle ' +
    'settings; no output for the first 7 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const near1 = cs.average(Near, 1);
    const equal1 = cs.average(Equal, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const gapUp = cs.realBodyGapUp(1, 2);
          const rb0 = cs.realBody(0);
          const rb1 = cs.realBody(1);
          value[i] =
            ((gapUp && cs.realBodyGapUp(0, 2)) || (cs.realBodyGapDown(1, 2) && cs.realBodyGapDown(0, 2))) && // gap from the 1st
            cs.color(1) === 1 && // 2nd: white
            cs.color(0) === 1 && // 3rd: white
            rb0 >= rb1 - near1.value() && // same size 2 and 3
            rb0 <= rb1 + near1.value() &&
            cs.open(0) >= cs.open(1) - equal1.value() && // same open 2 and 3
            cs.open(0) <= cs.open(1) + equal1.value()
              ? gapUp
                ? 100
                : -100
              : 0;
        }
      },
    };
  },
});
