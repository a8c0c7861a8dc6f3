/*
 * Small loops shared by the kinds built on moving averages (MACDEXT, MACDFIX, APO, PPO, TRIX,
 * STOCH...). Module functions rather than loops inside each kind's `step` closure: one hot,
 * monomorphic copy that V8 keeps optimised whatever the number of node instances.
 */

/** out[from..to) = NaN. */
export function fillNaN(out: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) out[i] = NaN;
}

/** a[i] = a[i] - b[i] over [from, to). */
export function subtractInPlace(a: Float64Array, b: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) a[i] = a[i] - b[i];
}

/** b[i] = a[i] - b[i] over [from, to). */
export function subtractFromInPlace(a: Float64Array, b: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) b[i] = a[i] - b[i];
}

/** MACD outputs over [from, to): outMacd = macd, outHist = macd - signal (signal already in place). */
export function macdOutputs(macd: Float64Array, signal: Float64Array, outMacd: Float64Array, outHist: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const m = macd[i];
    outMacd[i] = m;
    outHist[i] = m - signal[i];
  }
}
