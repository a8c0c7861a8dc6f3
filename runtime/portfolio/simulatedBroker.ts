import type { Kernel } from '../defineNode.js';
import { ASK_PRICE, ASK_SIZE, BID_PRICE, BID_SIZE, type Book, type Candles, type Events, type Trades } from '../ports.js';
import { MetricsAccumulator, withoutMoney, type Metrics, type Trade } from './metrics.js';
import { isFrozen } from '../frozenColumns.js';
import type { PortfolioReport } from './portfolioBroker.js';
import { OrderLog, type DecidedOrder } from './orderLog.js';
import * as T from './tradeLog.js';

/**
 * The simulated broker (`sink.broker` declares it; README "The simulated broker" gives the fill
 * rules): target-exposure orders filled at the next open (or the deciding close) with fees,
 * slippage and latency, equity marked at every close. The same class runs a backtest and a
 * long-running paper session: metrics stream through a `MetricsAccumulator` in both, and the
 * per-bar history is either kept whole (`history: 'full'`, for reports and tests) or bounded
 * (`'bounded'`: a fixed-size downsampled history and the latest trades, O(1) memory in bars).
 * Both give identical metrics and trades.
 */

/**
 * Says why a broker stops trading: equity at or below 0 (ruin), or amounts beyond double range
 * (NaN or infinite equity); returns true in the second case, where metrics from money are n/a.
 */
export function warnRuin(warn: (code: string, message: string) => void, equity: number, time: number, holdings: string): boolean {
  if (equity <= 0) {
    warn('broker/ruin', `equity fell to ${equity.toFixed(2)} at ${new Date(time).toISOString()}; the broker stops trading`);
    return false;
  }
  warn(
    'broker/non-finite-equity',
    `equity became ${equity} at ${new Date(time).toISOString()}${holdings}: the amounts left the range of double precision; ` +
      'the broker stops trading and every metric derived from equity or trades is n/a. Start with less cash (cash: 10000)',
  );
  return true;
}

/** The kinds that simulate (or will route) execution: sink.broker and sink.portfolio. */
export function isBrokerKind(kind: string): boolean {
  return kind === 'sink.broker' || kind === 'sink.portfolio';
}

export interface SimulatedBrokerParams {
  /** Starting cash, in quote currency. */
  cash: number;
  fill: 'nextOpen' | 'close' | 'book' | 'queue';
  /** maker: the fee of a resting (fill: queue) order's fills; default the taker fee. */
  fees: { taker: number; maker?: number };
  slippageBps: number;
  latencyBars: number;
  direction: 'longOnly' | 'longShort';
}

export interface SimulatedBrokerOptions {
  /** Non-fatal conditions (ruin) for the run summary. */
  warn(code: string, message: string): void;
  /** Events expected (replay knows), to pre-size the full history. */
  eventsHint?: number;
  /** 'full': every bar's equity, time and close and every trade; 'bounded': see BoundedHistory. */
  history: 'full' | 'bounded';
  /** Called with each round trip as it closes, in both modes (a paper session's trade log). */
  onTrade?: (trade: Trade) => void;
  /** 'bounded': how many of the latest closed trades report() keeps (default 10,000). */
  maxTrades?: number;
  /** 'bounded': slices of the downsampled history (even, default 1,024; see BoundedHistory). */
  historySlices?: number;
  /** Paper and live runs: names each decided order (NodeContext.clientOrderId); the report and checkpoints carry the ids. */
  orderId?: (time: number, instrument?: string) => string;
}

export interface BrokerReport {
  kind: 'broker';
  metrics: Metrics;
  /** Every trade (history 'full') or the latest closed ones ('bounded'); an open one comes last. */
  trades: Trade[];
  /**
   * Equity at each bar's close, the bars' event times and closes (history 'full'); with
   * 'bounded', the bars the downsampled history kept (historyDownsampled), in time order.
   */
  equity: Float64Array;
  eventTimes: Float64Array;
  closes: Float64Array;
  ordersReceived: number;
  fills: number;
  /** Orders decided too late to fill before the data ended. */
  unfilledOrders: number;
  ruined: boolean;
  /** Present with history 'bounded': equity/eventTimes/closes are display points, not every bar. */
  historyDownsampled?: true;
  /** 'bounded': closed trades no longer in `trades` (the earliest ones); metrics count them all. */
  tradesDropped?: number;
  /** fill: book: how the book walks went (BookExecution). */
  execution?: BookExecution;
  /** fill: queue: how the resting orders fared (QueueExecution). */
  queue?: QueueExecution;
  /** 'bounded': drawdown in % below the running peak at each kept point, exact (drawdownPct of reportData). */
  drawdownPct?: Float64Array;
  /** 'bounded': each calendar month's (UTC) last bar, enough for exact monthly returns. */
  monthEnds?: { eventTimes: Float64Array; equity: Float64Array };
  /** sink.portfolio: per instrument, liquidations, funding (closes above are its first instrument's). */
  portfolio?: PortfolioReport;
  /** Paper and live runs: the decided orders (the latest ones with 'bounded'), each with its client order id. */
  orders?: DecidedOrder[];
}

/**
 * A broker's state as a crash-safe session checkpoints it (Kernel.checkpoint): what must be equal
 * after a restart rebuilt the state by replay. Plain JSON (NaN becomes null).
 */
export interface BrokerCheckpoint {
  bars: number;
  cash: number;
  position: number;
  equity: number;
  lastClose: number;
  ordersReceived: number;
  fills: number;
  ruined: boolean;
  /** Orders decided and not yet filled: their decision time, the bar they fill at, target and id. */
  pending: { decidedAt: number; fillBar: number; target: number; clientOrderId?: string }[];
  /** fill: queue: the resting order, if any. */
  resting: { units: number; price: number; ahead: number; placedAt: number; filled: number; clientOrderId?: string } | null;
  /** The round trip still open, valued at the last close. */
  openTrade: Trade | null;
  /** The latest order decided (its id is the one a live broker would have sent last). */
  lastOrder: DecidedOrder | null;
  metrics: Metrics;
}

/**
 * Fills walked through the recorded book (fill: book). Slippage is measured against the mid of
 * the book the order met, in basis points, signed so that a cost is positive: `expected` is what
 * filling the whole order at the touch would have cost (half the spread), `realised` what the
 * walk through the levels cost (volume-weighted over the order's fills).
 */
export interface BookExecution {
  fills: number;
  /** Fills that took fewer units than asked because the recorded depth ran out. */
  partialFills: number;
  /** Units asked for that the depth could not give (the rest of each partial fill is cancelled). */
  unitsShort: number;
  /** Orders that met no book (none recorded yet, or an empty side): not filled. */
  noBook: number;
  expectedSlippageBps: number;
  realisedSlippageBps: number;
}

/**
 * Resting orders (fill: queue): each order rests at the touch of its side, behind the size
 * displayed there when it was placed, until trades at its price work through that queue.
 */
export interface QueueExecution {
  ordersPlaced: number;
  /** Orders filled completely, partly (then replaced by the next order, or still resting at the end), or not at all. */
  filled: number;
  partlyFilled: number;
  unfilled: number;
  /** Units of orders replaced or left resting before they filled. */
  unitsUnfilled: number;
  fills: number;
  /** Mean size ahead in the queue when an order was placed (base units). */
  meanQueueAhead: number;
  /** Mean time from placement to the first fill, of the orders that filled (ms). */
  meanWaitMs: number;
  /** Orders that met no book (not placed). */
  noBook: number;
}

export interface BrokerSnapshot {
  /** Equity at the last close (the starting cash before any bar). */
  equity: number;
  /** Units held; negative when short. */
  position: number;
  cash: number;
  metrics: Metrics;
  /** The highest equity at a close so far (monitoring: the current drawdown). */
  peakEquity: number;
  /** |position| x the last close: the gross notional held. */
  grossExposure: number;
  ordersReceived: number;
  fills: number;
  /** Orders not executed, by reason: `noBook` (fill: book or queue, no book to meet). */
  rejections: Record<string, number>;
}

export interface BrokerInputs {
  orders: Float64Array;
  market: Candles;
  /** fill: book and queue: the recorded book as of each market event. */
  book?: Book;
  /** fill: queue: every trade, at its own event. */
  trades?: Events<Trades>;
}
export interface BrokerOutputs {
  equity: Float64Array;
  position: Float64Array;
}

// Slots of the round trip in progress (a Float64Array: doubles stay unboxed whatever the tier).
const ENTRY_TIME = 0;
const COST = 1; // value bought (or sold short) to open or add
const OPENED = 2; // units bought (or sold short)
const ENTRY_PX = 3; // last opening fill price
const ENTRIES = 4;
const PROCEEDS = 5; // value of the fills that reduce the position
const CLOSED = 6;
const EXIT_PX = 7;
const EXITS = 8;
const FEES = 9;
const CASH_FLOW = 10;
const MAX_QTY = 11;

// Slots of the resting order (fill: queue).
const REST_UNITS = 0; // signed units still to fill; 0: no order resting
const REST_PRICE = 1;
const REST_AHEAD = 2; // size ahead of it in the queue at its price
const REST_PLACED = 3;
const REST_FILLED = 4; // units filled so far
const REST_FIRST_FILL = 5; // time of its first fill, NaN before

// Slots of `money`.
const CASH = 0;
const QTY = 1;
const LAST_CLOSE = 2;
const LAST_EQUITY = 3;

/**
 * The sequential portfolio simulation. A class over typed arrays rather than closures: numeric
 * state lives in Float64Arrays (closure doubles are boxed in V8, and object fields that start as
 * integers change representation and deoptimise), and the methods stay monomorphic.
 */
export class SimulatedBroker implements Kernel<BrokerInputs, BrokerOutputs> {
  private readonly fee: number;
  private readonly slip: number;
  private readonly longOnly: boolean;
  private readonly fillAtClose: boolean;
  private delay: number;
  /** [cash, position, last close, last equity] */
  private readonly money = new Float64Array(4);
  private bar = 0;
  private ordersReceived = 0;
  private fills = 0;
  private ruined = false;
  /** Equity became NaN or infinite (amounts beyond double range): metrics from money are n/a. */
  private overflowed = false;
  // Orders waiting for their fill bar, in decision order: a ring, since each bar decides at most
  // one order and it fills within `delay` bars.
  private readonly dueBar: Float64Array;
  private readonly dueTarget: Float64Array;
  /** Event time each waiting order was decided at: it names the order (clientOrderId.ts). */
  private readonly dueDecided: Float64Array;
  private readonly orders: OrderLog;
  private readonly orderId: ((time: number, instrument?: string) => string) | undefined;
  private queueHead = 0;
  private queued = 0;
  private readonly trip = new Float64Array(12);
  private inTrip = false;
  private readonly metrics: MetricsAccumulator;
  private readonly trades: T.TradeLog;
  /** The round trip being recorded (tradeLog.ts). */
  private readonly record = T.tradeRecord();
  // One of the two, each in its own field: a call through one field holding either class is
  // polymorphic, and at one event per step (live, `--chunk 1`) that call is paid per event.
  private readonly full: MarkedHistory | null;
  private readonly bounded: BoundedHistory | null;
  private readonly warn: (code: string, message: string) => void;
  private readonly onTrade: ((trade: Trade) => void) | undefined;
  /** fill: book: the book as of the last event of the previous chunk, and the walk's bookkeeping. */
  private readonly bookFill: boolean;
  private lastBook: Float64Array = new Float64Array(0);
  private depthLeft: Float64Array = new Float64Array(0);
  private readonly execution: BookExecution = { fills: 0, partialFills: 0, unitsShort: 0, noBook: 0, expectedSlippageBps: 0, realisedSlippageBps: 0 };
  /** Sums of slippage over fills, weighted by traded value. */
  private readonly slippageSums = new Float64Array(3);
  /** fill: queue: the resting order (rest[REST_UNITS] 0: none) and its statistics. */
  private readonly queueFill: boolean;
  private readonly makerFee: number;
  private readonly rest = new Float64Array(6);
  private readonly queueStats: QueueExecution = { ordersPlaced: 0, filled: 0, partlyFilled: 0, unfilled: 0, unitsUnfilled: 0, fills: 0, meanQueueAhead: 0, meanWaitMs: 0, noBook: 0 };
  private readonly queueSums = new Float64Array(3);

  constructor(p: SimulatedBrokerParams, options: SimulatedBrokerOptions) {
    this.fee = p.fees.taker;
    this.slip = p.slippageBps / 10000;
    this.longOnly = p.direction === 'longOnly';
    this.fillAtClose = p.fill === 'close';
    this.delay = (this.fillAtClose ? 0 : 1) + p.latencyBars;
    this.bookFill = p.fill === 'book';
    this.queueFill = p.fill === 'queue';
    this.makerFee = p.fees.maker ?? p.fees.taker;
    if (this.queueFill) this.delay = 0;
    this.money[CASH] = p.cash;
    this.money[LAST_EQUITY] = p.cash;
    this.money[LAST_CLOSE] = NaN;
    this.dueBar = new Float64Array(this.delay + 2);
    this.dueTarget = new Float64Array(this.delay + 2);
    this.dueDecided = new Float64Array(this.delay + 2);
    this.orderId = options.orderId;
    this.metrics = new MetricsAccumulator(p.cash);
    this.warn = options.warn;
    this.onTrade = options.onTrade;
    const bounded = options.history === 'bounded';
    this.trades = new T.TradeLog(bounded ? (options.maxTrades ?? 10_000) : Infinity);
    this.orders = new OrderLog(bounded ? (options.maxTrades ?? 10_000) : Infinity);
    this.bounded = bounded ? new BoundedHistory(p.cash, options.historySlices) : null;
    this.full = bounded ? null : new MarkedHistory(Math.max(1024, options.eventsHint ?? 0), p.cash);
  }

  step(n: number, t: Float64Array, inputs: BrokerInputs, out: BrokerOutputs): void {
    if (this.queueFill) return this.stepQueue(n, t, inputs, out);
    if (n <= 0) return;
    const { orders, market, book } = inputs;
    if (this.bookFill && !book) throw new Error('fill: book needs the book input wired (in: { book: <source.book node> })');
    const { time, open: opens, close } = market;
    const equityOut = out.equity;
    const positionOut = out.position;
    if (this.bar === 0) this.metrics.start(time[0]);
    const money = this.money;
    const b0 = this.bar;
    let i = 0;
    while (i < n) {
      // The rows before the next event (a fill due, an order decided) only mark to market: a
      // tight loop with no calls, whose values V8 keeps in registers; the event row goes through
      // eventRow. (One loop doing both ran at a third of the speed.)
      const due = this.nextDue();
      let end = due < 0 ? n : Math.min(n, due - b0);
      for (let k = i; k < end; k++) {
        if (orders[k] === orders[k]) {
          end = k; // not NaN: an order decided at this event
          break;
        }
      }
      const cash = money[CASH];
      const qty = money[QTY];
      for (; i < end; i++) {
        const e = cash + qty * close[i];
        if (!(e > 0 && e < Infinity)) break; // ruin or overflow: eventRow says so
        equityOut[i] = e;
        positionOut[i] = qty;
      }
      if (i === n) break;
      this.eventRow(i, b0 + i, t, time, opens, close, orders[i], book, out);
      // The holdings after the event's fills: equity from here on is cash + position * close.
      if (this.full !== null) this.full.hold(b0 + i, money[CASH], money[QTY]);
      i++;
    }
    this.bar = b0 + n;
    if (this.bookFill) this.keepBook(book!, n - 1);
    this.endChunk(n, t, close, out);
  }

  /** One row in full: the fill due at its open, an order decided at it, a fill at its close, its mark. */
  private eventRow(i: number, bar: number, t: Float64Array, time: Float64Array, opens: Float64Array, close: Float64Array, target: number, book: Book | undefined, out: BrokerOutputs): void {
    if (bar === this.nextDue() && !this.fillAtClose) this.fillDue(bar, opens[i], time[i], book, i);
    if (target === target) this.enqueue(bar + this.delay, target, t[i]);
    if (bar === this.nextDue() && this.fillAtClose) this.fillDue(bar, close[i], time[i], book, i);
    const money = this.money;
    const e = money[CASH] + money[QTY] * close[i];
    // e <= 0: ruin; NaN or Infinity (amounts beyond double range): the money is meaningless
    if (!(e > 0 && e < Infinity) && !this.ruined) this.ruin(e, t[i]);
    out.equity[i] = e;
    out.position[i] = money[QTY];
  }

  /** After a chunk's bars are marked: the last close and equity, then metrics and history. */
  private endChunk(n: number, t: Float64Array, close: Float64Array, out: BrokerOutputs): void {
    this.money[LAST_CLOSE] = close[n - 1];
    this.money[LAST_EQUITY] = out.equity[n - 1];
    // Metrics and history read the chunk's outputs (the bars' equity and position) in their own
    // tight loops: the same numbers the per-bar arrays used to hold, with no second pass at the end.
    this.metrics.addBars(n, out.equity, t, out.position);
    const full = this.full;
    if (full !== null) full.append(n, t, close);
    else this.bounded!.append(n, out.equity, t, close);
  }

  /**
   * fill: queue. Trades and market events merged by time: a trade at or before a market event
   * comes first (it happened by then); the order decided at a market event rests from then on.
   */
  private stepQueue(n: number, t: Float64Array, { orders, market, book, trades }: BrokerInputs, out: BrokerOutputs): void {
    if (!book || !trades) throw new Error('fill: queue needs the book and trades inputs wired (in: { book: <source.book>, trades: <source.trades> })');
    const tape = trades.value;
    let k = 0;
    const money = this.money;
    if (n > 0 && this.bar === 0) this.metrics.start(market.time[0]);
    for (let i = 0; i < n; i++) {
      for (; k < trades.n && trades.t[k] <= t[i]; k++) if (tape.price[k] === tape.price[k]) this.tradeAgainstRest(tape.price[k], tape.size[k], tape.side[k], trades.t[k]);
      const target = orders[i];
      if (target === target) this.place(target, t[i], book, i);
      const e = money[CASH] + money[QTY] * market.close[i];
      if (!(e > 0 && e < Infinity) && !this.ruined) this.ruin(e, t[i]);
      out.equity[i] = e;
      out.position[i] = money[QTY];
      if (this.full !== null) this.full.hold(this.bar + i, money[CASH], money[QTY]);
    }
    for (; k < trades.n; k++) if (tape.price[k] === tape.price[k]) this.tradeAgainstRest(tape.price[k], tape.size[k], tape.side[k], trades.t[k]);
    if (n <= 0) return;
    this.bar += n;
    this.endChunk(n, t, market.close, out);
  }

  /** Places the order moving to `target` at the touch of its side, replacing any resting one. */
  private place(target: number, time: number, book: Book, row: number): void {
    this.ordersReceived++;
    this.orders.push(time, target);
    this.retire();
    if (this.ruined) return;
    if (this.longOnly && target < 0) target = 0;
    const bid = book.columns[BID_PRICE][row];
    const ask = book.columns[ASK_PRICE][row];
    if (!(bid > 0 && ask > 0)) {
      if (this.queueStats.noBook++ === 0) this.warn('broker/no-book', `an order at ${new Date(time).toISOString()} met no book (no snapshot yet, or an empty side); it was not placed`);
      return;
    }
    const money = this.money;
    const held = money[QTY];
    const mid = (bid + ask) / 2;
    const equityNow = money[CASH] + held * mid;
    // A buy rests at the best bid, a sell at the best ask: sized at its own limit price.
    const buy = target * equityNow > held * mid;
    const limit = buy ? bid : ask;
    const wanted = target === 0 ? 0 : (target * equityNow) / (limit * (1 + this.makerFee));
    const delta = wanted - held;
    if (delta === 0 || buy !== delta > 0) return;
    const rest = this.rest;
    rest[REST_UNITS] = delta;
    rest[REST_PRICE] = limit;
    rest[REST_AHEAD] = book.columns[buy ? BID_SIZE : ASK_SIZE][row];
    rest[REST_PLACED] = time;
    rest[REST_FILLED] = 0;
    rest[REST_FIRST_FILL] = NaN;
    this.queueStats.ordersPlaced++;
    this.queueSums[0] += rest[REST_AHEAD];
  }

  /** The resting order leaves (replaced, or the run ended): counted by how much of it filled. */
  private retire(): void {
    const rest = this.rest;
    if (rest[REST_UNITS] === 0 && rest[REST_FILLED] === 0) return;
    const stats = this.queueStats;
    if (rest[REST_UNITS] === 0) stats.filled++;
    else {
      if (rest[REST_FILLED] > 0) stats.partlyFilled++;
      else stats.unfilled++;
      stats.unitsUnfilled += Math.abs(rest[REST_UNITS]);
    }
    if (rest[REST_FIRST_FILL] === rest[REST_FIRST_FILL]) {
      this.queueSums[1] += rest[REST_FIRST_FILL] - rest[REST_PLACED];
      this.queueSums[2]++;
    }
    rest[REST_UNITS] = 0;
    rest[REST_FILLED] = 0;
  }

  /**
   * A trade against the resting order's side: at its price it first works through the queue
   * ahead, then fills the order; a trade through its price (a sell below a resting bid) fills
   * what is left, since the order stood ahead of every worse price. Only trades advance the
   * queue (cancellations ahead are not assumed: a conservative queue model).
   */
  private tradeAgainstRest(price: number, size: number, side: number, time: number): void {
    const rest = this.rest;
    const units = rest[REST_UNITS];
    if (units === 0 || this.ruined) return;
    const buy = units > 0;
    const limit = rest[REST_PRICE];
    // A resting buy is hit by sellers (an unknown side at or below the bid is taken to be one).
    if (buy ? !(price <= limit) || side === 1 : !(price >= limit) || side === -1) return;
    let fill: number;
    if (price !== limit) fill = Math.abs(units);
    else {
      const ahead = rest[REST_AHEAD];
      rest[REST_AHEAD] = Math.max(0, ahead - size);
      fill = Math.min(Math.abs(units), Math.max(0, size - ahead));
    }
    if (!(fill > 0)) return;
    if (fill >= Math.abs(units) * (1 - 1e-12)) fill = Math.abs(units);
    if (rest[REST_FIRST_FILL] !== rest[REST_FIRST_FILL]) rest[REST_FIRST_FILL] = time;
    this.passiveFill(buy ? fill : -fill, limit, time);
    rest[REST_UNITS] = buy ? units - fill : units + fill;
    if (rest[REST_UNITS] * units <= 0) rest[REST_UNITS] = 0;
    rest[REST_FILLED] += fill;
    this.queueStats.fills++;
    if (rest[REST_UNITS] === 0) this.retire();
  }

  /** A resting order's fill at its limit with the maker fee: closes the round trip when it reaches flat, then opens the rest. */
  private passiveFill(delta: number, price: number, time: number): void {
    const qty = this.money[QTY];
    if (qty !== 0 && delta > 0 !== qty > 0) {
      const closing = Math.min(Math.abs(delta), Math.abs(qty));
      const flat = closing === Math.abs(qty);
      this.trade(delta > 0 ? closing : -closing, price, time, this.makerFee, 0);
      if (flat) {
        this.money[QTY] = 0;
        this.closeTrip(time);
      }
      const rest = Math.abs(delta) - closing;
      if (rest > 0) this.trade(delta > 0 ? rest : -rest, price, time, this.makerFee, 0);
      return;
    }
    this.trade(delta, price, time, this.makerFee, 0);
  }

  private queueReport(): QueueExecution {
    const [ahead, wait, waited] = this.queueSums;
    const stats = { ...this.queueStats };
    // The order still resting at the end counts as it stands.
    const rest = this.rest;
    if (rest[REST_UNITS] !== 0) {
      if (rest[REST_FILLED] > 0) stats.partlyFilled++;
      else stats.unfilled++;
      stats.unitsUnfilled += Math.abs(rest[REST_UNITS]);
    }
    const first = rest[REST_UNITS] !== 0 && rest[REST_FIRST_FILL] === rest[REST_FIRST_FILL] ? rest[REST_FIRST_FILL] - rest[REST_PLACED] : NaN;
    const waits = waited + (first === first ? 1 : 0);
    return { ...stats, meanQueueAhead: stats.ordersPlaced ? ahead / stats.ordersPlaced : NaN, meanWaitMs: waits ? (wait + (first === first ? first : 0)) / waits : NaN };
  }

  private enqueue(due: number, target: number, decidedAt: number): void {
    this.ordersReceived++;
    this.orders.push(decidedAt, target);
    const size = this.dueBar.length;
    let slot = this.queueHead + this.queued;
    if (slot >= size) slot -= size;
    this.dueBar[slot] = due;
    this.dueTarget[slot] = target;
    this.dueDecided[slot] = decidedAt;
    this.queued++;
  }

  /** The bar of the next pending fill, or -1. */
  private nextDue(): number {
    return this.queued > 0 ? this.dueBar[this.queueHead] : -1;
  }

  private fillDue(bar: number, price: number, time: number, book: Book | undefined, row: number): void {
    while (this.queued > 0 && this.dueBar[this.queueHead] === bar) {
      const target = this.dueTarget[this.queueHead];
      this.queueHead = this.queueHead + 1 === this.dueBar.length ? 0 : this.queueHead + 1;
      this.queued--;
      if (this.bookFill) this.executeOnBook(target, time, this.bookBefore(book!, row));
      else this.execute(target, price, time);
    }
  }

  /** The book as of the event before `row` (the one the order met): row - 1 of this chunk, or the last of the previous one. */
  private bookBefore(book: Book, row: number): Float64Array {
    if (row > 0) this.keepBook(book, row - 1);
    return this.lastBook;
  }

  private keepBook(book: Book, row: number): void {
    const columns = book.columns;
    if (this.lastBook.length !== columns.length) {
      this.lastBook = new Float64Array(columns.length).fill(NaN);
      this.depthLeft = new Float64Array(columns.length);
    }
    for (let c = 0; c < columns.length; c++) this.lastBook[c] = columns[c][row];
  }

  /**
   * Move to `target` fraction of equity by walking the recorded book: market buys take the asks
   * from the best up, sells the bids from the best down, each level at its price for at most its
   * size; a close and the opening of the other side share the book's depth. Orders are sized at
   * the touch (wanted = target * equity / (touch * (1 + fee)), equity at the mid); buys never
   * spend more than the cash. What the depth cannot give is cancelled and counted.
   */
  private executeOnBook(target: number, time: number, book: Float64Array): void {
    if (this.ruined) return;
    if (this.longOnly && target < 0) target = 0;
    const bid = book[BID_PRICE];
    const ask = book[ASK_PRICE];
    const money = this.money;
    const qty = money[QTY];
    const closing = qty !== 0 && (target === 0 || target > 0 !== qty > 0);
    if (!closing && target === 0) return;
    if (!(bid > 0 && ask > 0)) {
      if (this.execution.noBook++ === 0) this.warn('broker/no-book', `an order at ${new Date(time).toISOString()} met no book (no snapshot yet, or an empty side); it was not filled`);
      return;
    }
    const mid = (bid + ask) / 2;
    for (let l = 0; l * 4 < book.length; l++) {
      this.depthLeft[2 * l] = book[4 * l + BID_SIZE];
      this.depthLeft[2 * l + 1] = book[4 * l + ASK_SIZE];
    }
    if (closing) {
      const filled = this.walk(-qty, Infinity, time, book, mid);
      if (filled !== -qty) return; // partly closed: the position stays open
      money[QTY] = 0;
      this.closeTrip(time);
      if (target === 0) return;
    }
    const held = money[QTY];
    const touch = target > 0 ? ask : bid;
    const wanted = (target * (money[CASH] + held * mid)) / (touch * (1 + this.fee));
    const delta = wanted - held;
    if (delta !== 0) this.walk(delta, delta > 0 ? Math.max(0, money[CASH]) / (1 + this.fee) : Infinity, time, book, mid);
  }

  /** Trades up to `units` (buy > 0) through the book's remaining depth, for at most `budget` in value; returns the units traded. */
  private walk(units: number, budget: number, time: number, book: Float64Array, mid: number): number {
    const buy = units > 0;
    const side = buy ? 1 : 0;
    const priceAt = buy ? ASK_PRICE : BID_PRICE;
    let remaining = Math.abs(units);
    let filled = 0;
    let value = 0;
    for (let l = 0; l * 4 < book.length && remaining > 0 && value < budget; l++) {
      const price = book[4 * l + priceAt];
      const available = this.depthLeft[2 * l + side];
      if (!(price > 0 && available > 0)) break;
      let take = Math.min(remaining, available);
      if (value + take * price > budget) take = (budget - value) / price;
      filled += take;
      value += take * price;
      remaining -= take;
      this.depthLeft[2 * l + side] = available - take;
    }
    const asked = Math.abs(units);
    if (remaining <= asked * 1e-12) {
      filled = asked; // the levels' sizes summed in floating point: the order is complete
      remaining = 0;
    } else if (value < budget * (1 - 1e-12)) {
      // Short of the asked units because the depth ran out (not because the budget did).
      this.execution.partialFills++;
      this.execution.unitsShort += remaining;
      if (this.execution.partialFills === 1) this.warn('broker/depth-exhausted', `at ${new Date(time).toISOString()} the recorded book (${book.length / 4} levels a side) held ${+filled.toPrecision(6)} of the ${+asked.toPrecision(6)} units asked; the rest was cancelled (the summary counts every partial fill). A deeper recording holds more`);
    }
    if (filled === 0) return 0;
    const vwap = value / filled;
    const touch = book[priceAt];
    const sign = buy ? 1 : -1;
    this.execution.fills++;
    this.slippageSums[0] += value;
    this.slippageSums[1] += value * ((sign * (touch - mid)) / mid) * 1e4;
    this.slippageSums[2] += value * ((sign * (vwap - mid)) / mid) * 1e4;
    this.trade(buy ? filled : -filled, vwap, time);
    return buy ? filled : -filled;
  }

  private ruin(equity: number, time: number): void {
    this.ruined = true;
    this.overflowed = warnRuin(this.warn, equity, time, ` (cash ${this.money[CASH]}, position ${this.money[QTY]})`);
  }

  /** Move to `target` fraction of equity at reference price `price`. */
  private execute(target: number, price: number, time: number): void {
    if (this.ruined) return;
    if (this.longOnly && target < 0) target = 0;
    const qty = this.money[QTY];
    if (qty !== 0 && (target === 0 || target > 0 !== qty > 0)) this.closePosition(price, time);
    if (target === 0) return;
    const held = this.money[QTY];
    const equityNow = this.money[CASH] + held * price;
    const px = target > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const wanted = (target * equityNow) / (px * (1 + this.fee));
    const delta = wanted - held;
    if (delta !== 0) this.trade(delta, price, time);
  }

  /** Trade `delta` units (buy > 0, sell < 0) at reference price `price`. */
  private trade(delta: number, price: number, time: number, fee = this.fee, slip = this.slip): void {
    const px = delta > 0 ? price * (1 + slip) : price * (1 - slip);
    const value = Math.abs(delta) * px;
    const cost = value * fee;
    const flow = (delta > 0 ? -value : value) - cost;
    const money = this.money;
    const trip = this.trip;
    money[CASH] += flow;
    if (!this.inTrip) {
      trip.fill(0);
      trip[ENTRY_TIME] = time;
      this.inTrip = true;
    }
    const qty = money[QTY];
    if (qty === 0 || delta > 0 === qty > 0) {
      trip[COST] += value;
      trip[OPENED] += Math.abs(delta);
      trip[ENTRY_PX] = px;
      trip[ENTRIES]++;
    } else {
      trip[PROCEEDS] += value;
      trip[CLOSED] += Math.abs(delta);
      trip[EXIT_PX] = px;
      trip[EXITS]++;
    }
    trip[FEES] += cost;
    trip[CASH_FLOW] += flow;
    money[QTY] = qty + delta;
    if (Math.abs(money[QTY]) > Math.abs(trip[MAX_QTY])) trip[MAX_QTY] = money[QTY];
    this.fills++;
  }

  private closePosition(price: number, time: number): void {
    if (this.money[QTY] === 0 || !this.inTrip) return;
    this.trade(-this.money[QTY], price, time);
    this.money[QTY] = 0; // exactly flat, whatever rounding the sum above left
    this.closeTrip(time);
  }

  /**
   * Live mode (runtime/adapters/broker/exchangeBroker.ts): a fill the exchange reported, applied between
   * steps the way the simulation applies its own, so cash, position, trades and metrics follow the
   * exchange: `delta` units (buy > 0) at `price`, `fee` in quote currency. A position left at or
   * below `dust` units (a commission taken from the bought asset, lot rounding) closes the round trip.
   */
  applyFill(delta: number, price: number, fee: number, time: number, dust = 0): void {
    if (!(delta !== 0 && price > 0)) return;
    this.trade(delta, price, time, fee / (Math.abs(delta) * price), 0);
    if (this.inTrip && Math.abs(this.money[QTY]) <= dust) {
      this.closeTrip(time);
    }
  }

  /** The round trip is over at `time`: recorded, counted in the metrics. */
  private closeTrip(time: number): void {
    this.inTrip = false;
    const record = this.tripRecord(time, NaN, 0);
    this.metrics.addClosed(record[T.PNL], record[T.FEES]);
    this.trades.add(record);
    if (this.onTrade) this.onTrade(this.trades.last());
  }

  /** The round trip in the scratch record (tradeLog.ts); an open one (exitTime NaN) is valued at `mark`. */
  private tripRecord(exitTime: number, mark: number, openQty: number): Float64Array {
    const trip = this.trip;
    const r = this.record;
    r[T.ENTRY_TIME] = trip[ENTRY_TIME];
    r[T.ENTRY_PRICE] = trip[ENTRIES] === 1 ? trip[ENTRY_PX] : trip[COST] / trip[OPENED];
    r[T.EXIT_TIME] = exitTime;
    r[T.EXIT_PRICE] = exitTime === exitTime ? (trip[EXITS] === 1 ? trip[EXIT_PX] : trip[PROCEEDS] / trip[CLOSED]) : mark;
    r[T.QTY] = trip[MAX_QTY];
    r[T.FEES] = trip[FEES];
    r[T.PNL] = exitTime === exitTime ? trip[CASH_FLOW] : trip[CASH_FLOW] + openQty * mark;
    return r;
  }

  /** The round trip still open, valued at the last close (none, or one). */
  private openTrades(): Trade[] {
    const qty = this.money[QTY];
    return this.inTrip && qty !== 0 && this.bar > 0 ? [T.tradeOf(this.tripRecord(NaN, this.money[LAST_CLOSE], qty), 0)] : [];
  }

  /** Equity, position, cash and metrics so far: callable at any time (between steps). */
  snapshot(): BrokerSnapshot {
    const money = this.money;
    const held = money[QTY];
    return {
      equity: money[LAST_EQUITY],
      position: held,
      cash: money[CASH],
      metrics: this.metricsNow(this.openTrades()),
      peakEquity: this.metrics.peakEquity,
      grossExposure: held === 0 ? 0 : Math.abs(held * money[LAST_CLOSE]),
      ordersReceived: this.ordersReceived,
      fills: this.fills,
      rejections: { noBook: this.execution.noBook + this.queueStats.noBook },
    };
  }

  checkpoint(): BrokerCheckpoint {
    const money = this.money;
    const open = this.openTrades();
    const name = (time: number) => (this.orderId ? { clientOrderId: this.orderId(time) } : {});
    const pending: BrokerCheckpoint['pending'] = [];
    for (let k = 0; k < this.queued; k++) {
      const slot = (this.queueHead + k) % this.dueBar.length;
      pending.push({ decidedAt: this.dueDecided[slot], fillBar: this.dueBar[slot], target: this.dueTarget[slot], ...name(this.dueDecided[slot]) });
    }
    const rest = this.rest;
    const resting = this.queueFill && rest[REST_UNITS] !== 0 ? { units: rest[REST_UNITS], price: rest[REST_PRICE], ahead: rest[REST_AHEAD], placedAt: rest[REST_PLACED], filled: rest[REST_FILLED], ...name(rest[REST_PLACED]) } : null;
    return {
      bars: this.bar,
      cash: money[CASH],
      position: money[QTY],
      equity: money[LAST_EQUITY],
      lastClose: money[LAST_CLOSE],
      ordersReceived: this.ordersReceived,
      fills: this.fills,
      ruined: this.ruined,
      pending,
      resting,
      openTrade: open[0] ?? null,
      lastOrder: this.orders.last(this.orderId),
      metrics: this.metricsNow(open),
    };
  }

  private metricsNow(open: readonly Trade[]): Metrics {
    const metrics = this.metrics.snapshot(open);
    return this.overflowed ? withoutMoney(metrics) : metrics;
  }

  private executionReport(): BookExecution {
    const [value, expected, realised] = this.slippageSums;
    return { ...this.execution, expectedSlippageBps: value > 0 ? expected / value : NaN, realisedSlippageBps: value > 0 ? realised / value : NaN };
  }

  report(): BrokerReport {
    const open = this.openTrades();
    const trades = this.trades.list();
    for (const t of open) trades.push(t);
    const metrics = this.metricsNow(open);
    const tail = { ordersReceived: this.ordersReceived, fills: this.fills, unfilledOrders: this.queued, ruined: this.ruined, ...(this.bookFill ? { execution: this.executionReport() } : {}), ...(this.queueFill ? { queue: this.queueReport() } : {}), ...(this.orderId ? { orders: this.orders.list(this.orderId) } : {}) };
    const h = this.bounded;
    if (h === null) {
      const f = this.full!;
      // The equity column is built on first use (MarkedHistory): a sweep's thousands of reports never build theirs.
      return {
        kind: 'broker',
        metrics,
        trades,
        get equity() {
          return f.equity;
        },
        eventTimes: f.eventTimes,
        closes: f.closes,
        ...tail,
      };
    }
    const points = h.points();
    return {
      kind: 'broker',
      metrics,
      trades,
      equity: points.equity,
      eventTimes: points.eventTimes,
      closes: points.closes,
      ...tail,
      historyDownsampled: true,
      tradesDropped: this.trades.dropped,
      drawdownPct: points.drawdownPct,
      monthEnds: h.monthEnds(),
    };
  }
}

/**
 * Every bar's equity, event time and close. Equity is the broker's own (reused) output buffer,
 * so it is copied; times and closes are usually views of the replayed history (ColumnTrail).
 */
export class FullHistory {
  length = 0;
  private readonly equityTrail: ColumnTrail;
  private readonly times: ColumnTrail;
  private readonly closeTrail: ColumnTrail;

  /** `size`: the bars expected (the runtime's hint), so a copied column is allocated once. */
  constructor(size: number) {
    this.equityTrail = new ColumnTrail(size);
    this.times = new ColumnTrail(size);
    this.closeTrail = new ColumnTrail(size);
  }

  append(n: number, equity: Float64Array, eventTimes: Float64Array, closes: Float64Array): void {
    this.equityTrail.append(n, equity);
    this.times.append(n, eventTimes);
    this.closeTrail.append(n, closes);
    this.length += n;
  }

  get equity(): Float64Array {
    return this.equityTrail.values();
  }

  get eventTimes(): Float64Array {
    return this.times.values();
  }

  get closes(): Float64Array {
    return this.closeTrail.values();
  }
}

/**
 * SimulatedBroker's full history, without a per-bar copy of equity. The broker marks equity at
 * every bar as cash + position * close, with the holdings after that bar's fills; so this keeps
 * the holdings only where they change, and the bars' times and closes (ColumnTrails: views of a
 * replay's columns, no copy), and computes the equity column on first use with the same
 * expression on the same doubles, hence the same bits. A backtest's step then writes nothing per
 * bar into memory of its own (first touches of fresh memory are what made the step slow and
 * noisy on this project's VMs: up to 25 ms per 8 MB), and a report whose curve nobody reads (a
 * sweep's) never builds it.
 */
export class MarkedHistory {
  length = 0;
  private readonly times: ColumnTrail;
  private readonly closeTrail: ColumnTrail;
  /** Holdings from bar `from[k]` on: cash[k], qty[k]. */
  private from: Float64Array = new Float64Array(64);
  private cash: Float64Array = new Float64Array(64);
  private qty: Float64Array = new Float64Array(64);
  private count = 0;
  private built: Float64Array | null = null;

  constructor(size: number, cash: number) {
    this.times = new ColumnTrail(size);
    this.closeTrail = new ColumnTrail(size);
    this.hold(0, cash, 0);
  }

  /** The holdings after bar `bar`'s fills (bars in order; a repeat replaces; unchanged holdings are not kept). */
  hold(bar: number, cash: number, qty: number): void {
    let k = this.count;
    if (k > 0) {
      if (Object.is(this.cash[k - 1], cash) && Object.is(this.qty[k - 1], qty)) return;
      if (this.from[k - 1] === bar) k--;
    }
    if (k === this.from.length) {
      this.from = grown(this.from, 2 * k, k);
      this.cash = grown(this.cash, 2 * k, k);
      this.qty = grown(this.qty, 2 * k, k);
    }
    this.from[k] = bar;
    this.cash[k] = cash;
    this.qty[k] = qty;
    this.count = k + 1;
  }

  append(n: number, eventTimes: Float64Array, closes: Float64Array): void {
    this.times.append(n, eventTimes);
    this.closeTrail.append(n, closes);
    this.length += n;
  }

  /** Equity at every bar so far (built once per length). */
  get equity(): Float64Array {
    if (this.built !== null && this.built.length === this.length) return this.built;
    const close = this.closeTrail.values();
    const n = this.length;
    const equity = new Float64Array(n);
    for (let k = 0; k < this.count; k++) {
      const cash = this.cash[k];
      const qty = this.qty[k];
      const end = k + 1 < this.count ? Math.min(n, this.from[k + 1]) : n;
      for (let i = this.from[k]; i < end; i++) equity[i] = cash + qty * close[i];
    }
    return (this.built = equity);
  }

  get eventTimes(): Float64Array {
    return this.times.values();
  }

  get closes(): Float64Array {
    return this.closeTrail.values();
  }
}

function grown(a: Float64Array, size: number, used: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, used));
  return b;
}

/**
 * A column appended chunk by chunk. While every chunk is the next stretch of one frozen column
 * (frozenColumns.ts: a replay's history, cut into views), it is a view of that column: no copy,
 * no memory. Otherwise (live buffers, sampled or computed columns) it copies, from the first
 * chunk that breaks the run on.
 */
export class ColumnTrail {
  private base: Float64Array | null = null;
  private own: Float64Array | null = null;
  private start = 0;
  private length = 0;

  /** `size`: the values expected, allocated at once if the trail has to copy. */
  constructor(private readonly size = 1024) {}

  append(n: number, column: Float64Array): void {
    if (n <= 0) return;
    if (this.own === null) {
      if (this.length === 0 && isFrozen(column)) {
        this.base = new Float64Array(column.buffer, 0, column.buffer.byteLength >> 3);
        this.start = column.byteOffset >> 3;
        this.length = n;
        return;
      }
      if (this.base !== null && column.buffer === this.base.buffer && column.byteOffset >> 3 === this.start + this.length) {
        this.length += n;
        return;
      }
      this.own = new Float64Array(Math.max(this.size, 2 * (this.length + n)));
      if (this.base !== null) this.own.set(this.base.subarray(this.start, this.start + this.length));
      this.base = null;
    }
    if (this.length + n > this.own.length) this.own = grown(this.own, Math.max(this.own.length * 2, this.length + n), this.length);
    if (n >= 64) this.own.set(n === column.length ? column : column.subarray(0, n), this.length);
    else for (let i = 0; i < n; i++) this.own[this.length + i] = column[i];
    this.length += n;
  }

  /** The values so far (a view: valid until the next append). */
  values(): Float64Array {
    return this.own !== null ? this.own.subarray(0, this.length) : this.base !== null ? this.base.subarray(this.start, this.start + this.length) : new Float64Array(0);
  }
}

// A kept bar ("point"): its index, event time, equity, close and drawdown %.
const P_BAR = 0;
const P_TIME = 1;
const P_EQUITY = 2;
const P_CLOSE = 3;
const P_DD = 4;
const POINT = 5;
// The bars a slice keeps: first, last, and the lowest and highest of equity, close and drawdown.
const FIRST = 0;
const LAST = 1;
const MIN_E = 2;
const MAX_E = 3;
const MIN_C = 4;
const MAX_C = 5;
const MIN_DD = 6;
const MAX_DD = 7;
const PICKS = 8;
const SLICE = PICKS * POINT;
// Slots of the scalar state.
const S_BARS = 0;
const S_WIDTH = 1; // bars per slice, a power of two
const S_CUR_BARS = 2; // bars in the slice being filled
const S_COUNT = 3; // complete slices
const S_PEAK = 4;
const S_NEXT_MONTH = 5; // first instant of the month after the current bar's
const S_MONTHS = 6; // month ends recorded
const SCALARS = 7;

/**
 * A fixed-size downsampled history for charts (O(1) memory in bars). The bars are cut into
 * slices of `width` consecutive bars; each slice keeps its first and last bar and the bars of
 * the lowest and highest equity, close and drawdown (the M4 reduction of viz/downsample.ts, so
 * a spike or a crash survives however short it is), each kept bar whole (time, equity, close,
 * drawdown), so series stay aligned. When `maxSlices` slices are full, neighbours merge pairwise
 * (first of the left, last of the right, the extremes of both) and the width doubles.
 *
 * Resolution: after n bars, between maxSlices / 2 and maxSlices complete slices of w bars (w a
 * power of two, n / maxSlices <= w < 2n / maxSlices, at least 1) plus the one being filled: at
 * most 8 kept bars per slice, every extreme of each slice exact. With the default 1,024 slices,
 * a year of 1h bars (8,760) keeps slices of 16 bars; 3,000,000 bars, slices of 4,096 (about
 * 5.6 months of 1h bars), at most 8,200 points, in 330 KB whatever the length.
 *
 * Monthly returns need each calendar month's last bar exactly, which a slice may not keep: those
 * are recorded apart (12 per year of data: O(months), a few KB per century).
 */
export class BoundedHistory {
  private readonly slices: Float64Array;
  private readonly cur = new Float64Array(SLICE);
  private readonly merged = new Float64Array(SLICE);
  private readonly s = new Float64Array(SCALARS);
  /** The last bar: index, time, equity, close, drawdown. */
  private readonly last = new Float64Array(POINT);
  private monthTimes = new Float64Array(64);
  private monthEquity = new Float64Array(64);

  constructor(
    initialCash: number,
    private readonly maxSlices = 1024,
  ) {
    if (maxSlices < 2 || maxSlices % 2) throw new Error(`historySlices must be an even number >= 2, not ${maxSlices}`);
    this.slices = new Float64Array(maxSlices * SLICE);
    this.s[S_WIDTH] = 1;
    this.s[S_PEAK] = initialCash;
    this.s[S_NEXT_MONTH] = -Infinity;
  }

  append(n: number, equity: Float64Array, eventTimes: Float64Array, closes: Float64Array): void {
    const s = this.s;
    const cur = this.cur;
    const last = this.last;
    let bar = s[S_BARS];
    let curBars = s[S_CUR_BARS];
    let width = s[S_WIDTH];
    let peak = s[S_PEAK];
    let nextMonth = s[S_NEXT_MONTH];
    // the previous bar, for month ends (locals: no stores per bar)
    let lastT = last[P_TIME];
    let lastE = last[P_EQUITY];
    let lastC = last[P_CLOSE];
    let lastDd = last[P_DD];
    for (let i = 0; i < n; i++) {
      const e = equity[i];
      const c = closes[i];
      const t = eventTimes[i];
      // as reportData's drawdownPct
      if (e > peak) peak = e;
      const dd = peak > 0 ? (e / peak - 1) * 100 : 0;
      // as reportData's monthlyReturns: a bar belongs to the month of its last instant
      if (t - 1 >= nextMonth) {
        if (bar > 0) this.monthEnd(lastT, lastE);
        const d = new Date(t - 1);
        nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      }
      if (curBars === 0) {
        for (let k = 0; k < PICKS; k++) setPoint(cur, k * POINT, bar, t, e, c, dd);
      } else {
        // strict comparisons: the first of equal extremes, as downsampleIndices
        if (e < cur[MIN_E * POINT + P_EQUITY]) setPoint(cur, MIN_E * POINT, bar, t, e, c, dd);
        if (e > cur[MAX_E * POINT + P_EQUITY]) setPoint(cur, MAX_E * POINT, bar, t, e, c, dd);
        if (c < cur[MIN_C * POINT + P_CLOSE]) setPoint(cur, MIN_C * POINT, bar, t, e, c, dd);
        if (c > cur[MAX_C * POINT + P_CLOSE]) setPoint(cur, MAX_C * POINT, bar, t, e, c, dd);
        if (dd < cur[MIN_DD * POINT + P_DD]) setPoint(cur, MIN_DD * POINT, bar, t, e, c, dd);
        if (dd > cur[MAX_DD * POINT + P_DD]) setPoint(cur, MAX_DD * POINT, bar, t, e, c, dd);
      }
      lastT = t;
      lastE = e;
      lastC = c;
      lastDd = dd;
      bar++;
      curBars++;
      if (curBars === width) {
        setPoint(cur, LAST * POINT, bar - 1, t, e, c, dd);
        if (this.completeSlice()) width *= 2;
        curBars = 0;
      }
    }
    if (n > 0) setPoint(last, 0, bar - 1, lastT, lastE, lastC, lastDd);
    s[S_BARS] = bar;
    s[S_CUR_BARS] = curBars;
    s[S_WIDTH] = width;
    s[S_PEAK] = peak;
    s[S_NEXT_MONTH] = nextMonth;
  }

  /** Stores the slice just filled; true when the slices merged pairwise (the width doubles). */
  private completeSlice(): boolean {
    const s = this.s;
    this.slices.set(this.cur, s[S_COUNT] * SLICE);
    if (++s[S_COUNT] < this.maxSlices) return false;
    const slices = this.slices;
    const m = this.merged;
    const half = this.maxSlices / 2;
    for (let j = 0; j < half; j++) {
      const a = 2 * j * SLICE;
      const b = a + SLICE;
      // ties keep the left (earlier) bar, like the strict comparisons within a slice
      const pick = (k: number, field: number, lowest: boolean) => {
        const va = slices[a + k * POINT + field];
        const vb = slices[b + k * POINT + field];
        const from = (lowest ? !(vb < va) : !(vb > va)) ? a : b;
        m.set(slices.subarray(from + k * POINT, from + (k + 1) * POINT), k * POINT);
      };
      m.set(slices.subarray(a + FIRST * POINT, a + (FIRST + 1) * POINT), FIRST * POINT);
      m.set(slices.subarray(b + LAST * POINT, b + (LAST + 1) * POINT), LAST * POINT);
      pick(MIN_E, P_EQUITY, true);
      pick(MAX_E, P_EQUITY, false);
      pick(MIN_C, P_CLOSE, true);
      pick(MAX_C, P_CLOSE, false);
      pick(MIN_DD, P_DD, true);
      pick(MAX_DD, P_DD, false);
      slices.set(m, j * SLICE);
    }
    s[S_COUNT] = half;
    return true;
  }

  private monthEnd(time: number, equity: number): void {
    const k = this.s[S_MONTHS]++;
    if (k === this.monthTimes.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.monthTimes = grow(this.monthTimes);
      this.monthEquity = grow(this.monthEquity);
    }
    this.monthTimes[k] = time;
    this.monthEquity[k] = equity;
  }

  /** The kept bars in time order (each once), with their exact drawdown. */
  points(): { equity: Float64Array; eventTimes: Float64Array; closes: Float64Array; drawdownPct: Float64Array } {
    const s = this.s;
    const groups: Float64Array[] = [];
    for (let k = 0; k < s[S_COUNT]; k++) groups.push(this.slices.subarray(k * SLICE, (k + 1) * SLICE));
    if (s[S_CUR_BARS] > 0) {
      const partial = this.cur.slice();
      partial.set(this.last, LAST * POINT);
      groups.push(partial);
    }
    const rows: Float64Array[] = [];
    for (const g of groups) {
      const picks: Float64Array[] = [];
      for (let k = 0; k < PICKS; k++) picks.push(g.subarray(k * POINT, (k + 1) * POINT));
      picks.sort((x, y) => x[P_BAR] - y[P_BAR]);
      for (let k = 0; k < PICKS; k++) if (k === 0 || picks[k][P_BAR] !== picks[k - 1][P_BAR]) rows.push(picks[k]);
    }
    const column = (field: number) => Float64Array.from(rows, (r) => r[field]);
    return { equity: column(P_EQUITY), eventTimes: column(P_TIME), closes: column(P_CLOSE), drawdownPct: column(P_DD) };
  }

  /** Each month's last bar so far, the current month's last bar included. */
  monthEnds(): { eventTimes: Float64Array; equity: Float64Array } {
    const k = this.s[S_MONTHS];
    const eventTimes = new Float64Array(k + (this.s[S_BARS] > 0 ? 1 : 0));
    const equity = new Float64Array(eventTimes.length);
    eventTimes.set(this.monthTimes.subarray(0, k));
    equity.set(this.monthEquity.subarray(0, k));
    if (eventTimes.length > k) {
      eventTimes[k] = this.last[P_TIME];
      equity[k] = this.last[P_EQUITY];
    }
    return { eventTimes, equity };
  }
}

function setPoint(a: Float64Array, at: number, bar: number, t: number, e: number, c: number, dd: number): void {
  a[at + P_BAR] = bar;
  a[at + P_TIME] = t;
  a[at + P_EQUITY] = e;
  a[at + P_CLOSE] = c;
  a[at + P_DD] = dd;
}
