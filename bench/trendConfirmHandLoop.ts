import type { HandLoopResult, HandTrade } from './smaCrossHandLoop.js';

/**
 * The trend-confirm strategy (graphs/trend-confirm.yaml) written by hand as one fused loop over
 * Float64Arrays, with no runtime: the speed floor for that graph and an independent check of the
 * engine's trades (test/examples.test.ts). Rules, from the node descriptions and TA-Lib:
 * - EMA(p) as TA-Lib: k = 2 / (p + 1), seeded at bar p - 1 with the average of the first p
 *   closes (summed from 0 in order), then (x - prev) * k + prev.
 * - MACD(12, 26, 9) as TA-Lib's MACD (not MACDFIX: explicit periods use k = 2 / (p + 1), the
 *   0.15 / 0.075 constants are only for period 0): both price EMAs are seeded at bar 25, the slow
 *   one with the average of closes 0..25, the fast one with that of closes 14..25; the signal
 *   EMA(9) of macd is seeded at bar 33 with the average of macd at bars 25..33.
 * - Bollinger middle band = SMA(20) from a running sum (add the newest, divide, drop the oldest).
 * - Crossover: remembers the side of the last bar where a and b differed; a cross is a change of
 *   that side (the first side seen is not a cross). Three of them: EMA fast vs slow, macd vs
 *   signal, close vs middle band, each from the bar where both of its inputs exist.
 * - Vote (signal.combine, mode vote, minVotes 2, long only): an input is long after its last cross
 *   was above (none before its first cross); long when at least 2 are, flat otherwise; a change
 *   of that stance is an order: target 0.5 of equity (sizer.fixedFraction) or 0.
 * - Broker (next-open fills, long only): the order decided at bar i fills at the open of bar i+1;
 *   a buy at open * (1 + slip) of 0.5 * equity / (price * (1 + fee)) units (equity is the cash,
 *   being flat), a sell of everything at open * (1 - slip); the fee is a fraction of traded value
 *   per side. A round trip's prices are the slipped fill prices, its pnl the sum of its cash
 *   flows (fees included). Equity = cash + qty * close at every bar; an open position at the end
 *   is valued at the last close. Half the equity long never ruins the account, so no ruin rule.
 */

const MACD_FAST = 12;
const MACD_SLOW = 26;
const MACD_SIGNAL = 9;
const BB_PERIOD = 20;
const MIN_VOTES = 2;
const FRACTION = 0.5;

export function trendConfirmHandLoop(
  time: Float64Array,
  open: Float64Array,
  close: Float64Array,
  fast: number,
  slow: number,
  cash0: number,
  fee: number,
  slippageBps: number,
): HandLoopResult {
  const n = close.length;
  const slip = slippageBps / 10000;
  // trend: EMA(fast) and EMA(slow) of the close
  const kFast = 2.0 / (fast + 1);
  const kSlow = 2.0 / (slow + 1);
  const trendFrom = Math.max(fast, slow) - 1;
  let sumFast = 0.0;
  let emaFast = 0.0;
  let sumSlow = 0.0;
  let emaSlow = 0.0;
  // momentum: MACD(12, 26, 9)
  const k12 = 2.0 / (MACD_FAST + 1);
  const k26 = 2.0 / (MACD_SLOW + 1);
  const kSignal = 2.0 / (MACD_SIGNAL + 1);
  const macdFrom = MACD_SLOW - 1; // first macd value
  const fastSeedFrom = MACD_SLOW - MACD_FAST; // first close of the fast EMA's seed
  const signalFrom = macdFrom + MACD_SIGNAL - 1; // first signal value
  let sum12 = 0.0;
  let ema12 = 0.0;
  let sum26 = 0.0;
  let ema26 = 0.0;
  let sumSignal = 0.0;
  let signal = 0.0;
  // regime: SMA(20) of the close
  const ring = new Float64Array(BB_PERIOD);
  let pos = 0;
  let sumBand = 0.0;
  // crossovers: side +1 a above b at the last differing bar, -1 below, 0 none yet;
  // vote: 1 when that input's last cross was above, else 0
  let sideTrend = 0;
  let sideMomentum = 0;
  let sideRegime = 0;
  let voteTrend = 0;
  let voteMomentum = 0;
  let voteRegime = 0;
  let long = false;
  // broker
  let pending = NaN; // target decided at the previous bar: FRACTION or 0
  let cash = cash0 + 0.0;
  let qty = 0.0;
  let equitySum = 0.0;
  const trades: HandTrade[] = [];
  let entryTime = 0;
  let entryPrice = 0;
  let entryFee = 0;
  let entryFlow = 0;

  for (let i = 0; i < n; i++) {
    // 1. fill the order decided at the previous bar, at this bar's open. The vote's orders
    // alternate (it emits only when its stance changes, long first), so a buy always finds the
    // account flat and a sell always finds it long.
    if (pending === FRACTION && qty === 0) {
      const px = open[i] * (1 + slip);
      const q = (FRACTION * cash) / (px * (1 + fee));
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
      const px = open[i] * (1 - slip);
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
    // 3. indicators, crossovers and the vote
    const x = close[i];

    if (i < fast) {
      sumFast += x;
      if (i === fast - 1) emaFast = sumFast / fast;
    } else emaFast = (x - emaFast) * kFast + emaFast;
    if (i < slow) {
      sumSlow += x;
      if (i === slow - 1) emaSlow = sumSlow / slow;
    } else emaSlow = (x - emaSlow) * kSlow + emaSlow;
    if (i >= trendFrom) {
      if (emaFast > emaSlow) {
        if (sideTrend === -1) voteTrend = 1;
        sideTrend = 1;
      } else if (emaFast < emaSlow) {
        if (sideTrend === 1) voteTrend = 0;
        sideTrend = -1;
      }
    }

    if (i < macdFrom) {
      sum26 += x;
      if (i >= fastSeedFrom) sum12 += x;
    } else if (i === macdFrom) {
      sum26 += x;
      sum12 += x;
      ema26 = sum26 / MACD_SLOW;
      ema12 = sum12 / MACD_FAST;
    } else {
      ema12 = (x - ema12) * k12 + ema12;
      ema26 = (x - ema26) * k26 + ema26;
    }
    if (i >= macdFrom) {
      const macd = ema12 - ema26;
      if (i < signalFrom) sumSignal += macd;
      else if (i === signalFrom) {
        sumSignal += macd;
        signal = sumSignal / MACD_SIGNAL;
      } else signal = (macd - signal) * kSignal + signal;
      if (i >= signalFrom) {
        if (macd > signal) {
          if (sideMomentum === -1) voteMomentum = 1;
          sideMomentum = 1;
        } else if (macd < signal) {
          if (sideMomentum === 1) voteMomentum = 0;
          sideMomentum = -1;
        }
      }
    }

    sumBand += x;
    ring[pos] = x;
    pos = pos + 1 === BB_PERIOD ? 0 : pos + 1;
    if (i >= BB_PERIOD - 1) {
      const middle = sumBand / BB_PERIOD;
      sumBand -= ring[pos]; // the oldest close of the window
      if (x > middle) {
        if (sideRegime === -1) voteRegime = 1;
        sideRegime = 1;
      } else if (x < middle) {
        if (sideRegime === 1) voteRegime = 0;
        sideRegime = -1;
      }
    }

    const nowLong = voteTrend + voteMomentum + voteRegime >= MIN_VOTES;
    if (nowLong !== long) {
      pending = nowLong ? FRACTION : 0;
      long = nowLong;
    }
  }
  const last = close[n - 1];
  if (qty !== 0) trades.push({ entryTime, entryPrice, exitTime: null, exitPrice: last, qty, fees: entryFee, pnl: entryFlow + qty * last });
  return { trades, finalEquity: cash + qty * last, equitySum };
}
