import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * Least-squares line through the last `period` inputs, as TA-Lib's LINEARREG, LINEARREG_SLOPE,
 * LINEARREG_ANGLE, LINEARREG_INTERCEPT and TSF compute it (ta_func/ta_LINEARREG.c and siblings),
 * bit for bit: at every event SumY and SumXY are recomputed from scratch over the window, oldest
 * first, with x = the age of the value (period - 1 for the oldest, 0 for the newest); then
 *   m = (period * SumXY - SumX * SumY) / Divisor,  b = (SumY - m * SumX) / period,
 * with SumX = period (period - 1) / 2, SumXSqr = period (period - 1) (2 period - 1) / 6 and
 * Divisor = SumX^2 - period * SumXSqr (so m is the slope per event, oldest to newest).
 *
 * Outputs by `output`: 'linearreg' b + m (period - 1) (the line at the newest event),
 * 'tsf' b + m period (one event ahead), 'intercept' b, 'slope' m, 'angle' atan(m) in degrees.
 *
 * TA-Lib computes SumXSqr in 32-bit integer arithmetic, which overflows for period > 1290 (the
 * npm build's results are then wrong); this kernel computes it exactly in doubles, identical to
 * TA-Lib for period <= 1290.
 *
 * Memory: a ring of `period` values; time O(period) per event, as TA-Lib.
 * Usage: `create: ({ timePeriod }) => linearRegKernel(timePeriod, 'slope')`.
 */
export type LinearRegOutput = 'linearreg' | 'tsf' | 'intercept' | 'slope' | 'angle';

export function linearRegKernel(period: number, output: LinearRegOutput): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const mode = output === 'linearreg' ? 0 : output === 'tsf' ? 1 : output === 'intercept' ? 2 : output === 'slope' ? 3 : 4;
  const pm1 = period - 1;
  const sumX = period * (period - 1) * 0.5;
  const sumXSqr = (period * (period - 1) * (2 * period - 1)) / 6;
  const divisor = sumX * sumX - period * sumXSqr;
  const toDegrees = 180.0 / Math.PI; // TA-Lib: std_atan(m) * (180.0 / PI)
  const ring = new Float64Array(period);
  let pos = 0; // slot of the next event; after writing, the slot after it holds the oldest value
  let seen = 0; // events consumed, counted up to period - 1
  return {
    step(n, _t, { series }, { value }) {
      let p = pos;
      let s = seen;
      for (let i = 0; i < n; i++) {
        ring[p] = series[i];
        p = p + 1 === period ? 0 : p + 1;
        if (s < pm1) {
          s++;
          value[i] = NaN;
          continue;
        }
        // Oldest first: slots p .. period-1 then 0 .. p-1, with weights pm1 down to 0.
        let sumXY = 0.0;
        let sumY = 0.0;
        let w = pm1;
        for (let k = p; k < period; k++) {
          const y = ring[k];
          sumY += y;
          sumXY += w * y;
          w--;
        }
        for (let k = 0; k < p; k++) {
          const y = ring[k];
          sumY += y;
          sumXY += w * y;
          w--;
        }
        const m = (period * sumXY - sumX * sumY) / divisor;
        switch (mode) {
          case 0:
            value[i] = (sumY - m * sumX) / period + m * pm1;
            break;
          case 1:
            value[i] = (sumY - m * sumX) / period + m * period;
            break;
          case 2:
            value[i] = (sumY - m * sumX) / period;
            break;
          case 3:
            value[i] = m;
            break;
          default:
            value[i] = Math.atan(m) * toDegrees;
        }
      }
      pos = p;
      seen = s;
    },
  };
}
