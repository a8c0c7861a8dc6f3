import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = 3;

export const cdl3outside = defineNode({
  kind: 'indicator.cdl3outside',
  summary: 'Three Outside Up/Down candlestick pattern (TA-Lib CDL3OUTSIDE): +100 up, -100 down, else 0.',
  description:
    "A candle whose real body engulfs the previous candle's real body with the opposite colour " +
    '(strict on both ends), then a third candle closing beyond the second close in its direction: ' +
    '+100 when a white engulfs a black and the third closes higher (three outside up), -100 ' +
    'when a black engulfs a white and the third closes lower. No candle-size averages. The trend ' +
    'is not checked. As TA-Lib, no output for the first 3 events (one more than the pattern needs).',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color1 = cs.color(1);
          const color2 = cs.color(2);
          value[i] =
            (color1 === 1 &&
              color2 === -1 && // white engulfs black
              cs.close(1) > cs.open(2) &&
              cs.open(1) < cs.close(2) &&
              cs.close(0) > cs.close(1)) || // third candle higher
            (color1 === -1 &&
              color2 === 1 && // black engulfs white
              cs.open(1) > cs.close(2) &&
              cs.close(1) < cs.open(2) &&
              cs.close(0) < cs.close(1)) // third candle lower
              ? color1 * 100
              : 0;
        }
      },
    };
  },
});
