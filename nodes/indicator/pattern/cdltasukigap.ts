import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, Near, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Near.avgPeriod + 2;

export const cdltasukigap = defineNode({
  kind: 'indicator.cdltasukigap',
  summary: 'Tasuki Gap candlestick pattern (TA-Lib CDLTASUKIGAP): +100 upside, -100 downside where it completes, else 0.',
  description:
    'Upside: a real-body gap up to a white candle, then a black candle opening within the white ' +
    'body and closing below it but inside the gap (above the top of the first body). Downside: the ' +
    'mirror image (gap down, black, then white closing inside the gap). The two last real bodies ' +
    'must be of near size: their difference below the Near average (20% of the mean high-low ' +
    'range of the 5 candles before the middle one). The sign is the colour of the middle candle. ' +
    'Default TA-Lib candle settings; no output for the first 7 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const near1 = cs.average(Near, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color1 = cs.color(1);
          let out = 0;
          if (color1 === -cs.color(0)) {
            const o0 = cs.open(0);
            const c0 = cs.close(0);
            const o1 = cs.open(1);
            const c1 = cs.close(1);
            if (
              (color1 === 1 && // 1st: white, 2nd: black
                cs.realBodyGapUp(1, 2) && // upside gap
                o0 < c1 && // that opens within the white rb
                o0 > o1 &&
                c0 < o1 && // and closes under the white rb
                c0 > cs.bodyTop(2) && // inside the gap
                Math.abs(cs.realBody(1) - cs.realBody(0)) < near1.value()) || // size of 2 rb near the same
              (color1 === -1 && // 1st: black, 2nd: white
                cs.realBodyGapDown(1, 2) && // downside gap
                o0 < o1 && // that opens within the black rb
                o0 > c1 &&
                c0 > o1 && // and closes above the black rb
                c0 < cs.bodyBottom(2) && // inside the gap
                Math.abs(cs.realBody(1) - cs.realBody(0)) < near1.value()) // size of 2 rb near the same
            ) {
              out = color1 * 100;
            }
          }
          value[i] = out;
        }
      },
    };
  },
});
