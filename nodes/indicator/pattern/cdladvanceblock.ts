import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, Far, Near, ShadowLong, ShadowShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback =
  Math.max(
    Math.max(Math.max(ShadowLong.avgPeriod, ShadowShort.avgPeriod), Math.max(Far.avgPeriod, Near.avgPeriod)),
    BodyLong.avgPeriod,
  ) + 2;

export const cdladvanceblock = defineNode({
  kind: 'indicator.cdladvanceblock',
  summary: 'Advance Block candlestick pattern (TA-Lib CDLADVANCEBLOCK): -100 where it completes, else 0.',
  description:
    'Three white candles with consecutively higher closes, each opening above the previous open ' +
    'and within or near (Near) the previous real body, the first long (BodyLong) with a short ' +
    'upper shadow (ShadowShort), showing weakening: the second far smaller (Far) than the first ' +
    'and the third not longer than the second (plus Near), or the third far smaller than the ' +
    'second, or progressively smaller bodies with a not-short upper shadow on the second or ' +
    'third, or a smaller third with a long upper shadow (ShadowLong). Always bearish (-100); the ' +
    'trend is not checked. Default TA-Lib candle settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const shadowShort2 = cs.average(ShadowShort, 2);
    const shadowShort1 = cs.average(ShadowShort, 1);
    const shadowShort0 = cs.average(ShadowShort, 0);
    const shadowLong0 = cs.average(ShadowLong, 0);
    const near2 = cs.average(Near, 2);
    const near1 = cs.average(Near, 1);
    const far2 = cs.average(Far, 2);
    const far1 = cs.average(Far, 1);
    const bodyLong2 = cs.average(BodyLong, 2);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const rb2 = cs.realBody(2);
          const rb1 = cs.realBody(1);
          const rb0 = cs.realBody(0);
          value[i] =
            cs.color(2) === 1 && // 1st white
            cs.color(1) === 1 && // 2nd white
            cs.color(0) === 1 && // 3rd white
            cs.close(0) > cs.close(1) &&
            cs.close(1) > cs.close(2) && // consecutive higher closes
            cs.open(1) > cs.open(2) && // 2nd opens within/near 1st real body
            cs.open(1) <= cs.close(2) + near2.value() &&
            cs.open(0) > cs.open(1) && // 3rd opens within/near 2nd real body
            cs.open(0) <= cs.close(1) + near1.value() &&
            rb2 > bodyLong2.value() && // 1st: long real body
            cs.upperShadow(2) < shadowShort2.value() && // 1st: short upper shadow
            // 2 far smaller than 1 && 3 not longer than 2: advance blocked with the 2nd
            ((rb1 < rb2 - far2.value() && rb0 < rb1 + near1.value()) ||
              // 3 far smaller than 2: advance blocked with the 3rd
              rb0 < rb1 - far1.value() ||
              // progressively smaller real bodies and some upper shadows
              (rb0 < rb1 &&
                rb1 < rb2 &&
                (cs.upperShadow(0) > shadowShort0.value() || cs.upperShadow(1) > shadowShort1.value())) ||
              // 3 smaller than 2 && 3 long upper shadow
              (rb0 < rb1 && cs.upperShadow(0) > shadowLong0.value()))
              ? -100
              : 0;
        }
      },
    };
  },
});
