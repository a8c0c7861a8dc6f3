/**
 * Candlestick-pattern infrastructure: TA-Lib 0.6's candle settings and a streaming helper that
 * reproduces TA-Lib's candle macros and its running "period totals" bit for bit.
 *
 * TA-Lib (ta_common/ta_global.c, ta_func/ta_utility.h):
 * - TA_REALBODY(i) = |close - open|; TA_UPPERSHADOW(i) = high - max(close, open) (close >= open
 *   decides); TA_LOWERSHADOW(i) = min(close, open) - low; TA_HIGHLOWRANGE(i) = high - low;
 *   TA_CANDLECOLOR(i) = close >= open ? 1 : -1 (a doji with close == open is white).
 * - TA_CANDLERANGE(SET, i): the candle's real body, high-low range or upper + lower shadow,
 *   by the setting's range type.
 * - TA_CANDLEAVERAGE(SET, SUM, i) = factor * (avgPeriod != 0 ? SUM / avgPeriod : RANGE(i))
 *   / (rangeType == Shadows ? 2.0 : 1.0), in that order of operations.
 * - A pattern keeps, per setting and per candle of the pattern (offset k back from the current
 *   candle i), SUM = the ranges of the avgPeriod candles before candle i-k: [i-k-avgPeriod, i-k).
 *   The average therefore excludes the candle it is compared with. SUM is seeded at the first
 *   output row (TA-Lib's startIdx = the lookback when run from index 0) by adding the ranges
 *   oldest first to 0.0, and after each output row it slides with
 *   `SUM += RANGE(i-k) - RANGE(i-k-avgPeriod)` (difference first, then the add).
 *
 * Usage in a pattern kernel (TA-Lib's `i - k` is `k` candles back, 0 = current):
 *
 *   const lookback = BodyLong.avgPeriod + 2;
 *   const cs = new CandleStream(lookback);
 *   const bodyLong2 = cs.average(BodyLong, 2);   // TA_CANDLEAVERAGE(BodyLong, total, i-2)
 *   step(n, _t, { open, high, low, close }, { value }) {
 *     for (let i = 0; i < n; i++) {
 *       if (!cs.push(open[i], high[i], low[i], close[i])) { value[i] = NaN; continue; }
 *       value[i] = cs.color(2) === 1 && cs.realBody(2) > bodyLong2.value() && ... ? -100 : 0;
 *     }
 *   }
 *
 * Totals slide automatically at the next push, so a pattern never has to remember to update them.
 */
import { port } from '../../../runtime/ports.js';

/** The input ports of every candlestick pattern (TA-Lib's OHLC price input), in TA-Lib order. */
export const ohlcInputs = {
  open: port.number({ description: 'Candle open.' }),
  high: port.number({ description: 'Candle high.' }),
  low: port.number({ description: 'Candle low.' }),
  close: port.number({ description: 'Candle close.' }),
};

/** The output of every candlestick pattern: 0, or +-100 / +-80 / +-200 as TA-Lib's outInteger. */
export const patternOutputs = {
  value: port.number({ description: '0 when there is no pattern; +100 bullish, -100 bearish (TA-Lib outInteger).' }),
};

/** How a setting measures a candle (TA_RangeType). */
export const RangeType = { RealBody: 0, HighLow: 1, Shadows: 2 } as const;
export type RangeType = (typeof RangeType)[keyof typeof RangeType];

export interface CandleSetting {
  readonly name: string;
  readonly rangeType: RangeType;
  /** Number of previous candles averaged; 0 = compare with the candle's own range. */
  readonly avgPeriod: number;
  readonly factor: number;
}

const setting = (name: string, rangeType: RangeType, avgPeriod: number, factor: number): CandleSetting =>
  Object.freeze({ name, rangeType, avgPeriod, factor });

/** Real body is long when longer than the average of the 10 previous candles' real bodies. */
export const BodyLong = setting('BodyLong', RangeType.RealBody, 10, 1.0);
/** Real body is very long when longer than 3 times the average of the 10 previous real bodies. */
export const BodyVeryLong = setting('BodyVeryLong', RangeType.RealBody, 10, 3.0);
/** Real body is short when shorter than the average of the 10 previous candles' real bodies. */
export const BodyShort = setting('BodyShort', RangeType.RealBody, 10, 1.0);
/** Real body is a doji's when shorter than 10% of the average of the 10 previous high-low ranges. */
export const BodyDoji = setting('BodyDoji', RangeType.HighLow, 10, 0.1);
/** Shadow is long when longer than the real body. */
export const ShadowLong = setting('ShadowLong', RangeType.RealBody, 0, 1.0);
/** Shadow is very long when longer than 2 times the real body. */
export const ShadowVeryLong = setting('ShadowVeryLong', RangeType.RealBody, 0, 2.0);
/** Shadow is short when shorter than half the average of the 10 previous candles' sums of shadows. */
export const ShadowShort = setting('ShadowShort', RangeType.Shadows, 10, 1.0);
/** Shadow is very short when shorter than 10% of the average of the 10 previous high-low ranges. */
export const ShadowVeryShort = setting('ShadowVeryShort', RangeType.HighLow, 10, 0.1);
/** "Near": <= 20% of the average of the 5 previous candles' high-low ranges. */
export const Near = setting('Near', RangeType.HighLow, 5, 0.2);
/** "Far": >= 60% of the average of the 5 previous candles' high-low ranges. */
export const Far = setting('Far', RangeType.HighLow, 5, 0.6);
/** "Equal": <= 5% of the average of the 5 previous candles' high-low ranges. */
export const Equal = setting('Equal', RangeType.HighLow, 5, 0.05);

/** TA-Lib's default candle settings (TA_RestoreCandleDefaultSettings), by name. */
export const CandleSettings = Object.freeze({
  BodyLong,
  BodyVeryLong,
  BodyShort,
  BodyDoji,
  ShadowLong,
  ShadowVeryLong,
  ShadowShort,
  ShadowVeryShort,
  Near,
  Far,
  Equal,
});

/** Most averages one CandleStream keeps (TA-Lib's patterns use at most 9). */
export const MAX_AVERAGES = 16;

/**
 * TA_CANDLEAVERAGE for one setting, as seen from candle `offset` back of the current one:
 * `value()` is the threshold TA-Lib compares with. Created by `CandleStream.average`.
 */
export class CandleAverage {
  readonly rangeType: RangeType;
  readonly avgPeriod: number;
  readonly factor: number;
  readonly divisor: number;
  private readonly half: boolean;
  private readonly totals: Float64Array;

  constructor(
    private readonly cs: CandleStream,
    readonly setting: CandleSetting,
    /** Candles back from the current one (TA-Lib's `i - offset`). */
    readonly offset: number,
    /** @internal Index of this average's total in the stream's totals (-1 when avgPeriod is 0). */
    readonly slotIndex: number,
  ) {
    this.rangeType = setting.rangeType;
    this.avgPeriod = setting.avgPeriod;
    this.factor = setting.factor;
    this.half = setting.rangeType === RangeType.Shadows;
    this.divisor = this.half ? 2.0 : 1.0;
    this.totals = cs.totals;
  }

  /** TA-Lib's period total: the ranges of the avgPeriod candles before candle `offset` (0 when avgPeriod is 0). */
  get total(): number {
    return this.slotIndex < 0 ? 0.0 : this.totals[this.slotIndex];
  }

  /** TA_CANDLEAVERAGE(SET, total, i - offset). */
  value(): number {
    const p = this.avgPeriod;
    // factor * (SUM / avgPeriod or RANGE) / divisor; dividing by 1.0 is exact, so it is skipped.
    const v = this.factor * (p !== 0 ? this.totals[this.slotIndex] / p : this.cs.rangeOf(this.rangeType, this.offset));
    return this.half ? v / 2.0 : v;
  }

  /** TA_CANDLEAVERAGE(SET, total, i - k): same total, but RANGE(i - k) when avgPeriod is 0. */
  valueAt(k: number): number {
    const p = this.avgPeriod;
    const v = this.factor * (p !== 0 ? this.totals[this.slotIndex] / p : this.cs.rangeOf(this.rangeType, k));
    return this.half ? v / 2.0 : v;
  }
}

/**
 * A ring of the last `depth` candles plus the period totals of the averages a pattern uses.
 * Accessors take `k` = candles back from the current (last pushed) candle, 0 <= k < depth.
 *
 * Layout: one Float64Array, 8 doubles per candle (open, high, low, close and the three
 * TA_CANDLERANGE values, computed once per candle), in a ring of a power-of-two capacity
 * >= depth: the candle `k` back starts at `((pos - k) & mask) << 3`. Sliding a total costs two
 * loads.
 */
export class CandleStream {
  /** Candles pushed so far; the current candle is TA-Lib's index `count - 1`. */
  count = 0;
  /** Candles kept (the ring's capacity, a power of two >= depth). */
  readonly size: number;
  /** @internal Period totals of the averages, by CandleAverage.slotIndex. */
  readonly totals = new Float64Array(MAX_AVERAGES);
  private readonly mask: number;
  private readonly buf: Float64Array;
  private pos: number;
  /** True once the totals are seeded: every push then slides them and gives an output. */
  private live = false;
  private nAvg = 0;
  private readonly pending: CandleAverage[] = [];
  /** Per average: the column of its range type, and the ring deltas (mod size) of the range added and removed. */
  private readonly columnAt = new Int32Array(MAX_AVERAGES);
  private readonly addAt = new Int32Array(MAX_AVERAGES);
  private readonly subAt = new Int32Array(MAX_AVERAGES);

  /**
   * @param lookback TA-Lib's lookback: the first `lookback` candles get no output.
   * @param depth candles kept at least (default lookback + 1, enough for every TA-Lib pattern).
   */
  constructor(
    readonly lookback: number,
    depth = lookback + 1,
  ) {
    let size = 1;
    while (size < depth) size *= 2;
    this.size = size;
    this.mask = size - 1;
    this.buf = new Float64Array(size << 3);
    this.pos = size - 1;
  }

  /** Registers TA_CANDLEAVERAGE(setting, total, i - offset); call before the first push. */
  average(setting: CandleSetting, offset = 0): CandleAverage {
    if (offset + setting.avgPeriod > this.lookback || offset + setting.avgPeriod >= this.size) {
      throw new Error(`candle average ${setting.name} at offset ${offset} needs more than the lookback ${this.lookback}`);
    }
    if (this.count > 0) throw new Error('CandleStream.average must be called before the first push');
    const n = this.pending.length;
    if (setting.avgPeriod !== 0 && n === MAX_AVERAGES) throw new Error(`a CandleStream keeps at most ${MAX_AVERAGES} averages`);
    const a = new CandleAverage(this, setting, offset, setting.avgPeriod !== 0 ? n : -1);
    if (setting.avgPeriod !== 0) {
      this.pending.push(a);
      this.nAvg = n + 1;
      // Before the next candle is written, RANGE(i - offset) is `offset` back and the trailing
      // RANGE(i - offset - avgPeriod) is `offset + avgPeriod` back: ring deltas taken mod size.
      this.columnAt[n] = 4 + setting.rangeType;
      this.addAt[n] = -offset & this.mask;
      this.subAt[n] = -(offset + setting.avgPeriod) & this.mask;
    }
    return a;
  }

  /**
   * Adds a candle. Returns true when it gets an output (TA-Lib index >= lookback); then the
   * averages hold TA-Lib's totals for this row.
   */
  push(open: number, high: number, low: number, close: number): boolean {
    const buf = this.buf;
    const mask = this.mask;
    let pos = this.pos;
    if (this.live) {
      // TA-Lib, after each output row: total += RANGE(i - offset) - RANGE(trailing index).
      const totals = this.totals;
      const columnAt = this.columnAt;
      const addAt = this.addAt;
      const subAt = this.subAt;
      for (let a = 0; a < this.nAvg; a++) {
        const col = columnAt[a];
        totals[a] += buf[(((pos + addAt[a]) & mask) << 3) | col] - buf[(((pos + subAt[a]) & mask) << 3) | col];
      }
    }
    pos = (pos + 1) & mask;
    this.pos = pos;
    const j = pos << 3;
    const white = close >= open;
    buf[j] = open;
    buf[j | 1] = high;
    buf[j | 2] = low;
    buf[j | 3] = close;
    buf[j | 4] = Math.abs(close - open); // RealBody
    buf[j | 5] = high - low; // HighLow
    buf[j | 6] = high - (white ? close : open) + ((white ? open : close) - low); // Shadows
    this.count++;
    return this.live || this.warm();
  }

  /** Warm-up bookkeeping, off the hot path: output from index lookback on, seeding the totals there. */
  private warm(): boolean {
    if (this.count <= this.lookback) return false;
    for (let a = 0; a < this.nAvg; a++) {
      const avg = this.pending[a];
      // Seed: the ranges added oldest first to 0.0, as TA-Lib's loops.
      let total = 0.0;
      for (let k = avg.offset + avg.avgPeriod; k > avg.offset; k--) total += this.rangeOf(avg.rangeType, k);
      this.totals[a] = total;
    }
    this.live = true;
    return true;
  }

  /** Start, in the internal buffer, of the candle `k` back. */
  slot(k: number): number {
    return ((this.pos - k) & this.mask) << 3;
  }

  open(k: number): number {
    return this.buf[((this.pos - k) & this.mask) << 3];
  }
  high(k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | 1];
  }
  low(k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | 2];
  }
  close(k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | 3];
  }

  /** TA_REALBODY. */
  realBody(k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | 4];
  }
  /** TA_UPPERSHADOW. */
  upperShadow(k: number): number {
    const j = ((this.pos - k) & this.mask) << 3;
    const buf = this.buf;
    const o = buf[j];
    const c = buf[j | 3];
    return buf[j | 1] - (c >= o ? c : o);
  }
  /** TA_LOWERSHADOW. */
  lowerShadow(k: number): number {
    const j = ((this.pos - k) & this.mask) << 3;
    const buf = this.buf;
    const o = buf[j];
    const c = buf[j | 3];
    return (c >= o ? o : c) - buf[j | 2];
  }
  /** TA_HIGHLOWRANGE. */
  highLowRange(k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | 5];
  }
  /** TA_CANDLECOLOR: 1 white (close >= open), -1 black. */
  color(k: number): number {
    const j = ((this.pos - k) & this.mask) << 3;
    return this.buf[j | 3] >= this.buf[j] ? 1 : -1;
  }
  /** max(open, close): top of the real body. */
  bodyTop(k: number): number {
    const j = ((this.pos - k) & this.mask) << 3;
    const o = this.buf[j];
    const c = this.buf[j | 3];
    return o > c ? o : c;
  }
  /** min(open, close): bottom of the real body. */
  bodyBottom(k: number): number {
    const j = ((this.pos - k) & this.mask) << 3;
    const o = this.buf[j];
    const c = this.buf[j | 3];
    return o < c ? o : c;
  }

  /** TA_CANDLERANGE for a range type. */
  rangeOf(rangeType: RangeType, k: number): number {
    return this.buf[(((this.pos - k) & this.mask) << 3) | (4 + rangeType)];
  }
  /** TA_CANDLERANGE(SET, i - k). */
  range(s: CandleSetting, k: number): number {
    return this.rangeOf(s.rangeType, k);
  }

  /** TA_REALBODYGAPUP(i-k2, i-k1): min(open, close) of k2 > max(open, close) of k1. */
  realBodyGapUp(k2: number, k1: number): boolean {
    return this.bodyBottom(k2) > this.bodyTop(k1);
  }
  /** TA_REALBODYGAPDOWN(i-k2, i-k1): max(open, close) of k2 < min(open, close) of k1. */
  realBodyGapDown(k2: number, k1: number): boolean {
    return this.bodyTop(k2) < this.bodyBottom(k1);
  }
  /** TA_CANDLEGAPUP(i-k2, i-k1): low of k2 > high of k1. */
  candleGapUp(k2: number, k1: number): boolean {
    return this.low(k2) > this.high(k1);
  }
  /** TA_CANDLEGAPDOWN(i-k2, i-k1): high of k2 < low of k1. */
  candleGapDown(k2: number, k1: number): boolean {
    return this.high(k2) < this.low(k1);
  }
}
