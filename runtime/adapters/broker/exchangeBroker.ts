import type { Kernel } from '../../defineNode.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { SimulatedBroker, type BrokerInputs, type BrokerOutputs, type BrokerReport, type SimulatedBrokerParams } from '../../portfolio/simulatedBroker.js';
import type { ApiKeys } from './apiKeys.js';
import type { CcxtOrder, MarketLimits, TradingExchange } from './connectTradingExchange.js';
import { decideOrder, isDust, type OrderIntent } from './decideOrder.js';
import { OrderDesk, type DeskState, type LiveOrder, type OrderMarket } from './orderDesk.js';
import type { Reconciliation } from './reconcileAccount.js';
import { checkBalancesAfterRestart } from './balanceCheck.js';
import { FillJournal } from './fillJournal.js';
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
 *
 * Crash safety (runtime/exec/exchangeCheckpoint.ts, checkpoint.ts): the checkpoint holds the
 * simulation's state and, under `exchange`, what only the exchange knew: the orders with their
 * client ids and what they filled, the resting ones, the counters (the order desk's), and the
 * journal of the fills applied (at which bar). A restart hands it back (resume) before the session
 * replays its events: the replay steps the simulation again and applies each journalled fill after
 * the bar it was applied at, so the rebuilt cash, position and metrics must equal the checkpoint's;
 * nothing is decided or sent while it replays. Then, for the events that follow the checkpoint up
 * to the restart (the crashed process may have decided and sent their orders; candles that closed
 * while it was down), each decision's client order id is looked up on the exchange: found, its
 * fills are absorbed and it is not sent again; not found, it is not sent late (the market moved
 * on; warning live/missed-while-down), as orders decided on history never are. Resting orders are
 * polled by client id at the first settle (fills while down applied), and once caught up the
 * account's balances are checked against the broker's position and cash (warning
 * live/balance-mismatch).
 */
export interface ExchangeBrokerOptions {
  exchange: TradingExchange;
  symbol: string;
  market: MarketLimits;
  /** The graph's name and the node's id: they name the orders. */
  session: string;
  node: string;
  keys: ApiKeys;
  /** The account as read at open (liveAccount.ts). */
  reconciliation: Reconciliation;
  /** The checks of a new session on that account (liveAccount.ts): run by resume() when the session is new. */
  checkNewSession(): void;
  /** `broker "id" (exchange symbol)`, for messages. */
  where: string;
  warn(code: string, message: string): void;
  log(message: string): void;
  describe: Record<string, unknown>;
  /** The exchange's time when the run started (epoch ms): orders decided on events before it are history, not sent. */
  startedAt: number;
  sleep?: (ms: number) => Promise<void>;
}

export type { LiveOrder } from './orderDesk.js';

/** A fill the exchange reported, as applied to the simulation after `bar` events. */
interface FillRecord {
  bar: number;
  units: number;
  price: number;
  fee: number;
  time: number;
}

/** ExchangeBroker.checkpoint()'s `exchange`: the desk's orders and counters plus the broker's own. */
interface ExchangeState extends DeskState {
  resting: string[];
  fills: FillRecord[];
  foreign: { base: number; quote: number };
}

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
  /** Events stepped; fills applied, each with the bar after which it was applied (a restart replays them there; a resumed session rebuilds: no deciding, no polling). */
  private readonly journal = new FillJournal<FillRecord>();
  private lastTime = -Infinity;
  private balancesChecked = true;
  /** What the account held at the session's start that is not the broker's (existing: ignore). */
  private foreign = { base: 0, quote: 0 };
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
    // Every fill the exchange reports is journalled with the bar it follows (a restart replays it there).
    this.apply = (units, price, fee, time, dust) => {
      this.journal.record({ units, price, fee, time });
      this.sim.applyFill(units, price, fee, time, dust);
    };
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
    // While a restart rebuilds, fills come from the journal; the first poll after it reads what was pushed meanwhile.
    if (this.journal.rebuilding) return;
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
    const rebuilding = this.journal.rebuilding;
    for (let i = 0; i < n; i++) {
      orders[i] = NaN;
      const target = inputs.orders[i];
      // A rebuild decides nothing: those decisions were counted and sent (or not) before the crash.
      if (target === target && !rebuilding) this.decide(target, t[i], inputs, i);
    }
    // The simulation only marks to market: its orders are the exchange's now.
    this.sim.step(n, t, { ...inputs, orders, book: undefined, trades: undefined }, out);
    if (n > 0) this.lastTime = t[n - 1];
    // Rebuilding: the fills applied after this bar before the crash, applied again.
    this.journal.stepped(n, (f) => this.sim.applyFill(f.units, f.price, f.fee, f.time, this.dust()));
  }

  private dust(): number {
    return Math.max(this.o.market.minAmount, this.o.market.amountStep);
  }

  /**
   * Before the first event (runGraph): undefined for a new session, whose account is checked
   * against the broker's assumptions (checkNewSession); a resumed session's checkpoint of this
   * node otherwise, whose exchange-side state is restored for the replay to build on.
   */
  async resume(saved: unknown): Promise<void> {
    if (saved === undefined) {
      this.o.checkNewSession();
      const account = this.o.reconciliation;
      this.foreign = { base: account.baseTotal, quote: Math.max(0, account.quoteTotal - this.p.cash) };
      return;
    }
    const state = saved as { bars?: number; exchange?: ExchangeState };
    const x = state.exchange;
    if (!x || typeof state.bars !== 'number' || !Array.isArray(x.orders) || !Array.isArray(x.fills)) {
      throw new Error(`${this.o.where}: the session's checkpoint has no exchange broker state for this node (it was saved by a simulated broker, or an older hean); start a new session`);
    }
    this.desk.restore(x);
    this.resting.clear();
    for (const id of x.resting) {
      const order = this.desk.orders.find((o) => o.clientOrderId === id);
      if (order) this.resting.set(id, order);
    }
    this.journal.restore(x.fills, state.bars);
    this.foreign = x.foreign;
    this.balancesChecked = false;
    this.o.log(`${this.o.where}: resuming the session's broker: ${x.orders.length} orders (${x.resting.length} resting), ${x.fills.length} fills to apply again over ${state.bars.toLocaleString('en-US')} events; decisions after the checkpoint are looked up by client order id before anything is sent`);
  }

  private decide(target: number, time: number, inputs: BrokerInputs, row: number): void {
    const close = inputs.market.close[row];
    const touch = this.limitPrice(target, inputs, row);
    const id = clientOrderId({ session: this.o.session, node: this.o.node, time });
    this.desk.decide(
      time,
      () => this.execute(id, target, time, close, touch),
      () => this.recover(id, target, time, close, touch),
    );
  }

  /**
   * A resumed session's decision made after its checkpoint and no later than the restart: sent by
   * the crashed process if the exchange knows its client order id (then absorbed, not sent again);
   * else not sent late, except one decided at the restart's very time (it is live).
   */
  private async recover(id: string, target: number, time: number, close: number, touch: { bid: number; ask: number } | undefined): Promise<void> {
    const found = await lookUpOrder(this.o.exchange, this.o.symbol, id);
    if (found) {
      // It replaced the resting orders when it went out, as execute() does.
      for (const order of [...this.resting.values()]) await this.cancel(order);
      const side = String(found.side).toLowerCase() === 'sell' ? 'sell' : 'buy';
      const order: LiveOrder = { clientOrderId: id, decidedAt: time, target, side, type: String(found.type).toLowerCase() === 'limit' ? 'limit' : 'market', amount: found.amount, price: found.price, status: 'found', filled: 0, filledCost: 0, feesApplied: {}, attempts: 0, notes: ['found on the exchange after the restart: sent before the crash, not sent again'] };
      this.desk.found(order);
      this.o.log(`${this.o.where}: order ${id} decided at ${new Date(time).toISOString()} was found on the exchange after the restart (sent before the crash): its fills are applied, it is not sent again`);
      await this.absorb(order, found);
      return;
    }
    if (time >= this.o.startedAt) return this.execute(id, target, time, close, touch);
    this.desk.missedWhileDown(time);
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
    // While a restart rebuilds, fills come from the journal; the exchange is asked once it is done.
    if (this.journal.rebuilding) return;
    const subscription = this.userData.up ? this.userData.subscriptions : -1;
    if (force || subscription < 0 || this.reconciled !== subscription) await this.pollResting(subscription);
    if (!this.balancesChecked && this.lastTime > this.o.startedAt) await this.checkBalances();
  }

  /** Reads every resting order by client id (fills pushed meanwhile queue behind); a complete poll catches up with `subscription`. */
  private async pollResting(subscription: number): Promise<void> {
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
    if (!this.balancesChecked && !this.journal.rebuilding) await this.checkBalances();
    this.stopped = true;
    await this.desk.close();
  }

  /**
   * A resumed session, once caught up (at its first event after the restart, or at the end): the
   * account's balances against the broker's position and cash plus what was there at the start
   * that is not the broker's. A difference is a warning: a trade outside the session, or a fill
   * the broker did not see; the broker goes on with its own numbers.
   */
  private async checkBalances(): Promise<void> {
    this.balancesChecked = true;
    const { position, cash } = this.sim.snapshot();
    const { base, quote } = this.o.market;
    await checkBalancesAfterRestart({
      exchange: this.o.exchange,
      markets: [{ symbol: this.o.symbol, market: this.o.market }],
      bases: [{ asset: base, mine: position, foreign: this.foreign.base }],
      quote: { asset: quote, mine: cash, foreign: this.foreign.quote },
      where: this.o.where,
      owner: 'broker',
      warn: this.o.warn,
      log: this.o.log,
      clean: (m) => this.clean(m),
    });
  }

  /** The checkpoint a crash-safe session saves: the simulation's state, and what came from the exchange (restored by resume). */
  checkpoint(): ReturnType<SimulatedBroker['checkpoint']> & { exchange: ExchangeState } {
    return { ...this.sim.checkpoint(), exchange: { ...this.desk.state(), resting: [...this.resting.keys()], fills: this.journal.fills, foreign: this.foreign } };
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
        ordersFoundAfterRestart: this.desk.recovered,
        ordersMissedWhileDown: this.desk.missed,
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
