import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * Wilder's average true range as TA-Lib's ATR and NATR keep it: true ranges from the second event
 * (TA-Lib TRANGE: comparisons, not Math.max, so a NaN distance is skipped as in C); the first ATR
 * (event `period`) is the plain mean of the first `period` true ranges; then multiply by
 * period - 1, add the true range, divide by period. `output(atr, close)` gives the value; with
 * period 1 TA-Lib returns the raw true range, and so does this kernel.
 */
export function averageTrueRangeKernel(
  period: number,
  output: (atr: number, close: number) => number,
): Kernel<{ high: Float64Array; low: Float64Array; close: Float64Array }, { value: Float64Array }> {
  const p = period;
  const pm1 = period - 1;
  let seen = 0; // events consumed, counted up to period + 1
  let prevClose = 0.0;
  let periodTotal = 0.0;
  let prevATR = 0.0;
  return {
    step(n, _t, { high, low, close }, { value }) {
      let pc = prevClose;
      let atr = prevATR;
      let total = periodTotal;
      for (let i = 0; i < n; i++) {
        const c = close[i];
        if (seen === 0) {
          pc = c;
          seen = 1;
          value[i] = NaN;
          continue;
        }
        const h = high[i];
        const l = low[i];
        let tr = h - l;
        const val2 = Math.abs(pc - h);
        if (val2 > tr) tr = val2;
        const val3 = Math.abs(pc - l);
        if (val3 > tr) tr = val3;
        pc = c;
        if (p === 1) {
          value[i] = tr;
          continue;
        }
        if (seen > p) {
          atr *= pm1;
          atr += tr;
          atr /= p;
        } else {
          total += tr;
          seen++;
          if (seen <= p) {
            value[i] = NaN;
            continue;
          }
          atr = total / p;
        }
        value[i] = output(atr, c);
      }
      prevClose = pc;
      prevATR = atr;
      periodTotal = total;
    },
  };
}
