import type { Kernel } from '../../defineNode.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { SimulatedBroker, type BrokerInputs, type BrokerOutputs, type BrokerReport, type SimulatedBrokerParams } from '../../portfolio/simulatedBroker.js';
import { redact, type ApiKeys } from './apiKeys.js';
import type { CcxtOrder, MarketLimits, TradingExchange } from './connectTradingExchange.js';
import { decideOrder, isDust, type OrderIntent } from './decideOrder.js';
import type { Reconciliation } from './reconcileAccount.js';
import { isCcxtError, lookUpOrder, sendOrder } from './sendOrder.js';

/**
 * sink.broker in live mode: the simulated broker's decisions, the exchange's fills. Each order the
 * graph decides is turned into an exchange order by the simulation's sizing rule (decideOrder.ts)
 * and sent under its deterministic client order id (clientOrderId.ts) at once, not at the next
 * bar: the exchange fills it now. What the exchange reports filled (units, average price,
 * commission) is applied to the broker's cash and position (SimulatedBroker.applyFill), so
 * equity, trades and metrics follow the exchange. The graph's step stays synchronous: orders go
 * out on a queue, and the live driver awaits `settle()` after each event, before acknowledging
 * it, so the next decision sees the fills of the previous one. Resting limit orders (fill: queue)
 * learn their fills from the exchange's user-data stream (ccxt pro's watchOrders: Binance's
 * executionReport), applied as they are pushed, in order with the orders being sent. Polling by
 * client id is the fallback: at each settle while the stream is down (not yet subscribed, dropped,
 * refused), and once after every (re)subscription, for what filled while no one listened. Every
 * exchange figure is cumulative (units, quote value, commissions), so a fill learnt twice, pushed
 * and polled, is applied once. Exchange errors become warnings; the run goes on.
 */
export interface ExchangeBrokerOptions {
  exchange: TradingExchange;
  symbol: string;
  market: MarketLimits;
  /** The graph's name and the node's id: they name the orders. */
  session: string;
  node: string;
  keys: ApiKeys;
  reconciliation: Reconciliation;
  warn(code: string, message: string): void;
  log(message: string): void;
  describe: Record<string, unknown>;
  /** The exchange's time when the run started (epoch ms): orders decided on events before it are history, not sent. */
  startedAt: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The user-data stream as the broker sees it (in the report). */
export interface UserDataState {
  /** Subscribed now: fills are pushed, resting orders are not polled. */
  up: boolean;
  /** Subscriptions made (1 + reconnects), and times it dropped or was refused. */
  subscriptions: number;
  drops: number;
  /** Order updates received, and fills applied from them. */
  updates: number;
  fillsApplied: number;
  /** Polls of resting orders by client id (while down, and once after each subscription). */
  polls: number;
}

/** An order as the report shows it: what the graph decided, what was sent, what the exchange did. */
export interface LiveOrder {
  clientOrderId: string;
  decidedAt: number;
  target: number;
  side: 'buy' | 'sell';
  type: 'market' | 'limit';
  amount?: number;
  cost?: number;
  price?: number;
  status: string;
  exchangeId?: string;
  filled: number;
  average?: number;
  fee?: { currency?: string; cost?: number };
  /** What of the exchange's fills the broker has applied: quote value, commissions by asset (so nothing is applied twice). */
  filledCost: number;
  feesApplied: Record<string, number>;
  attempts: number;
  notes: string[];
}

/**
 * ccxt (4.5) creates a future for a subscription before sending it, for concurrent callers, and
 * rejects it when the subscription is refused or the socket fails even when no one awaits it:
 * an unhandled rejection that would stop the process. Marks the futures pending now as handled
 * (whoever awaits one still sees its rejection).
 */
function handleAheadOfTime(exchange: object): void {
  const clients = (exchange as { clients?: Record<string, { futures?: Record<string, { catch?: (f: () => void) => unknown }> }> }).clients ?? {};
  for (const client of Object.values(clients)) for (const future of Object.values(client.futures ?? {})) future?.catch?.(() => {});
}

export class ExchangeBroker implements Kernel<BrokerInputs, BrokerOutputs> {
  private readonly sim: SimulatedBroker;
  private readonly fee: number;
  private readonly slippage: number;
  private readonly limitOrders: boolean;
  private work: Promise<void> = Promise.resolve();
  private failure: unknown;
  private readonly orders: LiveOrder[] = [];
  /** Resting limit orders, by client id. */
  private readonly resting = new Map<string, LiveOrder>();
  private scratch = new Float64Array(1);
  private rejected = 0;
  private decided = 0;
  /** Orders decided on events older than the run (a warm start's history, a crash recovery's replay): never sent. */
  private historical = 0;
  readonly userData: UserDataState = { up: false, subscriptions: 0, drops: 0, updates: 0, fillsApplied: 0, polls: 0 };
  private stopped = false;
  /** The subscription whose missed fills the last poll caught up with. */
  private reconciled = 0;

  constructor(
    private readonly p: SimulatedBrokerParams,
    private readonly o: ExchangeBrokerOptions,
  ) {
    // The simulation only marks to market here (its fill model would need the book and trades it never gets).
    this.sim = new SimulatedBroker({ ...p, fill: 'close', latencyBars: 0 }, { warn: o.warn, history: 'bounded' });
    this.fee = p.fees.taker;
    this.slippage = p.slippageBps / 10000;
    this.limitOrders = p.fill === 'queue';
    if (this.limitOrders && o.exchange.watchOrders && o.exchange.authenticate) void this.followUserData();
  }

  /**
   * Follows the user-data stream until the run ends: subscribe (again after a drop, backing off
   * 250 ms doubling to 30 s), then apply each order update as it comes. Never throws: while it is
   * down, settle() polls.
   */
  private async followUserData(): Promise<void> {
    const exchange = this.o.exchange;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let failures = 0;
    while (!this.stopped) {
      try {
        const subscribed = exchange.authenticate!();
        handleAheadOfTime(exchange);
        await subscribed;
        if (this.stopped) return;
        this.userData.up = true;
        if (this.userData.subscriptions++ > 0) this.o.log(`user-data stream for ${this.o.symbol} subscribed again (after ${this.userData.drops} drop${this.userData.drops === 1 ? '' : 's'}): fills are pushed again; what filled meanwhile is polled once`);
        failures = 0;
        for (;;) {
          const updates = await exchange.watchOrders!(this.o.symbol);
          if (this.stopped) return;
          for (const update of updates) this.onPushed(update);
        }
      } catch (e) {
        if (this.stopped) return;
        const why = this.clean(e instanceof Error ? e.message : JSON.stringify(e));
        if (this.userData.up || this.userData.drops === 0) {
          if (this.userData.drops++ === 0) this.o.warn('live/user-data-down', `the user-data stream for ${this.o.symbol} is down (${String(why).slice(0, 160)}): resting orders are polled by client id at each event until it is back (later drops are counted in the report)`);
        }
        this.userData.up = false;
        await sleep(Math.min(30_000, 250 * 2 ** failures++));
      }
    }
  }

  /** An order update pushed on the user-data stream: applied in turn with the orders being sent. */
  private onPushed(update: CcxtOrder): void {
    this.userData.updates++;
    const id = update.clientOrderId ?? String(update.info?.c ?? '');
    let order: LiveOrder | undefined;
    for (let i = this.orders.length - 1; i >= 0 && !order; i--) if (this.orders[i].clientOrderId === id) order = this.orders[i];
    if (!order) return; // not this broker's (existing: ignore), or decided on history
    const mine = order;
    this.work = this.work.then(() => this.applyPushed(mine, update)).catch((e) => void (this.failure ??= this.clean(e)));
  }

  private async applyPushed(order: LiveOrder, update: CcxtOrder): Promise<void> {
    const info = update.info ?? {};
    const filled = Number(info.z ?? update.filled ?? 0);
    if (filled > order.filled) {
      const last = Number(info.l ?? 0);
      const asset = typeof info.N === 'string' ? info.N : undefined;
      if (asset && Math.abs(filled - order.filled - last) < 1e-12) {
        // Exactly one new fill: its commission is in the report (n, N).
        const fees = { ...order.feesApplied, [asset]: (order.feesApplied[asset] ?? 0) + Number(info.n ?? 0) };
        this.applyFills(order, filled, Number(info.Z ?? update.cost ?? 0), fees, Number(info.T ?? update.timestamp ?? order.decidedAt));
        this.userData.fillsApplied++;
      } else {
        // Updates of one order merged before they were read (more than one new fill): read it whole.
        const now = await lookUpOrder(this.o.exchange, this.o.symbol, order.clientOrderId);
        if (now) await this.absorb(order, now);
        return;
      }
    }
    if (filled < order.filled || order.status === 'closed' || order.status === 'canceled') return; // older than what is known
    order.exchangeId ??= update.id;
    order.status = update.status ?? order.status;
    if (order.status === 'open') this.resting.set(order.clientOrderId, order);
    else this.resting.delete(order.clientOrderId);
  }

  step(n: number, t: Float64Array, inputs: BrokerInputs, out: BrokerOutputs): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.scratch.length < n) this.scratch = new Float64Array(n);
    const orders = this.scratch.subarray(0, n);
    for (let i = 0; i < n; i++) {
      orders[i] = NaN;
      const target = inputs.orders[i];
      if (target === target) this.decide(target, t[i], inputs, i);
    }
    // The simulation only marks to market: its orders are the exchange's now.
    this.sim.step(n, t, { ...inputs, orders, book: undefined, trades: undefined }, out);
  }

  private decide(target: number, time: number, inputs: BrokerInputs, row: number): void {
    this.decided++;
    if (time < this.o.startedAt) {
      // A decision the graph made on candles that closed before the run (warm-up history, or a
      // recovery replaying what was processed before a crash): the market has moved on since.
      if (this.historical++ === 0) this.o.warn('live/history-order', `an order decided at ${new Date(time).toISOString()}, before the run started (${new Date(this.o.startedAt).toISOString()}), was not sent: orders decided on history (warm-up, a recovery's replay) never reach the exchange; the broker starts from the account as it is`);
      return;
    }
    const id = clientOrderId({ session: this.o.session, node: this.o.node, time });
    this.work = this.work.then(() => this.execute(id, target, time, inputs.market.close[row], this.limitPrice(target, inputs, row))).catch((e) => void (this.failure ??= this.clean(e)));
  }

  /** fill: queue rests a buy at the best bid, a sell at the best ask (the book input's touch); otherwise market orders. */
  private limitPrice(target: number, inputs: BrokerInputs, row: number): { bid: number; ask: number } | undefined {
    if (!this.limitOrders || !inputs.book) return undefined;
    return { bid: inputs.book.columns[0][row], ask: inputs.book.columns[2][row] };
  }

  private async execute(id: string, target: number, time: number, close: number, touch: { bid: number; ask: number } | undefined): Promise<void> {
    // A new order replaces a resting one (as the simulation's next order does).
    for (const order of [...this.resting.values()]) await this.cancel(order);
    const state = this.sim.snapshot();
    const intent: OrderIntent | { none: string } = decideOrder(target, close, { cash: state.cash, position: state.position }, { fee: this.fee, slippage: this.slippage, limits: this.o.market });
    if ('none' in intent) return;
    if (touch && touch.bid > 0 && touch.ask > 0) {
      const price = intent.side === 'buy' ? touch.bid : touch.ask;
      intent.price = Number(this.o.exchange.priceToPrecision(this.o.symbol, price));
      intent.amount ??= Number(this.o.exchange.amountToPrecision(this.o.symbol, intent.cost! / price));
      delete intent.cost;
    }
    const order: LiveOrder = { clientOrderId: id, decidedAt: time, target, type: intent.price !== undefined ? 'limit' : 'market', ...intent, status: 'sending', filled: 0, filledCost: 0, feesApplied: {}, attempts: 0, notes: [] };
    this.orders.push(order);
    const outcome = await sendOrder(this.o.exchange, intent, { symbol: this.o.symbol, clientOrderId: id, sleep: this.o.sleep });
    order.attempts = outcome.attempts;
    order.notes.push(...outcome.events.map((e) => this.clean(e)));
    for (const event of outcome.events) if (/rate limited|network error/.test(event)) this.o.warn(event.startsWith('rate') ? 'live/rate-limited' : 'live/network', `order ${id} (${order.side}): ${this.clean(event)}`);
    if (outcome.rejected) {
      this.rejected++;
      order.status = outcome.rejected.reason;
      const why = this.clean(outcome.rejected.message);
      order.notes.push(why);
      const code = outcome.rejected.reason === 'insufficient-funds' ? 'live/insufficient-funds' : 'live/order-rejected';
      this.o.warn(code, `order ${id} decided at ${new Date(time).toISOString()} (${order.side} ${intent.amount ?? `${intent.cost?.toFixed(2)} ${this.o.market.quote} worth`}) was not placed: ${why}; the run goes on`);
      return;
    }
    await this.absorb(order, outcome.order!);
  }

  /**
   * Applies what the exchange says an order filled beyond what was applied already: the units,
   * quote value and commissions are cumulative on the exchange, so the difference is exactly the
   * new fills, however many there were and whichever way they were learnt (an answer, a poll, the
   * user-data stream), and a report seen twice applies nothing.
   */
  private async absorb(order: LiveOrder, reported: CcxtOrder): Promise<void> {
    order.exchangeId = reported.id;
    order.status = reported.status ?? 'unknown';
    const filled = reported.filled ?? 0;
    if (filled > order.filled) {
      const cost = reported.cost ?? filled * (reported.average ?? reported.price ?? 0);
      const fees = await this.feesOf(reported);
      this.applyFills(order, filled, cost, fees, reported.lastTradeTimestamp ?? reported.timestamp ?? order.decidedAt);
    }
    if (order.status === 'open') this.resting.set(order.clientOrderId, order);
    else this.resting.delete(order.clientOrderId);
  }

  /** Moves the broker to the order's cumulative fills (units, quote value, commissions by asset). */
  private applyFills(order: LiveOrder, filled: number, cost: number, feesByAsset: Record<string, number>, time: number): void {
    const newly = filled - order.filled;
    const value = cost - order.filledCost;
    const { base, quote } = this.o.market;
    const baseFee = (feesByAsset[base] ?? 0) - (order.feesApplied[base] ?? 0);
    const quoteFee = (feesByAsset[quote] ?? 0) - (order.feesApplied[quote] ?? 0);
    const price = value / newly;
    // Commission in the base asset comes out of the units received; in the quote asset out of cash.
    const units = order.side === 'buy' ? newly - baseFee : -(newly + baseFee);
    this.sim.applyFill(units, price, quoteFee + baseFee * price, time, this.dust());
    order.filled = filled;
    order.filledCost = cost;
    order.feesApplied = { ...feesByAsset };
    order.average = cost / filled;
    order.fee = Object.entries(feesByAsset).map(([currency, c]) => ({ currency, cost: c }))[0];
  }

  private dust(): number {
    return Math.max(this.o.market.minAmount, this.o.market.amountStep);
  }

  /** The order's commissions so far, by asset: from its fills when the answer carries them (Binance's FULL answer), else from its trades. */
  private async feesOf(reported: CcxtOrder): Promise<Record<string, number>> {
    let fees: { currency?: string; cost?: number }[];
    if (reported.fees?.length) fees = reported.fees;
    else if (reported.fee?.currency) fees = [reported.fee];
    else {
      const trades = await (this.o.exchange as unknown as { fetchMyTrades(s: string, since?: number, limit?: number, params?: object): Promise<{ fee?: { currency?: string; cost?: number } }[]> }).fetchMyTrades(this.o.symbol, undefined, undefined, { orderId: reported.id });
      fees = trades.map((t) => t.fee ?? {});
    }
    const total: Record<string, number> = {};
    for (const f of fees) if (f.currency) total[f.currency] = (total[f.currency] ?? 0) + (f.cost ?? 0);
    return total;
  }

  private async cancel(order: LiveOrder): Promise<void> {
    try {
      const done = await this.o.exchange.cancelOrder(order.exchangeId!, this.o.symbol);
      order.notes.push('cancelled: replaced by the next order');
      await this.absorb(order, done);
    } catch (e) {
      if (!isCcxtError(e, 'OrderNotFound')) throw e;
      const now = await lookUpOrder(this.o.exchange, this.o.symbol, order.clientOrderId);
      if (now) await this.absorb(order, now);
    }
    this.resting.delete(order.clientOrderId);
  }

  /**
   * Awaited by the live driver after each event: orders sent, their fills applied; resting orders
   * polled unless the user-data stream is up and has been caught up with since it subscribed.
   */
  async settle(force = false): Promise<void> {
    await this.work;
    if (this.failure !== undefined) throw this.failure;
    const subscription = this.userData.up ? this.userData.subscriptions : -1;
    if (!force && subscription > 0 && this.reconciled === subscription) return;
    if (this.resting.size) this.userData.polls++;
    let complete = true;
    for (const order of [...this.resting.values()]) {
      try {
        const now = await lookUpOrder(this.o.exchange, this.o.symbol, order.clientOrderId);
        if (now) await this.absorb(order, now);
      } catch (e) {
        if (isCcxtError(e, 'AuthenticationError')) throw this.clean(e);
        complete = false;
        this.o.warn('live/poll-failed', `polling resting order ${order.clientOrderId} failed: ${this.clean((e as Error).message)}; tried again after the next event`);
      }
    }
    await this.work;
    if (complete && subscription > 0) this.reconciled = subscription;
  }

  async end(): Promise<void> {
    // The last word is the exchange's, read by client id, whatever the stream has or has not pushed yet.
    await this.settle(true);
    this.stopped = true;
    await this.o.exchange.close?.().catch(() => {});
    await this.work;
  }

  /** The simulation's marks, with the graph's orders and the exchange's refusals (the simulation itself receives none). */
  snapshot() {
    const state = this.sim.snapshot();
    return { ...state, ordersReceived: this.decided, rejections: { ...state.rejections, exchange: this.rejected, decidedOnHistory: this.historical } };
  }

  report(): BrokerReport & { exchange: Record<string, unknown> } {
    const state = this.sim.snapshot();
    return {
      ...this.sim.report(),
      // The simulation received no orders (they went to the exchange): these are the graph's.
      ordersReceived: this.decided,
      exchange: {
        ...this.o.describe,
        position: state.position,
        cash: state.cash,
        flat: isDust(state.position, this.o.market),
        ordersSent: this.orders.length - this.rejected,
        ordersRejected: this.rejected,
        ordersDecidedOnHistory: this.historical,
        ...(this.limitOrders ? { userDataStream: { ...this.userData } } : {}),
        orders: this.orders,
        atStart: this.o.reconciliation,
      },
    };
  }

  /** Errors and notes with the API key and secret taken out (ccxt can quote a request). */
  private clean(e: unknown): never | any {
    if (typeof e === 'string') return redact(e, this.o.keys);
    if (e instanceof Error) {
      const copy = new Error(redact(e.message, this.o.keys));
      copy.name = e.name;
      return copy;
    }
    return e;
  }
}
