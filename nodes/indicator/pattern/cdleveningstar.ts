import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyShort.avgPeriod, BodyLong.avgPeriod) + 2;

export const cdleveningstar = defineNode({
  kind: 'indicator.cdleveningstar',
  summary: 'Evening Star candlestick pattern (TA-Lib CDLEVENINGSTAR): -100 where it completes, else 0.',
  description:
    'A long white candle (BodyLong), a short candle (BodyShort) whose real body gaps up, then a ' +
    'black candle longer than short closing below the first close by more than penetration times ' +
    'the first real body. Always bearish (-100); the trend is not checked. Default TA-Lib candle ' +
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
    const bodyShort1 = cs.average(BodyShort, 1);
    const bodyShort0 = cs.average(BodyShort, 0); // TA-Lib's BodyShortPeriodTotal2
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.realBody(2) > bodyLong2.value() && // 1st: long
            cs.color(2) === 1 && //      white
            cs.realBody(1) <= bodyShort1.value() && // 2nd: short
            cs.realBodyGapUp(1, 2) && //      gapping up
            cs.realBody(0) > bodyShort0.value() && // 3rd: longer than short
            cs.color(0) === -1 && //      black real body
            cs.close(0) < cs.close(2) - cs.realBody(2) * penetration //      closing well within 1st rb
              ? -100
              : 0;
        }
      },
    };
  },
});
