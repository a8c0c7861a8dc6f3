import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, Equal, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(Equal.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdlcounterattack = defineNode({
  kind: 'indicator.cdlcounterattack',
  summary: 'Counterattack candlestick pattern (TA-Lib CDLCOUNTERATTACK): +100 bullish, -100 bearish, else 0.',
  description:
    'Two long candles (BodyLong) of opposite colours whose closes are equal within Equal (5% of ' +
    'the mean high-low range of the 5 candles before the first). The sign is the colour of the ' +
    'second candle; the trend is not checked. Default TA-Lib candle settings; no output for the ' +
    'first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const equal1 = cs.average(Equal, 1);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyLong0 = cs.average(BodyLong, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color0 = cs.color(0);
          value[i] =
            cs.color(1) === -color0 && // opposite candles
            cs.realBody(1) > bodyLong1.value() && // 1st long
            cs.realBody(0) > bodyLong0.value() && // 2nd long
            cs.close(0) <= cs.close(1) + equal1.value() && // equal closes
            cs.close(0) >= cs.close(1) - equal1.value()
              ? color0 * 100
              : 0;
        }
      },
    };
  },
});
