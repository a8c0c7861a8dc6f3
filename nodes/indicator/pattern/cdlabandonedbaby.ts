import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod), BodyShort.avgPeriod) + 2;

export const cdlabandonedbaby = defineNode({
  kind: 'indicator.cdlabandonedbaby',
  summary: 'Abandoned Baby candlestick pattern (TA-Lib CDLABANDONEDBABY): +100 bullish, -100 bearish, else 0.',
  description:
    'A long candle (BodyLong), a doji (BodyDoji) whose whole range gaps away from the first ' +
    'candle (candle gap, shadows included), then a candle longer than short (BodyShort) of the ' +
    'opposite colour to the first that gaps back the other way and closes well within the first ' +
    "real body (beyond the first close by penetration times the first real body). +100 after a " +
    'black first candle, -100 after a white one; the trend is not checked. Default TA-Lib candle ' +
    'settings; no output for the first 12 events.',
  params: Type.Object(
    {
      penetration: Type.Number({
        minimum: 0,
        maximum: 3e37,
        default: 0.3,
        description: "How far the third candle closes into the first candle's real body, as a fraction of it.",
      }),
    },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: ({ penetration }) => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const bodyDoji1 = cs.average(BodyDoji, 1);
    const bodyShort0 = cs.average(BodyShort, 0);
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
            cs.realBody(1) <= bodyDoji1.value() && // 2nd: doji
            cs.realBody(0) > bodyShort0.value() && // 3rd: longer than short
            ((color2 === 1 && // 1st white
              color0 === -1 && // 3rd black
              cs.close(0) < cs.close(2) - cs.realBody(2) * penetration && // 3rd closes well within 1st rb
              cs.candleGapUp(1, 2) && // upside gap between 1st and 2nd
              cs.candleGapDown(0, 1)) || // downside gap between 2nd and 3rd
              (color2 === -1 && // 1st black
                color0 === 1 && // 3rd white
                cs.close(0) > cs.close(2) + cs.realBody(2) * penetration &&
                cs.candleGapDown(1, 2) && // downside gap between 1st and 2nd
                cs.candleGapUp(0, 1))) // upside gap between 2nd and 3rd
              ? color0 * 100
              : 0;
        }
      },
    };
  },
});
