import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * Wilder-smoothed average gain and loss of the changes x[i] - x[i-1], as TA-Lib's RSI and CMO keep
 * them: the first averages are the sums of the first `period` changes divided by `period`, then
 * each is multiplied by period - 1, the new gain or loss added, and divided by period, in that
 * order (so values equal TA-Lib's to the last bit). `formula` turns the two averages into the
 * output; it is small and V8 inlines it. Output starts at event `period`.
 */
export function gainLossKernel(period: number, formula: (gain: number, loss: number) => number): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const p = period;
  const pm1 = period - 1;
  let seen = 0; // inputs consumed, counted up to period + 1
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
        value[i] = formula(gain, loss);
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
        value[i] = formula(gain, loss);
      }
      prevGain = gain;
      prevLoss = loss;
      prevValue = last;
    },
  };
}
