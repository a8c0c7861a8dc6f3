import type { Kernel } from '../defineNode.js';
import type { Candles, Events, Features } from '../ports.js';
import { MetricsAccumulator, withoutMoney, type ExitReason, type Metrics, type Trade } from './metrics.js';
import { BoundedHistory, FullHistory, warnRuin, type BrokerReport } from './simulatedBroker.js';
import { OrderLog } from './orderLog.js';
import * as T from './tradeLog.js';

/**
 * The portfolio broker (`sink.portfolio` declares it; README "Portfolios, margin and exits" gives
 * the rules): several instruments in one account with one cash balance, orders per instrument,
 * long and short with margin, liquidation, perpetual funding, borrow cost for spot shorts, and
 * exits (stop-loss, take-profit, trailing stop) the broker executes inside the bar.
 *
 * It steps on the union of its markets' events. A market without a bar at an event (its file
 * ended, or a gap) is "stale" there: it is marked at its latest close, nothing fills on it and no
 * exit triggers on it until its next bar. With one market and no exits, margin or carry it makes
 * exactly the fills of `SimulatedBroker` (the same operations in the same order; tested trade for
 * trade on the examples).
 */

export interface InstrumentParams {
  /** Name in reports (default: the market wire as written). */
  name?: string;
  /** perp: pays or receives funding (one `funding` wire per perp, in order); spot: shorts pay borrow. */
  type?: 'spot' | 'perp';
  fees?: { taker: number };
  /** Annual borrow rate of a spot short, on its notional (default: the broker's). */
  borrowRate?: number;
  /** Maintenance margin, a fraction of the position's notional (default: the broker's). */
  maintenanceMargin?: number;
}

/** An exit distance: a percentage of the entry price, a price distance, or ATR multiples at entry. */
export interface ExitDistance {
  pct?: number;
  distance?: number;
  atr?: number;
}

export interface PortfolioParams {
  cash: number;
  fill: 'nextOpen' | 'close';
  fees: { taker: number };
  slippageBps: number;
  latencyBars: number;
  direction: 'longOnly' | 'longShort';
  /** What an order's number is: a fraction of equity (default), units of the instrument, or quote-currency notional. */
  orderUnit: 'fraction' | 'quantity' | 'notional';
  /** Gross notional over equity an order may reach; larger orders are cut to fit (counted). */
  maxLeverage: number;
  maintenanceMargin: number;
  /** Charged on the notional a liquidation closes, on top of the taker fee. */
  liquidationFee: number;
  borrowRate: number;
  instruments?: InstrumentParams[];
  exits?: { stopLoss?: ExitDistance; takeProfit?: ExitDistance; trailingStop?: ExitDistance; atrPeriod?: number };
}

export interface PortfolioOptions {
  warn(code: string, message: string): void;
  /** The market wires as written, one per instrument (default names). */
  marketWires: readonly string[];
  eventsHint?: number;
  history: 'full' | 'bounded';
  onTrade?: (trade: Trade) => void;
  maxTrades?: number;
  /** Paper and live runs: names each decided order (NodeContext.clientOrderId). */
  orderId?: (time: number, instrument?: string) => string;
}

export interface PortfolioInputs {
  orders: Float64Array[];
  markets: Candles[];
  funding?: Events<Float64Array>[];
}
export interface PortfolioOutputs {
  equity: Float64Array;
  exposure: Float64Array;
  positions: Features;
}

export interface InstrumentReport {
  name: string;
  type: 'spot' | 'perp';
  trades: number;
  closedTrades: number;
  winRatePct: number;
  /** Closed and open trades, net of fees, funding and borrow. */
  pnl: number;
  fees: number;
  /** Funding received (positive) or paid (negative). */
  funding: number;
  /** Borrow paid on spot shorts (negative). */
  borrow: number;
  finalPosition: number;
  /** Events after its first bar at which this market had no bar (a gap, or its data ended): marked at its latest close. */
  eventsWithoutBar: number;
  /** Exits the broker executed, by reason. */
  exits: Partial<Record<ExitReason, number>>;
}

export interface Liquidation {
  time: number;
  /** Equity at the bar's adverse prices, and the maintenance margin it fell below. */
  equity: number;
  maintenance: number;
  /** Cash lost to the liquidation fee. */
  fee: number;
}

export interface PortfolioReport {
  instruments: InstrumentReport[];
  liquidations: Liquidation[];
  fundingPayments: number;
  /** Orders cut to fit maxLeverage. */
  ordersCapped: number;
  /** Per instrument, its closes and position at every event (history 'full'). */
  series?: { closes: Float64Array[]; positions: Float64Array[] };
}

const YEAR_MS = 365.25 * 24 * 3600 * 1000;

// Slots of a round trip in progress, per instrument (as SimulatedBroker's).
const ENTRY_TIME = 0;
const COST = 1;
const OPENED = 2;
const ENTRY_PX = 3;
const ENTRIES = 4;
const PROCEEDS = 5;
const CLOSED = 6;
const EXIT_PX = 7;
const EXITS = 8;
const FEES = 9;
const CASH_FLOW = 10;
const MAX_QTY = 11;
const CARRY = 12;
const TRIP = 13;

// Slots of an instrument's exits.
const STOP = 0; // fixed stop price, NaN: none
const TAKE = 1;
const TRAIL_DIST = 2; // trailing distance in price, NaN: none
const TRAIL_EXTREME = 3; // best price since entry (highest for a long), as of the previous bar
const EXIT_SLOTS = 4;

// Slots of an instrument's ATR (Wilder, TA-Lib's seeding: the mean of the first period true ranges).
const ATR = 0;
const ATR_SUM = 1;
const ATR_COUNT = 2;
const PREV_CLOSE = 3;
const ATR_SLOTS = 4;

export class PortfolioBroker implements Kernel<PortfolioInputs, PortfolioOutputs> {
  readonly featureNames: { positions: readonly string[] };
  private readonly k: number;
  private readonly names: string[];
  private readonly perp: boolean[];
  private readonly fee: Float64Array;
  private readonly borrow: Float64Array;
  private readonly maintenance: Float64Array;
  private readonly slip: number;
  private readonly longOnly: boolean;
  private readonly fillAtClose: boolean;
  private readonly delay: number;
  private readonly unit: PortfolioParams['orderUnit'];
  private readonly maxLeverage: number;
  private readonly liquidationFee: number;
  private cash: number;
  private readonly qty: Float64Array;
  private readonly lastClose: Float64Array;
  private readonly lastBarTime: Float64Array;
  /** Fresh bars seen per instrument. */
  private readonly bars: Float64Array;
  /** Events, after an instrument's first bar, at which it had no bar of its own (marked at its latest close). */
  private readonly stale: Float64Array;
  /** Per market, whether the event being stepped brings it a new bar. */
  private readonly freshAt: Uint8Array;
  /** Orders waiting for their fill bar, per instrument; `decidedAt` (event time) names the order. */
  private readonly due: { bar: number; target: number; decidedAt: number }[][];
  private readonly orders: OrderLog;
  private readonly orderId: PortfolioOptions['orderId'];
  private readonly trip: Float64Array;
  private readonly inTrip: boolean[];
  private readonly exitLevels: Float64Array;
  private readonly atr: Float64Array;
  /** Event time of each instrument's latest bar (borrow accrues over the span since). */
  private readonly markTimes: Float64Array;
  /** This event's bar low and high per instrument, NaN when the market has no bar at this event. */
  private readonly barLow: Float64Array;
  private readonly barHigh: Float64Array;
  private readonly pendingFunding: { time: number; rate: number }[][];
  private readonly stats: { fees: Float64Array; funding: Float64Array; borrow: Float64Array; trades: Float64Array; closed: Float64Array; wins: Float64Array; closedPnl: Float64Array };
  private readonly exitCounts: Partial<Record<ExitReason, number>>[];
  private readonly liquidations: Liquidation[] = [];
  private readonly exitRules: PortfolioParams['exits'];
  private ordersReceived = 0;
  private fills = 0;
  private ordersCapped = 0;
  private fundingPayments = 0;
  private atrMissing = 0;
  private ruined = false;
  private overflowed = false;
  private started = false;
  private lastEquity: number;
  private readonly metrics: MetricsAccumulator;
  private readonly trades: T.TradeLog;
  /** The round trip being recorded (tradeLog.ts). */
  private readonly record = T.tradeRecord();
  private readonly full: FullHistory | null;
  private readonly bounded: BoundedHistory | null;
  private readonly series: { closes: Float64Array[]; positions: Float64Array[]; length: number } | null;
  private firstCloses = new Float64Array(0);
  private readonly warn: PortfolioOptions['warn'];
  private readonly onTrade: PortfolioOptions['onTrade'];

  constructor(p: PortfolioParams, options: PortfolioOptions) {
    const k = options.marketWires.length;
    this.k = k;
    const inst = (i: number): InstrumentParams => p.instruments?.[i] ?? {};
    this.names = options.marketWires.map((wire, i) => inst(i).name ?? wire);
    this.featureNames = { positions: this.names };
    this.perp = this.names.map((_, i) => inst(i).type === 'perp');
    this.fee = Float64Array.from(this.names, (_, i) => inst(i).fees?.taker ?? p.fees.taker);
    this.borrow = Float64Array.from(this.names, (_, i) => (this.perp[i] ? 0 : (inst(i).borrowRate ?? p.borrowRate)));
    this.maintenance = Float64Array.from(this.names, (_, i) => inst(i).maintenanceMargin ?? p.maintenanceMargin);
    this.slip = p.slippageBps / 10000;
    this.longOnly = p.direction === 'longOnly';
    this.fillAtClose = p.fill === 'close';
    this.delay = (this.fillAtClose ? 0 : 1) + p.latencyBars;
    this.unit = p.orderUnit;
    this.maxLeverage = p.maxLeverage;
    this.liquidationFee = p.liquidationFee;
    this.cash = p.cash;
    this.lastEquity = p.cash;
    this.qty = new Float64Array(k);
    this.lastClose = new Float64Array(k).fill(NaN);
    this.lastBarTime = new Float64Array(k).fill(NaN);
    this.bars = new Float64Array(k);
    this.stale = new Float64Array(k);
    this.freshAt = new Uint8Array(k);
    this.markTimes = new Float64Array(k);
    this.barLow = new Float64Array(k);
    this.barHigh = new Float64Array(k);
    this.due = this.names.map(() => []);
    this.trip = new Float64Array(k * TRIP);
    this.inTrip = this.names.map(() => false);
    this.exitRules = p.exits;
    this.exitLevels = new Float64Array(k * EXIT_SLOTS).fill(NaN);
    this.atr = new Float64Array(k * ATR_SLOTS);
    for (let i = 0; i < k; i++) {
      this.atr[i * ATR_SLOTS + ATR] = NaN;
      this.atr[i * ATR_SLOTS + PREV_CLOSE] = NaN;
    }
    this.pendingFunding = this.names.map(() => []);
    const zeros = () => new Float64Array(k);
    this.stats = { fees: zeros(), funding: zeros(), borrow: zeros(), trades: zeros(), closed: zeros(), wins: zeros(), closedPnl: zeros() };
    this.exitCounts = this.names.map(() => ({}));
    this.metrics = new MetricsAccumulator(p.cash);
    this.warn = options.warn;
    this.onTrade = options.onTrade;
    const bounded = options.history === 'bounded';
    this.trades = new T.TradeLog(bounded ? (options.maxTrades ?? 10_000) : Infinity, this.names);
    this.orders = new OrderLog(bounded ? (options.maxTrades ?? 10_000) : Infinity);
    this.orderId = options.orderId;
    this.bounded = bounded ? new BoundedHistory(p.cash) : null;
    const size = Math.max(1024, options.eventsHint ?? 0);
    this.full = bounded ? null : new FullHistory(size);
    this.series = bounded ? null : { closes: this.names.map(() => new Float64Array(size)), positions: this.names.map(() => new Float64Array(size)), length: 0 };
  }

  step(n: number, t: Float64Array, inputs: PortfolioInputs, out: PortfolioOutputs): void {
    const { orders, markets, funding } = inputs;
    const k = this.k;
    if (funding) this.queueFunding(funding);
    if (n <= 0) return;
    if (!this.started) {
      let first = Infinity;
      for (let m = 0; m < k; m++) if (markets[m].time[0] < first) first = markets[m].time[0];
      this.metrics.start(first);
      this.started = true;
    }
    if (this.firstCloses.length < n) this.firstCloses = new Float64Array(n);
    const positions = out.positions.columns;
    const series = this.series;
    if (series !== null) this.reserveSeries(n);
    // Typed-array state in locals; the rare work (fills, exits, funding, borrow) goes through methods.
    const lastBarTime = this.lastBarTime;
    const lastClose = this.lastClose;
    const qty = this.qty;
    const bars = this.bars;
    const due = this.due;
    const pending = this.pendingFunding;
    const exits = this.exitRules !== undefined;
    const fillAtClose = this.fillAtClose;
    const freshAt = this.freshAt;
    for (let i = 0; i < n; i++) {
      // The event in the order a bar's prices happen: every market's open first (funding due at
      // it, then the fills there, each sized with the other markets at their latest close, never
      // at this bar's close), then what happens inside the bars and at their closes.
      for (let m = 0; m < k; m++) {
        const market = markets[m];
        const barTime = market.time[i];
        // A market without a bar yet (NaN), or the same bar again (stale): only marked.
        const fresh = barTime === barTime && barTime !== lastBarTime[m];
        freshAt[m] = fresh ? 1 : 0;
        if (fresh) {
          lastBarTime[m] = barTime;
          if (pending[m].length > 0) this.applyFunding(m, barTime);
          if (!fillAtClose && due[m].length > 0) this.fillDue(m, bars[m], market.open[i], barTime);
        }
      }
      for (let m = 0; m < k; m++) {
        const market = markets[m];
        const fresh = freshAt[m] === 1;
        if (fresh) {
          if (exits && qty[m] !== 0) this.checkExits(m, market.open[i], market.high[i], market.low[i], lastBarTime[m]);
          this.barLow[m] = market.low[i];
          this.barHigh[m] = market.high[i];
        } else {
          this.barLow[m] = NaN;
          this.barHigh[m] = NaN;
          if (lastBarTime[m] === lastBarTime[m]) this.stale[m]++;
        }
        const target = orders[m][i];
        if (target === target) {
          this.ordersReceived++;
          // Counted in the instrument's own bars: the bar at this event (or its latest), plus the delay.
          due[m].push({ bar: (fresh ? bars[m] : bars[m] - 1) + this.delay, target, decidedAt: t[i] });
          this.orders.push(t[i], target, m);
        }
        if (fresh) {
          if (fillAtClose && due[m].length > 0) this.fillDue(m, bars[m], market.close[i], lastBarTime[m]);
          if (qty[m] < 0 && this.borrow[m] !== 0) this.chargeBorrow(m, market.close[i], t[i] - (bars[m] > 0 ? this.markTimes[m] : lastBarTime[m]));
          if (exits) {
            if (qty[m] !== 0) this.trail(m, market.high[i], market.low[i]);
            this.updateAtr(m, market.high[i], market.low[i], market.close[i]);
          }
          lastClose[m] = market.close[i];
          bars[m]++;
          this.markTimes[m] = t[i];
        }
        if (pending[m].length > 0) this.applyFunding(m, t[i]);
      }
      let e = this.cash;
      let gross = 0;
      let open = false;
      for (let m = 0; m < k; m++) {
        const q = qty[m];
        if (q !== 0) {
          e += q * lastClose[m];
          gross += Math.abs(q * lastClose[m]);
          open = true;
        }
      }
      if (open && this.checkMargin(t[i])) {
        // liquidated at this event: marked again, flat
        e = this.cash;
        gross = 0;
      }
      for (let m = 0; m < k; m++) positions[m][i] = qty[m];
      if (!(e > 0 && e < Infinity) && !this.ruined) this.ruin(e, t[i]);
      out.equity[i] = e;
      out.exposure[i] = e > 0 ? gross / e : gross > 0 ? Infinity : 0;
      this.firstCloses[i] = this.lastClose[0];
      if (series !== null) {
        // each instrument's close as marked (the latest, for a market without a bar here)
        for (let m = 0; m < k; m++) series.closes[m][series.length + i] = this.lastClose[m];
      }
    }
    this.lastEquity = out.equity[n - 1];
    this.metrics.addBars(n, out.equity, t, out.exposure);
    if (this.full !== null) {
      this.full.append(n, out.equity, t, this.firstCloses);
      for (let m = 0; m < k; m++) series!.positions[m].set(positions[m].subarray(0, n), series!.length);
      series!.length += n;
    } else this.bounded!.append(n, out.equity, t, this.firstCloses);
  }

  private reserveSeries(n: number): void {
    const s = this.series!;
    const at = s.length;
    if (at + n <= s.closes[0].length) return;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(Math.max(a.length * 2, at + n));
      b.set(a);
      return b;
    };
    s.closes = s.closes.map(grow);
    s.positions = s.positions.map(grow);
  }

  private queueFunding(funding: Events<Float64Array>[]): void {
    let f = 0;
    for (let m = 0; m < this.k; m++) {
      if (!this.perp[m]) continue;
      const events = funding[f++];
      if (!events) continue;
      for (let j = 0; j < events.n; j++) {
        const rate = events.value[j];
        if (rate === rate) this.pendingFunding[m].push({ time: events.t[j], rate });
      }
    }
  }

  /**
   * Funding due at or before `time`, paid on the position held then: called with a bar's open
   * (before that bar's fills), then with the event's time (after its fills and exits).
   */
  private applyFunding(m: number, time: number): void {
    const pending = this.pendingFunding[m];
    while (pending.length > 0 && pending[0].time <= time) this.pay(m, pending.shift()!.rate);
  }

  /** One funding payment: a long pays rate x notional at the latest close (a short receives it). */
  private pay(m: number, rate: number): void {
    const q = this.qty[m];
    const mark = this.lastClose[m];
    if (q === 0 || !(mark === mark)) return;
    const flow = -q * mark * rate;
    this.cash += flow;
    this.stats.funding[m] += flow;
    this.trip[m * TRIP + CARRY] += flow;
    this.trip[m * TRIP + CASH_FLOW] += flow;
    this.fundingPayments++;
  }

  /** A spot short pays borrowRate a year on its notional at the close, for the bar's span. */
  private chargeBorrow(m: number, close: number, spanMs: number): void {
    const q = this.qty[m];
    const rate = this.borrow[m];
    if (q >= 0 || rate === 0 || !(spanMs > 0)) return;
    const flow = q * close * rate * (spanMs / YEAR_MS);
    this.cash += flow;
    this.stats.borrow[m] += flow;
    this.trip[m * TRIP + CARRY] += flow;
    this.trip[m * TRIP + CASH_FLOW] += flow;
  }

  private fillDue(m: number, bar: number, price: number, time: number): void {
    const queue = this.due[m];
    while (queue.length > 0 && queue[0].bar <= bar) this.execute(m, queue.shift()!.target, price, time);
  }

  /** Moves instrument m to `target` (in orderUnit) at reference price `price`. */
  private execute(m: number, target: number, price: number, time: number): void {
    if (this.ruined) return;
    if (this.longOnly && target < 0) target = 0;
    const qty = this.qty[m];
    if (qty !== 0 && (target === 0 || target > 0 !== qty > 0)) this.closePosition(m, price, time, 'signal');
    if (target === 0) return;
    const held = this.qty[m];
    const equityNow = this.equityAt(m, price);
    const px = target > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    let wanted = this.unit === 'fraction' ? (target * equityNow) / (px * (1 + this.fee[m])) : this.unit === 'quantity' ? target : target / px;
    // The leverage cap: the other positions' gross notional plus this one's at most maxLeverage x equity.
    const room = this.maxLeverage * equityNow - this.grossExcept(m);
    if (Math.abs(wanted) * price > room * (1 + 1e-12)) {
      const cut = Math.max(0, room) / price;
      if (Math.abs(wanted) > Math.abs(held) && this.ordersCapped++ === 0) {
        this.warn('portfolio/leverage-cap', `an order at ${new Date(time).toISOString()} for ${this.names[m]} would take gross exposure beyond maxLeverage ${this.maxLeverage}; it was cut to fit (later ones are counted in the report)`);
      }
      wanted = wanted > 0 ? Math.min(wanted, Math.max(cut, held)) : Math.max(wanted, Math.min(-cut, held));
    }
    const delta = wanted - held;
    if (delta !== 0) {
      const opening = held === 0;
      this.trade(m, delta, price, time);
      if (opening) this.attachExits(m, time);
    }
  }

  /** Equity with instrument m marked at `price` and the others at their latest close. */
  private equityAt(m: number, price: number): number {
    let e = this.cash;
    for (let j = 0; j < this.k; j++) {
      const q = this.qty[j];
      if (q !== 0) e += q * (j === m ? price : this.lastClose[j]);
    }
    return e;
  }

  private grossExcept(m: number): number {
    let g = 0;
    for (let j = 0; j < this.k; j++) if (j !== m && this.qty[j] !== 0) g += Math.abs(this.qty[j] * this.lastClose[j]);
    return g;
  }

  private trade(m: number, delta: number, price: number, time: number, extraFee = 0): number {
    const px = delta > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const value = Math.abs(delta) * px;
    this.book(m, delta, px, value, value * this.fee[m] + value * extraFee, time);
    return value * extraFee;
  }

  /** Books a fill of `delta` units at `px` (worth `value`, paying `cost`) into cash, the position and its round trip. */
  private book(m: number, delta: number, px: number, value: number, cost: number, time: number): void {
    const flow = (delta > 0 ? -value : value) - cost;
    const o = m * TRIP;
    const trip = this.trip;
    this.cash += flow;
    if (!this.inTrip[m]) {
      trip.fill(0, o, o + TRIP);
      trip[o + ENTRY_TIME] = time;
      this.inTrip[m] = true;
      this.stats.trades[m]++;
    }
    const qty = this.qty[m];
    if (qty === 0 || delta > 0 === qty > 0) {
      trip[o + COST] += value;
      trip[o + OPENED] += Math.abs(delta);
      trip[o + ENTRY_PX] = px;
      trip[o + ENTRIES]++;
    } else {
      trip[o + PROCEEDS] += value;
      trip[o + CLOSED] += Math.abs(delta);
      trip[o + EXIT_PX] = px;
      trip[o + EXITS]++;
    }
    trip[o + FEES] += cost;
    trip[o + CASH_FLOW] += flow;
    this.stats.fees[m] += cost;
    this.qty[m] = qty + delta;
    if (Math.abs(this.qty[m]) > Math.abs(trip[o + MAX_QTY])) trip[o + MAX_QTY] = this.qty[m];
    this.fills++;
  }

  /**
   * A fill that happened elsewhere (a live portfolio's exchange: runtime/adapters/broker):
   * `delta` units of instrument m (buy > 0) at `price`, commission `fee` in quote currency, no
   * slippage. A position left at or below `dust` units (a commission taken from the bought asset,
   * lot rounding) ends the round trip, and stays held (it is the account's).
   */
  applyFill(m: number, delta: number, price: number, fee: number, time: number, dust = 0): void {
    if (!(delta !== 0 && price > 0)) return;
    this.book(m, delta, price, Math.abs(delta) * price, fee, time);
    if (this.inTrip[m] && Math.abs(this.qty[m]) <= dust) this.endTrip(m, time, 'signal');
  }

  /** Cash, each instrument's position and latest close (a live portfolio decides its orders on them). */
  holdings(): { cash: number; positions: Float64Array; closes: Float64Array } {
    return { cash: this.cash, positions: this.qty.slice(), closes: this.lastClose.slice() };
  }

  private closePosition(m: number, price: number, time: number, reason: ExitReason, extraFee = 0): number {
    if (this.qty[m] === 0 || !this.inTrip[m]) return 0;
    const extra = this.trade(m, -this.qty[m], price, time, extraFee);
    this.qty[m] = 0;
    this.endTrip(m, time, reason);
    return extra;
  }

  /** The round trip of instrument m is over: its exits cleared, its trade recorded. */
  private endTrip(m: number, time: number, reason: ExitReason): void {
    this.exitLevels.fill(NaN, m * EXIT_SLOTS, (m + 1) * EXIT_SLOTS);
    const record = this.tripRecord(m, time, NaN, 0, reason);
    const pnl = record[T.PNL];
    this.inTrip[m] = false;
    this.stats.closed[m]++;
    this.stats.closedPnl[m] += pnl;
    if (pnl > 0) this.stats.wins[m]++;
    if (reason !== 'signal') this.exitCounts[m][reason] = (this.exitCounts[m][reason] ?? 0) + 1;
    this.metrics.addClosed(pnl, record[T.FEES]);
    this.trades.add(record);
    if (this.onTrade) this.onTrade(this.trades.last());
  }

  /** Instrument m's round trip in the scratch record (tradeLog.ts); an open one (exitTime NaN) is valued at `mark`. */
  private tripRecord(m: number, exitTime: number, mark: number, openQty: number, reason?: ExitReason): Float64Array {
    const o = m * TRIP;
    const trip = this.trip;
    const r = this.record;
    r[T.ENTRY_TIME] = trip[o + ENTRY_TIME];
    r[T.ENTRY_PRICE] = trip[o + ENTRIES] === 1 ? trip[o + ENTRY_PX] : trip[o + COST] / trip[o + OPENED];
    r[T.EXIT_TIME] = exitTime;
    r[T.EXIT_PRICE] = exitTime === exitTime ? (trip[o + EXITS] === 1 ? trip[o + EXIT_PX] : trip[o + PROCEEDS] / trip[o + CLOSED]) : mark;
    r[T.QTY] = trip[o + MAX_QTY];
    r[T.FEES] = trip[o + FEES];
    r[T.PNL] = exitTime === exitTime ? trip[o + CASH_FLOW] : trip[o + CASH_FLOW] + openQty * mark;
    r[T.INSTRUMENT] = m;
    r[T.EXIT_REASON] = reason ? T.EXIT_REASONS.indexOf(reason) : -1;
    r[T.CARRY] = trip[o + CARRY];
    return r;
  }


  /** Exit levels for a position just opened, from its entry fill price (and the ATR as of the bar before). */
  private attachExits(m: number, time: number): void {
    const rules = this.exitRules;
    if (!rules) return;
    const entry = this.trip[m * TRIP + ENTRY_PX];
    const long = this.qty[m] > 0;
    const atr = this.atr[m * ATR_SLOTS + ATR];
    const distance = (d: ExitDistance | undefined): number => {
      if (!d) return NaN;
      if (d.pct !== undefined) return (entry * d.pct) / 100;
      if (d.distance !== undefined) return d.distance;
      if (d.atr !== undefined) {
        if (!(atr === atr) && this.atrMissing++ === 0) this.warn('portfolio/exit-without-atr', `a position in ${this.names[m]} opened at ${new Date(time).toISOString()} before the ATR(${rules.atrPeriod ?? 14}) of its exits had a value; it has no ATR exit (later ones are counted in the report)`);
        return d.atr * atr;
      }
      return NaN;
    };
    const o = m * EXIT_SLOTS;
    const stop = distance(rules.stopLoss);
    const take = distance(rules.takeProfit);
    this.exitLevels[o + STOP] = long ? entry - stop : entry + stop;
    this.exitLevels[o + TAKE] = long ? entry + take : entry - take;
    this.exitLevels[o + TRAIL_DIST] = distance(rules.trailingStop);
    this.exitLevels[o + TRAIL_EXTREME] = entry;
  }

  /**
   * Exits inside a bar. A level the open has already passed fills at the open (a gap); otherwise
   * a stop (fixed or trailing) fills at its level when the low (a short: the high) reaches it,
   * and a take-profit when the high (low) reaches it. When both could trigger in one bar, the
   * stop is taken (the pessimistic choice: the bar's path is unknown). The trailing level follows
   * the best price of the bars before this one (and the entry), never this bar's own extreme.
   */
  private checkExits(m: number, open: number, high: number, low: number, time: number): void {
    const q = this.qty[m];
    if (q === 0 || this.ruined) return;
    const lv = this.exitLevels;
    const o = m * EXIT_SLOTS;
    const long = q > 0;
    const fixed = lv[o + STOP];
    const trailing = lv[o + TRAIL_EXTREME] + (long ? -lv[o + TRAIL_DIST] : lv[o + TRAIL_DIST]);
    // the tighter stop governs; NaN levels are absent
    let stop = NaN;
    let reason: ExitReason = 'stopLoss';
    if (fixed === fixed) stop = fixed;
    if (trailing === trailing && !(stop === stop && (long ? stop >= trailing : stop <= trailing))) {
      stop = trailing;
      reason = 'trailingStop';
    }
    const take = lv[o + TAKE];
    const stopHit = stop === stop && (long ? low <= stop : high >= stop);
    const takeHit = take === take && (long ? high >= take : low <= take);
    if (stopHit && (long ? open <= stop : open >= stop)) this.closePosition(m, open, time, reason);
    else if (takeHit && (long ? open >= take : open <= take)) this.closePosition(m, open, time, 'takeProfit');
    else if (stopHit) this.closePosition(m, stop, time, reason);
    else if (takeHit) this.closePosition(m, take, time, 'takeProfit');
  }

  /** After the bar: the trailing stop's best price moves with the bar's extreme. */
  private trail(m: number, high: number, low: number): void {
    const o = m * EXIT_SLOTS + TRAIL_EXTREME;
    const q = this.qty[m];
    if (q === 0 || !(this.exitLevels[o] === this.exitLevels[o])) return;
    if (q > 0 ? high > this.exitLevels[o] : low < this.exitLevels[o]) this.exitLevels[o] = q > 0 ? high : low;
  }

  private updateAtr(m: number, high: number, low: number, close: number): void {
    const period = this.exitRules?.atrPeriod ?? 14;
    const a = m * ATR_SLOTS;
    const s = this.atr;
    const prev = s[a + PREV_CLOSE];
    s[a + PREV_CLOSE] = close;
    if (!(prev === prev)) return; // TA-Lib's ATR starts at the second bar (a true range needs the previous close)
    const tr = Math.max(high - low, Math.abs(high - prev), Math.abs(low - prev));
    if (s[a + ATR_COUNT] < period) {
      s[a + ATR_SUM] += tr;
      if (++s[a + ATR_COUNT] === period) s[a + ATR] = s[a + ATR_SUM] / period;
      return;
    }
    s[a + ATR] = (s[a + ATR] * (period - 1) + tr) / period;
  }

  /**
   * Margin at this event's adverse prices: each position marked at its bar's low (a long) or high
   * (a short), a stale market at its latest close. When equity there is below the maintenance
   * margin (the sum of each position's notional x its rate), every position is closed at those
   * prices, paying the taker fee and the liquidation fee: pessimistic, since the breach happened
   * at or before them.
   */
  private checkMargin(time: number): boolean {
    let equity = this.cash;
    let maintenance = 0;
    let open = false;
    for (let m = 0; m < this.k; m++) {
      const q = this.qty[m];
      if (q === 0) continue;
      open = true;
      const px = this.adversePrice(m);
      equity += q * px;
      maintenance += Math.abs(q * px) * this.maintenance[m];
    }
    if (!open || equity >= maintenance || this.ruined) return false;
    let fee = 0;
    for (let m = 0; m < this.k; m++) if (this.qty[m] !== 0) fee += this.closePosition(m, this.adversePrice(m), time, 'liquidation', this.liquidationFee);
    this.liquidations.push({ time, equity, maintenance, fee });
    if (this.liquidations.length === 1) this.warn('portfolio/liquidation', `margin call at ${new Date(time).toISOString()}: equity ${equity.toFixed(2)} at the bar's adverse prices fell below the maintenance margin ${maintenance.toFixed(2)}; every position was liquidated (later ones are in the report)`);
    return true;
  }

  /** A long's worst price in this event's bar (its low), a short's (its high); a stale market's latest close. */
  private adversePrice(m: number): number {
    const extreme = this.qty[m] > 0 ? this.barLow[m] : this.barHigh[m];
    return extreme === extreme ? extreme : this.lastClose[m];
  }

  private ruin(equity: number, time: number): void {
    this.ruined = true;
    this.overflowed = warnRuin(this.warn, equity, time, ` (cash ${this.cash})`);
  }

  private openTrades(): Trade[] {
    const open: Trade[] = [];
    for (let m = 0; m < this.k; m++) if (this.inTrip[m] && this.qty[m] !== 0) open.push(T.tradeOf(this.tripRecord(m, NaN, this.lastClose[m], this.qty[m]), 0, this.names));
    return open;
  }

  private metricsNow(open: readonly Trade[]): Metrics {
    const metrics = this.metrics.snapshot(open);
    return this.overflowed ? withoutMoney(metrics) : metrics;
  }

  /** The state a crash-safe session checkpoints and compares after a rebuild (Kernel.checkpoint). */
  checkpoint(): Record<string, unknown> {
    const open = this.openTrades();
    const name = (time: number, m: number) => (this.orderId ? { clientOrderId: this.orderId(time, this.names[m]) } : {});
    return {
      cash: this.cash,
      equity: this.lastEquity,
      positions: Object.fromEntries(this.names.map((n, m) => [n, this.qty[m]])),
      lastCloses: Array.from(this.lastClose),
      bars: Array.from(this.bars),
      ordersReceived: this.ordersReceived,
      fills: this.fills,
      liquidations: this.liquidations.length,
      ruined: this.ruined,
      pending: this.due.flatMap((queue, m) => queue.map((o) => ({ instrument: this.names[m], decidedAt: o.decidedAt, fillBar: o.bar, target: o.target, ...name(o.decidedAt, m) }))),
      openTrades: open,
      lastOrder: this.orders.last(this.orderId, this.names),
      metrics: this.metricsNow(open),
    };
  }

  /** Equity, cash, positions and metrics so far, and the counts monitoring reads (see BrokerSnapshot). */
  snapshot(): { equity: number; cash: number; positions: Record<string, number>; metrics: Metrics; peakEquity: number; grossExposure: number; ordersReceived: number; fills: number; rejections: Record<string, number> } {
    let gross = 0;
    for (let m = 0; m < this.k; m++) if (this.qty[m] !== 0) gross += Math.abs(this.qty[m] * this.lastClose[m]);
    return {
      equity: this.lastEquity,
      cash: this.cash,
      positions: Object.fromEntries(this.names.map((name, m) => [name, this.qty[m]])),
      metrics: this.metricsNow(this.openTrades()),
      peakEquity: this.metrics.peakEquity,
      grossExposure: gross,
      ordersReceived: this.ordersReceived,
      fills: this.fills,
      // cut to fit maxLeverage: partly refused
      rejections: { leverageCap: this.ordersCapped },
    };
  }

  report(): BrokerReport & { portfolio: PortfolioReport } {
    const open = this.openTrades();
    const trades = this.trades.list();
    for (const t of open) trades.push(t);
    const metrics = this.metricsNow(open);
    const instruments: InstrumentReport[] = this.names.map((name, m) => {
      const openPnl = open.filter((t) => t.instrument === name).reduce((s, t) => s + t.pnl, 0);
      return {
        name,
        type: this.perp[m] ? 'perp' : 'spot',
        trades: this.stats.trades[m],
        closedTrades: this.stats.closed[m],
        winRatePct: this.stats.closed[m] > 0 ? (this.stats.wins[m] / this.stats.closed[m]) * 100 : NaN,
        pnl: this.stats.closedPnl[m] + openPnl,
        fees: this.stats.fees[m],
        funding: this.stats.funding[m],
        borrow: this.stats.borrow[m],
        finalPosition: this.qty[m],
        eventsWithoutBar: this.stale[m],
        exits: { ...this.exitCounts[m] },
      };
    });
    const unfilled = this.due.reduce((s, q) => s + q.length, 0);
    const portfolio: PortfolioReport = { instruments, liquidations: this.liquidations, fundingPayments: this.fundingPayments, ordersCapped: this.ordersCapped };
    const tail = { ordersReceived: this.ordersReceived, fills: this.fills, unfilledOrders: unfilled, ruined: this.ruined, ...(this.orderId ? { orders: this.orders.list(this.orderId, this.names) } : {}) };
    if (this.full !== null) {
      const f = this.full;
      const s = this.series!;
      portfolio.series = { closes: s.closes.map((c) => c.subarray(0, s.length)), positions: s.positions.map((p) => p.subarray(0, s.length)) };
      return { kind: 'broker', metrics, trades, equity: f.equity, eventTimes: f.eventTimes, closes: f.closes, ...tail, portfolio };
    }
    const h = this.bounded!;
    const points = h.points();
    return { kind: 'broker', metrics, trades, equity: points.equity, eventTimes: points.eventTimes, closes: points.closes, ...tail, historyDownsampled: true, tradesDropped: this.trades.dropped, drawdownPct: points.drawdownPct, monthEnds: h.monthEnds(), portfolio };
  }
}
