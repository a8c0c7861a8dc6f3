/**
 * The sma-cross strategy written by hand as one fused loop over Float64Arrays, with no runtime:
 * the speed floor for bench/backtest.ts and an independent check of the engine's trades
 * (test/examples.test.ts). Rules (README, graphs/sma-cross.yaml): SMA as TA-Lib computes it
 * (running sum); a cross above (fast > slow, and fast < slow at the last bar where they
 * differed) goes all-in at the next bar's open, buying cash / (open * (1 + fee)); a cross below
 * sells everything at the next bar's open; fee on traded value per side; equity = cash + qty *
 * close at every bar; an open position at the end is valued at the last close.
 */
export interface HandTrade {
  entryTime: number;
  entryPrice: number;
  exitTime: number | null;
  exitPrice: number;
  qty: number;
  fees: number;
  pnl: number;
}

export interface HandLoopResult {
  trades: HandTrade[];
  finalEquity: number;
  /** Sum of equity over all bars: a cheap fingerprint of the whole equity curve. */
  equitySum: number;
}

export function smaCrossHandLoop(
  time: Float64Array,
  open: Float64Array,
  close: Float64Array,
  fast: number,
  slow: number,
  cash0: number,
  fee: number,
): HandLoopResult {
  const n = close.length;
  const ringFast = new Float64Array(fast);
  const ringSlow = new Float64Array(slow);
  let posFast = 0;
  let posSlow = 0;
  let sumFast = 0.0;
  let sumSlow = 0.0;
  let side = 0; // +1 fast above slow, -1 below, 0 unknown
  let pending = NaN; // target decided at the previous bar: 1 all-in, 0 flat
  let cash = cash0 + 0.0;
  let qty = 0.0;
  let equitySum = 0.0;
  const trades: HandTrade[] = [];
  let entryTime = 0;
  let entryPrice = 0;
  let entryFee = 0;
  let entryFlow = 0;

  for (let i = 0; i < n; i++) {
    // 1. fill the order decided at the previous bar, at this bar's open
    if (pending === 1 && qty === 0) {
      const px = open[i];
      const q = cash / (px * (1 + fee));
      const value = q * px;
      const cost = value * fee;
      const flow = -value - cost;
      cash += flow;
      qty = q;
      entryTime = time[i];
      entryPrice = px;
      entryFee = cost;
      entryFlow = flow;
    } else if (pending === 0 && qty !== 0) {
      const px = open[i];
      const value = qty * px;
      const cost = value * fee;
      const flow = value - cost;
      cash += flow;
      trades.push({ entryTime, entryPrice, exitTime: time[i], exitPrice: px, qty, fees: entryFee + cost, pnl: entryFlow + flow });
      qty = 0.0;
    }
    pending = NaN;
    // 2. mark to market
    equitySum += cash + qty * close[i];
    // 3. indicators (TA-Lib running sums) and the crossover decision
    const x = close[i];
    sumFast += x;
    ringFast[posFast] = x;
    posFast = posFast + 1 === fast ? 0 : posFast + 1;
    sumSlow += x;
    ringSlow[posSlow] = x;
    posSlow = posSlow + 1 === slow ? 0 : posSlow + 1;
    if (i >= slow - 1) {
      const a = sumFast / fast;
      const b = sumSlow / slow;
      if (a > b) {
        if (side === -1) pending = 1;
        side = 1;
      } else if (a < b) {
        if (side === 1) pending = 0;
        side = -1;
      }
    }
    if (i >= fast - 1) sumFast -= ringFast[posFast];
    if (i >= slow - 1) sumSlow -= ringSlow[posSlow];
  }
  const last = close[n - 1];
  if (qty !== 0) trades.push({ entryTime, entryPrice, exitTime: null, exitPrice: last, qty, fees: entryFee, pnl: entryFlow + qty * last });
  return { trades, finalEquity: cash + qty * last, equitySum };
}
