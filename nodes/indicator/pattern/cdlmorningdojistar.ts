import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, BodyLong, BodyShort, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod, BodyShort.avgPeriod) + 2;

export const cdlmorningdojistar = defineNode({
  kind: 'indicator.cdlmorningdojistar',
  summary: 'Morning Doji Star candlestick pattern (TA-Lib CDLMORNINGDOJISTAR): +100 where it completes, else 0.',
  description:
    'Three candles: a long black candle (real body above the BodyLong average of the 10 candles ' +
    'before it); a doji (real body at most the BodyDoji average, 10% of the mean high-low range) ' +
    'whose real body gaps down; a white candle longer than short (real body above the BodyShort ' +
    'average) closing above first close + penetration x first real body. Always bullish (+100); ' +
    'the downtrend is not checked. Default TA-Lib candle settings; no output for the first 12 events.',
  params: Type.Object(
    {
      penetration: Type.Number({
        minimum: 0,
        maximum: 3e37,
        default: 0.3,
        description: 'How far (fraction of the first real body) the third candle must close into the first body.',
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
          value[i] =
            cs.realBody(2) > bodyLong2.value() && // 1st: long
            cs.color(2) === -1 && //      black
            cs.realBody(1) <= bodyDoji1.value() && // 2nd: doji
            cs.realBodyGapDown(1, 2) && //      gapping down
            cs.realBody(0) > bodyShort0.value() && // 3rd: longer than short
            cs.color(0) === 1 && //      white real body
            cs.close(0) > cs.close(2) + cs.realBody(2) * penetration // closing well within 1st rb
              ? 100
              : 0;
        }
      },
    };
  },
});
