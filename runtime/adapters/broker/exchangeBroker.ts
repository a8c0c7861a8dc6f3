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
 * are polled by client id at each settle (no user-data stream: one request a bar, robust to
 * reconnects, idempotent). Exchange errors become warnings; the run goes on.
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
  attempts: number;
  notes: string[];
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

  constructor(
    private readonly p: SimulatedBrokerParams,
    private readonly o: ExchangeBrokerOptions,
  ) {
    this.sim = new SimulatedBroker(p, { warn: o.warn, history: 'bounded' });
    this.fee = p.fees.taker;
    this.slippage = p.slippageBps / 10000;
    this.limitOrders = p.fill === 'queue';
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
    const order: LiveOrder = { clientOrderId: id, decidedAt: time, target, type: intent.price !== undefined ? 'limit' : 'market', ...intent, status: 'sending', filled: 0, attempts: 0, notes: [] };
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

  /** Applies what the exchange says an order filled (beyond what was applied already). */
  private async absorb(order: LiveOrder, reported: CcxtOrder): Promise<void> {
    order.exchangeId = reported.id;
    order.status = reported.status ?? 'unknown';
    const filled = reported.filled ?? 0;
    const newly = filled - order.filled;
    if (newly > 0) {
      const average = reported.average ?? (reported.cost && filled ? reported.cost / filled : reported.price ?? 0);
      const fees = await this.feesOf(reported);
      // Commission in the base asset comes out of the units received; in the quote asset out of cash.
      const baseFee = fees.filter((f) => f.currency === this.o.market.base).reduce((s, f) => s + (f.cost ?? 0), 0) * (newly / filled);
      const quoteFee = fees.filter((f) => f.currency === this.o.market.quote).reduce((s, f) => s + (f.cost ?? 0), 0) * (newly / filled);
      const units = order.side === 'buy' ? newly - baseFee : -(newly + baseFee);
      this.sim.applyFill(units, average, quoteFee + baseFee * average, reported.timestamp ?? order.decidedAt, this.dust());
      order.filled = filled;
      order.average = average;
      order.fee = fees[0];
    }
    if (order.status === 'open') this.resting.set(order.clientOrderId, order);
    else this.resting.delete(order.clientOrderId);
  }

  private dust(): number {
    return Math.max(this.o.market.minAmount, this.o.market.amountStep);
  }

  /** The order's commissions: from its fills when the answer carries them (Binance's FULL answer), else from its trades. */
  private async feesOf(reported: CcxtOrder): Promise<{ currency?: string; cost?: number }[]> {
    if (reported.fees?.length) return reported.fees;
    if (reported.fee?.currency) return [reported.fee];
    const trades = await (this.o.exchange as unknown as { fetchMyTrades(s: string, since?: number, limit?: number, params?: object): Promise<{ fee?: { currency?: string; cost?: number } }[]> }).fetchMyTrades(this.o.symbol, undefined, undefined, { orderId: reported.id });
    return trades.map((t) => t.fee ?? {}).filter((f) => f.currency);
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

  /** Awaited by the live driver after each event: orders sent, their fills applied, resting orders polled. */
  async settle(): Promise<void> {
    await this.work;
    if (this.failure !== undefined) throw this.failure;
    for (const order of [...this.resting.values()]) {
      try {
        const now = await lookUpOrder(this.o.exchange, this.o.symbol, order.clientOrderId);
        if (now) await this.absorb(order, now);
      } catch (e) {
        if (isCcxtError(e, 'AuthenticationError')) throw this.clean(e);
        this.o.warn('live/poll-failed', `polling resting order ${order.clientOrderId} failed: ${this.clean((e as Error).message)}; tried again after the next event`);
      }
    }
  }

  async end(): Promise<void> {
    await this.settle();
    await this.o.exchange.close?.().catch(() => {});
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
