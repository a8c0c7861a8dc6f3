import { Type } from '@sinclair/typebox';

/**
 * pandas-ta's building blocks, computed the way pandas 1.5 computes them, for the kinds taken from
 * pandas-ta (not TA-Lib): its EMA (seeded with the mean of the defined values among the first
 * `length` inputs, then pandas `ewm(span=length, adjust=False)`), its RMA (`ewm(alpha=1/length,
 * min_periods=length)`, adjusted), rolling windows that need `length` defined values (pandas
 * `rolling(length)`: sum, mean, max, min, sample std, WMA), and `non_zero_range`.
 *
 * Every average is a `SeriesAverage`: `next(x)` feeds one value and returns the average (NaN while
 * pandas would give NaN). Leading NaN inputs (the warm-up of the series averaged) are handled as
 * pandas does: rolling windows wait for `length` defined values; the EMA seed is the mean of the
 * defined values among the first `length` rows (pandas-ta's `close[0:length].mean()`), and if there
 * are none the EMA starts at the first defined value. A NaN later in the stream: rolling windows
 * give NaN while it is in the window; EWMs carry on as pandas (ignore_na=False).
 *
 * Memory: O(length) per instance (a ring for rolling windows), O(1) for EWMs. Time: the rolling
 * statistics rescan their window at each event (O(length)), as exact as a direct sum.
 */

export type PandasMaMode = 'ema' | 'sma' | 'rma' | 'wma';

export const PANDAS_MA_TEXT =
  "ema (pandas-ta's: seeded with the mean of the first length values, then pandas ewm(span=length, " +
  'adjust=False)), sma (rolling mean), rma (Wilder: pandas ewm(alpha=1/length, min_periods=length)), ' +
  'wma (linearly weighted)';

/** The TypeBox schema of a pandas-ta `mamode` param restricted to the averages supported here. */
export function pandasMaParam(def: PandasMaMode, description: string) {
  return Type.Union([Type.Literal('ema'), Type.Literal('sma'), Type.Literal('rma'), Type.Literal('wma')], { default: def, description });
}

export interface SeriesAverage {
  next(x: number): number;
}

/** pandas `Series.ewm(com=com, adjust=adjust, min_periods=minPeriods, ignore_na=False).mean()`, streaming. */
export class Ewm implements SeriesAverage {
  private readonly factor: number;
  private readonly newWt: number;
  private first = true;
  private weighted = NaN;
  private oldWt = 1.0;
  private nobs = 0;

  constructor(
    com: number,
    private readonly adjust: boolean,
    private readonly minPeriods: number,
  ) {
    const alpha = 1.0 / (1.0 + com);
    this.factor = 1.0 - alpha;
    this.newWt = adjust ? 1.0 : alpha;
  }

  /** pandas' ewm(span=span): com = (span - 1) / 2. */
  static span(span: number, adjust: boolean, minPeriods: number): Ewm {
    return new Ewm((span - 1) / 2, adjust, minPeriods);
  }

  /** pandas' ewm(alpha=alpha): com = (1 - alpha) / alpha. */
  static alpha(alpha: number, adjust: boolean, minPeriods: number): Ewm {
    return new Ewm((1 - alpha) / alpha, adjust, minPeriods);
  }

  next(cur: number): number {
    const obs = cur === cur;
    if (this.first) {
      this.first = false;
      this.weighted = cur;
      this.nobs = obs ? 1 : 0;
      return this.nobs >= this.minPeriods ? cur : NaN;
    }
    if (obs) this.nobs++;
    let weighted = this.weighted;
    if (weighted === weighted) {
      this.oldWt *= this.factor;
      if (obs) {
        if (weighted !== cur) {
          weighted = this.oldWt * weighted + this.newWt * cur;
          weighted /= this.oldWt + this.newWt;
        }
        if (this.adjust) this.oldWt += this.newWt;
        else this.oldWt = 1.0;
      }
    } else if (obs) {
      weighted = cur;
    }
    this.weighted = weighted;
    return this.nobs >= this.minPeriods ? weighted : NaN;
  }
}

/**
 * pandas-ta ema(length) without TA-Lib: the row length - 1 is replaced by the mean of the defined
 * values among rows 0..length-1 (NaN if none), the rows before by NaN, then pandas
 * ewm(span=length, adjust=False).mean(). `fromFirstValue`: rows count from the first defined input
 * (pandas-ta's `series.loc[series.first_valid_index():]`, as KVO's signal line).
 */
export class PandasTaEma implements SeriesAverage {
  private readonly ewm: Ewm;
  private row = 0;
  private sum = 0.0;
  private count = 0;

  constructor(
    private readonly length: number,
    private readonly fromFirstValue = false,
  ) {
    this.ewm = Ewm.span(length, false, 0);
  }

  next(x: number): number {
    if (this.row === 0 && this.fromFirstValue && x !== x) return NaN;
    const row = this.row++;
    if (row < this.length) {
      if (x === x) {
        this.sum += x;
        this.count++;
      }
      if (row < this.length - 1) return this.ewm.next(NaN);
      return this.ewm.next(this.count > 0 ? this.sum / this.count : NaN);
    }
    return this.ewm.next(x);
  }
}

/** The last `length` values of a stream in a ring, with the number of defined ones. */
export class RollingWindow {
  readonly ring: Float64Array;
  private pos = 0; // slot of the next value; once full, the oldest value
  private filled = 0;
  private defined = 0;

  constructor(readonly length: number) {
    this.ring = new Float64Array(length).fill(NaN);
  }

  push(x: number): void {
    const old = this.ring[this.pos];
    if (this.filled === this.length) {
      if (old === old) this.defined--;
    } else {
      this.filled++;
    }
    this.ring[this.pos] = x;
    if (x === x) this.defined++;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
  }

  /** Whether the window holds `length` defined values (pandas rolling(length), min_periods=length). */
  get full(): boolean {
    return this.defined === this.length;
  }

  /** The window's values from the oldest: at(0) is the oldest, at(length - 1) the newest. */
  at(k: number): number {
    const s = this.pos + k;
    return this.ring[s >= this.length ? s - this.length : s];
  }

  sum(): number {
    if (!this.full) return NaN;
    let s = 0.0;
    for (let k = 0; k < this.length; k++) s += this.at(k);
    return s;
  }

  mean(): number {
    return this.sum() / this.length;
  }

  max(): number {
    if (!this.full) return NaN;
    let m = -Infinity;
    for (let k = 0; k < this.length; k++) {
      const v = this.ring[k];
      if (v > m) m = v;
    }
    return m;
  }

  min(): number {
    if (!this.full) return NaN;
    let m = Infinity;
    for (let k = 0; k < this.length; k++) {
      const v = this.ring[k];
      if (v < m) m = v;
    }
    return m;
  }

  /** Sample standard deviation (ddof 1), two passes over the window. */
  std(): number {
    if (!this.full || this.length < 2) return NaN;
    const mean = this.mean();
    let ss = 0.0;
    for (let k = 0; k < this.length; k++) {
      const d = this.at(k) - mean;
      ss += d * d;
    }
    return Math.sqrt(ss / (this.length - 1));
  }

  /** pandas-ta wma: the values weighted 1 (oldest) .. length (newest), over length (length + 1) / 2. */
  wma(): number {
    if (!this.full) return NaN;
    let s = 0.0;
    for (let k = 0; k < this.length; k++) s += this.at(k) * (k + 1);
    return s / (0.5 * this.length * (this.length + 1));
  }
}

class RollingAverage implements SeriesAverage {
  private readonly window: RollingWindow;
  constructor(
    length: number,
    private readonly weighted: boolean,
  ) {
    this.window = new RollingWindow(length);
  }
  next(x: number): number {
    this.window.push(x);
    return this.weighted ? this.window.wma() : this.window.mean();
  }
}

/** pandas-ta `ma(mode, series, length=length)` for the modes supported here. */
export function createPandasMa(mode: PandasMaMode, length: number, fromFirstValue = false): SeriesAverage {
  switch (mode) {
    case 'ema':
      return new PandasTaEma(length, fromFirstValue);
    case 'sma':
      return new RollingAverage(length, false);
    case 'wma':
      return new RollingAverage(length, true);
    case 'rma':
      return Ewm.alpha(1.0 / length, true, length);
  }
  throw new Error(`unknown pandas-ta average ${String(mode)}`);
}

/** pandas-ta non_zero_range(a, b) = a - b, made causal: machine epsilon where the difference is 0 (pandas-ta adds epsilon to the whole series when any difference in it is 0, which looks at the future; elsewhere that moves a value by at most 2.2e-16 absolute). */
export function nonZeroRange(a: number, b: number): number {
  const d = a - b;
  return d === 0 ? Number.EPSILON : d;
}

/** pandas-ta true_range (drift 1) from the previous close: NaN on the first event. */
export function trueRange(high: number, low: number, prevClose: number): number {
  const hl = Math.abs(nonZeroRange(high, low));
  const hc = Math.abs(high - prevClose);
  const cl = Math.abs(prevClose - low);
  // pandas max(axis=1) skips NaN; prevClose NaN (first event) makes the row NaN via iloc[:drift] = NaN.
  if (prevClose !== prevClose) return NaN;
  return hl >= hc ? (hl >= cl ? hl : cl) : hc >= cl ? hc : cl;
}
