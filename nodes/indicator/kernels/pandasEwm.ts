/**
 * Streaming forms of the pandas / pandas-ta building blocks the pandas-ta ports need, value by
 * value (`next(x)` returns the output for x; NaN when there is none), each O(window) memory and
 * no allocation per value:
 *
 * - `PandasEwm`: pandas `Series.ewm(com=..., adjust=..., min_periods=...).mean()` (ignore_na
 *   False), the same operations in the same order as pandas 1.5's window/aggregations.pyx `ewm`
 *   (old weight decayed on every value once started, NaN values hold the average).
 * - `PtaEma`: pandas-ta `ema(close, length)` without TA-Lib (sma=True, adjust=False): the value
 *   at row length - 1 is replaced by the mean of the non-NaN values of the first `length` rows,
 *   the rows before it by NaN, then `ewm(span=length, adjust=False)`. On a series with
 *   `length` or more leading NaNs (an EMA of an EMA) the mean is NaN and the EWM starts at the
 *   first value instead; `ptaEmaStart` gives the first row with a value either way.
 * - `ptaRma(length)`: pandas-ta `rma`, `ewm(alpha=1/length, min_periods=length)` (adjust True).
 * - `RollingWindow`: pandas `rolling(length).mean()` / `.sum()` / `.std(ddof=0)` / `.min()` /
 *   `.max()` over a ring: NaN until `length` values, NaN while a NaN is in the window (pandas'
 *   min_periods = length). Sums are running sums (pandas too, with compensation; equal to 1e-12).
 */

/** pandas ewm(com, adjust, min_periods).mean(), ignore_na=False, value by value. */
export class PandasEwm {
  private readonly oldWtFactor: number;
  private readonly newWt: number;
  private weighted = NaN;
  private oldWt = 1.0;
  private nobs = 0;

  constructor(
    com: number,
    private readonly adjust: boolean,
    private readonly minPeriods: number,
  ) {
    const alpha = 1.0 / (1.0 + com);
    this.oldWtFactor = 1.0 - alpha;
    this.newWt = adjust ? 1.0 : alpha;
  }

  next(cur: number): number {
    const isObservation = cur === cur;
    if (isObservation) this.nobs++;
    let weighted = this.weighted;
    if (weighted === weighted) {
      if (isObservation) {
        const oldWt = this.oldWt * this.oldWtFactor;
        if (weighted !== cur) {
          weighted = oldWt * weighted + this.newWt * cur;
          weighted /= oldWt + this.newWt;
        }
        this.oldWt = this.adjust ? oldWt + this.newWt : 1.0;
      } else {
        this.oldWt *= this.oldWtFactor; // ignore_na False: a missing value still ages the average
      }
    } else if (isObservation) {
      weighted = cur;
    }
    this.weighted = weighted;
    return this.nobs >= this.minPeriods ? weighted : NaN;
  }
}

/** pandas `ewm(span=length)`'s centre of mass. */
export function spanCom(length: number): number {
  return (length - 1) / 2;
}

/** pandas-ta rma(length): ewm(alpha = 1 / length, min_periods = length), adjust True. */
export function ptaRma(length: number): PandasEwm {
  const alpha = 1.0 / length;
  return new PandasEwm((1 - alpha) / alpha, true, length);
}

/** pandas-ta ema(close, length) computed by pandas-ta itself (sma=True, adjust=False). */
export class PtaEma {
  private readonly ewm: PandasEwm;
  private row = 0;
  private sum = 0.0;
  private count = 0;

  constructor(readonly length: number) {
    this.ewm = new PandasEwm(spanCom(length), false, 0);
  }

  next(x: number): number {
    const r = this.row++;
    if (r >= this.length) return this.ewm.next(x);
    if (x === x) {
      this.sum += x;
      this.count++;
    }
    if (r < this.length - 1) return NaN;
    return this.ewm.next(this.count > 0 ? this.sum / this.count : NaN);
  }
}

/** First row with a value of pandas-ta ema(length) of a series whose first value is at row `lead`. */
export function ptaEmaStart(lead: number, length: number): number {
  return Math.max(lead, length - 1);
}

/** A ring of the last `length` values with pandas rolling(length) statistics. */
export class RollingWindow {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;
  private nans = 0; // NaN values in the window
  private sum = 0.0;
  private sum2 = 0.0;

  constructor(readonly length: number) {
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
    // Recompute the running sums from the window now and then: no drift on long streams.
    if (this.pos === 0 && this.nans === 0) this.resum();
    return this.seen === this.length && this.nans === 0;
  }

  private resum(): void {
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

  max(): number {
    let best = -Infinity;
    for (let i = 0; i < this.length; i++) if (this.ring[i] > best) best = this.ring[i];
    return best;
  }

  min(): number {
    let best = Infinity;
    for (let i = 0; i < this.length; i++) if (this.ring[i] < best) best = this.ring[i];
    return best;
  }

  /** The value pushed `back` pushes ago (0: the newest); back < length. */
  ago(back: number): number {
    let p = this.pos - 1 - back;
    if (p < 0) p += this.length;
    return this.ring[p];
  }
}

/** A delay line: `next(x)` returns the value pushed `lag` values before (NaN until then). */
export class Lag {
  private readonly ring: Float64Array;
  private pos = 0;
  private seen = 0;

  constructor(readonly lag: number) {
    this.ring = new Float64Array(Math.max(1, lag));
  }

  next(x: number): number {
    if (this.lag === 0) return x;
    const old = this.seen < this.lag ? NaN : this.ring[this.pos];
    if (this.seen < this.lag) this.seen++;
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === this.lag ? 0 : this.pos + 1;
    return old;
  }
}
