import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdlharamicross = defineNode({
  kind: 'indicator.cdlharamicross',
  summary: 'Harami Cross candlestick pattern (TA-Lib CDLHARAMICROSS): +-100, +-80 when the bodies share an end, else 0.',
  description:
    'A long candle (BodyLong) followed by a doji (real body at most BodyDoji) whose real body ' +
    "lies inside the first's: 100 when strictly inside, 80 when one end matches (TA-Lib 0.6). The " +
    'sign is opposite to the colour of the first candle (+ after a black one); the trend is not ' +
    'checked. Default TA-Lib candle settings; no output for the first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyDoji0 = cs.average(BodyDoji, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          if (cs.realBody(1) > bodyLong1.value() && cs.realBody(0) <= bodyDoji0.value()) {
            const top0 = cs.bodyTop(0);
            const bottom0 = cs.bodyBottom(0);
            const top1 = cs.bodyTop(1);
            const bottom1 = cs.bodyBottom(1);
            if (top0 < top1 && bottom0 > bottom1) value[i] = -cs.color(1) * 100;
            else if (top0 <= top1 && bottom0 >= bottom1) value[i] = -cs.color(1) * 80;
            else value[i] = 0;
          } else {
            value[i] = 0;
          }
        }
      },
    };
  },
});
