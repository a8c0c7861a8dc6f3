import { BLOCK } from './block.js';

/**
 * Rolling extremes for the moving-average package (MIDPOINT, MIDPRICE, STOCH, STOCHF, STOCHRSI).
 *
 * - `MidRange`: (highest high + lowest low) / 2 of the last `period` events with TA-Lib MIDPRICE /
 *   MIDPOINT semantics. TA-Lib rescans the whole window at every event; this keeps the index of
 *   each extreme and rescans (a ring) only when it leaves the window, with the same results: a NaN
 *   is skipped unless it is the oldest value of the window, which makes that side NaN (TA-Lib
 *   starts its scan from the oldest value and a NaN never compares); equal extremes keep the oldest
 *   (TA-Lib compares strictly), so even signed zeros come out as TA-Lib's.
 * - `FastK`: TA-Lib's stochastic %K, (close - lowest low) / ((highest high - lowest low) / 100), 0
 *   when that range is 0, ported literally from ta_STOCH.c / ta_STOCHF.c: it keeps the index of each
 *   extreme and rescans the window (a ring) only when the extreme leaves it, so results equal
 *   TA-Lib's on any input, NaN included.
 */

/** (highest high + lowest low) / 2 over the last `period` events, TA-Lib MIDPRICE semantics. */
export class MidRange {
  readonly lookback: number;
  private readonly highs: Float64Array; // ring of the last `period` highs
  private readonly lows: Float64Array;
  private pos = 0; // ring slot of the next event
  private today = 0; // index of the next event
  private highestIdx = -1;
  private lowestIdx = -1;
  private highest = 0.0;
  private lowest = 0.0;

  constructor(readonly period: number) {
    this.lookback = period - 1;
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
  }

  /** Feeds high[from..to), low[from..to); writes the mid-range to out[from..to) (NaN during warm-up). */
  run(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    // Blocks of at most BLOCK events: V8 optimises runRange between calls (see BLOCK).
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.runRange(high, low, out, from, end);
      from = end;
    }
  }

  private runRange(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    const period = this.period;
    const lookback = this.lookback;
    const highs = this.highs;
    const lows = this.lows;
    let pos = this.pos;
    let today = this.today;
    let highestIdx = this.highestIdx;
    let lowestIdx = this.lowestIdx;
    let highest = this.highest;
    let lowest = this.lowest;
    for (let i = from; i < to; i++) {
      const h = high[i];
      const l = low[i];
      highs[pos] = h;
      lows[pos] = l;
      pos = pos + 1 === period ? 0 : pos + 1; // now the slot of the oldest event of the window
      if (today < lookback) {
        out[i] = NaN;
        today++;
        continue;
      }
      const trailingIdx = today - lookback;
      // Keep the index of each extreme; rescan (from the oldest, strict compare: the oldest of
      // equal values wins, NaN never wins) only when it leaves the window.
      if (highestIdx < trailingIdx) {
        highestIdx = trailingIdx;
        let slot = pos;
        highest = highs[slot];
        for (let j = trailingIdx + 1; j <= today; j++) {
          slot = slot + 1 === period ? 0 : slot + 1;
          const v = highs[slot];
          if (v > highest) {
            highestIdx = j;
            highest = v;
          }
        }
      } else if (h > highest) {
        highestIdx = today;
        highest = h;
      }
      if (lowestIdx < trailingIdx) {
        lowestIdx = trailingIdx;
        let slot = pos;
        lowest = lows[slot];
        for (let j = trailingIdx + 1; j <= today; j++) {
          slot = slot + 1 === period ? 0 : slot + 1;
          const v = lows[slot];
          if (v < lowest) {
            lowestIdx = j;
            lowest = v;
          }
        }
      } else if (l < lowest) {
        lowestIdx = today;
        lowest = l;
      }
      // TA-Lib starts its scan from the oldest value: a NaN there makes that side NaN.
      const oldestHigh = highs[pos];
      const oldestLow = lows[pos];
      out[i] = ((oldestHigh === oldestHigh ? highest : NaN) + (oldestLow === oldestLow ? lowest : NaN)) / 2.0;
      today++;
    }
    this.pos = pos;
    this.today = today;
    this.highestIdx = highestIdx;
    this.lowestIdx = lowestIdx;
    this.highest = highest;
    this.lowest = lowest;
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
    // Blocks of at most BLOCK events: V8 optimises runRange between calls (see BLOCK).
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.runRange(high, low, close, out, from, end);
      from = end;
    }
  }

  private runRange(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
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
