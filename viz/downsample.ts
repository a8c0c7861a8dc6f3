/**
 * Downsampling for display (never for metrics). A chart a thousand pixels wide cannot show a
 * million points; sending them all makes a page slow to load and to draw. The series is cut into
 * `buckets` equal runs of indices and each run keeps its first and last point and, for every
 * series given, the points of its minimum and maximum, in index order (the "M4" reduction). A
 * line through those points covers the same pixels as the full series at about one bucket per
 * pixel, so a spike or a crash survives however short it is. Every kept point is an exact point
 * of the data (same index in every series), so series stay aligned on their shared x.
 */

/** Default bucket count for report charts: about one bucket per 1-2 pixels of a wide chart. */
export const DISPLAY_BUCKETS = 700;

/** Indices to keep, strictly increasing. A series of at most 4 points per bucket is kept whole. */
export function downsampleIndices(n: number, series: readonly ArrayLike<number>[], buckets = DISPLAY_BUCKETS): Uint32Array {
  if (n <= 0) return new Uint32Array(0);
  if (buckets < 1 || n <= buckets * 4) return Uint32Array.from({ length: n }, (_, i) => i);
  const out = new Uint32Array(buckets * (2 + 2 * series.length));
  let count = 0;
  const picks: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * n) / buckets);
    const hi = Math.floor(((b + 1) * n) / buckets); // exclusive
    if (hi <= lo) continue;
    picks.length = 0;
    picks.push(lo, hi - 1);
    for (const s of series) {
      let min = Infinity;
      let max = -Infinity;
      let iMin = -1;
      let iMax = -1;
      for (let i = lo; i < hi; i++) {
        const v = s[i];
        if (v < min) {
          min = v;
          iMin = i;
        }
        if (v > max) {
          max = v;
          iMax = i;
        }
      }
      if (iMin >= 0) picks.push(iMin);
      if (iMax >= 0) picks.push(iMax);
    }
    picks.sort((a, b2) => a - b2);
    for (let k = 0; k < picks.length; k++) if (k === 0 || picks[k] !== picks[k - 1]) out[count++] = picks[k];
  }
  return out.slice(0, count);
}

/** `values` at `indices`, rounded to `digits` significant digits (display only); NaN becomes null. */
export function pick(values: ArrayLike<number>, indices: ArrayLike<number>, digits = 8): (number | null)[] {
  const out = new Array<number | null>(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = roundSignificant(values[indices[k]], digits);
  return out;
}

/** A finite number to `digits` significant digits, as a plain JS number; NaN and ±∞ become null. */
export function roundSignificant(v: number, digits: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return 0;
  return Number(v.toPrecision(digits));
}
