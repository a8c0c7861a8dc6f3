import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, Equal, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(Equal.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdlthrusting = defineNode({
  kind: 'indicator.cdlthrusting',
  summary: 'Thrusting candlestick pattern (TA-Lib CDLTHRUSTING): -100 where it completes, else 0.',
  description:
    'A long black candle (real body above the BodyLong average of the 10 candles before it), then ' +
    "a white candle that opens below the first's low and closes into the first's body: more than " +
    'the Equal average (5% of the mean high-low range of the 5 candles before the first) above the ' +
    'first close, but at or below its midpoint (first close + 0.5 x first real body). Always bearish ' +
    '(-100); the downtrend is not checked. Default TA-Lib candle settings; no output for the first ' +
    '11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const equal1 = cs.average(Equal, 1);
    const bodyLong1 = cs.average(BodyLong, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const c0 = cs.close(0);
          const c1 = cs.close(1);
          value[i] =
            cs.color(1) === -1 && // 1st: black
            cs.realBody(1) > bodyLong1.value() && //  long
            cs.color(0) === 1 && // 2nd: white
            cs.open(0) < cs.low(1) && //  open below prior low
            c0 > c1 + equal1.value() && //  close into prior body
            c0 <= c1 + cs.realBody(1) * 0.5 //   under the midpoint
              ? -100
              : 0;
        }
      },
    };
  },
});
