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
