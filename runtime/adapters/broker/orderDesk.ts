import { redact, type ApiKeys } from './apiKeys.js';
import type { CcxtOrder, MarketLimits, TradingExchange } from './connectTradingExchange.js';
import type { OrderIntent } from './decideOrder.js';
import { sendOrder } from './sendOrder.js';

/**
 * What the live brokers (sink.broker's ExchangeBroker, sink.portfolio's ExchangePortfolio) share
 * once an order is decided: it is sent (sendOrder.ts: at most once, retried, looked up by client
 * id), recorded for the report, refusals become warnings (the run goes on), and what the exchange
 * says it filled is handed to the broker's simulation in units, average price and commission in
 * the quote currency. Fills are applied from the exchange's cumulative figures (units, quote value,
 * commissions by asset), so an order's fills learnt several times or several ways (the answer, a
 * poll, sink.broker's user-data stream) are applied exactly once. Everything said passes through
 * `clean` (no API key or secret).
 *
 * A broker that resumes a crash-safe session (exchangeBroker.ts, exchangePortfolio.ts) saves the desk's orders and
 * counters with its checkpoint (state) and hands them back (restore); the desk then routes each
 * decision made no later than the restart to the broker's look-up by client order id instead of
 * sending it (the crashed process may have sent it; if not, it is never sent late: missedWhileDown).
 */

/** An order as the report shows it: what the graph decided, what was sent, what the exchange did. */
export interface LiveOrder {
  clientOrderId: string;
  /** The portfolio's instrument and its market (sink.portfolio only). */
  instrument?: string;
  symbol?: string;
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

/** The market an order trades: its ccxt symbol and limits. */
export interface OrderMarket {
  symbol: string;
  limits: MarketLimits;
}

/** Applies a fill to the broker's simulation: units (buy > 0) at `price`, commission `fee` in quote currency; a holding left at or below `dust` units is flat. */
export type ApplyFill = (units: number, price: number, fee: number, time: number, dust: number) => void;

export interface OrderDeskOptions {
  exchange: TradingExchange;
  keys: ApiKeys;
  warn(code: string, message: string): void;
  /** The exchange's time when the run started (epoch ms): orders decided on events before it are history, not sent. */
  startedAt: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What a crash-safe session's checkpoint keeps of the desk (OrderDesk.state / restore). */
export interface DeskState {
  decided: number;
  historical: number;
  rejected: number;
  /** A resumed session's decisions after its checkpoint, no later than the restart: found on the exchange (sent before the crash), or not (never sent). */
  recovered: number;
  missed: number;
  orders: LiveOrder[];
}

export class OrderDesk {
  readonly orders: LiveOrder[] = [];
  rejected = 0;
  /** Orders the graph decided (sent or not). */
  decided = 0;
  /** Orders decided on events older than the run (a warm start's history, a recovery's replay): never sent. */
  historical = 0;
  recovered = 0;
  missed = 0;
  /** Restored from a checkpoint: decisions no later than the restart are looked up, not sent. */
  private resumed = false;
  private work: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly o: OrderDeskOptions) {}

  /**
   * An order the graph decided at event `time`: `job` (decide the exchange order, send it, apply
   * its fills) runs after the orders before it, unless the event is history. The graph's step
   * stays synchronous; `drain` (the broker's settle) awaits the queue. In a resumed session, a
   * decision no later than the restart runs `lookUp` instead (when the broker gives one): the
   * crashed process may have sent it.
   */
  decide(time: number, job: () => Promise<void>, lookUp?: () => Promise<void>): void {
    if (this.failure !== undefined) throw this.failure;
    this.decided++;
    if (this.resumed && lookUp && time <= this.o.startedAt) {
      this.work = this.work.then(lookUp).catch((e) => void (this.failure ??= this.clean(e)));
      return;
    }
    if (time < this.o.startedAt) {
      // A decision the graph made on candles that closed before the run (warm-up history, or a
      // recovery replaying what was processed before a crash): the market has moved on since.
      if (this.historical++ === 0) this.o.warn('live/history-order', `an order decided at ${new Date(time).toISOString()}, before the run started (${new Date(this.o.startedAt).toISOString()}), was not sent: orders decided on history (warm-up, a recovery's replay) never reach the exchange; the broker starts from the account as it is`);
      return;
    }
    this.queue(job);
  }

  /**
   * Runs `job` after everything queued before it (orders being sent, fills being applied); what
   * it throws stops the run at the next step or drain. sink.broker queues the user-data stream's
   * order updates here, so they are applied in turn with the orders being sent.
   */
  queue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch((e) => void (this.failure ??= this.clean(e)));
  }

  /** The queued orders sent and their fills applied; throws what stopped them (an authentication failure). */
  async drain(): Promise<void> {
    await this.work;
    if (this.failure !== undefined) throw this.failure;
  }

  /** A broker's snapshot with the graph's orders and the exchange's refusals (its simulation receives no orders). */
  withCounts<S extends { rejections: Record<string, number> }>(state: S): S & { ordersReceived: number } {
    return { ...state, ordersReceived: this.decided, rejections: { ...state.rejections, exchange: this.rejected, decidedOnHistory: this.historical, missedWhileDown: this.missed } };
  }

  /** A resumed session's order that the exchange knew by its client id (sent before the crash): recorded, not sent again. */
  found(order: LiveOrder): void {
    this.recovered++;
    this.orders.push(order);
  }

  /** A resumed session's decision of the gap that the exchange does not know: the crashed process never sent it, and it is not sent late. */
  missedWhileDown(time: number): void {
    if (this.missed++ === 0) {
      this.o.warn('live/missed-while-down', `the order decided at ${new Date(time).toISOString()}, on a candle that closed after the session's last checkpoint and before the restart (${new Date(this.o.startedAt).toISOString()}), is not on the exchange: the crashed process never sent it, and it is not sent late (the market moved on); the broker goes on from the account as it is`);
    }
  }

  /** For the checkpoint (JSON; the orders are the live records, serialized at once). */
  state(): DeskState {
    return { decided: this.decided, historical: this.historical, rejected: this.rejected, recovered: this.recovered, missed: this.missed, orders: this.orders };
  }

  /** A resumed session's desk as its checkpoint left it; from now on decisions no later than the restart are looked up. */
  restore(x: DeskState): void {
    this.decided = x.decided;
    this.historical = x.historical;
    this.rejected = x.rejected;
    this.recovered = x.recovered;
    this.missed = x.missed;
    this.orders.splice(0, this.orders.length, ...x.orders);
    this.resumed = true;
  }

  /** The end of the run: the exchange client's connections closed (after the broker's last settle), then whatever was still queued finished. */
  async close(): Promise<void> {
    await this.o.exchange.close?.().catch(() => {});
    await this.work;
  }

  /** A step fails once an order failed for good (it says why). */
  check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Sends `intent` as `order` (recorded either way); the exchange's answer, or undefined when it refused (warned and counted). */
  async send(order: LiveOrder, intent: OrderIntent, market: OrderMarket): Promise<CcxtOrder | undefined> {
    const id = order.clientOrderId;
    this.orders.push(order);
    const outcome = await sendOrder(this.o.exchange, intent, { symbol: market.symbol, clientOrderId: id, sleep: this.o.sleep });
    order.attempts = outcome.attempts;
    order.notes.push(...outcome.events.map((e) => this.clean(e)));
    for (const event of outcome.events) if (/rate limited|network error/.test(event)) this.o.warn(event.startsWith('rate') ? 'live/rate-limited' : 'live/network', `order ${id} (${order.side}): ${this.clean(event)}`);
    if (outcome.rejected) {
      this.rejected++;
      order.status = outcome.rejected.reason;
      const why = this.clean(outcome.rejected.message);
      order.notes.push(why);
      const code = outcome.rejected.reason === 'insufficient-funds' ? 'live/insufficient-funds' : 'live/order-rejected';
      this.o.warn(code, `order ${id} on ${market.symbol} decided at ${new Date(order.decidedAt).toISOString()} (${order.side} ${intent.amount ?? `${intent.cost?.toFixed(2)} ${market.limits.quote} worth`}) was not placed: ${why}; the run goes on`);
      return undefined;
    }
    return outcome.order!;
  }

  /**
   * Applies what the exchange says an order filled beyond what was applied already: the units,
   * quote value and commissions are cumulative on the exchange, so the difference is exactly the
   * new fills, however many there were and whichever way they were learnt (an answer, a poll, the
   * user-data stream), and a report seen twice applies nothing.
   */
  async absorb(order: LiveOrder, reported: CcxtOrder, market: OrderMarket, apply: ApplyFill): Promise<void> {
    order.exchangeId = reported.id;
    order.status = reported.status ?? 'unknown';
    const filled = reported.filled ?? 0;
    if (filled <= order.filled) return;
    const cost = reported.cost ?? filled * (reported.average ?? reported.price ?? 0);
    const fees = await this.feesOf(reported, market.symbol);
    this.applyFills(order, { filled, cost, fees, time: reported.lastTradeTimestamp ?? reported.timestamp ?? order.decidedAt }, market, apply);
  }

  /**
   * Moves the broker to the order's cumulative fills (units, quote value, commissions by asset)
   * from what it applied before: the new units at the new quote value's price, so the cash moves
   * by what the exchange's quote total moved.
   */
  applyFills(order: LiveOrder, total: { filled: number; cost: number; fees: Record<string, number>; time: number }, market: OrderMarket, apply: ApplyFill): void {
    const { filled, cost, fees, time } = total;
    const newly = filled - order.filled;
    const value = cost - order.filledCost;
    const { base, quote, minAmount, amountStep } = market.limits;
    const baseFee = (fees[base] ?? 0) - (order.feesApplied[base] ?? 0);
    const quoteFee = (fees[quote] ?? 0) - (order.feesApplied[quote] ?? 0);
    const price = value / newly;
    // Commission in the base asset comes out of the units received; in the quote asset out of cash.
    const units = order.side === 'buy' ? newly - baseFee : -(newly + baseFee);
    apply(units, price, quoteFee + baseFee * price, time, Math.max(minAmount, amountStep));
    order.filled = filled;
    order.filledCost = cost;
    order.feesApplied = { ...fees };
    order.average = cost / filled;
    order.fee = Object.entries(fees).map(([currency, c]) => ({ currency, cost: c }))[0];
  }

  /** The order's commissions so far, by asset: from its fills when the answer carries them (Binance's FULL answer), else from its trades. */
  private async feesOf(reported: CcxtOrder, symbol: string): Promise<Record<string, number>> {
    let fees: { currency?: string; cost?: number }[];
    if (reported.fees?.length) fees = reported.fees;
    else if (reported.fee?.currency) fees = [reported.fee];
    else {
      const trades = await (this.o.exchange as unknown as { fetchMyTrades(s: string, since?: number, limit?: number, params?: object): Promise<{ fee?: { currency?: string; cost?: number } }[]> }).fetchMyTrades(symbol, undefined, undefined, { orderId: reported.id });
      fees = trades.map((t) => t.fee ?? {});
    }
    const total: Record<string, number> = {};
    for (const f of fees) if (f.currency) total[f.currency] = (total[f.currency] ?? 0) + (f.cost ?? 0);
    return total;
  }

  /** Errors and notes with the API key and secret taken out (ccxt can quote a request). */
  clean(e: unknown): never | any {
    if (typeof e === 'string') return redact(e, this.o.keys);
    if (e instanceof Error) {
      const copy = new Error(redact(e.message, this.o.keys));
      copy.name = e.name;
      return copy;
    }
    return e;
  }
}
