import type { Kernel } from '../../defineNode.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { SimulatedBroker, type BrokerInputs, type BrokerOutputs, type BrokerReport, type SimulatedBrokerParams } from '../../portfolio/simulatedBroker.js';
import type { ApiKeys } from './apiKeys.js';
import type { CcxtOrder, MarketLimits, TradingExchange } from './connectTradingExchange.js';
import { decideOrder, isDust, type OrderIntent } from './decideOrder.js';
import { OrderDesk, type LiveOrder, type OrderMarket } from './orderDesk.js';
import type { Reconciliation } from './reconcileAccount.js';
import { isCcxtError, lookUpOrder } from './sendOrder.js';

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
 * executionReport), applied as they are pushed, in order with the orders being sent (the order
 * desk's queue). Polling by client id is the fallback: at each settle while the stream is down
 * (not yet subscribed, dropped, refused), and once after every (re)subscription, for what filled
 * while no one listened. Every exchange figure is cumulative (units, quote value, commissions), so
 * a fill learnt twice, pushed and polled, is applied once (OrderDesk.applyFills). Exchange errors
 * become warnings; the run goes on.
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

export type { LiveOrder } from './orderDesk.js';

/** The user-data stream as the broker sees it (in the report; fill: queue only). */
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
  private readonly desk: OrderDesk;
  private readonly market: OrderMarket;
  private readonly apply: (units: number, price: number, fee: number, time: number, dust: number) => void;
  /** Resting limit orders, by client id. */
  private readonly resting = new Map<string, LiveOrder>();
  private scratch = new Float64Array(1);
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
    this.desk = new OrderDesk({ exchange: o.exchange, keys: o.keys, warn: o.warn, startedAt: o.startedAt, sleep: o.sleep });
    this.market = { symbol: o.symbol, limits: o.market };
    this.apply = (units, price, fee, time, dust) => this.sim.applyFill(units, price, fee, time, dust);
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

  /** An order update pushed on the user-data stream: applied in turn with the orders being sent (the desk's queue). */
  private onPushed(update: CcxtOrder): void {
    this.userData.updates++;
    const id = update.clientOrderId ?? String(update.info?.c ?? '');
    let order: LiveOrder | undefined;
    const orders = this.desk.orders;
    for (let i = orders.length - 1; i >= 0 && !order; i--) if (orders[i].clientOrderId === id) order = orders[i];
    if (!order) return; // not this broker's (existing: ignore), or decided on history
    const mine = order;
    this.desk.queue(() => this.applyPushed(mine, update));
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
        this.desk.applyFills(order, { filled, cost: Number(info.Z ?? update.cost ?? 0), fees, time: Number(info.T ?? update.timestamp ?? order.decidedAt) }, this.market, this.apply);
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
    this.desk.check();
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
    const close = inputs.market.close[row];
    const touch = this.limitPrice(target, inputs, row);
    this.desk.decide(time, () => this.execute(clientOrderId({ session: this.o.session, node: this.o.node, time }), target, time, close, touch));
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
    const reported = await this.desk.send(order, intent, this.market);
    if (reported) await this.absorb(order, reported);
  }

  /** Applies what the exchange says an order filled; an order still open rests (its fills pushed, or polled at each settle). */
  private async absorb(order: LiveOrder, reported: CcxtOrder): Promise<void> {
    await this.desk.absorb(order, reported, this.market, this.apply);
    if (order.status === 'open') this.resting.set(order.clientOrderId, order);
    else this.resting.delete(order.clientOrderId);
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
    await this.desk.drain();
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
    // Updates pushed while polling were queued behind it.
    await this.desk.drain();
    if (complete && subscription > 0) this.reconciled = subscription;
  }

  async end(): Promise<void> {
    // The last word is the exchange's, read by client id, whatever the stream has or has not pushed yet.
    await this.settle(true);
    this.stopped = true;
    await this.desk.close();
  }

  /** The simulation's marks, with the graph's orders and the exchange's refusals (the simulation itself receives none). */
  snapshot() {
    return this.desk.withCounts(this.sim.snapshot());
  }

  report(): BrokerReport & { exchange: Record<string, unknown> } {
    const state = this.sim.snapshot();
    return {
      ...this.sim.report(),
      // The simulation received no orders (they went to the exchange): these are the graph's.
      ordersReceived: this.desk.decided,
      exchange: {
        ...this.o.describe,
        position: state.position,
        cash: state.cash,
        flat: isDust(state.position, this.o.market),
        ordersSent: this.desk.orders.length - this.desk.rejected,
        ordersRejected: this.desk.rejected,
        ordersDecidedOnHistory: this.desk.historical,
        ...(this.limitOrders ? { userDataStream: { ...this.userData } } : {}),
        orders: this.desk.orders,
        atStart: this.o.reconciliation,
      },
    };
  }

  private clean(e: unknown): never | any {
    return this.desk.clean(e);
  }
}
