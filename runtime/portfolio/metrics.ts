/**
 * Run metrics from a simulated broker's per-bar equity and its trades. Definitions (README
 * "Metrics" says the same):
 * - returns r_i = E_i / E_{i-1} - 1 over the per-bar equity E (marked at each close), with
 *   E_{-1} = initial cash; periodsPerYear = 365.25 days / median bar spacing (crypto never closes);
 * - Sharpe = mean(r) / sd(r) * sqrt(periodsPerYear) (sample sd, risk-free rate 0);
 * - Sortino = mean(r) / sqrt(mean(min(r, 0)^2)) * sqrt(periodsPerYear);
 * - CAGR = (E_end / cash)^(1 / years) - 1, years = (last close time - first open time) / 365.25 d;
 * - max drawdown = largest peak-to-trough fall of E (initial cash counts as a peak), in %;
 * - Calmar = CAGR / max drawdown; win rate, profit factor and average trade over closed trades;
 * - exposure = share of bars that end with a non-zero position.
 *
 * Two ways to get them, with bit-identical results: `computeMetrics` over whole arrays (a finished
 * backtest, tests, reports of saved runs) and `MetricsAccumulator`, fed bar by bar and trade by
 * trade, for a broker that runs for hours with flat memory and shows its metrics as it goes.
 * Both do the same floating-point operations in the same order and share `assemble`.
 */
export interface Trade {
  /** Fill bar's open time of the entry (epoch ms). */
  entryTime: number;
  entryPrice: number;
  /** Fill bar's open time of the exit; null while the trade is open at the end. */
  exitTime: number | null;
  /** Average exit price, or the last close for an open trade. */
  exitPrice: number;
  /** Largest absolute position of the trade; negative for shorts. */
  qty: number;
  fees: number;
  /** Net of fees (and of funding and borrow, for a portfolio); an open trade is valued at the last close. */
  pnl: number;
  /** A portfolio's trades: the instrument (the market wire's name). */
  instrument?: string;
  /** A portfolio's closed trades: what closed it. */
  exitReason?: ExitReason;
  /** A portfolio's trades: funding and borrow cash flows while open (negative: paid); in pnl. */
  carry?: number;
}

export type ExitReason = 'signal' | 'stopLoss' | 'takeProfit' | 'trailingStop' | 'liquidation';

export interface Metrics {
  bars: number;
  trades: number;
  closedTrades: number;
  initialCash: number;
  finalEquity: number;
  totalReturnPct: number;
  cagrPct: number;
  volatilityPct: number;
  sharpe: number;
  sortino: number;
  maxDrawdownPct: number;
  calmar: number;
  winRatePct: number;
  profitFactor: number;
  avgTradePnl: number;
  exposurePct: number;
  feesPaid: number;
  periodsPerYear: number;
  startTime: number;
  endTime: number;
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

export interface MetricsInput {
  initialCash: number;
  /** Equity at each bar's close. */
  equity: ArrayLike<number>;
  /** Each bar's event time (close). */
  eventTimes: ArrayLike<number>;
  /** First bar's open time. */
  startTime: number;
  /** Bars that ended with a non-zero position. */
  barsInMarket: number;
  trades: readonly Trade[];
}

export function computeMetrics(input: MetricsInput): Metrics {
  const { initialCash, equity, eventTimes, trades } = input;
  const bars = equity.length;

  let sum = 0;
  let sumSq = 0;
  let downSq = 0;
  let peak = initialCash;
  let maxDrawdown = 0;
  let previous = initialCash;
  for (let i = 0; i < bars; i++) {
    const e = equity[i];
    const r = e / previous - 1;
    previous = e;
    sum += r;
    sumSq += r * r;
    if (r < 0) downSq += r * r;
    if (e > peak) peak = e;
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > maxDrawdown) maxDrawdown = dd;
  }

  const closed = trades.filter((t) => t.exitTime !== null);
  const wins = closed.filter((t) => t.pnl > 0);
  return assemble({
    initialCash,
    startTime: input.startTime,
    bars,
    barsInMarket: input.barsInMarket,
    finalEquity: bars ? equity[bars - 1] : initialCash,
    endTime: bars ? eventTimes[bars - 1] : input.startTime,
    sum,
    sumSq,
    downSq,
    maxDrawdown,
    spacing: medianSpacing(eventTimes),
    trades: trades.length,
    closedTrades: closed.length,
    wins: wins.length,
    grossProfit: wins.reduce((s, t) => s + t.pnl, 0),
    grossLoss: closed.filter((t) => t.pnl < 0).reduce((s, t) => s - t.pnl, 0),
    closedPnl: closed.reduce((s, t) => s + t.pnl, 0),
    feesPaid: trades.reduce((s, t) => s + t.fees, 0),
  });
}

/** The sums and counts both ways of computing metrics reduce the run to. */
interface Parts {
  initialCash: number;
  startTime: number;
  bars: number;
  barsInMarket: number;
  finalEquity: number;
  endTime: number;
  /** Sums of r, r^2 and min(r, 0)^2 over bars, in bar order. */
  sum: number;
  sumSq: number;
  downSq: number;
  /** As a fraction. */
  maxDrawdown: number;
  /** Median bar spacing in ms (3,600,000 when unknown). */
  spacing: number;
  trades: number;
  closedTrades: number;
  wins: number;
  /** Sums over closed trades in closing order, each starting from 0. */
  grossProfit: number;
  grossLoss: number;
  closedPnl: number;
  /** Over all trades in order, the open one last. */
  feesPaid: number;
}

function assemble(p: Parts): Metrics {
  const { bars, initialCash } = p;
  const mean = bars ? p.sum / bars : 0;
  const variance = bars > 1 ? (p.sumSq - bars * mean * mean) / (bars - 1) : 0;
  const sd = Math.sqrt(Math.max(0, variance));
  const downside = bars ? Math.sqrt(p.downSq / bars) : 0;
  const periodsPerYear = YEAR_MS / p.spacing;
  const years = (p.endTime - p.startTime) / YEAR_MS;
  const growth = p.finalEquity / initialCash;
  const cagr = years > 0 && growth > 0 ? Math.pow(growth, 1 / years) - 1 : NaN;
  const maxDrawdown = p.maxDrawdown;
  const { grossProfit, grossLoss, closedTrades } = p;
  return {
    bars,
    trades: p.trades,
    closedTrades,
    initialCash,
    finalEquity: p.finalEquity,
    totalReturnPct: (growth - 1) * 100,
    cagrPct: cagr * 100,
    volatilityPct: sd * Math.sqrt(periodsPerYear) * 100,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : NaN,
    maxDrawdownPct: maxDrawdown * 100,
    calmar: maxDrawdown > 0 ? cagr / maxDrawdown : NaN,
    winRatePct: closedTrades ? (p.wins / closedTrades) * 100 : NaN,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : NaN,
    avgTradePnl: closedTrades ? p.closedPnl / closedTrades : NaN,
    exposurePct: bars ? (p.barsInMarket / bars) * 100 : 0,
    feesPaid: p.feesPaid,
    periodsPerYear,
    startTime: p.startTime,
    endTime: p.endTime,
  };
}

/** Metrics that stay meaningful when the equity is not (NaN or infinite): counts, times, the inputs. */
const COUNTS_AND_TIMES = new Set<keyof Metrics>(['bars', 'trades', 'closedTrades', 'initialCash', 'periodsPerYear', 'startTime', 'endTime']);

/**
 * The metrics with every value derived from equity or trades set to NaN (n/a): for a run whose
 * equity left the range of doubles, where a win rate or a drawdown computed from the remaining
 * finite numbers would look valid and mean nothing.
 */
export function withoutMoney(metrics: Metrics): Metrics {
  const out = { ...metrics };
  for (const key of Object.keys(out) as (keyof Metrics)[]) if (!COUNTS_AND_TIMES.has(key)) out[key] = NaN;
  return out;
}

/** Bar spacing assumed when there are fewer than two bars (or the median spacing is 0). */
const DEFAULT_SPACING = 3600_000;

/**
 * Median spacing of event times: robust to exchange outages (gaps). Regular data has one spacing
 * for more than half of the bars, which is then the median: found in one pass (majority vote)
 * without sorting a million differences. The median is the element at index (n - 1) >> 1 of the
 * n - 1 sorted spacings (the upper median when their count is even).
 */
function medianSpacing(times: ArrayLike<number>): number {
  const n = times.length;
  if (n < 2) return DEFAULT_SPACING;
  let candidate = 0;
  let votes = 0;
  for (let i = 1; i < n; i++) {
    const d = times[i] - times[i - 1];
    if (votes === 0) candidate = d;
    votes += d === candidate ? 1 : -1;
  }
  let count = 0;
  for (let i = 1; i < n; i++) if (times[i] - times[i - 1] === candidate) count++;
  if (count * 2 > n - 1 && candidate > 0) return candidate;
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) diffs[i - 1] = times[i] - times[i - 1];
  diffs.sort();
  return diffs[(n - 1) >> 1] || DEFAULT_SPACING;
}

/**
 * Distinct bar spacings the accumulator's histogram holds. Candle series have a handful (the
 * timeframe plus one per gap length); only irregular event times (ticks) come near it. Beyond
 * it, a spacing not yet in the histogram is not recorded (counted in `spacingsDropped`), and the
 * median is that of the recorded spacings: then, and only then, periodsPerYear (and the
 * annualised metrics) may differ from `computeMetrics` over the full arrays.
 */
export const MAX_DISTINCT_SPACINGS = 100_000;

// Slots of the accumulator's state (a Float64Array: doubles stay unboxed; counts are exact
// integers in doubles up to 2^53).
const BARS = 0;
const IN_MARKET = 1;
const SUM = 2;
const SUM_SQ = 3;
const DOWN_SQ = 4;
const PEAK = 5;
const MAX_DD = 6;
const PREVIOUS = 7; // last equity (initial cash before the first bar)
const LAST_TIME = 8;
const RUN_SPACING = 9; // the spacing of the current run of equal spacings, not yet in the histogram
const RUN_COUNT = 10;
const CLOSED = 11;
const WINS = 12;
const GROSS_PROFIT = 13;
const GROSS_LOSS = 14;
const CLOSED_PNL = 15;
const CLOSED_FEES = 16;
// Lowest equity since the current peak. For a fixed peak p > 0, (p - e) / p in floating point
// never decreases as e decreases (subtraction and division by p > 0 are monotone under
// rounding), so the deepest bar of a run below p has that run's largest drawdown, bit for bit:
// one division per new peak (and per snapshot) instead of one per bar, same max drawdown.
const TROUGH = 17;
const SLOTS = 18;

/** `downSq` plus the squares of the negative returns of n bars of equity after `previous`. */
function downsideSquares(n: number, equity: Float64Array, previous: number, downSq: number): number {
  for (let i = 0; i < n; i++) {
    const r = equity[i] / previous - 1;
    previous = equity[i];
    if (r < 0) downSq += r * r;
  }
  return downSq;
}

/**
 * Metrics fed as the run goes, in O(1) memory in bars and trades: `addBar` (or `addBars` for a
 * chunk) per market event, `addClosed` per round trip as it closes, `snapshot` at any time.
 * The result equals `computeMetrics` over the same bars and trades (closed ones in closing order,
 * then the open ones) exactly, field by field: the sums run in the same order and the median bar
 * spacing comes from an exact histogram (spacing -> count) instead of the array of times.
 */
export class MetricsAccumulator {
  private readonly s = new Float64Array(SLOTS);
  /** Spacing -> count; runs of equal spacings are counted in RUN_COUNT first (one compare per bar). */
  private readonly spacings = new Map<number, number>();
  /** Spacings not recorded because the histogram was full (see MAX_DISTINCT_SPACINGS). */
  spacingsDropped = 0;

  constructor(
    readonly initialCash: number,
    /** First bar's open time; set it with `start` once known. */
    private startTime = 0,
  ) {
    this.s[PEAK] = initialCash;
    this.s[TROUGH] = Infinity;
    this.s[PREVIOUS] = initialCash;
    this.s[RUN_SPACING] = NaN;
  }

  /** Sets the first bar's open time (CAGR's start). */
  start(startTime: number): void {
    this.startTime = startTime;
  }

  get bars(): number {
    return this.s[BARS];
  }

  /** The highest equity at a bar's close so far (the starting cash before any): the current drawdown's reference. */
  get peakEquity(): number {
    return this.s[PEAK];
  }

  /** One bar: its equity at the close, its event time, whether it ended with a position. */
  addBar(equity: number, eventTime: number, inMarket: boolean): void {
    const s = this.s;
    const bars = s[BARS];
    if (bars > 0) this.addSpacing(eventTime - s[LAST_TIME]);
    const r = equity / s[PREVIOUS] - 1;
    s[PREVIOUS] = equity;
    s[SUM] += r;
    s[SUM_SQ] += r * r;
    if (r < 0) s[DOWN_SQ] += r * r;
    const peak = s[PEAK];
    if (equity > peak) {
      const dd = peak > 0 ? (peak - s[TROUGH]) / peak : 0;
      if (dd > s[MAX_DD]) s[MAX_DD] = dd;
      s[PEAK] = equity;
      s[TROUGH] = equity;
    } else if (equity < s[TROUGH]) s[TROUGH] = equity;
    s[LAST_TIME] = eventTime;
    s[BARS] = bars + 1;
    if (inMarket) s[IN_MARKET]++;
  }

  /**
   * `n` bars at once: equity[i], eventTimes[i], and position[i] (non-zero = in the market).
   * The same operations as n calls of `addBar`, on locals (the broker's hot path).
   */
  addBars(n: number, equity: Float64Array, eventTimes: Float64Array, position: Float64Array): void {
    if (n === 1) {
      // one event per call (live, `--chunk 1`): addBar touches only the slots a bar changes
      this.addBar(equity[0], eventTimes[0], position[0] !== 0);
      return;
    }
    if (n <= 0) return;
    const s = this.s;
    let bars = s[BARS];
    let inMarket = s[IN_MARKET];
    let sum = s[SUM];
    let sumSq = s[SUM_SQ];
    // 4 * downSq: (r - |r|)^2 is (2r)^2 = 4r^2 for r < 0 and 0 otherwise, branch-free (a branch
    // on the sign of r mispredicts on every other bar: it tripled this loop's time). Scaling by 4
    // is exact in binary floating point, term by term and through every rounded sum, barring
    // overflow (no r = e / previous - 1 is small enough to underflow: |r| >= 2^-53 or r = 0),
    // so downSq4 / 4 is the sum of r^2 over r < 0 bit for bit. When it is not finite (some r NaN
    // or +Infinity, equity from 0, or 4r^2 beyond the double range) the chunk is summed again the
    // plain way.
    const downSq = s[DOWN_SQ];
    const previous0 = s[PREVIOUS];
    let downSq4 = downSq * 4;
    let peak = s[PEAK];
    let trough = s[TROUGH];
    let maxDd = s[MAX_DD];
    let previous = s[PREVIOUS];
    let lastTime = s[LAST_TIME];
    let run = s[RUN_SPACING];
    let runCount = s[RUN_COUNT];
    // The run's first bar has no spacing: its d (0) cannot equal the unset run (NaN), and the
    // else branch skips it.
    if (bars === 0) lastTime = eventTimes[0];
    for (let i = 0; i < n; i++) {
      const e = equity[i];
      const t = eventTimes[i];
      const d = t - lastTime;
      if (d === run) runCount++;
      else if (bars + i > 0) {
        if (runCount > 0) this.record(run, runCount);
        run = d;
        runCount = 1;
      }
      const r = e / previous - 1;
      previous = e;
      sum += r;
      sumSq += r * r;
      const u = r - Math.abs(r);
      downSq4 += u * u;
      if (e > peak) {
        // the deepest bar below the old peak settles its drawdown (see TROUGH)
        const dd = peak > 0 ? (peak - trough) / peak : 0;
        if (dd > maxDd) maxDd = dd;
        peak = e;
        trough = e;
      } else if (e < trough) trough = e;
      lastTime = t;
      inMarket += position[i] !== 0 ? 1 : 0;
    }
    s[BARS] = bars + n;
    s[IN_MARKET] = inMarket;
    s[SUM] = sum;
    s[SUM_SQ] = sumSq;
    s[DOWN_SQ] = downSq4 < Infinity ? downSq4 / 4 : downsideSquares(n, equity, previous0, downSq);
    s[PEAK] = peak;
    s[TROUGH] = trough;
    s[MAX_DD] = maxDd;
    s[PREVIOUS] = previous;
    s[LAST_TIME] = lastTime;
    s[RUN_SPACING] = run;
    s[RUN_COUNT] = runCount;
  }

  private addSpacing(d: number): void {
    const s = this.s;
    if (d === s[RUN_SPACING]) {
      s[RUN_COUNT]++;
      return;
    }
    if (s[RUN_COUNT] > 0) this.record(s[RUN_SPACING], s[RUN_COUNT]);
    s[RUN_SPACING] = d;
    s[RUN_COUNT] = 1;
  }

  private record(spacing: number, count: number): void {
    const seen = this.spacings.get(spacing);
    if (seen !== undefined) this.spacings.set(spacing, seen + count);
    else if (this.spacings.size < MAX_DISTINCT_SPACINGS) this.spacings.set(spacing, count);
    else this.spacingsDropped += count;
  }

  /** A round trip, when it closes (in closing order). */
  /** A closed round trip's net pnl and fees. */
  addClosed(pnl: number, fees: number): void {
    const s = this.s;
    s[CLOSED]++;
    if (pnl > 0) {
      s[WINS]++;
      s[GROSS_PROFIT] += pnl;
    } else if (pnl < 0) s[GROSS_LOSS] -= pnl;
    s[CLOSED_PNL] += pnl;
    s[CLOSED_FEES] += fees;
  }

  /**
   * Median of the recorded spacings: with m of them, the element at index m >> 1 of their sorted
   * list, which is what computeMetrics returns (m = bars - 1 unless the histogram overflowed).
   */
  private medianSpacing(): number {
    const s = this.s;
    if (s[BARS] < 2) return DEFAULT_SPACING;
    if (s[RUN_COUNT] > 0) {
      // Move the pending run into the histogram (RUN_SPACING stays, so the run can go on).
      this.record(s[RUN_SPACING], s[RUN_COUNT]);
      s[RUN_COUNT] = 0;
    }
    // Float64Array sort: the order of computeMetrics' diffs.sort() (numeric, NaN last).
    const keys = Float64Array.from(this.spacings.keys()).sort();
    let recorded = 0;
    for (let k = 0; k < keys.length; k++) recorded += this.spacings.get(keys[k])!;
    const index = recorded >> 1;
    let seen = 0;
    for (let k = 0; k < keys.length; k++) {
      seen += this.spacings.get(keys[k])!;
      if (seen > index) return keys[k] || DEFAULT_SPACING;
    }
    return DEFAULT_SPACING;
  }

  /** The settled runs' largest drawdown and the current run's. */
  private maxDrawdown(): number {
    const s = this.s;
    const peak = s[PEAK];
    const dd = peak > 0 ? (peak - s[TROUGH]) / peak : 0;
    return dd > s[MAX_DD] ? dd : s[MAX_DD];
  }

  /** The metrics so far; `openTrades` are the round trips still open (exitTime null), valued at the last close. */
  snapshot(openTrades: readonly Trade[] = []): Metrics {
    const s = this.s;
    const bars = s[BARS];
    let feesPaid = s[CLOSED_FEES];
    for (const t of openTrades) feesPaid += t.fees;
    return assemble({
      initialCash: this.initialCash,
      startTime: this.startTime,
      bars,
      barsInMarket: s[IN_MARKET],
      finalEquity: bars ? s[PREVIOUS] : this.initialCash,
      endTime: bars ? s[LAST_TIME] : this.startTime,
      sum: s[SUM],
      sumSq: s[SUM_SQ],
      downSq: s[DOWN_SQ],
      maxDrawdown: this.maxDrawdown(),
      spacing: this.medianSpacing(),
      trades: s[CLOSED] + openTrades.length,
      closedTrades: s[CLOSED],
      wins: s[WINS],
      grossProfit: s[GROSS_PROFIT],
      grossLoss: s[GROSS_LOSS],
      closedPnl: s[CLOSED_PNL],
      feesPaid,
    });
  }
}
