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

export type { LiveOrder } from './orderDesk.js';

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

  constructor(
    private readonly p: SimulatedBrokerParams,
    private readonly o: ExchangeBrokerOptions,
  ) {
    this.sim = new SimulatedBroker(p, { warn: o.warn, history: 'bounded' });
    this.fee = p.fees.taker;
    this.slippage = p.slippageBps / 10000;
    this.limitOrders = p.fill === 'queue';
    this.desk = new OrderDesk({ exchange: o.exchange, keys: o.keys, warn: o.warn, startedAt: o.startedAt, sleep: o.sleep });
    this.market = { symbol: o.symbol, limits: o.market };
    this.apply = (units, price, fee, time, dust) => this.sim.applyFill(units, price, fee, time, dust);
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
    const order: LiveOrder = { clientOrderId: id, decidedAt: time, target, type: intent.price !== undefined ? 'limit' : 'market', ...intent, status: 'sending', filled: 0, attempts: 0, notes: [] };
    const reported = await this.desk.send(order, intent, this.market);
    if (reported) await this.absorb(order, reported);
  }

  /** Applies what the exchange says an order filled; an order still open rests (polled at each settle). */
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

  /** Awaited by the live driver after each event: orders sent, their fills applied, resting orders polled. */
  async settle(): Promise<void> {
    await this.desk.drain();
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
        orders: this.desk.orders,
        atStart: this.o.reconciliation,
      },
    };
  }

  private clean(e: unknown): never | any {
    return this.desk.clean(e);
  }
}
