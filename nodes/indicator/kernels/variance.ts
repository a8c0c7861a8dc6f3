import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * Population variance of the last `period` inputs the way TA-Lib's internal INT_VAR computes it
 * (ta_func/ta_VAR.c), bit for bit: running sums of x and x*x (add the newest, output, then
 * subtract the oldest), variance = sum(x*x)/period - (sum(x)/period)^2.
 *
 * `stdDevOf = undefined` outputs the variance (TA-Lib VAR: nbDev is ignored). A number outputs
 * TA-Lib STDDEV: sqrt(variance) * nbDev, or 0 when the variance is below TA-Lib's epsilon 1e-14
 * (zero or negative from rounding).
 *
 * Memory: a ring of `period` values; O(1) per event.
 * Usage: `create: ({ timePeriod, nbDev }) => varianceKernel(timePeriod, nbDev)`.
 */
export function varianceKernel(period: number, stdDevOf: number | undefined): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const isStdDev = stdDevOf !== undefined;
  const nbDev = stdDevOf ?? 1.0;
  const pm1 = period - 1;
  const ring = new Float64Array(period);
  let pos = 0;
  let seen = 0; // events consumed, counted up to period - 1
  let total1 = 0.0;
  let total2 = 0.0;
  return {
    step(n, _t, { series }, { value }) {
      let p = pos;
      let s = seen;
      let t1 = total1;
      let t2 = total2;
      for (let i = 0; i < n; i++) {
        const x = series[i];
        t1 += x;
        t2 += x * x;
        ring[p] = x;
        p = p + 1 === period ? 0 : p + 1;
        if (s < pm1) {
          s++;
          value[i] = NaN;
          continue;
        }
        const mean1 = t1 / period;
        const mean2 = t2 / period;
        const old = ring[p]; // the oldest value of the window, leaving it
        t1 -= old;
        t2 -= old * old;
        const variance = mean2 - mean1 * mean1;
        if (isStdDev) value[i] = variance < 1e-14 ? 0.0 : Math.sqrt(variance) * nbDev;
        else value[i] = variance;
      }
      pos = p;
      seen = s;
      total1 = t1;
      total2 = t2;
    },
  };
}
