import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;

export const cdl3inside = defineNode({
  kind: 'indicator.cdl3inside',
  summary: 'Three Inside Up/Down candlestick pattern (TA-Lib CDL3INSIDE): +100 up, -100 down, else 0.',
  description:
    'A long candle (real body above the BodyLong average of the 10 candles before it), a short ' +
    'candle (real body at most the BodyShort average) whose real body lies strictly inside the ' +
    "first's (a harami), then a third candle of the opposite colour to the first that closes " +
    "beyond the first's open: +100 after a black first candle (three inside up), -100 after a " +
    'white one. The trend is not checked. Default TA-Lib candle settings; no output for the first ' +
    '12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const bodyShort1 = cs.average(BodyShort, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color2 = cs.color(2);
          const color0 = cs.color(0);
          value[i] =
            cs.realBody(2) > bodyLong2.value() && // 1st: long
            cs.realBody(1) <= bodyShort1.value() && // 2nd: short
            cs.bodyTop(1) < cs.bodyTop(2) && //      engulfed by 1st
            cs.bodyBottom(1) > cs.bodyBottom(2) &&
            ((color2 === 1 && color0 === -1 && cs.close(0) < cs.open(2)) || // 3rd: opposite to 1st
              (color2 === -1 && color0 === 1 && cs.close(0) > cs.open(2))) //      and closing out
              ? -color2 * 100
              : 0;
        }
      },
    };
  },
});
