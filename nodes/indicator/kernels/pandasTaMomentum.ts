import { Type } from '@sinclair/typebox';

/**
 * Building blocks of the pandas-ta momentum kinds (ao, bias, cfo, cg, coppock, cti, er, eri,
 * fisher, inertia, kdj, brar, dm), computed the way pandas and pandas-ta compute them, one value
 * at a time (`next`), so any chunking gives the same bits:
 * - `Ring`: the last `length` values, read oldest first; sums are recomputed over the window at
 *   every event (no running-sum drift; a NaN in the window gives NaN, as pandas' rolling windows
 *   with min_periods = length).
 * - `PandasEwm`: pandas `Series.ewm(alpha=..., adjust=..., min_periods=...).mean()` (ignore_na
 *   False), the recursion of pandas 1.5's window/aggregations.pyx ewm: with adjust the weights are
 *   (1 - alpha)^i over every past value (pandas-ta rma), without it the classic recursion.
 * - `PtaEma`: pandas-ta ema (sma=True): the first `length` values give their mean (NaN skipped)
 *   at row length - 1, then ewm(span=length, adjust=False).
 * - `createPtaMa(mode, length)`: pandas-ta ma() for the modes offered here: sma (rolling mean),
 *   ema (PtaEma), wma (rolling dot with weights 1..length / (length (length + 1) / 2)), rma
 *   (ewm(alpha = 1 / length, adjust=True, min_periods=length)).
 * - `ptaLinreg`: pandas-ta linreg over a full window with x = 1..length (oldest = 1).
 * Memory: O(length) per instance; no allocation per event.
 */

export interface Stepper {
  /** Feeds one value; returns the output for it (NaN while there is none). */
  next(x: number): number;
}

/** The last `length` values; `at(i)` is the i-th oldest once full. */
export class Ring {
  readonly buf: Float64Array;
  private pos = 0; // next slot; once full, the slot of the oldest value
  count = 0;

  constructor(readonly length: number) {
    this.buf = new Float64Array(length);
  }

  push(x: number): void {
    this.buf[this.pos] = x;
    this.pos = this.pos + 1 === this.length ? 0 : this.pos + 1;
    if (this.count < this.length) this.count++;
  }

  get full(): boolean {
    return this.count === this.length;
  }

  /** The i-th value of the window, oldest first (i = 0 the oldest), once full. */
  at(i: number): number {
    const k = this.pos + i;
    return this.buf[k >= this.length ? k - this.length : k];
  }

  /** The value pushed `ago` events before the newest (0 = the newest), ago < count. */
  back(ago: number): number {
    const k = this.pos - 1 - ago;
    return this.buf[k < 0 ? k + this.length : k];
  }

  /** Sum of the window, oldest first (NaN until full). */
  sum(): number {
    if (this.count < this.length) return NaN;
    let s = 0.0;
    for (let i = 0; i < this.length; i++) s += this.at(i);
    return s;
  }
}

/** pandas' center of mass -> alpha, as pandas computes it (ewm(alpha=a) and ewm(span=s)). */
export function alphaOf(alpha: number): number {
  return 1.0 / (1.0 + (1.0 - alpha) / alpha);
}
export function alphaOfSpan(span: number): number {
  return 1.0 / (1.0 + (span - 1) / 2);
}

/** pandas ewm(...).mean() with ignore_na=False (pandas 1.5 aggregations.pyx ewm). */
export class PandasEwm implements Stepper {
  private readonly oldWtFactor: number;
  private readonly newWt: number;
  private readonly minPeriods: number;
  private started = false;
  private weighted = NaN;
  private oldWt = 1.0;
  private nobs = 0;

  constructor(
    alpha: number,
    private readonly adjust: boolean,
    minPeriods: number,
  ) {
    this.oldWtFactor = 1.0 - alpha;
    this.newWt = adjust ? 1.0 : alpha;
    this.minPeriods = Math.max(minPeriods, 1);
  }

  next(cur: number): number {
    const isObs = cur === cur;
    if (!this.started) {
      this.started = true;
      this.weighted = cur;
      this.nobs = isObs ? 1 : 0;
    } else {
      if (isObs) this.nobs++;
      let weighted = this.weighted;
      if (weighted === weighted) {
        this.oldWt *= this.oldWtFactor;
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
    }
    return this.nobs >= this.minPeriods ? this.weighted : NaN;
  }
}

/** pandas-ta ema (sma=True, adjust=False): seeded with the mean of the first `length` values (NaN skipped). */
export class PtaEma implements Stepper {
  private readonly ewm: PandasEwm;
  private seen = 0;
  private sum = 0.0;
  private count = 0;

  constructor(private readonly length: number) {
    this.ewm = new PandasEwm(alphaOfSpan(length), false, 0);
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

/** pandas rolling(length).mean(). */
export class RollingMean implements Stepper {
  private readonly ring: Ring;
  constructor(private readonly length: number) {
    this.ring = new Ring(length);
  }
  next(x: number): number {
    this.ring.push(x);
    return this.ring.sum() / this.length;
  }
}

/** pandas-ta wma (asc): rolling dot with weights 1..length over length (length + 1) / 2. */
export class RollingWma implements Stepper {
  private readonly ring: Ring;
  private readonly total: number;
  constructor(private readonly length: number) {
    this.ring = new Ring(length);
    this.total = 0.5 * length * (length + 1);
  }
  next(x: number): number {
    const ring = this.ring;
    ring.push(x);
    if (!ring.full) return NaN;
    let s = 0.0;
    for (let i = 0; i < this.length; i++) s += (i + 1) * ring.at(i);
    return s / this.total;
  }
}

export type PtaMaMode = 'sma' | 'ema' | 'wma' | 'rma';

/** pandas-ta ma(mode, x, length=length) for the modes above. */
export function createPtaMa(mode: PtaMaMode, length: number): Stepper {
  switch (mode) {
    case 'sma':
      return new RollingMean(length);
    case 'ema':
      return new PtaEma(length);
    case 'wma':
      return new RollingWma(length);
    case 'rma':
      return new PandasEwm(alphaOf(1.0 / length), true, length);
  }
  throw new Error(`unknown pandas-ta moving average ${String(mode)}`);
}

/** The maMode param: pandas-ta's mamode for the averages offered. */
export function ptaMaParam(def: PtaMaMode, description: string) {
  return Type.Union([Type.Literal('sma'), Type.Literal('ema'), Type.Literal('wma'), Type.Literal('rma')], { default: def, description });
}

export const PTA_MA_TEXT =
  'sma (rolling mean), ema (pandas-ta ema: the mean of the first length values, then the ' +
  'recursion with alpha 2 / (length + 1)), wma (weights 1..length, newest heaviest), rma ' +
  "(pandas-ta rma: pandas ewm(alpha = 1 / length, adjust=True), a weighted mean of every past value " +
  'with weights (1 - alpha)^age, first value after length values)';

/** Leading events of pandas-ta ma(mode, length) without output, for an input whose first value is at row `first`. */
export function ptaMaWarmup(mode: PtaMaMode, length: number, first: number): number {
  return mode === 'ema' ? Math.max(length - 1, first) : first + length - 1;
}

export type PtaLinregOutput = 'linreg' | 'tsf' | 'r';

/**
 * pandas-ta linreg over the window of `ring` (full), x = 1..length oldest first: m and b of the
 * least-squares line; 'linreg' m (length - 1) + b (pandas-ta's default: the line at the
 * second-newest value), 'tsf' m length + b (the line at the newest value), 'r' the correlation.
 */
export function ptaLinreg(ring: Ring, output: PtaLinregOutput): number {
  const length = ring.length;
  if (!ring.full) return NaN;
  const xSum = 0.5 * length * (length + 1);
  const x2Sum = (xSum * (2 * length + 1)) / 3;
  const divisor = length * x2Sum - xSum * xSum;
  let ySum = 0.0;
  let xySum = 0.0;
  let y2Sum = 0.0;
  for (let i = 0; i < length; i++) {
    const y = ring.at(i);
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
