import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';

/** TA-Lib 0.6 TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is -1e-14 < v < 1e-14. */
const TA_EPSILON = 0.00000000000001;

export const cmo = defineNode({
  kind: 'indicator.cmo',
  summary: "Chande momentum oscillator with Wilder-smoothed gains and losses, -100 to 100 (TA-Lib CMO).",
  description:
    'CMO = 100 * (avgGain - avgLoss) / (avgGain + avgLoss) over the changes x[i] - x[i-1] (a change ' +
    '< 0 is a loss, anything else a gain). As in TA-Lib (unlike Chande\'s plain sums) the averages ' +
    'are RSI\'s: the first ones are the sums of the first timePeriod changes divided by timePeriod, ' +
    'then each is smoothed the Wilder way (multiply by timePeriod - 1, add the new gain or loss, ' +
    'divide by timePeriod), in TA-Lib order, so values equal TA-Lib CMO (default compatibility) to ' +
    'the last bit. 0 when avgGain + avgLoss is within 1e-14 of zero. TA-Lib gives CMO an unstable ' +
    'period; hean uses its default, 0, so the warm-up is timePeriod events. Wilder smoothing never ' +
    'forgets its seed: values depend on where the stream starts.',
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
        // State in locals for the loop (closure doubles are boxed on every store), written back after.
        let gain = prevGain;
        let loss = prevLoss;
        let last = prevValue;
        let i = 0;
        for (; i < n && seen <= p; i++) {
          const x = series[i];
          if (seen === 0) {
            last = x;
            seen = 1;
            value[i] = NaN;
            continue;
          }
          const diff = x - last;
          last = x;
          if (diff < 0) loss -= diff;
          else gain += diff;
          seen++;
          if (seen <= p) {
            value[i] = NaN;
            continue;
          }
          loss /= p;
          gain /= p;
          const total = gain + loss;
          value[i] = -TA_EPSILON < total && total < TA_EPSILON ? 0.0 : 100.0 * ((gain - loss) / total);
        }
        for (; i < n; i++) {
          const x = series[i];
          const diff = x - last;
          last = x;
          loss *= pm1;
          gain *= pm1;
          if (diff < 0) loss -= diff;
          else gain += diff;
          loss /= p;
          gain /= p;
          const total = gain + loss;
          value[i] = -TA_EPSILON < total && total < TA_EPSILON ? 0.0 : 100.0 * ((gain - loss) / total);
        }
        prevGain = gain;
        prevLoss = loss;
        prevValue = last;
      },
    };
  },
});
