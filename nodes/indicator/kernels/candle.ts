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

/**
 * TA_CANDLEAVERAGE for one setting, as seen from candle `offset` back of the current one:
 * `value()` is the threshold TA-Lib compares with. Created by `CandleStream.average`.
 */
export class CandleAverage {
  /** TA-Lib's period total: the ranges of the avgPeriod candles before candle `offset`. */
  total = 0.0;
  readonly rangeType: RangeType;
  readonly avgPeriod: number;
  readonly factor: number;
  readonly divisor: number;

  constructor(
    private readonly cs: CandleStream,
    readonly setting: CandleSetting,
    /** Candles back from the current one (TA-Lib's `i - offset`). */
    readonly offset: number,
  ) {
    this.rangeType = setting.rangeType;
    this.avgPeriod = setting.avgPeriod;
    this.factor = setting.factor;
    this.divisor = setting.rangeType === RangeType.Shadows ? 2.0 : 1.0;
  }

  /** TA_CANDLEAVERAGE(SET, total, i - offset). */
  value(): number {
    const p = this.avgPeriod;
    return (this.factor * (p !== 0 ? this.total / p : this.cs.rangeOf(this.rangeType, this.offset))) / this.divisor;
  }

  /** TA_CANDLEAVERAGE(SET, total, i - k): same total, but RANGE(i - k) when avgPeriod is 0. */
  valueAt(k: number): number {
    const p = this.avgPeriod;
    return (this.factor * (p !== 0 ? this.total / p : this.cs.rangeOf(this.rangeType, k))) / this.divisor;
  }

  /** @internal Seed at the first output row: sum of ranges oldest first, as TA-Lib's loop. */
  seed(): void {
    const p = this.avgPeriod;
    let total = 0.0;
    for (let k = this.offset + p; k > this.offset; k--) total += this.cs.rangeOf(this.rangeType, k);
    this.total = total;
  }

  /** @internal Slide after an output row (before the next candle is written). */
  slide(): void {
    const t = this.rangeType;
    this.total += this.cs.rangeOf(t, this.offset) - this.cs.rangeOf(t, this.offset + this.avgPeriod);
  }
}

/**
 * A ring of the last `depth` candles plus the period totals of the averages a pattern uses.
 * Accessors take `k` = candles back from the current (last pushed) candle, 0 <= k < depth.
 */
export class CandleStream {
  /** Candles pushed so far; the current candle is TA-Lib's index `count - 1`. */
  count = 0;
  readonly size: number;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private pos: number;
  private readonly avgs: CandleAverage[] = [];
  private seeded = false;

  /**
   * @param lookback TA-Lib's lookback: the first `lookback` candles get no output.
   * @param depth candles kept (default lookback + 1, enough for every TA-Lib pattern).
   */
  constructor(
    readonly lookback: number,
    depth = lookback + 1,
  ) {
    this.size = Math.max(1, depth);
    this.o = new Float64Array(this.size);
    this.h = new Float64Array(this.size);
    this.l = new Float64Array(this.size);
    this.c = new Float64Array(this.size);
    this.pos = this.size - 1;
  }

  /** Registers TA_CANDLEAVERAGE(setting, total, i - offset); call before the first push. */
  average(setting: CandleSetting, offset = 0): CandleAverage {
    if (offset + setting.avgPeriod > this.lookback || offset + setting.avgPeriod >= this.size) {
      throw new Error(`candle average ${setting.name} at offset ${offset} needs more than the lookback ${this.lookback}`);
    }
    const a = new CandleAverage(this, setting, offset);
    if (setting.avgPeriod !== 0) this.avgs.push(a);
    return a;
  }

  /**
   * Adds a candle. Returns true when it gets an output (TA-Lib index >= lookback); then the
   * averages hold TA-Lib's totals for this row.
   */
  push(open: number, high: number, low: number, close: number): boolean {
    const avgs = this.avgs;
    if (this.seeded) for (let a = 0; a < avgs.length; a++) avgs[a].slide();
    const pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
    this.pos = pos;
    this.o[pos] = open;
    this.h[pos] = high;
    this.l[pos] = low;
    this.c[pos] = close;
    this.count++;
    if (this.count <= this.lookback) return false;
    if (!this.seeded) {
      for (let a = 0; a < avgs.length; a++) avgs[a].seed();
      this.seeded = true;
    }
    return true;
  }

  /** Ring slot of the candle `k` back. */
  slot(k: number): number {
    const j = this.pos - k;
    return j < 0 ? j + this.size : j;
  }

  open(k: number): number {
    return this.o[this.slot(k)];
  }
  high(k: number): number {
    return this.h[this.slot(k)];
  }
  low(k: number): number {
    return this.l[this.slot(k)];
  }
  close(k: number): number {
    return this.c[this.slot(k)];
  }

  /** TA_REALBODY. */
  realBody(k: number): number {
    const j = this.slot(k);
    return Math.abs(this.c[j] - this.o[j]);
  }
  /** TA_UPPERSHADOW. */
  upperShadow(k: number): number {
    const j = this.slot(k);
    const c = this.c[j];
    const o = this.o[j];
    return this.h[j] - (c >= o ? c : o);
  }
  /** TA_LOWERSHADOW. */
  lowerShadow(k: number): number {
    const j = this.slot(k);
    const c = this.c[j];
    const o = this.o[j];
    return (c >= o ? o : c) - this.l[j];
  }
  /** TA_HIGHLOWRANGE. */
  highLowRange(k: number): number {
    const j = this.slot(k);
    return this.h[j] - this.l[j];
  }
  /** TA_CANDLECOLOR: 1 white (close >= open), -1 black. */
  color(k: number): number {
    const j = this.slot(k);
    return this.c[j] >= this.o[j] ? 1 : -1;
  }
  /** max(open, close): top of the real body. */
  bodyTop(k: number): number {
    const j = this.slot(k);
    const c = this.c[j];
    const o = this.o[j];
    return o > c ? o : c;
  }
  /** min(open, close): bottom of the real body. */
  bodyBottom(k: number): number {
    const j = this.slot(k);
    const c = this.c[j];
    const o = this.o[j];
    return o < c ? o : c;
  }

  /** TA_CANDLERANGE for a range type. */
  rangeOf(rangeType: RangeType, k: number): number {
    const j = this.slot(k);
    const c = this.c[j];
    const o = this.o[j];
    if (rangeType === RangeType.RealBody) return Math.abs(c - o);
    if (rangeType === RangeType.HighLow) return this.h[j] - this.l[j];
    if (rangeType === RangeType.Shadows) {
      return this.h[j] - (c >= o ? c : o) + ((c >= o ? o : c) - this.l[j]);
    }
    return 0;
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

/** The API above is stable: pattern files may rely on it. */
export const CANDLE_KERNEL_READY = true;
