import { Type } from '@sinclair/typebox';

/**
 * Streaming forms of the pandas window operations pandas-ta's trend indicators are built from
 * (pandas 1.5 `_libs/window/aggregations.pyx`), one value per call, O(window) memory, no
 * allocation after construction:
 * - `RollingSum`: `rolling(length, min_periods).sum()` or `.mean()` with pandas' Kahan sums (separate
 *   compensations for adds and removes) and its run-of-equal-values and sign clamps.
 * - `RollingExtreme`: `rolling(length).max()` / `.min()` (NaN skipped, min_periods = length).
 * - `Ewm`: `ewm(com, adjust, min_periods).mean()` with ignore_na=False.
 * - `Lag`: `shift(k)`.
 * - `PtaMa`: pandas-ta's own moving averages (sma, ema seeded with an SMA, rma, dema, wma, hma).
 * - `trueRange`: pandas-ta true_range of one bar (NaN-skipping max of the three distances).
 */

export class RollingSum {
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

/** pandas rolling(length).max() (`max` true) or .min(): NaN inputs skipped, NaN until length values are in the window. */
export class RollingExtreme {
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

/** pandas' center of mass of an ewm given alpha (pandas get_center_of_mass). */
export function comOfAlpha(alpha: number): number {
  return (1.0 - alpha) / alpha;
}

/** pandas ewm(com=com, adjust, min_periods).mean(), ignore_na=False. */
export class Ewm {
  private readonly alpha: number;
  private readonly oldWtFactor: number;
  private readonly newWt: number;
  private weighted = NaN;
  private oldWt = 1.0;
  private nobs = 0;
  private started = false;

  constructor(
    com: number,
    private readonly adjust: boolean,
    private readonly minPeriods: number,
  ) {
    this.alpha = 1.0 / (1.0 + com);
    this.oldWtFactor = 1.0 - this.alpha;
    this.newWt = adjust ? 1.0 : this.alpha;
  }

  next(cur: number): number {
    const obs = cur === cur;
    if (!this.started) {
      // pandas' first value
      this.started = true;
      this.weighted = cur;
      this.nobs = obs ? 1 : 0;
      this.oldWt = 1.0;
    } else {
      if (obs) this.nobs++;
      const weighted = this.weighted;
      if (weighted === weighted) {
        this.oldWt *= this.oldWtFactor;
        if (obs) {
          if (weighted !== cur) this.weighted = (this.oldWt * weighted + this.newWt * cur) / (this.oldWt + this.newWt);
          if (this.adjust) this.oldWt += this.newWt;
          else this.oldWt = 1.0;
        }
      } else if (obs) this.weighted = cur;
    }
    return this.nobs >= Math.max(this.minPeriods, 1) ? this.weighted : NaN;
  }
}

/** shift(k): the value k calls ago, NaN before. */
export class Lag {
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

/** pandas' NaN-skipping max of three values (DataFrame.max(axis=1)). */
function nanMax3(a: number, b: number, c: number): number {
  let m = NaN;
  if (a === a) m = a;
  if (b === b && !(b <= m)) m = b;
  if (c === c && !(c <= m)) m = c;
  return m;
}

/** pandas-ta true_range of one bar given the close `drift` bars ago (NaN while there is none). */
export function trueRange(high: number, low: number, prevClose: number): number {
  if (prevClose !== prevClose) return NaN;
  return nanMax3(Math.abs(high - low), Math.abs(high - prevClose), Math.abs(prevClose - low));
}

/** The moving averages of pandas-ta that hean offers where pandas-ta lets one choose (mamode / ma). */
export type PtaMaName = 'sma' | 'ema' | 'rma' | 'dema' | 'wma' | 'hma';

export function ptaMaParam(names: readonly PtaMaName[], def: PtaMaName, description: string) {
  return Type.Union(
    names.map((n) => Type.Literal(n)),
    { default: def, description },
  );
}

export const PTA_MA_TEXT =
  'sma (pandas rolling mean), ema (pandas-ta ema: SMA of the first length values, then ewm(span=length, ' +
  'adjust=False)), rma (Wilder: ewm(alpha=1/length, adjust=True, min_periods=length)), dema (2 ema - ema of ema), ' +
  'wma (linear weights 1..length), hma (Hull: wma(2 wma(length/2) - wma(length), sqrt(length)))';

/** Leading inputs without output of a pandas-ta average fed from its first value. */
export function ptaMaLookback(name: PtaMaName, length: number): number {
  return name === 'hma' ? length - 1 + Math.floor(Math.sqrt(length)) - 1 : length - 1;
}

/** pandas-ta's moving averages as streaming kernels (its own code, not TA-Lib). */
export class PtaMa {
  private readonly impl: { next(x: number): number };

  constructor(name: PtaMaName, length: number) {
    switch (name) {
      case 'sma':
        this.impl = new RollingSum(length, true);
        break;
      case 'ema':
        this.impl = new PtaEma(length);
        break;
      case 'rma':
        this.impl = new Ewm(comOfAlpha(1.0 / length), true, length);
        break;
      case 'dema': {
        const e1 = new PtaEma(length);
        const e2 = new PtaEma(length);
        this.impl = {
          next(x: number): number {
            const a = e1.next(x);
            return 2 * a - e2.next(a);
          },
        };
        break;
      }
      case 'wma':
        this.impl = new PtaWma(length);
        break;
      case 'hma': {
        const fast = new PtaWma(Math.floor(length / 2));
        const slow = new PtaWma(length);
        const hull = new PtaWma(Math.floor(Math.sqrt(length)));
        this.impl = {
          next(x: number): number {
            return hull.next(2 * fast.next(x) - slow.next(x));
          },
        };
        break;
      }
    }
  }

  next(x: number): number {
    return this.impl.next(x);
  }
}

/** pandas-ta ema (sma=True, adjust=False): NaN for length - 1 values, then the mean of the first length (NaN skipped), then ewm(span=length, adjust=False). */
class PtaEma {
  private seen = 0;
  private seedSum = 0.0;
  private seedCount = 0;
  private readonly ewm: Ewm;

  constructor(private readonly length: number) {
    this.ewm = new Ewm((length - 1) / 2, false, 0);
  }

  next(x: number): number {
    if (this.seen < this.length) {
      this.seen++;
      if (x === x) {
        this.seedSum += x;
        this.seedCount++;
      }
      if (this.seen < this.length) return this.ewm.next(NaN);
      return this.ewm.next(this.seedCount > 0 ? this.seedSum / this.seedCount : NaN);
    }
    return this.ewm.next(x);
  }
}

/** pandas-ta wma (asc): rolling(length).apply(dot(x, 1..length) / (length (length + 1) / 2)). */
class PtaWma {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private readonly total: number;

  constructor(private readonly length: number) {
    this.ring = new Float64Array(length);
    this.total = 0.5 * length * (length + 1);
  }

  next(x: number): number {
    const L = this.length;
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === L ? 0 : this.pos + 1;
    if (this.seen < L) this.seen++;
    if (this.seen < L) return NaN;
    let dot = 0.0;
    let p = this.pos; // oldest
    for (let w = 1; w <= L; w++) {
      dot += this.ring[p] * w;
      p = p + 1 === L ? 0 : p + 1;
    }
    return dot / this.total;
  }
}
