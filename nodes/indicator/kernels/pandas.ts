import type { Kernel } from '../../../runtime/defineNode.js';

/**
 * pandas' own primitives (pandas 1.5, `_libs/window/aggregations.pyx`), streaming, one value per
 * call, for the kinds ported from pandas-ta (its averages and ma modes live in pandasTa.ts):
 *
 * - `PandasEwm`: `Series.ewm(...).mean()` (ignore_na False, adjust true or false).
 * - `Lag`: `shift(k)`.
 * - `RollingWindow`: the last `length` values in a ring, every statistic rescanned over the
 *   window oldest first at each event (sum, mean, sample std, max, min, `ordered()` for rolling
 *   median/quantile/skew/...), plus the array helpers `sumOf`, `varianceOf`, ... and
 *   `windowStatistic`. `RollingMean` is its mean as a streamer.
 * - `PandasRollingSum`: `rolling(length, min_periods).sum()` / `.mean()` with pandas' own
 *   arithmetic: Kahan-compensated running sums, its run-of-equal-values and sign clamps.
 * - `RunningSumWindow` (and `RunningMean`): rolling sum/mean/std from plain running sums,
 *   re-summed at each wrap of the ring or never. Not pandas' bits; kept because the kinds built
 *   on them were validated with them and their last bits differ from the other two.
 * - `RollingExtreme`: `rolling(length).max()` / `.min()` with a monotonic deque, O(1) amortized
 *   (the same values as RollingWindow.max/min, which rescan).
 *
 * Why the arithmetic order matters: floating-point addition is not associative, so a direct
 * rescan, a running sum and pandas' Kahan sum give results that differ in the last bits; these
 * ports promise the same bits whatever the chunking, so each kind keeps the one it was built on.
 * Memory O(length) per instance; no allocation per value.
 */

/** A stream transform: `next(x)` feeds one value and returns the output for it (NaN while there is none). */
export interface Streamer {
  next(x: number): number;
}

/**
 * pandas `ewm(...).mean()`, ignore_na=False, the recursion of pandas' ewma in the same order of
 * operations. The constructor takes the alpha pandas' loop uses; pandas gets it from the centre
 * of mass (`fromCom`, `fromSpan`, `fromAlpha`: `ewm(alpha=a)` goes a -> com -> alpha, which is
 * not always a again in floating point).
 */
export class PandasEwm implements Streamer {
  private readonly newWt: number;
  private readonly factor: number;
  private readonly minp: number;
  private first = true;
  private weighted = NaN;
  private oldWt = 1.0;
  private nobs = 0;

  constructor(
    alpha: number,
    private readonly adjust: boolean,
    minPeriods: number,
  ) {
    this.newWt = adjust ? 1.0 : alpha;
    this.factor = 1.0 - alpha;
    this.minp = Math.max(minPeriods, 1);
  }

  /** pandas ewm(com=com). */
  static fromCom(com: number, adjust: boolean, minPeriods: number): PandasEwm {
    return new PandasEwm(1.0 / (1.0 + com), adjust, minPeriods);
  }

  /** pandas ewm(span=span): com = (span - 1) / 2. */
  static fromSpan(span: number, adjust: boolean, minPeriods: number): PandasEwm {
    return PandasEwm.fromCom((span - 1) / 2, adjust, minPeriods);
  }

  /** pandas ewm(alpha=alpha): com = (1 - alpha) / alpha, as pandas does. */
  static fromAlpha(alpha: number, adjust: boolean, minPeriods: number): PandasEwm {
    return PandasEwm.fromCom((1 - alpha) / alpha, adjust, minPeriods);
  }

  next(cur: number): number {
    const isObs = cur === cur;
    if (this.first) {
      this.first = false;
      this.weighted = cur;
      this.nobs = isObs ? 1 : 0;
      this.oldWt = 1.0;
      return this.nobs >= this.minp ? cur : NaN;
    }
    if (isObs) this.nobs++;
    let weighted = this.weighted;
    if (weighted === weighted) {
      this.oldWt *= this.factor; // ignore_na False: a missing value still ages the average
      if (isObs) {
        if (weighted !== cur) {
          weighted = this.oldWt * weighted + this.newWt * cur;
          weighted /= this.oldWt + this.newWt;
        }
        if (this.adjust) this.oldWt += this.newWt;
        else this.oldWt = 1.0;
      }
    } else if (isObs) {
      weighted = cur;
    }
    this.weighted = weighted;
    return this.nobs >= this.minp ? weighted : NaN;
  }
}

/** shift(k): `next(x)` returns the value pushed k calls before (NaN until then). */
export class Lag implements Streamer {
  private readonly ring: Float64Array;
  private pos = 0;

  constructor(readonly k: number) {
    this.ring = new Float64Array(Math.max(k, 1)).fill(NaN);
  }

  next(x: number): number {
    if (this.k === 0) return x;
    const out = this.ring[this.pos];
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === this.k ? 0 : this.pos + 1;
    return out;
  }
}

/**
 * The last `length` values (NaN before any), every statistic rescanned over the window oldest
 * first at each event (O(length)): independent of chunking and of values that left the window.
 * Statistics are NaN unless the window holds `length` defined values (pandas rolling(length)).
 */
export class RollingWindow {
  readonly ring: Float64Array;
  private scratch: Float64Array | undefined;
  private pos = 0; // slot of the next value; once full, the oldest value
  private filled = 0;
  private defined = 0;

  constructor(readonly length: number) {
    this.ring = new Float64Array(length).fill(NaN);
  }

  /** Stores x; true when the window holds `length` values (defined or not). */
  push(x: number): boolean {
    const old = this.ring[this.pos];
    if (this.filled === this.length) {
      if (old === old) this.defined--;
    } else {
      this.filled++;
    }
    this.ring[this.pos] = x;
    if (x === x) this.defined++;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    return this.filled === this.length;
  }

  /** How many values were pushed, up to length. */
  get count(): number {
    return this.filled;
  }

  /** The window holds `length` values, defined or not. */
  get full(): boolean {
    return this.filled === this.length;
  }

  /** The window holds `length` defined values (pandas rolling(length), min_periods=length). */
  get complete(): boolean {
    return this.defined === this.length;
  }

  /** The window's values from the oldest: at(0) is the oldest, at(length - 1) the newest. */
  at(k: number): number {
    const s = this.pos + k;
    return this.ring[s >= this.length ? s - this.length : s];
  }

  /** The value pushed `ago` pushes before the newest (0: the newest), ago < count. */
  back(ago: number): number {
    const k = this.pos - 1 - ago;
    return this.ring[k < 0 ? k + this.length : k];
  }

  /** The window oldest first, copied into a buffer kept by the window (valid until the next call). */
  ordered(): Float64Array {
    const scratch = (this.scratch ??= new Float64Array(this.length));
    scratch.set(this.ring.subarray(this.pos), 0);
    scratch.set(this.ring.subarray(0, this.pos), this.length - this.pos);
    return scratch;
  }

  sum(): number {
    if (!this.complete) return NaN;
    let s = 0.0;
    for (let k = 0; k < this.length; k++) s += this.at(k);
    return s;
  }

  mean(): number {
    return this.sum() / this.length;
  }

  max(): number {
    if (!this.complete) return NaN;
    let m = -Infinity;
    for (let k = 0; k < this.length; k++) {
      const v = this.ring[k];
      if (v > m) m = v;
    }
    return m;
  }

  min(): number {
    if (!this.complete) return NaN;
    let m = Infinity;
    for (let k = 0; k < this.length; k++) {
      const v = this.ring[k];
      if (v < m) m = v;
    }
    return m;
  }

  /** Sample standard deviation (ddof 1), two passes over the window. */
  std(): number {
    if (!this.complete || this.length < 2) return NaN;
    const mean = this.mean();
    let ss = 0.0;
    for (let k = 0; k < this.length; k++) {
      const d = this.at(k) - mean;
      ss += d * d;
    }
    return Math.sqrt(ss / (this.length - 1));
  }
}

/** pandas rolling(length).mean() over a rescanned window (RollingWindow.mean). */
export class RollingMean implements Streamer {
  private readonly window: RollingWindow;
  constructor(length: number) {
    this.window = new RollingWindow(length);
  }
  next(x: number): number {
    this.window.push(x);
    return this.window.mean();
  }
}

/** Sum of a, first to last. */
export function sumOf(a: Float64Array): number {
  let s = 0.0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** Sum of squared deviations from the mean (two passes: mean, then deviations). */
function squaredDeviations(a: Float64Array, mean: number): number {
  let s = 0.0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - mean;
    s += d * d;
  }
  return s;
}

/** Sample variance with divisor length - ddof, as pandas' rolling var(ddof). */
export function varianceOf(a: Float64Array, ddof: number): number {
  const mean = sumOf(a) / a.length;
  const v = squaredDeviations(a, mean) / (a.length - ddof);
  return v < 0 ? 0 : v;
}

/** True when every value of a equals the first (pandas forces skew 0 and kurt -3 then). */
export function allEqual(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}

/**
 * A kernel giving f(window, oldest first) once `length` values are in, NaN before.
 * Usage: `create: ({ length }) => windowStatistic(length, (w) => median(w))`.
 */
export function windowStatistic(length: number, f: (w: Float64Array) => number): Kernel<{ series: Float64Array }, { value: Float64Array }> {
  const window = new RollingWindow(length);
  return {
    step(n, _t, { series }, { value }) {
      for (let i = 0; i < n; i++) value[i] = window.push(series[i]) ? f(window.ordered()) : NaN;
    },
  };
}

/**
 * pandas `rolling(length, min_periods).sum()` (or `.mean()` with `mean`) in pandas' arithmetic:
 * Kahan sums with separate compensations for adds and removes, its run-of-equal-values and
 * sign clamps.
 */
export class PandasRollingSum implements Streamer {
  private readonly ring: Float64Array;
  private pos = 0;
  private filled = 0;
  private nobs = 0;
  private negCt = 0;
  private sum = 0.0;
  private compAdd = 0.0;
  private compRemove = 0.0;
  private same = 0;
  private prev = NaN;

  constructor(
    readonly length: number,
    private readonly mean = false,
    private readonly minPeriods = length,
  ) {
    this.ring = new Float64Array(length);
  }

  next(x: number): number {
    const ring = this.ring;
    if (this.filled === this.length) {
      const old = ring[this.pos];
      if (old === old) {
        this.nobs--;
        const y = -old - this.compRemove;
        const t = this.sum + y;
        this.compRemove = t - this.sum - y;
        this.sum = t;
        if (old < 0 || Object.is(old, -0)) this.negCt--;
      }
    } else this.filled++;
    ring[this.pos] = x;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    if (x === x) {
      this.nobs++;
      const y = x - this.compAdd;
      const t = this.sum + y;
      this.compAdd = t - this.sum - y;
      this.sum = t;
      if (x < 0 || Object.is(x, -0)) this.negCt++;
      if (x === this.prev) this.same++;
      else this.same = 1;
      this.prev = x;
    }
    const nobs = this.nobs;
    if (nobs < this.minPeriods || (this.mean && nobs === 0)) return NaN;
    if (!this.mean) return this.same >= nobs ? this.prev * nobs : this.sum;
    let result = this.sum / nobs;
    if (this.same >= nobs) result = this.prev;
    else if (this.negCt === 0 && result < 0) result = 0;
    else if (this.negCt === nobs && result > 0) result = 0;
    return result;
  }
}

/**
 * Rolling sum, mean and population std (ddof 0) from plain running sums of x and x²; `resummed`
 * (the default): re-summed from the ring each time it wraps with no NaN in it (bounded drift),
 * else never.
 */
export class RunningSumWindow {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private nans = 0; // NaN values in the window
  private sum = 0.0;
  private sum2 = 0.0;

  constructor(
    readonly length: number,
    private readonly resummed = true,
  ) {
    this.ring = new Float64Array(length);
  }

  /** Adds x (dropping the oldest value once full); true when the window is full and has no NaN. */
  push(x: number): boolean {
    const ring = this.ring;
    if (this.seen === this.length) {
      const old = ring[this.pos];
      if (old !== old) this.nans--;
      else {
        this.sum -= old;
        this.sum2 -= old * old;
      }
    } else {
      this.seen++;
    }
    ring[this.pos] = x;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    if (x !== x) this.nans++;
    else {
      this.sum += x;
      this.sum2 += x * x;
    }
    if (this.resummed && this.pos === 0 && this.nans === 0) this.rescan();
    return this.seen === this.length && this.nans === 0;
  }

  private rescan(): void {
    let s = 0.0;
    let s2 = 0.0;
    for (let i = 0; i < this.length; i++) {
      const v = this.ring[i];
      s += v;
      s2 += v * v;
    }
    this.sum = s;
    this.sum2 = s2;
  }

  /** After a push that returned true: */
  total(): number {
    return this.sum;
  }

  mean(): number {
    return this.sum / this.length;
  }

  /** Population standard deviation (ddof 0), 0 for a window whose rounding gives a negative variance. */
  std(): number {
    const m = this.sum / this.length;
    const v = this.sum2 / this.length - m * m;
    return v > 0 ? Math.sqrt(v) : 0.0;
  }
}

/** rolling(length, min_periods=length).mean() from RunningSumWindow (`resummed` or not): NaN while the window holds a NaN. */
export class RunningMean implements Streamer {
  private readonly window: RunningSumWindow;
  constructor(length: number, resummed: boolean) {
    this.window = new RunningSumWindow(length, resummed);
  }
  next(x: number): number {
    return this.window.push(x) ? this.window.mean() : NaN;
  }
}

/** pandas rolling(length).max() (`max` true) or .min(): NaN inputs skipped, NaN until length values are in the window. */
export class RollingExtreme implements Streamer {
  private readonly idx: Float64Array; // monotonic deque of (index, value), circular
  private readonly val: Float64Array;
  private readonly isNaN: Uint8Array; // the last `length` inputs: NaN or not
  private head = 0;
  private size = 0;
  private today = 0;
  private nanCount = 0;

  constructor(
    readonly length: number,
    private readonly max: boolean,
  ) {
    this.idx = new Float64Array(length);
    this.val = new Float64Array(length);
    this.isNaN = new Uint8Array(length);
  }

  next(x: number): number {
    const L = this.length;
    const slot = this.today % L;
    if (this.today >= L && this.isNaN[slot]) this.nanCount--;
    const nan = x !== x;
    this.isNaN[slot] = nan ? 1 : 0;
    if (nan) this.nanCount++;
    // drop the front when it left the window
    if (this.size > 0 && this.idx[this.head] <= this.today - L) {
      this.head = this.head + 1 === L ? 0 : this.head + 1;
      this.size--;
    }
    if (!nan) {
      while (this.size > 0) {
        const back = (this.head + this.size - 1) % L;
        const b = this.val[back];
        if (this.max ? b <= x : b >= x) this.size--;
        else break;
      }
      const at = (this.head + this.size) % L;
      this.idx[at] = this.today;
      this.val[at] = x;
      this.size++;
    }
    this.today++;
    if (this.today < L || this.nanCount > 0) return NaN;
    return this.val[this.head];
  }
}
