import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

export const atr = defineNode({
  kind: 'indicator.atr',
  summary: "Wilder's average true range (TA-Lib ATR).",
  description:
    'True range from the second event on: the greatest of high - low, |previous close - high| and ' +
    '|previous close - low| (TA-Lib TRANGE, compared in that order). The first ATR, at event ' +
    'timePeriod, is the plain mean of the first timePeriod true ranges; after that it is smoothed the ' +
    'Wilder way (multiply by timePeriod - 1, add the true range, divide by timePeriod), in TA-Lib ' +
    'order, so values equal TA-Lib ATR (no unstable period) to the last bit. With timePeriod 1 the ' +
    'output is the true range itself. No output for the first timePeriod events. Wilder smoothing ' +
    'never forgets its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 1,
        maximum: 100000,
        default: 14,
        description: 'Number of true ranges averaged; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), close: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const pm1 = timePeriod - 1;
    let seen = 0; // events consumed, counted up to timePeriod + 1
    let prevClose = 0.0;
    let periodTotal = 0.0;
    let prevATR = 0.0;
    return {
      step(n, _t, { high, low, close }, { value }) {
        // Numeric state in locals for the loop (closure doubles are boxed in V8).
        let seen_ = seen;
        let prevClose_ = prevClose;
        let periodTotal_ = periodTotal;
        let prevATR_ = prevATR;
        for (let i = 0; i < n; i++) {
          if (seen_ === 0) {
            prevClose_ = close[i];
            seen_ = 1;
            value[i] = NaN;
            continue;
          }
          const h = high[i];
          const l = low[i];
          // TA-Lib TRANGE: comparisons (not Math.max), so a NaN distance is skipped as in C.
          let tr = h - l;
          const val2 = Math.abs(prevClose_ - h);
          if (val2 > tr) tr = val2;
          const val3 = Math.abs(prevClose_ - l);
          if (val3 > tr) tr = val3;
          prevClose_ = close[i];
          if (p === 1) {
            value[i] = tr; // TA-Lib returns TRANGE when no smoothing is needed
          } else if (seen_ > p) {
            prevATR_ *= pm1;
            prevATR_ += tr;
            prevATR_ /= p;
            value[i] = prevATR_;
          } else {
            periodTotal_ += tr;
            seen_++;
            if (seen_ > p) {
              prevATR_ = periodTotal_ / p;
              value[i] = prevATR_;
            } else {
              value[i] = NaN;
            }
          }
        }
        seen = seen_;
        prevClose = prevClose_;
        periodTotal = periodTotal_;
        prevATR = prevATR_;
      },
    };
  },
});
