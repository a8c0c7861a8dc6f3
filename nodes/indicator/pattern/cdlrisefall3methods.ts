import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 4;

export const cdlrisefall3methods = defineNode({
  kind: 'indicator.cdlrisefall3methods',
  summary: 'Rising/Falling Three Methods (TA-Lib CDLRISEFALL3METHODS): +100 rising, -100 falling where it completes, else 0.',
  description:
    'Five candles: a long candle, three short candles of the opposite colour whose real bodies ' +
    'overlap the first candle\'s high-low range and whose closes move against the first (falling ' +
    'after a white one, rising after a black one), then a long candle of the first colour opening ' +
    'beyond the prior close and closing beyond the first close. "Long"/"short" = real body above ' +
    'the BodyLong / below the BodyShort average of the 10 candles before each. The sign is the ' +
    'colour of the first candle. Default TA-Lib candle settings; no output for the first 14 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong4 = cs.average(BodyLong, 4);
    const bodyShort3 = cs.average(BodyShort, 3);
    const bodyShort2 = cs.average(BodyShort, 2);
    const bodyShort1 = cs.average(BodyShort, 1);
    const bodyLong0 = cs.average(BodyLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          // Colours first (cheap and selective); TA-Lib's && chain has no side effects.
          const color4 = cs.color(4);
          let hit =
            // white, 3 black, white  ||  black, 3 white, black
            color4 === -cs.color(3) &&
            cs.color(3) === cs.color(2) &&
            cs.color(2) === cs.color(1) &&
            cs.color(1) === -cs.color(0) &&
            // 1st long, then 3 small, 5th long
            cs.realBody(4) > bodyLong4.value() &&
            cs.realBody(3) < bodyShort3.value() &&
            cs.realBody(2) < bodyShort2.value() &&
            cs.realBody(1) < bodyShort1.value() &&
            cs.realBody(0) > bodyLong0.value();
          if (hit) {
            const h4 = cs.high(4);
            const l4 = cs.low(4);
            const c3 = cs.close(3);
            const c2 = cs.close(2);
            const c1 = cs.close(1);
            hit =
              // 2nd to 4th hold within 1st: a part of the real body must be within 1st range
              cs.bodyBottom(3) < h4 &&
              cs.bodyTop(3) > l4 &&
              cs.bodyBottom(2) < h4 &&
              cs.bodyTop(2) > l4 &&
              cs.bodyBottom(1) < h4 &&
              cs.bodyTop(1) > l4 &&
              // 2nd to 4th are falling (rising)
              c2 * color4 < c3 * color4 &&
              c1 * color4 < c2 * color4 &&
              // 5th opens above (below) the prior close
              cs.open(0) * color4 > c1 * color4 &&
              // 5th closes above (below) the 1st close
              cs.close(0) * color4 > cs.close(4) * color4;
          }
          value[i] = hit ? 100 * color4 : 0;
        }
      },
    };
  },
});
