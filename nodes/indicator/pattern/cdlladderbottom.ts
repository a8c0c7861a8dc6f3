import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { CandleStream, ShadowVeryShort, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = ShadowVeryShort.avgPeriod + 4;

export const cdlladderbottom = defineNode({
  kind: 'indicator.cdlladderbottom',
  summary: 'Ladder Bottom candlestick pattern (TA-Lib CDLLADDERBOTTOM): +100 where it completes, else 0.',
  description:
    'Five candles: three black candles with consecutively lower opens and closes; a fourth black ' +
    'candle with an upper shadow longer than the ShadowVeryShort average (10% of the mean high-low ' +
    'range of the 10 candles before it); a fifth, white candle that opens above the fourth\'s open ' +
    "and closes above the fourth's high. Always bullish (+100); the downtrend is not checked. " +
    'Default TA-Lib candle settings; no output for the first 14 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const svs1 = cs.average(ShadowVeryShort, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(4) === -1 && // 3 black candlesticks
            cs.color(3) === -1 &&
            cs.color(2) === -1 &&
            cs.open(4) > cs.open(3) && // with consecutively lower opens
            cs.open(3) > cs.open(2) &&
            cs.close(4) > cs.close(3) && // and closes
            cs.close(3) > cs.close(2) &&
            cs.color(1) === -1 && // 4th: black with an upper shadow
            cs.upperShadow(1) > svs1.value() &&
            cs.color(0) === 1 && // 5th: white
            cs.open(0) > cs.open(1) && // that opens above prior candle's body
            cs.close(0) > cs.high(1) // and closes above prior candle's high
              ? 100
              : 0;
        }
      },
    };
  },
});
