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
  /** Net of fees; an open trade is valued at the last close. */
  pnl: number;
}

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
  const finalEquity = bars ? equity[bars - 1] : initialCash;
  const endTime = bars ? eventTimes[bars - 1] : input.startTime;

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
  const mean = bars ? sum / bars : 0;
  const variance = bars > 1 ? (sumSq - bars * mean * mean) / (bars - 1) : 0;
  const sd = Math.sqrt(Math.max(0, variance));
  const downside = bars ? Math.sqrt(downSq / bars) : 0;
  const periodsPerYear = YEAR_MS / medianSpacing(eventTimes);
  const years = (endTime - input.startTime) / YEAR_MS;
  const growth = finalEquity / initialCash;
  const cagr = years > 0 && growth > 0 ? Math.pow(growth, 1 / years) - 1 : NaN;

  const closed = trades.filter((t) => t.exitTime !== null);
  const wins = closed.filter((t) => t.pnl > 0);
  const grossProfit = wins.reduce((s, t) => s + t.pnl, 0);
  const grossLoss = closed.filter((t) => t.pnl < 0).reduce((s, t) => s - t.pnl, 0);

  return {
    bars,
    trades: trades.length,
    closedTrades: closed.length,
    initialCash,
    finalEquity,
    totalReturnPct: (growth - 1) * 100,
    cagrPct: cagr * 100,
    volatilityPct: sd * Math.sqrt(periodsPerYear) * 100,
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : NaN,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : NaN,
    maxDrawdownPct: maxDrawdown * 100,
    calmar: maxDrawdown > 0 ? cagr / maxDrawdown : NaN,
    winRatePct: closed.length ? (wins.length / closed.length) * 100 : NaN,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : grossProfit > 0 ? Infinity : NaN,
    avgTradePnl: closed.length ? closed.reduce((s, t) => s + t.pnl, 0) / closed.length : NaN,
    exposurePct: bars ? (input.barsInMarket / bars) * 100 : 0,
    feesPaid: trades.reduce((s, t) => s + t.fees, 0),
    periodsPerYear,
    startTime: input.startTime,
    endTime,
  };
}

/**
 * Median spacing of event times: robust to exchange outages (gaps). Regular data has one spacing
 * for more than half of the bars, which is then the median: found in one pass (majority vote)
 * without sorting a million differences.
 */
function medianSpacing(times: ArrayLike<number>): number {
  const n = times.length;
  if (n < 2) return 3600_000;
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
  return diffs[(n - 1) >> 1] || 3600_000;
}
