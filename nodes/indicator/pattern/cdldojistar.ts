import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyDoji, BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = Math.max(BodyDoji.avgPeriod, BodyLong.avgPeriod) + 1;

export const cdldojistar = defineNode({
  kind: 'indicator.cdldojistar',
  summary: 'Doji Star candlestick pattern (TA-Lib CDLDOJISTAR): +100 bullish, -100 bearish, else 0.',
  description:
    'A long candle (BodyLong) followed by a doji (BodyDoji) whose real body gaps away in the ' +
    'direction of the first: up after a white candle (-100, bearish), down after a black one ' +
    '(+100, bullish). The trend is not checked. Default TA-Lib candle settings; no output for the ' +
    'first 11 events.',
  params: Type.Object({}, { additionalProperties: false }),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: () => {
    const cs = new CandleStream(lookback);
    const bodyLong1 = cs.average(BodyLong, 1);
    const bodyDoji0 = cs.average(BodyDoji, 0);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          const color1 = cs.color(1);
          value[i] =
            cs.realBody(1) > bodyLong1.value() && // 1st: long real body
            cs.realBody(0) <= bodyDoji0.value() && // 2nd: doji
            ((color1 === 1 && cs.realBodyGapUp(0, 1)) || // that gaps up if 1st is white
              (color1 === -1 && cs.realBodyGapDown(0, 1))) // or down if 1st is black
              ? -color1 * 100
              : 0;
        }
      },
    };
  },
});
