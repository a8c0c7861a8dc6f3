import { BLOCK } from './block.js';

/**
 * The highest of one input (`high`) and the lowest of another (`low`, may be the same array) over
 * the last `period` events, or the indexes of the events holding them, found the way TA-Lib finds
 * them in MAX, MIN, MINMAX, MAXINDEX, MININDEX, MINMAXINDEX, MIDPOINT, MIDPRICE, WILLR, AROON,
 * AROONOSC and STOCH / STOCHF / STOCHRSI: keep each extreme and its index, compare each new value
 * with it, and rescan the window, oldest first, only when the extreme leaves it. Memory: two rings
 * of `period` inputs. Time: O(1) per event, O(period) per rescan (rare on market data; measured
 * faster than a monotonic deque, whose pops mispredict). Both sides share one pass: cheaper than
 * two one-sided passes.
 *
 * Those TA-Lib functions break ties between equal values differently (`ExtremeRules`); the tie
 * rule decides the index, hence when the next rescan comes, hence which of +0 and -0 is returned:
 *
 *   TA-Lib function                         onNewValue        onRescan
 *   MAX, MIN, *INDEX, MINMAX, WILLR, STOCH*  newest (>=, <=)   oldest (>, <)
 *   AROON, AROONOSC                          newest (>=, <=)   newest (>=, <=)
 *   MIDPOINT, MIDPRICE                       oldest (>, <)     oldest (>, <)
 *
 * NaN inputs compare as in C (every comparison is false). MIDPOINT and MIDPRICE scan the whole
 * window from its oldest value at every event, so a NaN there makes them NaN even when the
 * extreme is elsewhere: `nanWhenOldestIsNaN` reproduces that.
 *
 * Indexes are absolute: counted from the first event this instance saw (TA-Lib's index when run
 * from row 0).
 *
 * Speed: `run` is one loop for every rule set (the flags are loop-invariant branches). Two
 * formulas also get a loop of their own, selected by `rules.output` and fused with the formula so
 * that the extremes never go through an array: `runMidRange` (MIDPOINT, MIDPRICE: ~17% faster
 * than `run` plus a formula pass) and `runFastK` (STOCH, STOCHF, STOCHRSI: 15-25% faster). Each
 * hard-codes its tie rules (checked at construction) and is its own method, so V8 optimises it
 * for one use. Measured on Node 20: keep the warm-up test inside the main loop; a separate
 * warm-up loop made these loops up to 20% slower (a deoptimisation on the next instance's warm-up).
 */

/** Which of equal values holds the extreme: the newest (TA-Lib compares with >= / <=) or the oldest (> / <). */
export type Tie = 'newest' | 'oldest';

export interface ExtremeRules {
  /** Which of equal values holds the extreme when a new value equals it. */
  onNewValue: Tie;
  /** Which of equal values holds the extreme when it has left the window and the window is rescanned. */
  onRescan: Tie;
  /** Output NaN while the oldest value of the window is NaN (MIDPOINT, MIDPRICE). */
  nanWhenOldestIsNaN?: boolean;
  /**
   * What `run` writes: the extreme values, or the event indexes holding them. Or a fused formula,
   * written by its own method: 'midRange' (`runMidRange`, rules: oldest, oldest,
   * nanWhenOldestIsNaN) or 'fastK' (`runFastK`, rules: newest, oldest).
   */
  output: 'value' | 'index' | 'midRange' | 'fastK';
}

/** TA-Lib MIDPOINT / MIDPRICE compare strictly, and scan from the oldest value at every event. */
export const MID_RANGE_RULES: ExtremeRules = { onNewValue: 'oldest', onRescan: 'oldest', nanWhenOldestIsNaN: true, output: 'midRange' };

/** TA-Lib STOCH / STOCHF: a new equal extreme takes over (<=, >=), a rescan keeps the oldest (<, >). */
export const FAST_K_RULES: ExtremeRules = { onNewValue: 'newest', onRescan: 'oldest', output: 'fastK' };

export class RollingExtremes {
  /** Leading events without output. */
  readonly lookback: number;
  private readonly newestOnNewValue: boolean;
  private readonly newestOnRescan: boolean;
  private readonly nanWhenOldestIsNaN: boolean;
  private readonly writeIndex: boolean;
  private readonly highs: Float64Array; // the last `period` highs; event j in slot j mod period
  private readonly lows: Float64Array;
  private pos = 0; // slot of the next event
  private today = 0; // index of the next event
  private highestIdx = -1; // index of the event holding the highest; -1 before the first full window
  private lowestIdx = -1;
  private highest = 0.0;
  private lowest = 0.0;
  private range = 0.0; // runFastK: (highest - lowest) / 100, recomputed when an extreme changes

  constructor(
    readonly period: number,
    readonly rules: ExtremeRules,
  ) {
    const fused = rules.output === 'midRange' ? MID_RANGE_RULES : rules.output === 'fastK' ? FAST_K_RULES : undefined;
    if (fused !== undefined && (rules.onNewValue !== fused.onNewValue || rules.onRescan !== fused.onRescan || (rules.nanWhenOldestIsNaN === true) !== (fused.nanWhenOldestIsNaN === true))) {
      throw new Error(`RollingExtremes: output '${rules.output}' is written with the rules ${JSON.stringify(fused)} only`);
    }
    this.lookback = period - 1;
    this.newestOnNewValue = rules.onNewValue === 'newest';
    this.newestOnRescan = rules.onRescan === 'newest';
    this.nanWhenOldestIsNaN = rules.nanWhenOldestIsNaN === true;
    this.writeIndex = rules.output === 'index';
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
  }

  /**
   * Feeds rows from..to of `high` and `low`; writes the highest (value or index, see `rules.output`)
   * to rows from..to of `highestOut` and the lowest to `lowestOut`, NaN during the first
   * period - 1 events. A side whose input is `undefined` is not computed (its output is not
   * written and may be `undefined` too). An output may be an input.
   */
  run(high: Float64Array | undefined, low: Float64Array | undefined, from: number, to: number, highestOut: Float64Array | undefined, lowestOut: Float64Array | undefined): void {
    if (this.rules.output !== 'value' && this.rules.output !== 'index') throw new Error(`RollingExtremes: output '${this.rules.output}' is written by its own method`);
    // Blocks of at most BLOCK events: V8 optimises runRange between calls (see BLOCK).
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.runRange(high, low, from, end, highestOut!, lowestOut!);
      from = end;
    }
  }

  private runRange(high: Float64Array | undefined, low: Float64Array | undefined, from: number, to: number, highestOut: Float64Array, lowestOut: Float64Array): void {
    const period = this.period;
    const lookback = this.lookback;
    const newestOnNewValue = this.newestOnNewValue;
    const newestOnRescan = this.newestOnRescan;
    const nanWhenOldestIsNaN = this.nanWhenOldestIsNaN;
    const writeIndex = this.writeIndex;
    const highs = this.highs;
    const lows = this.lows;
    let pos = this.pos;
    let today = this.today;
    let highestIdx = this.highestIdx;
    let lowestIdx = this.lowestIdx;
    let highest = this.highest;
    let lowest = this.lowest;
    for (let i = from; i < to; i++) {
      const h = high !== undefined ? high[i] : 0.0;
      const l = low !== undefined ? low[i] : 0.0;
      highs[pos] = h;
      lows[pos] = l;
      pos = pos + 1 === period ? 0 : pos + 1; // now the slot of the oldest event of the window
      if (today < lookback) {
        if (high !== undefined) highestOut[i] = NaN;
        if (low !== undefined) lowestOut[i] = NaN;
        today++;
        continue;
      }
      const trailingIdx = today - lookback;
      if (high !== undefined) {
        if (highestIdx < trailingIdx) {
          // The extreme left the window (or there was none yet): rescan it, oldest first, i.e.
          // slots pos..period-1 then 0..pos-1.
          let slot = highestSlot(highs, pos + 1, period, pos, newestOnRescan);
          slot = highestSlot(highs, 0, pos, slot, newestOnRescan);
          highest = highs[slot];
          highestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
        } else if (h > highest || (newestOnNewValue && h === highest)) {
          highestIdx = today;
          highest = h;
        }
        highestOut[i] = writeIndex ? highestIdx : nanWhenOldestIsNaN && highs[pos] !== highs[pos] ? NaN : highest;
      }
      if (low !== undefined) {
        if (lowestIdx < trailingIdx) {
          let slot = lowestSlot(lows, pos + 1, period, pos, newestOnRescan);
          slot = lowestSlot(lows, 0, pos, slot, newestOnRescan);
          lowest = lows[slot];
          lowestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
        } else if (l < lowest || (newestOnNewValue && l === lowest)) {
          lowestIdx = today;
          lowest = l;
        }
        lowestOut[i] = writeIndex ? lowestIdx : nanWhenOldestIsNaN && lows[pos] !== lows[pos] ? NaN : lowest;
      }
      today++;
    }
    this.pos = pos;
    this.today = today;
    this.highestIdx = highestIdx;
    this.lowestIdx = lowestIdx;
    this.highest = highest;
    this.lowest = lowest;
  }

  /**
   * Rules MID_RANGE_RULES. Feeds rows from..to of `high` and `low`; writes (highest high + lowest
   * low) / 2 to rows from..to of `out` (NaN during the first period - 1 events; NaN on a side
   * whose oldest value is NaN, as TA-Lib MIDPRICE). `out` may be an input.
   */
  runMidRange(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
    if (this.rules.output !== 'midRange') throw new Error(`RollingExtremes: runMidRange needs output 'midRange', not '${this.rules.output}'`);
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.midRangeRange(high, low, out, from, end);
      from = end;
    }
  }

  private midRangeRange(high: Float64Array, low: Float64Array, out: Float64Array, from: number, to: number): void {
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
      // Ties: the oldest wins, on a new value (>, <) and on a rescan.
      if (highestIdx < trailingIdx) {
        let slot = highestSlot(highs, pos + 1, period, pos, false);
        slot = highestSlot(highs, 0, pos, slot, false);
        highest = highs[slot];
        highestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
      } else if (h > highest) {
        highestIdx = today;
        highest = h;
      }
      if (lowestIdx < trailingIdx) {
        let slot = lowestSlot(lows, pos + 1, period, pos, false);
        slot = lowestSlot(lows, 0, pos, slot, false);
        lowest = lows[slot];
        lowestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
      } else if (l < lowest) {
        lowestIdx = today;
        lowest = l;
      }
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

  /**
   * Rules FAST_K_RULES. Feeds rows from..to of `high`, `low` and `close`; writes TA-Lib's fast %K,
   * (close - lowest low) / ((highest high - lowest low) / 100), 0 when that range is 0, to rows
   * from..to of `out` (NaN during the first period - 1 events). `out` may be an input. As
   * ta_STOCHF.c, the range is recomputed only when an extreme changes (same bits as every event).
   */
  runFastK(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
    if (this.rules.output !== 'fastK') throw new Error(`RollingExtremes: runFastK needs output 'fastK', not '${this.rules.output}'`);
    while (from < to) {
      const end = to - from > BLOCK ? from + BLOCK : to;
      this.fastKRange(high, low, close, out, from, end);
      from = end;
    }
  }

  private fastKRange(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array, from: number, to: number): void {
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
    let range = this.range;
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
      // Ties: the newest wins on a new value (>=, <=), the oldest on a rescan (>, <).
      if (lowestIdx < trailingIdx) {
        let slot = lowestSlot(lows, pos + 1, period, pos, false);
        slot = lowestSlot(lows, 0, pos, slot, false);
        lowest = lows[slot];
        lowestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
        range = (highest - lowest) / 100.0;
      } else if (l <= lowest) {
        lowestIdx = today;
        lowest = l;
        range = (highest - lowest) / 100.0;
      }
      if (highestIdx < trailingIdx) {
        let slot = highestSlot(highs, pos + 1, period, pos, false);
        slot = highestSlot(highs, 0, pos, slot, false);
        highest = highs[slot];
        highestIdx = trailingIdx + (slot >= pos ? slot - pos : slot + period - pos);
        range = (highest - lowest) / 100.0;
      } else if (h >= highest) {
        highestIdx = today;
        highest = h;
        range = (highest - lowest) / 100.0;
      }
      out[i] = range !== 0.0 ? (close[i] - lowest) / range : 0.0;
      today++;
    }
    this.pos = pos;
    this.today = today;
    this.highestIdx = highestIdx;
    this.lowestIdx = lowestIdx;
    this.highest = highest;
    this.lowest = lowest;
    this.range = range;
  }
}

/** The slot of the highest of ring[best] and ring[from..to), scanned in order, ties as `newestWins`. */
function highestSlot(ring: Float64Array, from: number, to: number, best: number, newestWins: boolean): number {
  let extreme = ring[best];
  for (let s = from; s < to; s++) {
    const v = ring[s];
    if (v > extreme || (newestWins && v === extreme)) {
      best = s;
      extreme = v;
    }
  }
  return best;
}

/** The slot of the lowest of ring[best] and ring[from..to), scanned in order, ties as `newestWins`. */
function lowestSlot(ring: Float64Array, from: number, to: number, best: number, newestWins: boolean): number {
  let extreme = ring[best];
  for (let s = from; s < to; s++) {
    const v = ring[s];
    if (v < extreme || (newestWins && v === extreme)) {
      best = s;
      extreme = v;
    }
  }
  return best;
}
