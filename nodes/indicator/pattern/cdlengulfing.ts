import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = 2;

export const cdlengulfing = defineNode({
  kind: 'indicator.cdlengulfing',
  summary: 'Engulfing candlestick pattern (TA-Lib 0.6 CDLENGULFING): +-100, +-80 when the bodies share an end, else 0.',
  description:
    "A candle of the opposite colour whose real body engulfs the previous candle's real body: " +
    'a white engulfing a black (+) or a black engulfing a white (-), where one end may be equal ' +
    'but not both. TA-Lib 0.6 semantics: 100 when both ends are strictly beyond, 80 when the ' +
    'bodies match at one end (TA-Lib 0.4 gave 0 there). The sign is the colour of the second ' +
    'candle; the trend is not checked. No candle-size averages. As TA-Lib, no output for the first ' +
    '2 events (one more than the pattern needs).',
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
          const o0 = cs.open(0);
          const c0 = cs.close(0);
          const o1 = cs.open(1);
          const c1 = cs.close(1);
          const color0 = cs.color(0);
          const color1 = cs.color(1);
          if (
            (color0 === 1 && color1 === -1 && ((c0 >= o1 && o0 < c1) || (c0 > o1 && o0 <= c1))) || // white engulfs black
            (color0 === -1 && color1 === 1 && ((o0 >= c1 && c0 < o1) || (o0 > c1 && c0 <= o1))) // black engulfs white
          ) {
            value[i] = o0 !== c1 && c0 !== o1 ? color0 * 100 : color0 * 80;
          } else {
            value[i] = 0;
          }
        }
      },
    };
  },
});
