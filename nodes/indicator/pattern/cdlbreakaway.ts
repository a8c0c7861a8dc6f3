import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyLong.avgPeriod + 4;

export const cdlbreakaway = defineNode({
  kind: 'indicator.cdlbreakaway',
  summary: 'Breakaway candlestick pattern (TA-Lib CDLBREAKAWAY): +100 bullish, -100 bearish, else 0.',
  description:
    'Five candles: a long one (BodyLong); a second of the same colour whose real body gaps away ' +
    'from it; a third and fourth continuing the move (lower highs and lows after a black first ' +
    'candle, higher after a white one), the fourth of the first colour; then a fifth of the ' +
    'opposite colour closing inside the gap between the first and second candles. The sign is ' +
    'the colour of the fifth candle; the trend is not checked. Default TA-Lib candle settings; no ' +
    'output for the first 14 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong4 = cs.average(BodyLong, 4);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color4 = cs.color(4);
          const color0 = cs.color(0);
          value[i] =
            cs.realBody(4) > bodyLong4.value() && // 1st long
            color4 === cs.color(3) && // 1st, 2nd, 4th same color, 5th opposite
            cs.color(3) === cs.color(1) &&
            cs.color(1) === -color0 &&
            ((color4 === -1 && // when 1st is black:
              cs.realBodyGapDown(3, 4) && // 2nd gaps down
              cs.high(2) < cs.high(3) &&
              cs.low(2) < cs.low(3) && // 3rd has lower high and low than 2nd
              cs.high(1) < cs.high(2) &&
              cs.low(1) < cs.low(2) && // 4th has lower high and low than 3rd
              cs.close(0) > cs.open(3) &&
              cs.close(0) < cs.close(4)) || // 5th closes inside the gap
              (color4 === 1 && // when 1st is white:
                cs.realBodyGapUp(3, 4) && // 2nd gaps up
                cs.high(2) > cs.high(3) &&
                cs.low(2) > cs.low(3) && // 3rd has higher high and low than 2nd
                cs.high(1) > cs.high(2) &&
                cs.low(1) > cs.low(2) && // 4th has higher high and low than 3rd
                cs.close(0) < cs.open(3) &&
                cs.close(0) > cs.close(4))) // 5th closes inside the gap
              ? color0 * 100
              : 0;
        }
      },
    };
  },
});
