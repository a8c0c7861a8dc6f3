/**
 * Rolling highest / lowest value of the last `period` inputs and the event index where it
 * occurred, computed exactly the way TA-Lib's MAX, MIN, MAXINDEX, MININDEX, MINMAX and
 * MINMAXINDEX do (ta_func/ta_MAX.c and siblings), so values and tie-breaking match bit for bit:
 *
 * - TA-Lib keeps the index of the current extreme. When it falls out of the window it rescans
 *   the whole window oldest first with a strict comparison (`>` for the max, `<` for the min):
 *   among equal extremes the OLDEST wins.
 * - Otherwise the newest value replaces the extreme when `>=` (max) or `<=` (min) it: among equal
 *   values the NEWEST wins.
 * - NaN inputs follow C's comparisons (every comparison with NaN is false).
 * - Indexes are absolute: counted from the first event the kernel ever saw (TA-Lib's index when
 *   run from row 0), kept across chunks.
 *
 * Memory: a ring of `period` values. Time: O(1) per event, O(period) when the extreme leaves
 * the window (TA-Lib's own trick).
 *
 * Usage (a streaming node kernel):
 *
 *   const ex = rollingExtreme(timePeriod, { max: true, min: false });
 *   return { step: (n, _t, { series }, { value }) => ex.step(n, series, value, undefined, undefined, undefined) };
 *
 * `step(n, input, maxValue, maxIndex, minValue, minIndex)` writes rows [0, n) of each output
 * that is given (NaN during the first period - 1 events); pass `undefined` for the others.
 * Only the sides requested in `sides` are computed.
 */
export interface RollingExtreme {
  step(
    n: number,
    input: Float64Array,
    maxValue: Float64Array | undefined,
    maxIndex: Float64Array | undefined,
    minValue: Float64Array | undefined,
    minIndex: Float64Array | undefined,
  ): void;
}

export function rollingExtreme(period: number, sides: { max: boolean; min: boolean }): RollingExtreme {
  const wantMax = sides.max;
  const wantMin = sides.min;
  const pm1 = period - 1;
  const ring = new Float64Array(period); // the last `period` inputs; slot of event j = j mod period
  let pos = 0; // slot of the next event
  let seen = 0; // absolute index of the next event
  let highestIdx = -1;
  let highest = 0.0;
  let lowestIdx = -1;
  let lowest = 0.0;
  return {
    step(n, input, maxValue, maxIndex, minValue, minIndex) {
      let p = pos;
      let today = seen;
      let hiIdx = highestIdx;
      let hi = highest;
      let loIdx = lowestIdx;
      let lo = lowest;
      for (let i = 0; i < n; i++) {
        const v = input[i];
        ring[p] = v;
        const trailing = today - pm1;
        if (trailing >= 0) {
          if (wantMax) {
            if (hiIdx < trailing) {
              // The extreme left the window: rescan it oldest first (slot after `p` is the oldest).
              let s = p + 1 === period ? 0 : p + 1;
              hiIdx = trailing;
              hi = ring[s];
              for (let j = trailing + 1; j <= today; j++) {
                s = s + 1 === period ? 0 : s + 1;
                const x = ring[s];
                if (x > hi) {
                  hiIdx = j;
                  hi = x;
                }
              }
            } else if (v >= hi) {
              hiIdx = today;
              hi = v;
            }
            if (maxValue !== undefined) maxValue[i] = hi;
            if (maxIndex !== undefined) maxIndex[i] = hiIdx;
          }
          if (wantMin) {
            if (loIdx < trailing) {
              let s = p + 1 === period ? 0 : p + 1;
              loIdx = trailing;
              lo = ring[s];
              for (let j = trailing + 1; j <= today; j++) {
                s = s + 1 === period ? 0 : s + 1;
                const x = ring[s];
                if (x < lo) {
                  loIdx = j;
                  lo = x;
                }
              }
            } else if (v <= lo) {
              loIdx = today;
              lo = v;
            }
            if (minValue !== undefined) minValue[i] = lo;
            if (minIndex !== undefined) minIndex[i] = loIdx;
          }
        } else {
          if (maxValue !== undefined) maxValue[i] = NaN;
          if (maxIndex !== undefined) maxIndex[i] = NaN;
          if (minValue !== undefined) minValue[i] = NaN;
          if (minIndex !== undefined) minIndex[i] = NaN;
        }
        p = p + 1 === period ? 0 : p + 1;
        today++;
      }
      pos = p;
      seen = today;
      highestIdx = hiIdx;
      highest = hi;
      lowestIdx = loIdx;
      lowest = lo;
    },
  };
}
