import type { Kernel } from '../../defineNode.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { PortfolioBroker, type PortfolioInputs, type PortfolioOutputs, type PortfolioParams, type PortfolioReport } from '../../portfolio/portfolioBroker.js';
import type { BrokerReport } from '../../portfolio/simulatedBroker.js';
import type { ApiKeys } from './apiKeys.js';
import type { CcxtOrder, MarketLimits, TradingExchange } from './connectTradingExchange.js';
import { decideOrder, isDust } from './decideOrder.js';
import { OrderDesk, type ApplyFill, type DeskState, type LiveOrder, type OrderMarket } from './orderDesk.js';
import type { Reconciliation } from './reconcileAccount.js';
import { checkBalancesAfterRestart } from './balanceCheck.js';
import { FillJournal } from './fillJournal.js';
import { lookUpOrder } from './sendOrder.js';

/**
 * sink.portfolio in live mode, on one spot account: one market per instrument, all quoted in the
 * account's quote currency. As sink.broker's ExchangeBroker: each order the graph decides for an
 * instrument is turned into an exchange order by the simulation's sizing rule (decideOrder.ts:
 * orderUnit fraction of the portfolio's equity, quantity or notional, cut to the maxLeverage
 * room, which for a spot account is at most its cash) and sent at once under its deterministic
 * client order id (clientOrderId.ts, named by the instrument); what the exchange fills is applied
 * to the portfolio's cash and that instrument's position (PortfolioBroker.applyFill), so equity,
 * positions, trades and metrics follow the exchange. Orders of one event go out in the order of
 * the market wires (as the simulation fills them), each decided on the fills of the ones before.
 * Market orders only; the simulation only marks to market (it receives no orders).
 *
 * Crash safety, as sink.broker's (exchangeBroker.ts has the whole story): the checkpoint holds the
 * simulation's state and, under `exchange`, the order desk's orders and counters, the events
 * stepped, the journal of the fills applied (each with its instrument and the bar it followed) and
 * what the account held at the start that is not the portfolio's. A restart hands it back
 * (resume); the replay steps the simulation again, applying each journalled fill to its
 * instrument after the same bar, and decides and sends nothing. A decision on an event after the
 * checkpoint and no later than the restart is looked up on its market by client order id: found,
 * its fills are applied and it is not sent again; not found, it is not sent late
 * (live/missed-while-down). Once caught up, the account's balances of every base asset and the
 * quote currency are checked against the portfolio's positions and cash (live/balance-mismatch).
 * There is nothing to poll: a market order's answer carries its fills, and none rests.
 */
export interface ExchangePortfolioOptions {
  exchange: TradingExchange;
  /** One per instrument, in the order of the market wires. */
  symbols: readonly string[];
  markets: readonly MarketLimits[];
  /** The market wires as written (the instruments' default names). */
  marketWires: readonly string[];
  /** The graph's name and the node's id: they name the orders. */
  session: string;
  node: string;
  keys: ApiKeys;
  /** The account as read at open (liveAccount.ts). */
  reconciliation: Reconciliation;
  /** The checks of a new session on that account (liveAccount.ts): run by resume() when the session is new. */
  checkNewSession(): void;
  /** `portfolio "id" (exchange symbols)`, for messages. */
  where: string;
  warn(code: string, message: string): void;
  log(message: string): void;
  describe: Record<string, unknown>;
  /** The exchange's time when the run started (epoch ms): orders decided on events before it are history, not sent. */
  startedAt: number;
  sleep?: (ms: number) => Promise<void>;
}

/** A fill the exchange reported for instrument `m`, as applied to the simulation after `bar` events. */
interface FillRecord {
  bar: number;
  m: number;
  units: number;
  price: number;
  fee: number;
  time: number;
}

/** ExchangePortfolio.checkpoint()'s `exchange`: the desk's orders and counters plus the portfolio's own. */
interface ExchangeState extends DeskState {
  /** Events stepped (the portfolio simulation counts bars per instrument). */
  bars: number;
  fills: FillRecord[];
  /** What the account held at the session's start that is not the portfolio's: each market's base asset, and the quote currency. */
  foreign: { base: Record<string, number>; quote: number };
}

export class ExchangePortfolio implements Kernel<PortfolioInputs, PortfolioOutputs> {
  readonly featureNames: { positions: readonly string[] };
  private readonly sim: PortfolioBroker;
  private readonly desk: OrderDesk;
  private readonly names: readonly string[];
  private readonly markets: OrderMarket[];
  private readonly apply: ApplyFill[];
  private readonly fees: number[];
  private readonly slippage: number;
  private scratch: Float64Array[] = [];
  /** Fills applied, each with its instrument and the bar after which it was applied (a restart replays them there). */
  private readonly journal = new FillJournal<FillRecord>();
  private lastTime = -Infinity;
  private balancesChecked = true;
  private foreign: ExchangeState['foreign'] = { base: {}, quote: 0 };

  constructor(
    private readonly p: PortfolioParams,
    private readonly o: ExchangePortfolioOptions,
  ) {
    this.sim = new PortfolioBroker(p, { warn: o.warn, marketWires: o.marketWires, history: 'bounded' });
    this.featureNames = this.sim.featureNames;
    this.names = this.sim.featureNames.positions;
    this.desk = new OrderDesk({ exchange: o.exchange, keys: o.keys, warn: o.warn, startedAt: o.startedAt, sleep: o.sleep });
    this.markets = o.symbols.map((symbol, m) => ({ symbol, limits: o.markets[m] }));
    // Every fill the exchange reports is journalled with its instrument and the bar it follows.
    this.apply = this.markets.map((_, m) => (units, price, fee, time, dust) => {
      this.journal.record({ m, units, price, fee, time });
      this.sim.applyFill(m, units, price, fee, time, dust);
    });
    this.fees = this.markets.map((_, m) => p.instruments?.[m]?.fees?.taker ?? p.fees.taker);
    this.slippage = p.slippageBps / 10000;
  }

  step(n: number, t: Float64Array, inputs: PortfolioInputs, out: PortfolioOutputs): void {
    this.desk.check();
    const k = this.markets.length;
    if (this.scratch.length !== k || this.scratch[0].length < n) this.scratch = this.markets.map(() => new Float64Array(Math.max(n, 1)));
    const none = this.scratch.map((a) => a.subarray(0, n).fill(NaN));
    // A rebuild decides nothing: those decisions were counted and sent (or not) before the crash.
    const rebuilding = this.journal.rebuilding;
    for (let i = 0; i < n && !rebuilding; i++) {
      for (let m = 0; m < k; m++) {
        const target = inputs.orders[m][i];
        if (target === target) this.decide(m, target, t[i], inputs.markets[m].close[i]);
      }
    }
    // The simulation only marks to market: its orders are the exchange's now.
    this.sim.step(n, t, { ...inputs, orders: none }, out);
    if (n > 0) this.lastTime = t[n - 1];
    // Rebuilding: the fills applied after this bar before the crash, applied again to their instruments.
    this.journal.stepped(n, (f) => this.sim.applyFill(f.m, f.units, f.price, f.fee, f.time, this.dust(f.m)));
  }

  private dust(m: number): number {
    const { minAmount, amountStep } = this.markets[m].limits;
    return Math.max(minAmount, amountStep);
  }

  /**
   * Before the first event (runGraph): undefined for a new session, whose account is checked
   * against the portfolio's assumptions (checkNewSession); a resumed session's checkpoint of this
   * node otherwise, whose exchange-side state is restored for the replay to build on.
   */
  async resume(saved: unknown): Promise<void> {
    if (saved === undefined) {
      this.o.checkNewSession();
      const account = this.o.reconciliation;
      const base = Object.fromEntries(this.markets.map(({ limits }) => [limits.base, account.baseTotals?.[limits.base] ?? account.baseTotal]));
      this.foreign = { base, quote: Math.max(0, account.quoteTotal - this.p.cash) };
      return;
    }
    const x = (saved as { exchange?: ExchangeState }).exchange;
    if (!x || typeof x.bars !== 'number' || !Array.isArray(x.orders) || !Array.isArray(x.fills) || typeof x.foreign?.base !== 'object') {
      throw new Error(`${this.o.where}: the session's checkpoint has no exchange portfolio state for this node (it was saved by a simulated portfolio, e.g. a paper session of this graph on the same Redis streams, or by an older hean): the exchange's orders and fills cannot be resumed from it; start a new session (delete the checkpoint the run's "checkpoint ..." line names, or rename the graph)`);
    }
    this.desk.restore(x);
    this.journal.restore(x.fills, x.bars);
    this.foreign = x.foreign;
    this.balancesChecked = false;
    this.o.log(`${this.o.where}: resuming the session's portfolio: ${x.orders.length} orders, ${x.fills.length} fills to apply again over ${x.bars.toLocaleString('en-US')} events; decisions after the checkpoint are looked up by client order id before anything is sent`);
  }

  private decide(m: number, target: number, time: number, close: number): void {
    const id = clientOrderId({ session: this.o.session, node: this.o.node, instrument: this.names[m], time });
    this.desk.decide(
      time,
      () => this.execute(m, id, target, time, close),
      () => this.recover(m, id, target, time, close),
    );
  }

  /**
   * A resumed session's decision made after its checkpoint and no later than the restart: sent by
   * the crashed process if the exchange knows its client order id on the instrument's market (then
   * absorbed, not sent again); else not sent late, except one decided at the restart's very time.
   */
  private async recover(m: number, id: string, target: number, time: number, close: number): Promise<void> {
    const market = this.markets[m];
    const found = await lookUpOrder(this.o.exchange, market.symbol, id);
    if (found) {
      const side = String(found.side).toLowerCase() === 'sell' ? 'sell' : 'buy';
      const order: LiveOrder = { clientOrderId: id, instrument: this.names[m], symbol: market.symbol, decidedAt: time, target, side, type: 'market', amount: found.amount, price: found.price, status: 'found', filled: 0, filledCost: 0, feesApplied: {}, attempts: 0, notes: ['found on the exchange after the restart: sent before the crash, not sent again'] };
      this.desk.found(order);
      this.o.log(`${this.o.where}: order ${id} (${this.names[m]}) decided at ${new Date(time).toISOString()} was found on the exchange after the restart (sent before the crash): its fills are applied, it is not sent again`);
      await this.absorb(m, order, found);
      return;
    }
    if (time >= this.o.startedAt) return this.execute(m, id, target, time, close);
    this.desk.missedWhileDown(time);
  }

  private async absorb(m: number, order: LiveOrder, reported: CcxtOrder): Promise<void> {
    await this.desk.absorb(order, reported, this.markets[m], this.apply[m]);
  }

  private async execute(m: number, id: string, target: number, time: number, close: number): Promise<void> {
    const { cash, positions, closes } = this.sim.holdings();
    // Equity and the other instruments' gross as the simulation marks them, this one at its deciding close.
    let equity = cash;
    let others = 0;
    for (let j = 0; j < positions.length; j++) {
      if (positions[j] === 0) continue;
      const value = positions[j] * (j === m ? close : closes[j]);
      equity += value;
      if (j !== m) others += Math.abs(value);
    }
    // The leverage cap (maxLeverage is at most 1 live: checked at compile time); a spot buy spends at most the cash.
    const room = Math.min(this.p.maxLeverage * equity - others, cash + Math.max(0, positions[m]) * close);
    const market = this.markets[m];
    const intent = decideOrder(target, close, { cash, position: positions[m], equity, room }, { fee: this.fees[m], slippage: this.slippage, limits: market.limits, unit: this.p.orderUnit });
    if ('none' in intent) return;
    const order: LiveOrder = { clientOrderId: id, instrument: this.names[m], symbol: market.symbol, decidedAt: time, target, type: 'market', ...intent, status: 'sending', filled: 0, filledCost: 0, feesApplied: {}, attempts: 0, notes: [] };
    const reported = await this.desk.send(order, intent, market);
    if (reported) await this.absorb(m, order, reported);
  }

  /**
   * Awaited by the live driver after each event: the orders of the event sent and their fills
   * applied; a resumed session's account checked once caught up.
   */
  async settle(): Promise<void> {
    await this.desk.drain();
    // While a restart rebuilds, fills come from the journal; the exchange is asked once it is done.
    if (this.journal.rebuilding) return;
    if (!this.balancesChecked && this.lastTime > this.o.startedAt) await this.checkBalances();
  }

  async end(): Promise<void> {
    await this.settle();
    if (!this.balancesChecked && !this.journal.rebuilding) await this.checkBalances();
    await this.desk.close();
  }

  /** A resumed session, once caught up (its first event after the restart, or the end): every market's base asset and the cash against the account. */
  private async checkBalances(): Promise<void> {
    this.balancesChecked = true;
    const { cash, positions } = this.sim.holdings();
    await checkBalancesAfterRestart({
      exchange: this.o.exchange,
      markets: this.markets.map(({ symbol, limits }) => ({ symbol, market: limits })),
      bases: this.markets.map(({ limits }, m) => ({ asset: limits.base, mine: positions[m], foreign: this.foreign.base[limits.base] ?? 0 })),
      quote: { asset: this.markets[0].limits.quote, mine: cash, foreign: this.foreign.quote },
      where: this.o.where,
      owner: 'portfolio',
      warn: this.o.warn,
      log: this.o.log,
      clean: (message) => this.desk.clean(message),
    });
  }

  /** The checkpoint a crash-safe session saves: the simulation's state, and what came from the exchange (restored by resume). */
  checkpoint(): Record<string, unknown> & { exchange: ExchangeState } {
    return { ...this.sim.checkpoint(), exchange: { ...this.desk.state(), bars: this.journal.bars, fills: this.journal.fills, foreign: this.foreign } };
  }

  /** The simulation's marks, with the graph's orders and the exchange's refusals (the simulation itself receives none). */
  snapshot() {
    return this.desk.withCounts(this.sim.snapshot());
  }

  report(): BrokerReport & { portfolio: PortfolioReport; exchange: Record<string, unknown> } {
    const { cash, positions } = this.sim.holdings();
    return {
      ...this.sim.report(),
      // The simulation received no orders (they went to the exchange): these are the graph's.
      ordersReceived: this.desk.decided,
      exchange: {
        ...this.o.describe,
        cash,
        positions: Object.fromEntries(this.names.map((name, m) => [name, positions[m]])),
        flat: Object.fromEntries(this.names.map((name, m) => [name, isDust(positions[m], this.markets[m].limits)])),
        ordersSent: this.desk.orders.length - this.desk.rejected,
        ordersRejected: this.desk.rejected,
        ordersDecidedOnHistory: this.desk.historical,
        ordersFoundAfterRestart: this.desk.recovered,
        ordersMissedWhileDown: this.desk.missed,
        orders: this.desk.orders,
        atStart: this.o.reconciliation,
      },
    };
  }
}
