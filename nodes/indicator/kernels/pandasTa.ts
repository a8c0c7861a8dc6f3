import { Type } from '@sinclair/typebox';
import { PandasEwm, PandasRollingSum, RollingMean, RollingWindow, RunningMean, type Streamer } from './pandas.js';

/**
 * pandas-ta's own building blocks (pandas-ta 0.3.14b0 without TA-Lib), streaming, built on the
 * pandas primitives of pandas.ts, for the kinds TA-Lib lacks:
 *
 * - `PandasTaEma`: its ema (sma=True, adjust=False): NaN before row length - 1, there the mean of
 *   the defined values of the first `length` rows, then pandas ewm(span=length, adjust=False).
 *   `ptaRma`: its rma, ewm(alpha=1/length, min_periods=length), adjusted.
 * - `WeightedWindow` and its weights (wma, swma, pwma, fwma, sinwma), `PtaLinReg` / `ptaLinreg`,
 *   `PtaMidpoint`, `PtaVidya`, `PtaZlma`.
 * - `createPandasTaMa(mode, length)`: its `ma(mode, series, length=length)` for all 17 modes, with
 *   `ptaMaModeParam` (a mamode param over some of them) and `ptaMaWarmup`.
 * - `nonZeroRange` and `trueRange`.
 *
 * Why the arithmetic order matters: each value is computed with the operations of pandas /
 * pandas-ta in their order (EMA seed as sum / count, weights applied oldest first, ...), so the
 * results match pandas-ta to the last bit or nearly; the rolling mean under sma comes in four
 * arithmetics (`SmaSum`: running, re-summed, rescanned, pandas' Kahan) whose last bits differ,
 * each kept for the kinds validated with it (swapping one for another moves values by ~1 ulp).
 */

/** pandas-ta ema(length) (sma=True, adjust=False). `fromFirstValue`: rows count from the first defined input (pandas-ta's `series.loc[series.first_valid_index():]`, as KVO's signal line). */
export class PandasTaEma implements Streamer {
  private readonly ewm: PandasEwm;
  private row = 0;
  private sum = 0.0;
  private count = 0;

  constructor(
    private readonly length: number,
    private readonly fromFirstValue = false,
  ) {
    this.ewm = PandasEwm.fromSpan(length, false, 0);
  }

  next(x: number): number {
    if (this.row === 0 && this.fromFirstValue && x !== x) return NaN;
    const row = this.row++;
    if (row < this.length) {
      if (x === x) {
        this.sum += x;
        this.count++;
      }
      if (row < this.length - 1) return NaN;
      return this.ewm.next(this.count > 0 ? this.sum / this.count : NaN);
    }
    return this.ewm.next(x);
  }
}

/** First row with a value of pandas-ta ema(length) of a series whose first value is at row `lead`. */
export function ptaEmaStart(lead: number, length: number): number {
  return Math.max(lead, length - 1);
}

/** pandas-ta rma(length): ewm(alpha = 1 / length, min_periods = length), adjust True. */
export function ptaRma(length: number): PandasEwm {
  return PandasEwm.fromAlpha(1.0 / length, true, length);
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
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** pandas-ta wma (asc): weights 1..n (oldest 1), divided by n(n+1)/2. */
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

type PtaLinregOutput = 'linreg' | 'tsf' | 'r';

/**
 * pandas-ta linreg over `window` (NaN until full), x = 1..length oldest first: m and b of the
 * least-squares line; 'linreg' m (length - 1) + b (pandas-ta's default: the line at the
 * second-newest value), 'tsf' m length + b (the line at the newest value), 'r' the correlation.
 */
export function ptaLinreg(window: RollingWindow, output: PtaLinregOutput): number {
  const length = window.length;
  if (!window.full) return NaN;
  const xSum = 0.5 * length * (length + 1);
  const x2Sum = (xSum * (2 * length + 1)) / 3;
  const divisor = length * x2Sum - xSum * xSum;
  let ySum = 0.0;
  let xySum = 0.0;
  let y2Sum = 0.0;
  for (let i = 0; i < length; i++) {
    const y = window.at(i);
    ySum += y;
    xySum += (i + 1) * y;
    y2Sum += y * y;
  }
  const m = (length * xySum - xSum * ySum) / divisor;
  if (output === 'r') {
    const rn = length * xySum - xSum * ySum;
    const rd = Math.sqrt(divisor * (length * y2Sum - ySum * ySum));
    return rn / rd;
  }
  const b = (ySum * x2Sum - xSum * xySum) / divisor;
  return output === 'tsf' ? m * length + b : m * (length - 1) + b;
}

/** pandas-ta linreg(length) as a streamer (the regression line's value at the newest row). */
class PtaLinReg implements Streamer {
  private readonly window: RollingWindow;
  constructor(length: number) {
    this.window = new RollingWindow(length);
  }
  next(x: number): number {
    this.window.push(x);
    return ptaLinreg(this.window, 'linreg');
  }
}

class Chain implements Streamer {
  constructor(private readonly f: (x: number) => number) {}
  next(x: number): number {
    return this.f(x);
  }
}

/** pandas-ta midpoint(length): (rolling min + rolling max) / 2, NaN while the window holds a NaN. */
class PtaMidpoint implements Streamer {
  private readonly window: RollingWindow;
  constructor(length: number) {
    this.window = new RollingWindow(length);
  }
  next(x: number): number {
    const w = this.window;
    w.push(x);
    return w.complete ? 0.5 * (w.min() + w.max()) : NaN;
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

/** The pandas-ta `ma()` modes (all of pandas-ta 0.3.14b0's). */
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

/** A TypeBox string enum of some pandas-ta ma modes (in the order given: it is the schema's). */
export function ptaMaModeParam<M extends PtaMaMode>(modes: readonly M[], defaultMode: M, description: string) {
  return Type.Union(
    modes.map((m) => Type.Literal(m)),
    { default: defaultMode, description },
  );
}

/** Descriptions of the four common modes and of six (param texts). */
export const PANDAS_MA_TEXT =
  "ema (pandas-ta's: seeded with the mean of the first length values, then pandas ewm(span=length, " +
  'adjust=False)), sma (rolling mean), rma (Wilder: pandas ewm(alpha=1/length, min_periods=length)), ' +
  'wma (linearly weighted)';

export const PTA_MA_TEXT =
  'sma (pandas rolling mean), ema (pandas-ta ema: SMA of the first length values, then ewm(span=length, ' +
  'adjust=False)), rma (Wilder: ewm(alpha=1/length, adjust=True, min_periods=length)), dema (2 ema - ema of ema), ' +
  'wma (linear weights 1..length), hma (Hull: wma(2 wma(length/2) - wma(length), sqrt(length)))';

export const PTA_MA4_TEXT =
  'sma (rolling mean), ema (pandas-ta ema: the mean of the first length values, then the ' +
  'recursion with alpha 2 / (length + 1)), wma (weights 1..length, newest heaviest), rma ' +
  "(pandas-ta rma: pandas ewm(alpha = 1 / length, adjust=True), a weighted mean of every past value " +
  'with weights (1 - alpha)^age, first value after length values)';

/**
 * The arithmetic of the rolling mean behind sma (and trima): 'running' a plain running sum,
 * 'resummed' one re-summed at each wrap of the window (RunningMean), 'rescan' the window summed
 * oldest first at each event (RollingMean), 'pandas' pandas' Kahan sums (PandasRollingSum).
 * Equal to ~1e-15 relative, not to the bit.
 */
type SmaSum = 'running' | 'resummed' | 'rescan' | 'pandas';

function rollingMean(length: number, sum: SmaSum): Streamer {
  if (sum === 'pandas') return new PandasRollingSum(length, true);
  return sum === 'rescan' ? new RollingMean(length) : new RunningMean(length, sum === 'resummed');
}

/**
 * pandas-ta ma(mode, series, length=length), fed from the series' first row (length >= 2).
 * `sma`: the arithmetic of sma / trima's rolling mean; `fromFirstValue`: an ema counting rows from
 * the first defined input.
 */
export function createPandasTaMa(mode: PtaMaMode, length: number, options: { sma?: SmaSum; fromFirstValue?: boolean } = {}): Streamer {
  const sum = options.sma ?? 'running';
  switch (mode) {
    case 'sma':
      return rollingMean(length, sum);
    case 'ema':
      return new PandasTaEma(length, options.fromFirstValue);
    case 'wma':
      return createPtaWma(length);
    case 'rma':
      return ptaRma(length);
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
      const s1 = rollingMean(half, sum);
      const s2 = rollingMean(half, sum);
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

/** pandas-ta non_zero_range(a, b) = a - b, made causal: machine epsilon where the difference is 0 (pandas-ta adds epsilon to the whole series when any difference in it is 0, which looks at the future; elsewhere that moves a value by at most 2.2e-16 absolute). */
export function nonZeroRange(a: number, b: number): number {
  const d = a - b;
  return d === 0 ? Number.EPSILON : d;
}

/** pandas-ta true_range (drift 1) from the previous close: NaN without one; the NaN-skipping max (pandas max(axis=1)) of |non_zero_range(high, low)|, |high - prevClose|, |prevClose - low|. */
export function trueRange(high: number, low: number, prevClose: number): number {
  if (prevClose !== prevClose) return NaN;
  const a = Math.abs(nonZeroRange(high, low));
  const b = Math.abs(high - prevClose);
  const c = Math.abs(prevClose - low);
  let m = NaN;
  if (a === a) m = a;
  if (b === b && !(b <= m)) m = b;
  if (c === c && !(c <= m)) m = c;
  return m;
}
