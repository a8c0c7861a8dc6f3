import { Type } from '@sinclair/typebox';

/**
 * Streaming forms of pandas-ta's own moving averages (pandas-ta 0.3.14b0 without TA-Lib) and of
 * the pandas primitives under them, for the kinds TA-Lib lacks. Each `next(x)` feeds one value
 * and returns what the pandas-ta function gives at that row when run on the whole series from
 * its first row, leading NaNs included (an average of an average, zlma's shifted series):
 *
 * - `PandasEwm`: pandas `Series.ewm(alpha=..., adjust=..., min_periods=...).mean()` (ignore_na
 *   False), the recursion of pandas' ewma in the same order of operations.
 * - `PandasTaEma`: pandas-ta `ema` (sma=True, adjust=False): the value at row length - 1 is the
 *   mean of the non-NaN values of the first `length` rows, then ewm(span=length, adjust=False).
 *   The seed row is fixed at length - 1 whatever NaNs lead the series (so pandas-ta's EMA of an
 *   EMA starts at the same row as the inner EMA: DEMA, TEMA and T3 start at length - 1).
 * - `RollingMean`: rolling(length, min_periods=length).mean(): NaN while the window holds a NaN.
 * - `WeightedWindow`: rolling(length, min_periods=length).apply(dot(weights, window)) with the
 *   weights applied oldest first (pandas-ta's wma, swma, pwma, fwma, sinwma).
 * - `PtaLinReg`, `PtaMidpoint`, `PtaVidya`, `PtaZlma`: pandas-ta linreg, midpoint, vidya, zlma.
 * - `createPandasTaMa(mode, length)`: pandas-ta `ma(mode, series, length=length)` for the modes
 *   in `PTA_MA_MODES`.
 * Memory: O(length) per average (rings of the window).
 */
export interface Streamer {
  next(x: number): number;
}

/** pandas ewm(...).mean(), ignore_na=False, no times. */
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
      this.oldWt *= this.factor;
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

/** pandas-ta ema(length) with its defaults (sma=True, adjust=False). */
export class PandasTaEma implements Streamer {
  private readonly ewm: PandasEwm;
  private seen = 0;
  private sum = 0.0;
  private count = 0;

  constructor(private readonly length: number) {
    this.ewm = new PandasEwm(2.0 / (1.0 + length), false, 0);
  }

  next(x: number): number {
    if (this.seen < this.length) {
      this.seen++;
      if (x === x) {
        this.sum += x;
        this.count++;
      }
      if (this.seen < this.length) return this.ewm.next(NaN);
      return this.ewm.next(this.count > 0 ? this.sum / this.count : NaN);
    }
    return this.ewm.next(x);
  }
}

/** pandas rolling(length, min_periods=length).mean(). */
export class RollingMean implements Streamer {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private nans = 0;
  private sum = 0.0;

  constructor(private readonly length: number) {
    this.ring = new Float64Array(length);
  }

  next(x: number): number {
    const ring = this.ring;
    if (this.seen >= this.length) {
      const old = ring[this.pos];
      if (old === old) this.sum -= old;
      else this.nans--;
    } else {
      this.seen++;
    }
    ring[this.pos] = x;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    if (x === x) this.sum += x;
    else this.nans++;
    if (this.seen < this.length || this.nans > 0) return NaN;
    return this.sum / this.length;
  }
}

/** rolling(n, min_periods=n).apply(dot(weights, window)) / divisor, weights[0] on the oldest value. */
export class WeightedWindow implements Streamer {
  private readonly n: number;
  private readonly ring: Float64Array;
  private pos = 0; // the oldest value once full
  private seen = 0;
  private nans = 0;

  constructor(
    private readonly weights: Float64Array,
    private readonly divisor = 1,
  ) {
    this.n = weights.length;
    this.ring = new Float64Array(this.n);
  }

  next(x: number): number {
    const { ring, n, weights } = this;
    if (this.seen >= n) {
      if (ring[this.pos] !== ring[this.pos]) this.nans--;
    } else {
      this.seen++;
    }
    ring[this.pos] = x;
    if (x !== x) this.nans++;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
    if (this.seen < n || this.nans > 0) return NaN;
    let s = 0.0;
    let j = 0;
    for (let k = this.pos; k < n; k++, j++) s += weights[j] * ring[k];
    for (let k = 0; k < this.pos; k++, j++) s += weights[j] * ring[k];
    return this.divisor === 1 ? s : s / this.divisor;
  }
}

/** Python's round() of a float to an integer (halves to even). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** pandas-ta wma weights 1..n (oldest 1), divided by n(n+1)/2. */
export function createPtaWma(length: number): WeightedWindow {
  const w = new Float64Array(length);
  for (let i = 0; i < length; i++) w[i] = i + 1;
  return new WeightedWindow(w, 0.5 * length * (length + 1));
}

/** pandas-ta symmetric_triangle(length, weighted=True): 1, 2, ..., 2, 1 over their sum (length >= 2). */
export function symmetricTriangleWeights(length: number): Float64Array {
  const tri: number[] = [];
  if (length === 2) tri.push(1, 1);
  else if (length % 2 === 0) {
    const front = Array.from({ length: Math.floor(length / 2) }, (_, i) => i + 1);
    tri.push(...front, ...front.slice().reverse());
  } else {
    const front = Array.from({ length: Math.floor(0.5 * (length + 1)) }, (_, i) => i + 1);
    tri.push(...front, ...front.slice(0, -1).reverse());
  }
  const sum = tri.reduce((a, b) => a + b, 0);
  return Float64Array.from(tri, (v) => v / sum);
}

/** pandas-ta pascals_triangle(length - 1, weighted=True): binomial coefficients over 2^(length-1). */
export function pascalWeights(length: number): Float64Array {
  const n = length - 1;
  const row: number[] = [1];
  for (let i = 1; i <= n; i++) row.push((row[i - 1] * (n - i + 1)) / i);
  const sum = row.reduce((a, b) => a + b, 0);
  return Float64Array.from(row, (v) => v / sum);
}

/** pandas-ta fibonacci(length, weighted=True): 1, 1, 2, 3, 5, ... over their sum, the largest on the newest. */
export function fibonacciWeights(length: number): Float64Array {
  const fib: number[] = [1];
  let a = 1;
  let b = 1;
  for (let i = 0; i < length - 1; i++) {
    [a, b] = [b, a + b];
    fib.push(a);
  }
  const sum = fib.reduce((x, y) => x + y, 0);
  return Float64Array.from(fib, (v) => v / sum);
}

/** pandas-ta sinwma weights: sin((i + 1) pi / (length + 1)) over their sum. */
export function sineWeights(length: number): Float64Array {
  const s = Array.from({ length }, (_, i) => Math.sin(((i + 1) * Math.PI) / (length + 1)));
  const sum = s.reduce((x, y) => x + y, 0);
  return Float64Array.from(s, (v) => v / sum);
}

/** pandas-ta linreg(length) (the regression line's value at the newest row). */
export class PtaLinReg implements Streamer {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private nans = 0;
  private readonly xSum: number;
  private readonly x2Sum: number;
  private readonly divisor: number;

  constructor(private readonly length: number) {
    this.ring = new Float64Array(length);
    this.xSum = 0.5 * length * (length + 1);
    this.x2Sum = (this.xSum * (2 * length + 1)) / 3;
    this.divisor = length * this.x2Sum - this.xSum * this.xSum;
  }

  next(x: number): number {
    const { ring, length } = this;
    if (this.seen >= length) {
      if (ring[this.pos] !== ring[this.pos]) this.nans--;
    } else this.seen++;
    ring[this.pos] = x;
    if (x !== x) this.nans++;
    this.pos = this.pos + 1 === length ? 0 : this.pos + 1;
    if (this.seen < length) return NaN;
    let ySum = 0.0;
    let xySum = 0.0;
    let j = 1;
    for (let k = this.pos; k < length; k++, j++) {
      ySum += ring[k];
      xySum += j * ring[k];
    }
    for (let k = 0; k < this.pos; k++, j++) {
      ySum += ring[k];
      xySum += j * ring[k];
    }
    const m = (length * xySum - this.xSum * ySum) / this.divisor;
    const b = (ySum * this.x2Sum - this.xSum * xySum) / this.divisor;
    return m * (length - 1) + b;
  }
}

class Chain implements Streamer {
  constructor(private readonly f: (x: number) => number) {}
  next(x: number): number {
    return this.f(x);
  }
}

/** pandas-ta midpoint(length): (rolling min + rolling max) / 2, NaN while the window holds a NaN. */
export class PtaMidpoint implements Streamer {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;

  constructor(private readonly length: number) {
    this.ring = new Float64Array(length);
  }

  next(x: number): number {
    const { ring, length } = this;
    ring[this.pos] = x;
    this.pos = this.pos + 1 === length ? 0 : this.pos + 1;
    if (this.seen < length) this.seen++;
    if (this.seen < length) return NaN;
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < length; k++) {
      const v = ring[k];
      if (v !== v) return NaN;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return 0.5 * (lo + hi);
  }
}

/**
 * pandas-ta vidya(length) (drift 1): |CMO| from rolling sums of the positive and negative changes,
 * the recursion started at row length from 0, an exact 0 reported as NaN (its replace({0: NaN})).
 */
export class PtaVidya implements Streamer {
  private readonly alpha: number;
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private k = 0;
  private seen = 0;
  private prevClose = NaN;
  private v = 0;

  constructor(private readonly length: number) {
    this.alpha = 2 / (length + 1);
    this.pos = new Float64Array(length);
    this.neg = new Float64Array(length);
  }

  next(x: number): number {
    const { length, pos, neg } = this;
    const mom = x - this.prevClose;
    this.prevClose = x;
    // pandas clip keeps NaN: a NaN change makes both sums NaN.
    pos[this.k] = mom !== mom ? NaN : mom > 0 ? mom : 0;
    neg[this.k] = mom !== mom ? NaN : mom < 0 ? -mom : 0;
    this.k = this.k + 1 === length ? 0 : this.k + 1;
    if (this.seen < length) {
      this.seen++;
      return NaN;
    }
    let up = 0.0;
    let down = 0.0;
    for (let j = 0; j < length; j++) {
      up += pos[j];
      down += neg[j];
    }
    const cmo = Math.abs((up - down) / (up + down));
    this.v = this.alpha * cmo * x + this.v * (1 - this.alpha * cmo);
    return this.v === 0 ? NaN : this.v;
  }
}

/** pandas-ta zlma(length, mamode): the average of 2 * x - x[lag], lag = int((length - 1) / 2). */
export class PtaZlma implements Streamer {
  private readonly lag: number;
  private readonly ma: Streamer;
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;

  constructor(length: number, mode: PtaMaMode) {
    this.lag = Math.trunc(0.5 * (length - 1));
    this.ma = createPandasTaMa(mode, length);
    this.ring = new Float64Array(this.lag + 1);
  }

  next(x: number): number {
    const lag = this.lag;
    this.ring[this.pos] = x;
    this.pos = this.pos === lag ? 0 : this.pos + 1; // now the value lag events ago
    const shifted = this.seen >= lag ? 2 * x - this.ring[this.pos] : NaN;
    if (this.seen < lag) this.seen++;
    return this.ma.next(shifted);
  }
}

/** The pandas-ta `ma()` modes hean reproduces exactly (all of pandas-ta 0.3.14b0's). */
export type PtaMaMode =
  | 'dema'
  | 'ema'
  | 'fwma'
  | 'hma'
  | 'linreg'
  | 'midpoint'
  | 'pwma'
  | 'rma'
  | 'sinwma'
  | 'sma'
  | 'swma'
  | 't3'
  | 'tema'
  | 'trima'
  | 'vidya'
  | 'wma'
  | 'zlma';

export const PTA_MA_MODES: readonly PtaMaMode[] = [
  'dema',
  'ema',
  'fwma',
  'hma',
  'linreg',
  'midpoint',
  'pwma',
  'rma',
  'sinwma',
  'sma',
  'swma',
  't3',
  'tema',
  'trima',
  'vidya',
  'wma',
  'zlma',
];

/** A TypeBox string enum of some pandas-ta ma modes. */
export function ptaMaModeParam(modes: readonly PtaMaMode[], defaultMode: PtaMaMode, description: string) {
  return Type.Union(
    modes.map((m) => Type.Literal(m)),
    { default: defaultMode, description },
  );
}

/** pandas-ta ma(mode, series, length=length), fed from the series' first row. length >= 2. */
export function createPandasTaMa(mode: PtaMaMode, length: number): Streamer {
  switch (mode) {
    case 'sma':
      return new RollingMean(length);
    case 'ema':
      return new PandasTaEma(length);
    case 'wma':
      return createPtaWma(length);
    case 'rma':
      return new PandasEwm(1.0 / length, true, length);
    case 'dema': {
      const e1 = new PandasTaEma(length);
      const e2 = new PandasTaEma(length);
      return new Chain((x) => {
        const a = e1.next(x);
        return 2 * a - e2.next(a);
      });
    }
    case 'tema': {
      const e1 = new PandasTaEma(length);
      const e2 = new PandasTaEma(length);
      const e3 = new PandasTaEma(length);
      return new Chain((x) => {
        const a = e1.next(x);
        const b = e2.next(a);
        const c = e3.next(b);
        return 3 * (a - b) + c;
      });
    }
    case 't3': {
      const a = 0.7;
      const c1 = -a * a ** 2;
      const c2 = 3 * a ** 2 + 3 * a ** 3;
      const c3 = -6 * a ** 2 - 3 * a - 3 * a ** 3;
      const c4 = a ** 3 + 3 * a ** 2 + 3 * a + 1;
      const e = Array.from({ length: 6 }, () => new PandasTaEma(length));
      return new Chain((x) => {
        const e1 = e[0].next(x);
        const e2 = e[1].next(e1);
        const e3 = e[2].next(e2);
        const e4 = e[3].next(e3);
        const e5 = e[4].next(e4);
        const e6 = e[5].next(e5);
        return c1 * e6 + c2 * e5 + c3 * e4 + c4 * e3;
      });
    }
    case 'trima': {
      const half = pyRound(0.5 * (length + 1));
      const s1 = new RollingMean(half);
      const s2 = new RollingMean(half);
      return new Chain((x) => s2.next(s1.next(x)));
    }
    case 'hma': {
      const fast = createPtaWma(Math.trunc(length / 2));
      const slow = createPtaWma(length);
      const hull = createPtaWma(Math.trunc(Math.sqrt(length)));
      return new Chain((x) => hull.next(2 * fast.next(x) - slow.next(x)));
    }
    case 'swma':
      return new WeightedWindow(symmetricTriangleWeights(length));
    case 'pwma':
      return new WeightedWindow(pascalWeights(length));
    case 'fwma':
      return new WeightedWindow(fibonacciWeights(length));
    case 'sinwma':
      return new WeightedWindow(sineWeights(length));
    case 'linreg':
      return new PtaLinReg(length);
    case 'midpoint':
      return new PtaMidpoint(length);
    case 'vidya':
      return new PtaVidya(length);
    case 'zlma':
      return new PtaZlma(length, 'ema');
  }
  throw new Error(`unknown pandas-ta ma mode ${String(mode)}`);
}

/** Rows without output of createPandasTaMa(mode, length) fed a series with `lead` leading NaNs. */
export function ptaMaWarmup(mode: PtaMaMode, length: number, lead = 0): number {
  switch (mode) {
    case 'ema':
    case 'dema':
    case 'tema':
    case 't3':
      // Seeded at row length - 1 from the non-NaN values of the first window (needs one).
      return Math.max(length - 1, lead);
    case 'trima':
      return lead + 2 * (pyRound(0.5 * (length + 1)) - 1);
    case 'hma':
      return lead + length - 1 + Math.trunc(Math.sqrt(length)) - 1;
    case 'vidya':
      return lead + length;
    case 'zlma':
      return ptaMaWarmup('ema', length, lead + Math.trunc(0.5 * (length - 1)));
    default:
      return lead + length - 1;
  }
}
