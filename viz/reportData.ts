/**
 * The series and tables of a backtest report, computed from a broker's full per-bar history
 * (never from the downsampled display points): drawdown, buy-and-hold, monthly returns. A broker
 * with bounded history reports what these need instead (runtime/portfolio/simulatedBroker.ts):
 * the exact drawdown of each kept bar, each month's last bar, and its first bar for buy-and-hold.
 */

/**
 * Drawdown in % at each bar: E_i / max(cash, E_0..E_i) - 1 (the starting cash counts as a peak,
 * as in the max drawdown metric), 0 at a new high, negative below it.
 */
export function drawdownPct(equity: ArrayLike<number>, initialCash: number): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = initialCash;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    out[i] = peak > 0 ? (e / peak - 1) * 100 : 0;
  }
  return out;
}

/** The starting cash held in the instrument from the first close on, without fees. */
export function buyAndHold(closes: ArrayLike<number>, initialCash: number): Float64Array {
  const out = new Float64Array(closes.length);
  const first = closes.length ? closes[0] : NaN;
  for (let i = 0; i < closes.length; i++) out[i] = (initialCash * closes[i]) / first;
  return out;
}

export interface YearReturns {
  year: number;
  /** Return of each calendar month in %, null for months without bars. */
  months: (number | null)[];
  /** Return of the year (its bars only) in %. */
  total: number;
}

/**
 * Calendar-month and calendar-year returns (UTC) of per-bar equity. A bar belongs to the month in
 * which it closes (an event time of exactly midnight on the 1st closes the previous month's last
 * bar). Each month's return is its last equity over the previous month's last equity (the
 * starting cash for the first), so the months of a year compound to the year's return.
 */
export function monthlyReturns(equity: ArrayLike<number>, eventTimes: ArrayLike<number>, initialCash: number): YearReturns[] {
  const years: YearReturns[] = [];
  let base = initialCash;
  let yearBase = initialCash;
  let current: YearReturns | undefined;
  let month = -1;
  let nextBoundary = -Infinity; // first instant of the month after the current one
  let last = NaN;
  const closeMonth = () => {
    if (current && month >= 0) {
      current.months[month] = (last / base - 1) * 100;
      base = last;
    }
  };
  for (let i = 0; i < equity.length; i++) {
    const t = eventTimes[i] - 1; // the bar's last instant
    if (t >= nextBoundary) {
      closeMonth();
      const d = new Date(t);
      const y = d.getUTCFullYear();
      month = d.getUTCMonth();
      nextBoundary = Date.UTC(y, month + 1, 1);
      if (!current || current.year !== y) {
        if (current) {
          current.total = (base / yearBase - 1) * 100;
          yearBase = base;
        }
        current = { year: y, months: new Array<number | null>(12).fill(null), total: 0 };
        years.push(current);
      }
    }
    last = equity[i];
  }
  closeMonth();
  if (current) current.total = (base / yearBase - 1) * 100;
  return years;
}
