import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { BodyLong, CandleStream, ohlcInputs, patternOutputs } from '../kernels/candle.js';

const lookback = BodyLong.avgPeriod + 1;

export const cdldarkcloudcover = defineNode({
  kind: 'indicator.cdldarkcloudcover',
  summary: 'Dark Cloud Cover candlestick pattern (TA-Lib CDLDARKCLOUDCOVER): -100 where it completes, else 0.',
  description:
    'A long white candle (real body above the BodyLong average of the 10 candles before it), then ' +
    'a black candle opening above its high and closing within its real body, below its close by ' +
    'more than penetration times its real body (but above its open). Always bearish (-100); the ' +
    'trend is not checked. Default TA-Lib candle settings; no output for the first 11 events.',
  params: Type.Object(
    {
      penetration: Type.Number({
        minimum: 0,
        maximum: 3e37,
        default: 0.5,
        description: "How far the black candle closes into the white candle's real body, as a fraction of it.",
      }),
    },
    { additionalProperties: false },
  ),
  inputs: ohlcInputs,
  outputs: patternOutputs,
  warmup: () => lookback,
  create: ({ penetration }) => {
    const cs = new CandleStream(lookback);
    const bodyLong1 = cs.average(BodyLong, 1);
    return {
      step(n, _t, { open, high, low, close }, { value }) {
        for (let i = 0; i < n; i++) {
          if (!cs.push(open[i], high[i], low[i], close[i])) {
            value[i] = NaN;
            continue;
          }
          value[i] =
            cs.color(1) === 1 && // 1st: white
            cs.realBody(1) > bodyLong1.value() && //      long
            cs.color(0) === -1 && // 2nd: black
            cs.open(0) > cs.high(1) && //      open above prior high
            cs.close(0) > cs.open(1) && //      close within prior body
            cs.close(0) < cs.close(1) - cs.realBody(1) * penetration
              ? -100
              : 0;
        }
      },
    };
  },
});
