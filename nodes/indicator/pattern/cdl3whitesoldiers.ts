import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyShort, CandleStream, Far, Near, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(Math.max(ShadowVeryShort.avgPeriod, BodyShort.avgPeriod), Math.max(Far.avgPeriod, Near.avgPeriod)) + 2;

export const cdl3whitesoldiers = defineNode({
  kind: 'indicator.cdl3whitesoldiers',
  summary: 'Three Advancing White Soldiers candlestick pattern (TA-Lib CDL3WHITESOLDIERS): +100 where it completes, else 0.',
  description:
    'Three white candles with very short upper shadows (ShadowVeryShort) and consecutively higher ' +
    "closes, each opening above the previous open and within or near (Near) the previous real " +
    'body, each real body not far shorter (Far) than the previous one, the last one not short ' +
    '(BodyShort). Always bullish (+100); the trend is not checked. Default TA-Lib candle settings; ' +
    'no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs2 = cs.average(ShadowVeryShort, 2);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const svs0 = cs.average(ShadowVeryShort, 0);
    const near2 = cs.average(Near, 2);
    const near1 = cs.average(Near, 1);
    const far2 = cs.average(Far, 2);
    const far1 = cs.average(Far, 1);
    const bodyShort0 = cs.average(BodyShort, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(2) === 1 && // 1st white
            cs.upperShadow(2) < svs2.value() && //      very short upper shadow
            cs.color(1) === 1 && // 2nd white
            cs.upperShadow(1) < svs1.value() &&
            cs.color(0) === 1 && // 3rd white
            cs.upperShadow(0) < svs0.value() &&
            cs.close(0) > cs.close(1) &&
            cs.close(1) > cs.close(2) && // consecutive higher closes
            cs.open(1) > cs.open(2) && // 2nd opens within/near 1st real body
            cs.open(1) <= cs.close(2) + near2.value() &&
            cs.open(0) > cs.open(1) && // 3rd opens within/near 2nd real body
            cs.open(0) <= cs.close(1) + near1.value() &&
            cs.realBody(1) > cs.realBody(2) - far2.value() && // 2nd not far shorter than 1st
            cs.realBody(0) > cs.realBody(1) - far1.value() && // 3rd not far shorter than 2nd
            cs.realBody(0) > bodyShort0.value() // not short real body
              ? 100
              : 0;
        }
      },
    };
  },
});
