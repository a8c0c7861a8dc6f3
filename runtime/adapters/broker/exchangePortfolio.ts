import type { Kernel } from '../../defineNode.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { PortfolioBroker, type PortfolioInputs, type PortfolioOutputs, type PortfolioParams, type PortfolioReport } from '../../portfolio/portfolioBroker.js';
import type { BrokerReport } from '../../portfolio/simulatedBroker.js';
import type { ApiKeys } from './apiKeys.js';
import type { MarketLimits, TradingExchange } from './connectTradingExchange.js';
import { decideOrder, isDust } from './decideOrder.js';
import { OrderDesk, type ApplyFill, type LiveOrder, type OrderMarket } from './orderDesk.js';
import type { Reconciliation } from './reconcileAccount.js';

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
  reconciliation: Reconciliation;
  warn(code: string, message: string): void;
  describe: Record<string, unknown>;
  /** The exchange's time when the run started (epoch ms): orders decided on events before it are history, not sent. */
  startedAt: number;
  sleep?: (ms: number) => Promise<void>;
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

  constructor(
    private readonly p: PortfolioParams,
    private readonly o: ExchangePortfolioOptions,
  ) {
    this.sim = new PortfolioBroker(p, { warn: o.warn, marketWires: o.marketWires, history: 'bounded' });
    this.featureNames = this.sim.featureNames;
    this.names = this.sim.featureNames.positions;
    this.desk = new OrderDesk({ exchange: o.exchange, keys: o.keys, warn: o.warn, startedAt: o.startedAt, sleep: o.sleep });
    this.markets = o.symbols.map((symbol, m) => ({ symbol, limits: o.markets[m] }));
    this.apply = this.markets.map((_, m) => (units, price, fee, time, dust) => this.sim.applyFill(m, units, price, fee, time, dust));
    this.fees = this.markets.map((_, m) => p.instruments?.[m]?.fees?.taker ?? p.fees.taker);
    this.slippage = p.slippageBps / 10000;
  }

  step(n: number, t: Float64Array, inputs: PortfolioInputs, out: PortfolioOutputs): void {
    this.desk.check();
    const k = this.markets.length;
    if (this.scratch.length !== k || this.scratch[0].length < n) this.scratch = this.markets.map(() => new Float64Array(Math.max(n, 1)));
    const none = this.scratch.map((a) => a.subarray(0, n).fill(NaN));
    for (let i = 0; i < n; i++) {
      for (let m = 0; m < k; m++) {
        const target = inputs.orders[m][i];
        if (target === target) this.decide(m, target, t[i], inputs.markets[m].close[i]);
      }
    }
    // The simulation only marks to market: its orders are the exchange's now.
    this.sim.step(n, t, { ...inputs, orders: none }, out);
  }

  private decide(m: number, target: number, time: number, close: number): void {
    const instrument = this.names[m];
    this.desk.decide(time, () => this.execute(m, clientOrderId({ session: this.o.session, node: this.o.node, instrument, time }), target, time, close));
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
    if (reported) await this.desk.absorb(order, reported, market, this.apply[m]);
  }

  /** Awaited by the live driver after each event: the orders of the event sent and their fills applied. */
  async settle(): Promise<void> {
    await this.desk.drain();
  }

  async end(): Promise<void> {
    await this.settle();
    await this.desk.close();
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
        orders: this.desk.orders,
        atStart: this.o.reconciliation,
      },
    };
  }
}
