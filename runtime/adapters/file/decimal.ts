/**
 * Decimal text to the double Number() gives for it, read from bytes without building a string.
 *
 * The readers' fast path (Clinger) covers `[-]digits[.digits]` whose digits form an integer
 * mantissa m < 2^53 with k <= 22 decimals: m and 10^k are exact doubles, so m / 10^k is one
 * correctly rounded division. That is every field of at most 15 significant digits, exchange
 * prices with 8 decimals among them. quotient() takes mantissas from 2^53 to 2^64 (up to 19
 * significant digits; String(x) writes up to 17): the mantissa as an exact sum of two doubles,
 * divided by 10^k in double-double arithmetic (error below 2^-102 relative), rounded once. When
 * the quotient is too close to a rounding boundary for that error bound to decide (a tie such as
 * 2251799813685248.25, else about one value in 2^45), it returns NaN and the caller asks Number().
 */

/** Exact powers of ten: every 10^k with k <= 22 is exactly representable as a double. */
export const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10[k] = p;
export const TWO_53 = 9007199254740992;

/** Veltkamp's constant 2^27 + 1: x * SPLIT splits a double into two halves of 26 bits. */
const SPLIT = 134217729;
const POW10_HI = new Float64Array(23);
const POW10_LO = new Float64Array(23);
for (let k = 0; k <= 22; k++) {
  const t = SPLIT * POW10[k];
  POW10_HI[k] = t - (t - POW10[k]);
  POW10_LO[k] = POW10[k] - POW10_HI[k];
}
/** 16 times the double-double quotient's error bound (2^-102), relative. */
const TOLERANCE = 2 ** -98;

/**
 * The value of bytes [start, end), known to be `[-]digits[.digits]` (or `.digits`, `digits.`) with
 * at least one digit, exactly as Number() reads it; NaN when it has more than 19 significant
 * digits or more than 22 decimals once the zeros ending its fraction are dropped, or when the
 * rounding cannot be decided here (the caller then uses Number()).
 */
export function longDecimal(b: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  let dot = -1;
  for (let j = i; j < end; j++) {
    if (b[j] === 46) {
      dot = j;
      break;
    }
  }
  // Zeros that end the fraction change nothing; without them more texts fit the two paths below.
  let last = end;
  let decimals = 0;
  if (dot >= 0) {
    while (last > dot + 1 && b[last - 1] === 48) last--;
    decimals = last - dot - 1;
  }
  let high = 0; // the first 15 significant digits
  let low = 0; // the ones after them
  let digits = 0;
  for (let j = i; j < last; j++) {
    const d = b[j] - 48;
    if (d < 0 || (d === 0 && digits === 0)) continue; // the dot, a leading zero
    digits++;
    if (digits <= 15) high = high * 10 + d;
    else low = low * 10 + d;
  }
  if (digits > 19 || decimals > 22) return NaN;
  const v = digits <= 15 ? high / POW10[decimals] : quotient(high, digits - 15, low, decimals);
  return negative ? -v : v;
}

/**
 * (a * 10^j + b) / 10^k correctly rounded, for whole a, b < 2^53 and j, k <= 22 with
 * a * 10^j + b < 2^64; NaN when too close to a rounding boundary to decide.
 */
export function quotient(a: number, j: number, b: number, k: number): number {
  // w = a * 10^j + b exactly, as wh + wl (|wl| <= ulp(wh) / 2): Dekker's product of a and 10^j
  // (p + pe), then Knuth's sum with b (s + se). Below 2^64 the low parts are integers under 2^11.
  const scale = POW10[j];
  const p = a * scale;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  const pe = ah * POW10_HI[j] - p + ah * POW10_LO[j] + al * POW10_HI[j] + al * POW10_LO[j];
  const s = p + b;
  const sb = s - p;
  const se = p - (s - sb) + (b - sb);
  const tail = se + pe; // exact: integers below 2^11
  const wh = s + tail;
  if (k === 0) return wh; // wh is w rounded once
  const wl = tail - (wh - s);
  // Double-double division by 10^k: q1 + q2 within 2^-102 of w / 10^k.
  const d = POW10[k];
  const q1 = wh / d;
  t = SPLIT * q1;
  const qh = t - (t - q1);
  const ql = q1 - qh;
  const ph = q1 * d;
  const pl = qh * POW10_HI[k] - ph + qh * POW10_LO[k] + ql * POW10_HI[k] + ql * POW10_LO[k]; // q1 * d = ph + pl exactly
  const q2 = (wh - ph - pl + wl) / d; // wh - ph is exact (Sterbenz)
  // Every value within the tolerance of q1 + q2, the exact quotient among them, rounds alike: that is the answer.
  const tol = q1 * TOLERANCE;
  const up = q1 + (q2 + tol);
  return up === q1 + (q2 - tol) ? up : NaN;
}
