import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = 2;

export const cdlxsidegap3methods = defineNode({
  kind: 'indicator.cdlxsidegap3methods',
  summary: 'Upside/Downside Gap Three Methods (TA-Lib CDLXSIDEGAP3METHODS): +100 upside, -100 downside where it completes, else 0.',
  description:
    'Three candles: two of the same colour with a real-body gap between them in their direction ' +
    '(up when white, down when black), then an opposite-colour candle that opens within the second ' +
    'real body and closes within the first, filling the gap. The sign is the colour of the first ' +
    'candle. Uses no candle averages; no output for the first 2 events.',
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
          const color2 = cs.color(2);
          const o0 = cs.open(0);
          const c0 = cs.close(0);
          value[i] =
            color2 === cs.color(1) && // 1st and 2nd of same color
            cs.color(1) === -cs.color(0) && // 3rd opposite color
            o0 < cs.bodyTop(1) && // 3rd opens within 2nd rb
            o0 > cs.bodyBottom(1) &&
            c0 < cs.bodyTop(2) && // 3rd closes within 1st rb
            c0 > cs.bodyBottom(2) &&
            ((color2 === 1 && cs.realBodyGapUp(1, 2)) || // upside gap when 1st is white
              (color2 === -1 && cs.realBodyGapDown(1, 2))) // downside gap when 1st is black
              ? color2 * 100
              : 0;
        }
      },
    };
  },
});
