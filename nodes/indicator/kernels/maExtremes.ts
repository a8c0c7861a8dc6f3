/**
 * Rolling extremes for the moving-average package (MIDPOINT, MIDPRICE, STOCH, STOCHF, STOCHRSI).
 *
 * - `MidRange`: (highest high + lowest low) / 2 of the last `period` events with TA-Lib MIDPRICE /
 *   MIDPOINT semantics, in O(1) amortised time (two monotonic deques in rings): a NaN is skipped
 *   unless it is the oldest value of the window, which makes that side NaN (TA-Lib starts its scan
 *   from the oldest value and a NaN never compares); equal extremes keep the oldest (TA-Lib compares
 *   strictly), so even signed zeros come out as TA-Lib's.
 * - `FastK`: TA-Lib's stochastic %K, (close - lowest low) / ((highest high - lowest low) / 100), 0
 *   when that range is 0, ported literally from ta_STOCH.c / ta_STOCHF.c: it keeps the index of each
 *   extreme and rescans the window (a ring) only when the extreme leaves it, so results equal
 *   TA-Lib's on any input, NaN included.
 */

/** (highest high + lowest low) / 2 over the last `period` events, TA-Lib MIDPRICE semantics. */
export class MidRange {
  readonly lookback: number;
  private readonly maxValues: Float64Array;
  private readonly maxIndex: Float64Array;
  private readonly minValues: Float64Array;
  private readonly minIndex: Float64Array;
  private readonly highNaN: Uint8Array; // ring: was the high of this event NaN
  private readonly lowNaN: Uint8Array;
  private pos = 0; // ring slot of the next event
  private count = 0; // events so far
  private maxHead = 0;
  private maxSize = 0;
  private minHead = 0;
  private minSize = 0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.maxValues = new Float64Array(period);
    this.maxIndex = new Float64Array(period);
    this.minValues = new Float64Array(period);
    this.minIndex = new Float64Array(period);
    this.highNaN = new Uint8Array(period);
    this.lowNaN = new Uint8Array(period);
  }

  /** Feeds high[from..to), low[from..to); writes the mid-range to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    const period = this.period;
    const lookback = this.lookback;
    const maxValues = this.maxValues;
    const maxIndex = this.maxIndex;
    const minValues = this.minValues;
    const minIndex = this.minIndex;
    const highNaN = this.highNaN;
    const lowNaN = this.lowNaN;
    let pos = this.pos;
    let count = this.count;
    let maxHead = this.maxHead;
    let maxSize = this.maxSize;
    let minHead = this.minHead;
    let minSize = this.minSize;
    for (let i = from; i < to; i++) {
      const h = high[i];
      const l = low[i];
      const expired = count - period; // events at or before this index left the window
      // Highest high: drop the expired front, then the back values below h (equal ones stay: oldest wins).
      if (maxSize > 0 && maxIndex[maxHead] <= expired) {
        maxHead = maxHead + 1 === period ? 0 : maxHead + 1;
        maxSize--;
      }
      if (h === h) {
        let back = maxHead + maxSize - 1;
        if (back >= period) back -= period;
        while (maxSize > 0 && maxValues[back] < h) {
          maxSize--;
          back = back === 0 ? period - 1 : back - 1;
        }
        let slot = maxHead + maxSize;
        if (slot >= period) slot -= period;
        maxValues[slot] = h;
        maxIndex[slot] = count;
        maxSize++;
        highNaN[pos] = 0;
      } else {
        highNaN[pos] = 1;
      }
      // Lowest low, mirrored.
      if (minSize > 0 && minIndex[minHead] <= expired) {
        minHead = minHead + 1 === period ? 0 : minHead + 1;
        minSize--;
      }
      if (l === l) {
        let back = minHead + minSize - 1;
        if (back >= period) back -= period;
        while (minSize > 0 && minValues[back] > l) {
          minSize--;
          back = back === 0 ? period - 1 : back - 1;
        }
        let slot = minHead + minSize;
        if (slot >= period) slot -= period;
        minValues[slot] = l;
        minIndex[slot] = count;
        minSize++;
        lowNaN[pos] = 0;
      } else {
        lowNaN[pos] = 1;
      }
      pos = pos + 1 === period ? 0 : pos + 1;
      if (count >= lookback) {
        // After advancing, `pos` is the slot of the oldest event of the window.
        const highest = highNaN[pos] === 1 ? NaN : maxValues[maxHead];
        const lowest = lowNaN[pos] === 1 ? NaN : minValues[minHead];
        out[i] = (highest + lowest) / 2.0;
      } else {
        out[i] = NaN;
      }
      count++;
    }
    this.pos = pos;
    this.count = count;
    this.maxHead = maxHead;
    this.maxSize = maxSize;
    this.minHead = minHead;
    this.minSize = minSize;
  }
}

/** TA-Lib's fast %K over the last `period` events (ta_STOCHF.c loop), with its extreme-index trick. */
export class FastK {
  readonly lookback: number;
  private readonly highs: Float64Array; // ring of the last `period` highs
  private readonly lows: Float64Array;
  private pos = 0; // ring slot of the next event
  private today = 0; // index of the next event
  private lowestIdx = -1;
  private highestIdx = -1;
  private lowest = 0.0;
  private highest = 0.0;
  private diff = 0.0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
  }

  /** Feeds rows from..to of high, low, close; writes %K to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
    const period = this.period;
    const lookback = this.lookback;
    const highs = this.highs;
    const lows = this.lows;
    let pos = this.pos;
    let today = this.today;
    let lowestIdx = this.lowestIdx;
    let highestIdx = this.highestIdx;
    let lowest = this.lowest;
    let highest = this.highest;
    let diff = this.diff;
    for (let i = from; i < to; i++) {
      const l = low[i];
      const h = high[i];
      lows[pos] = l;
      highs[pos] = h;
      pos = pos + 1 === period ? 0 : pos + 1; // now the slot of the oldest event of the window
      if (today < lookback) {
        out[i] = NaN;
        today++;
        continue;
      }
      const trailingIdx = today - lookback;
      if (lowestIdx < trailingIdx) {
        lowestIdx = trailingIdx;
        let s = pos;
        lowest = lows[s];
        for (let j = trailingIdx + 1; j <= today; j++) {
          s = s + 1 === period ? 0 : s + 1;
          const tmp = lows[s];
          if (tmp < lowest) {
            lowestIdx = j;
            lowest = tmp;
          }
        }
        diff = (highest - lowest) / 100.0;
      } else if (l <= lowest) {
        lowestIdx = today;
        lowest = l;
        diff = (highest - lowest) / 100.0;
      }
      if (highestIdx < trailingIdx) {
        highestIdx = trailingIdx;
        let s = pos;
        highest = highs[s];
        for (let j = trailingIdx + 1; j <= today; j++) {
          s = s + 1 === period ? 0 : s + 1;
          const tmp = highs[s];
          if (tmp > highest) {
            highestIdx = j;
            highest = tmp;
          }
        }
        diff = (highest - lowest) / 100.0;
      } else if (h >= highest) {
        highestIdx = today;
        highest = h;
        diff = (highest - lowest) / 100.0;
      }
      out[i] = diff !== 0.0 ? (close[i] - lowest) / diff : 0.0;
      today++;
    }
    this.pos = pos;
    this.today = today;
    this.lowestIdx = lowestIdx;
    this.highestIdx = highestIdx;
    this.lowest = lowest;
    this.highest = highest;
    this.diff = diff;
  }
}
