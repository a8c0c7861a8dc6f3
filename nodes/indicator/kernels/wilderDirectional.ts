import { TA_EPSILON } from './taEpsilon.js';
/**
 * Wilder's directional movement and true range, smoothed the way TA-Lib 0.6 does it in
 * PLUS_DM / MINUS_DM / PLUS_DI / MINUS_DI / DX / ADX / ADXR (unstable period 0). Shared by those
 * seven node kinds of the momentum package.
 *
 * Per bar (from the second on): diffP = high - prevHigh, diffM = prevLow - low; the bar's -DM is
 * diffM when diffM > 0 and diffP < diffM, its +DM is diffP when diffP > 0 and diffP > diffM
 * (else 0); its true range is max(high - low, |high - prevClose|, |low - prevClose|) compared in
 * that order. Bars 1 .. period-1 are summed as they are; from bar `period` on each running value
 * is smoothed as x = x - x / period + today's, in TA-Lib's order of operations, so results are
 * bit-identical to TA-Lib's.
 *
 * Usage: `const w = new WilderDirectional(period); w.push(high, low, close)` (or `w.pushDM(high,
 * low)` without a close) once per bar; then `w.bars` (bars pushed), the running `w.plusDM`,
 * `w.minusDM`, `w.trueRange` (summed while bars <= period, smoothed after), this bar's own
 * `w.plusDM1`, `w.minusDM1`, `w.trueRange1`, and `w.dx()` (DX of the running values, `NO_DX` when
 * TA-Lib skips it). `directionalIndicator(dm, tr)` is TA-Lib's 100 * DM / TR with its zero guard.
 * PLUS_DM/MINUS_DM output from bar period - 1, DI and DX from bar period, ADX from 2 * period - 1.
 */

/** DX of one bar; `NO_DX` when TA-Lib skips it (true range or +DI + -DI within TA_EPSILON of 0). */
export const NO_DX = -1.0;

export class WilderDirectional {
  /** Running (summed, then Wilder-smoothed) +DM, -DM and true range after the last push. */
  plusDM = 0.0;
  minusDM = 0.0;
  trueRange = 0.0;
  /** This bar's own +DM, -DM and true range (0 on the first bar). */
  plusDM1 = 0.0;
  minusDM1 = 0.0;
  trueRange1 = 0.0;
  /** Bars pushed so far. */
  bars = 0;
  private prevHigh = 0.0;
  private prevLow = 0.0;
  private prevClose = 0.0;

  constructor(readonly period: number) {}

  /** Pushes one bar (high, low, close): updates the DMs and the true range. */
  push(high: number, low: number, close: number): void {
    if (this.bars === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.prevClose = close;
      this.bars = 1;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    let plus = 0.0;
    let minus = 0.0;
    if (diffM > 0 && diffP < diffM) minus = diffM;
    else if (diffP > 0 && diffP > diffM) plus = diffP;
    // TA-Lib TRUE_RANGE(TH, TL, YC): comparisons, not Math.max (a NaN distance is skipped as in C).
    const prevClose = this.prevClose;
    let tr = high - low;
    let t = Math.abs(high - prevClose);
    if (t > tr) tr = t;
    t = Math.abs(low - prevClose);
    if (t > tr) tr = t;
    this.prevClose = close;
    this.plusDM1 = plus;
    this.minusDM1 = minus;
    this.trueRange1 = tr;
    const p = this.period;
    if (this.bars < p) {
      this.plusDM += plus;
      this.minusDM += minus;
      this.trueRange += tr;
    } else {
      this.plusDM = this.plusDM - this.plusDM / p + plus;
      this.minusDM = this.minusDM - this.minusDM / p + minus;
      this.trueRange = this.trueRange - this.trueRange / p + tr;
    }
    this.bars++;
  }

  /** Pushes one bar without a close (PLUS_DM / MINUS_DM): the true range is not kept. */
  pushDM(high: number, low: number): void {
    if (this.bars === 0) {
      this.prevHigh = high;
      this.prevLow = low;
      this.bars = 1;
      return;
    }
    const diffP = high - this.prevHigh;
    const diffM = this.prevLow - low;
    this.prevHigh = high;
    this.prevLow = low;
    let plus = 0.0;
    let minus = 0.0;
    if (diffM > 0 && diffP < diffM) minus = diffM;
    else if (diffP > 0 && diffP > diffM) plus = diffP;
    this.plusDM1 = plus;
    this.minusDM1 = minus;
    const p = this.period;
    if (this.bars < p) {
      this.plusDM += plus;
      this.minusDM += minus;
    } else {
      this.plusDM = this.plusDM - this.plusDM / p + plus;
      this.minusDM = this.minusDM - this.minusDM / p + minus;
    }
    this.bars++;
  }

  /**
   * DX from the running values: 100 * |-DI - +DI| / (-DI + +DI) with DI = 100 * DM / TR, in
   * TA-Lib's order; `NO_DX` when TA-Lib skips the bar (TR or -DI + +DI within TA_EPSILON of 0).
   */
  dx(): number {
    const tr = this.trueRange;
    if (-TA_EPSILON < tr && tr < TA_EPSILON) return NO_DX;
    const minusDI = 100.0 * (this.minusDM / tr);
    const plusDI = 100.0 * (this.plusDM / tr);
    const sum = minusDI + plusDI;
    if (-TA_EPSILON < sum && sum < TA_EPSILON) return NO_DX;
    return 100.0 * (Math.abs(minusDI - plusDI) / sum);
  }
}

/** TA-Lib's DI from a DM and a true range: 100 * DM / TR, 0 when TR is within TA_EPSILON of 0. */
export function directionalIndicator(dm: number, tr: number): number {
  return -TA_EPSILON < tr && tr < TA_EPSILON ? 0.0 : 100.0 * (dm / tr);
}
