import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, BodyShort, CandleStream, Near, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyLong.avgPeriod, BodyShort.avgPeriod, ShadowVeryShort.avgPeriod, Near.avgPeriod) + 2;

export const cdlstalledpattern = defineNode({
  kind: 'indicator.cdlstalledpattern',
  summary: 'Stalled Pattern candlesticks (TA-Lib CDLSTALLEDPATTERN): -100 where it completes, else 0.',
  description:
    'Three white candles with higher closes: two long ones (real body above the BodyLong average ' +
    'of the 10 candles before each), the second with a very short upper shadow (below the ' +
    'ShadowVeryShort average) opening above the first open and at most the Near average (20% of ' +
    'the mean high-low range of 5 candles) above the first close; then a small one (real body below ' +
    'the BodyShort average) that opens at or above second close - its own real body - Near average, ' +
    "riding on the second's shoulder. Always bearish (-100); the uptrend is not checked. Default " +
    'TA-Lib candle settings; no output for the first 12 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong2 = cs.average(BodyLong, 2);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyShort0 = cs.average(BodyShort, 0);
    const svs1 = cs.average(ShadowVeryShort, 1);
    const near2 = cs.average(Near, 2);
    const near1 = cs.average(Near, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          let hit = cs.color(2) === 1 && cs.color(1) === 1 && cs.color(0) === 1; // three white
          if (hit) {
            const c1 = cs.close(1);
            const c2 = cs.close(2);
            const o1 = cs.open(1);
            const body0 = cs.realBody(0);
            hit =
              cs.close(0) > c1 && // consecutive higher closes
              c1 > c2 &&
              cs.realBody(2) > bodyLong2.value() && // 1st: long real body
              cs.realBody(1) > bodyLong1.value() && // 2nd: long real body
              cs.upperShadow(1) < svs1.value() && // very short upper shadow
              o1 > cs.open(2) && // opens within/near 1st real body
              o1 <= c2 + near2.value() &&
              body0 < bodyShort0.value() && // 3rd: small real body
              cs.open(0) >= c1 - body0 - near1.value(); // rides on the shoulder of 2nd real body
          }
          value[i] = hit ? -100 : 0;
        }
      },
    };
  },
});
