import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 4;

export const cdlmathold = defineNode({
  kind: 'indicator.cdlmathold',
  summary: 'Mat Hold candlestick pattern (TA-Lib CDLMATHOLD): +100 where it completes, else 0.',
  description:
    'Five candles: a long white candle (real body above the BodyLong average of the 10 candles ' +
    'before it); a short black candle whose real body gaps up; two more short candles (any colour) ' +
    "falling (each body top below the previous one's, the second below the black candle's open), " +
    "whose body bottoms stay inside the first body: below the first close but above first close - " +
    'penetration x first real body; then a white candle opening above the prior close and closing ' +
    'above the highest high of the three reaction candles. "Short" = real body below the BodyShort ' +
    'average of the 10 candles before each. Always bullish (+100). Default TA-Lib candle settings; ' +
    'no output for the first 14 events.',
  params: Type.Object(
    {
      penetration: Type.Number({
        minimum: 0,
        maximum: 3e37,
        default: 0.5,
        description: 'How far (fraction of the first real body) the reaction candles may sink into the first body.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: ({ penetration }) => {
    const cs = new CandleStream(lookback);
    const bodyLong4 = cs.average(BodyLong, 4);
    const bodyShort3 = cs.average(BodyShort, 3);
    const bodyShort2 = cs.average(BodyShort, 2);
    const bodyShort1 = cs.average(BodyShort, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          // Cheapest and most selective tests first; TA-Lib's && chain has no side effects.
          let hit =
            cs.color(4) === 1 && // white, black, 2 black or white, white
            cs.color(3) === -1 &&
            cs.color(0) === 1 &&
            // 1st long, then 3 small
            cs.realBody(4) > bodyLong4.value() &&
            cs.realBody(3) < bodyShort3.value() &&
            cs.realBody(2) < bodyShort2.value() &&
            cs.realBody(1) < bodyShort1.value() &&
            // upside gap 1st to 2nd
            cs.realBodyGapUp(3, 4);
          if (hit) {
            const c4 = cs.close(4);
            const bottom2 = cs.bodyBottom(2);
            const bottom1 = cs.bodyBottom(1);
            const top2 = cs.bodyTop(2);
            const h3 = cs.high(3);
            const h2 = cs.high(2);
            const h1 = cs.high(1);
            const h32 = h3 > h2 ? h3 : h2;
            hit =
              // 3rd to 4th hold within 1st: a part of the real body must be within 1st real body
              bottom2 < c4 &&
              bottom1 < c4 &&
              // reaction days penetrate first body less than penetration percent
              bottom2 > c4 - cs.realBody(4) * penetration &&
              bottom1 > c4 - cs.realBody(4) * penetration &&
              // 2nd to 4th are falling
              top2 < cs.open(3) &&
              cs.bodyTop(1) < top2 &&
              // 5th opens above the prior close
              cs.open(0) > cs.close(1) &&
              // 5th closes above the highest high of the reaction days
              cs.close(0) > (h32 > h1 ? h32 : h1);
          }
          value[i] = hit ? 100 : 0;
        }
      },
    };
  },
});
