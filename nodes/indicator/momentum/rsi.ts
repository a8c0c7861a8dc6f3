import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib 0.6 TA_IS_ZERO band. */
const EPSILON = 0.00000000000001; // TA_EPSILON (ta_utility.h)

export const rsi = defineNode({
  kind: 'indicator.rsi',
  summary: "Wilder's relative strength index, 0 to 100 (TA-Lib RSI).",
  description:
    'RSI = 100 * avgGain / (avgGain + avgLoss) over the changes x[i] - x[i-1] (a change < 0 is a ' +
    'loss, anything else a gain). The first averages are the plain sums of the first timePeriod ' +
    "changes divided by timePeriod; after that both are smoothed the Wilder way (multiply by " +
    'timePeriod - 1, add the new gain or loss, divide by timePeriod), in TA-Lib order, so values equal ' +
    'TA-Lib RSI (default compatibility, no unstable period) to the last bit. When avgGain + avgLoss is ' +
    'within 1e-14 of zero (a flat window) the output is 0, as in TA-Lib. No output for the first ' +
    'timePeriod events (one is consumed to form the first change). Wilder smoothing never forgets ' +
    'its seed: values depend on where the stream starts.',
  params: Type.Object(
    {
      timePeriod: Type.Integer({
        minimum: 2,
        maximum: 100000,
        default: 14,
        description: 'Number of changes averaged; Wilder smoothing factor 1 / timePeriod.',
      }),
    },
    { additionalProperties: false },
  ),
  inputs: { series: port.number() },
  outputs: { value: port.number() },
  warmup: (p) => p.timePeriod,
  create: ({ timePeriod }) => {
    const p = timePeriod;
    const pm1 = timePeriod - 1;
    let seen = 0; // inputs consumed, counted up to timePeriod + 1
    let prevValue = 0.0;
    let prevGain = 0.0;
    let prevLoss = 0.0;
    return {
      step(n, _t, { series }, { value }) {
        // Numeric state in locals for the loop (closure doubles are boxed in V8).
        let seen_ = seen;
        let prevValue_ = prevValue;
        let prevGain_ = prevGain;
        let prevLoss_ = prevLoss;
        for (let i = 0; i < n; i++) {
          const x = series[i];
          if (seen_ === 0) {
            prevValue_ = x;
            seen_ = 1;
            value[i] = NaN;
            continue;
          }
          const diff = x - prevValue_;
          prevValue_ = x;
          if (seen_ > p) {
            prevLoss_ *= pm1;
            prevGain_ *= pm1;
            if (diff < 0.0) prevLoss_ -= diff;
            else prevGain_ += diff;
            prevLoss_ /= p;
            prevGain_ /= p;
          } else {
            if (diff < 0.0) prevLoss_ -= diff;
            else prevGain_ += diff;
            seen_++;
            if (seen_ <= p) {
              value[i] = NaN;
              continue;
            }
            prevLoss_ /= p;
            prevGain_ /= p;
          }
          const total = prevGain_ + prevLoss_;
          value[i] = -EPSILON < total && total < EPSILON ? 0.0 : 100.0 * (prevGain_ / total);
        }
        seen = seen_;
        prevValue = prevValue_;
        prevGain = prevGain_;
        prevLoss = prevLoss_;
      },
    };
  },
});
