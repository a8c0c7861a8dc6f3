import { Type, type Static } from '@sinclair/typebox';
import { defineNode, type Kernel, type NodeContext } from '../../runtime/defineNode.js';
import { computeMetrics, type Metrics, type Trade } from '../../runtime/exec/metrics.js';
import { port, type InputValues, type OutputBuffers } from '../../runtime/ports.js';

export interface BrokerReport {
  kind: 'broker';
  metrics: Metrics;
  trades: Trade[];
  /** Equity at each bar's close, the bars' event times and closes. */
  equity: Float64Array;
  eventTimes: Float64Array;
  closes: Float64Array;
  ordersReceived: number;
  fills: number;
  /** Orders decided too late to fill before the data ended. */
  unfilledOrders: number;
  ruined: boolean;
}

const brokerParams = Type.Object(
  {
    cash: Type.Number({ exclusiveMinimum: 0, default: 10000, description: 'Starting cash, in quote currency.' }),
    fill: Type.Union([Type.Literal('nextOpen'), Type.Literal('close')], { default: 'nextOpen', description: 'Fill price: the next bar open (honest) or the deciding bar close (optimistic).' }),
    fees: Type.Object(
      { taker: Type.Number({ minimum: 0, maximum: 0.1, default: 0.001, description: 'Fee per side as a fraction of traded value (0.001 = 0.1%).' }) },
      { additionalProperties: false, default: { taker: 0.001 } },
    ),
    slippageBps: Type.Number({ minimum: 0, maximum: 10000, default: 0, description: 'Price slippage against the trader, in basis points.' }),
    latencyBars: Type.Integer({ minimum: 0, maximum: 1000, default: 0, description: 'Extra bars between decision and fill.' }),
    direction: Type.Union([Type.Literal('longOnly'), Type.Literal('longShort')], { default: 'longOnly', description: 'Whether short positions are allowed.' }),
  },
  { additionalProperties: false },
);
const brokerInputs = { orders: port.orders(), market: port.candles() };
const brokerOutputs = { equity: port.number(), position: port.number() };
type BrokerParams = Static<typeof brokerParams>;
type BrokerInputs = InputValues<typeof brokerInputs>;
type BrokerOutputs = OutputBuffers<typeof brokerOutputs>;

export const broker = defineNode({
  kind: 'sink.broker',
  summary: 'Simulated broker: fills target-exposure orders at the next bar open with fees, slippage and latency; marks equity at each close.',
  description:
    'Steps event by event on its market. An order decided at bar i fills at the open of bar ' +
    'i + 1 + latencyBars (fill: nextOpen, the default) or at the close of bar i + latencyBars ' +
    '(fill: close, optimistic: it trades at the price that produced the signal). An order is a ' +
    'target fraction of equity: from flat, a long target f buys f * equity / (price * (1 + fee)) ' +
    'units, so all-in (f = 1) spends the whole cash including the fee; 0 closes the position; a ' +
    'target of the other sign closes then opens. Buys fill at price * (1 + slippage), sells at ' +
    'price * (1 - slippage); the fee is a fraction of traded value per side. Long-only brokers ' +
    'treat negative targets as 0. Quantities are fractional. Equity = cash + position * close at ' +
    'every bar; an open position at the end stays open and is valued at the last close.',
  params: brokerParams,
  inputs: brokerInputs,
  outputs: brokerOutputs,
  defaultOutput: 'equity',
  timeline: 'market',
  check: (p) =>
    p.fill === 'close'
      ? [{ path: ['fill'], severity: 'warning', code: 'broker/optimistic-fill', message: 'fill: close trades at the price of the bar that produced the signal, which is optimistic; use nextOpen for honest results' }]
      : [],
  create: (p, ctx) => new BrokerKernel(p, ctx),
});

/** The round trip in progress: sums for average prices (exact fill price when there was one fill). */
interface OpenTrade {
  entryTime: number;
  cost: number;
  bought: number;
  entryPx: number;
  entries: number;
  proceeds: number;
  sold: number;
  exitPx: number;
  exits: number;
  fees: number;
  cashFlow: number;
  maxQty: number;
}

/**
 * The sequential portfolio simulation. A class rather than closures: its numeric fields are
 * updated in place (closure doubles are boxed in V8) and its methods stay monomorphic.
 */
class BrokerKernel implements Kernel<BrokerInputs, BrokerOutputs> {
  private readonly fee: number;
  private readonly slip: number;
  private readonly longOnly: boolean;
  private readonly fillAtClose: boolean;
  private readonly delay: number;
  private cash: number;
  private qty = 0.0;
  private bar = 0;
  private barsInMarket = 0;
  private ordersReceived = 0;
  private fills = 0;
  private ruined = false;
  // Orders waiting for their fill bar, in decision order (due bars strictly increase).
  private readonly dueBar: number[] = [];
  private readonly dueTarget: number[] = [];
  private queueHead = 0;
  private readonly trades: Trade[] = [];
  private open: OpenTrade | undefined;
  // Per-bar history for metrics and reports, sized from the runtime's hint, grown by doubling.
  private equity: Float64Array;
  private eventTimes: Float64Array;
  private closes: Float64Array;
  private firstOpenTime = NaN;

  constructor(
    private readonly p: BrokerParams,
    private readonly ctx: NodeContext,
  ) {
    this.fee = p.fees.taker;
    this.slip = p.slippageBps / 10000;
    this.longOnly = p.direction === 'longOnly';
    this.fillAtClose = p.fill === 'close';
    this.delay = (this.fillAtClose ? 0 : 1) + p.latencyBars;
    this.cash = p.cash + 0.0;
    const size = Math.max(1024, ctx.eventsHint ?? 0);
    this.equity = new Float64Array(size);
    this.eventTimes = new Float64Array(size);
    this.closes = new Float64Array(size);
  }

  step(n: number, t: Float64Array, { orders, market }: BrokerInputs, out: BrokerOutputs): void {
    const { time, open: opens, close } = market;
    const equityOut = out.equity;
    const positionOut = out.position;
    if (this.bar + n > this.equity.length) this.grow(Math.max(this.equity.length * 2, this.bar + n));
    if (this.bar === 0 && n > 0) this.firstOpenTime = time[0];
    const equity = this.equity;
    const eventTimes = this.eventTimes;
    const closes = this.closes;
    const fillAtClose = this.fillAtClose;
    // The hot loop runs on locals; fills (rare) go through methods, then the locals are refreshed.
    let b = this.bar;
    let inMarket = this.barsInMarket;
    let nextDue = this.nextDue();
    let cash = this.cash;
    let qty = this.qty;
    for (let i = 0; i < n; i++) {
      if (b === nextDue && !fillAtClose) {
        this.fillDue(b, opens[i], time[i]);
        nextDue = this.nextDue();
        cash = this.cash;
        qty = this.qty;
      }
      const target = orders[i];
      if (target === target) {
        // not NaN: an order decided at this event
        this.ordersReceived++;
        this.dueBar.push(b + this.delay);
        this.dueTarget.push(target);
        nextDue = this.nextDue();
      }
      if (b === nextDue && fillAtClose) {
        this.fillDue(b, close[i], time[i]);
        nextDue = this.nextDue();
        cash = this.cash;
        qty = this.qty;
      }
      const e = cash + qty * close[i];
      if (e <= 0 && !this.ruined) this.ruin(e, t[i]);
      equity[b] = e;
      eventTimes[b] = t[i];
      closes[b] = close[i];
      if (qty !== 0) inMarket++;
      equityOut[i] = e;
      positionOut[i] = qty;
      b++;
    }
    this.bar = b;
    this.barsInMarket = inMarket;
  }

  /** The bar of the next pending fill, or -1. */
  private nextDue(): number {
    return this.queueHead < this.dueBar.length ? this.dueBar[this.queueHead] : -1;
  }

  private fillDue(bar: number, price: number, time: number): void {
    while (this.queueHead < this.dueBar.length && this.dueBar[this.queueHead] === bar) this.execute(this.dueTarget[this.queueHead++], price, time);
  }

  private ruin(equity: number, time: number): void {
    this.ruined = true;
    this.ctx.warn('broker/ruin', `equity fell to ${equity.toFixed(2)} at ${new Date(time).toISOString()}; the broker stops trading`);
  }

  private grow(size: number): void {
    const grow = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.equity = grow(this.equity);
    this.eventTimes = grow(this.eventTimes);
    this.closes = grow(this.closes);
  }

  /** Move to `target` fraction of equity at reference price `price`. */
  private execute(target: number, price: number, time: number): void {
    if (this.ruined) return;
    if (this.longOnly && target < 0) target = 0;
    if (this.qty !== 0 && (target === 0 || Math.sign(target) !== Math.sign(this.qty))) this.closePosition(price, time);
    if (target === 0) return;
    const equityNow = this.cash + this.qty * price;
    const px = target > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const wanted = (target * equityNow) / (px * (1 + this.fee));
    const delta = wanted - this.qty;
    if (delta !== 0) this.trade(delta, price, time);
  }

  /** Trade `delta` units (buy > 0, sell < 0) at reference price `price`. */
  private trade(delta: number, price: number, time: number): void {
    const px = delta > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const value = Math.abs(delta) * px;
    const cost = value * this.fee;
    const flow = (delta > 0 ? -value : value) - cost;
    this.cash += flow;
    const open = (this.open ??= { entryTime: time, cost: 0, bought: 0, entryPx: px, entries: 0, proceeds: 0, sold: 0, exitPx: px, exits: 0, fees: 0, cashFlow: 0, maxQty: 0 });
    if (this.qty === 0 || Math.sign(delta) === Math.sign(this.qty)) {
      open.cost += value;
      open.bought += Math.abs(delta);
      open.entryPx = px;
      open.entries++;
    } else {
      open.proceeds += value;
      open.sold += Math.abs(delta);
      open.exitPx = px;
      open.exits++;
    }
    open.fees += cost;
    open.cashFlow += flow;
    this.qty += delta;
    if (Math.abs(this.qty) > Math.abs(open.maxQty)) open.maxQty = this.qty;
    this.fills++;
  }

  private closePosition(price: number, time: number): void {
    const open = this.open;
    if (this.qty === 0 || !open) return;
    this.trade(-this.qty, price, time);
    this.qty = 0.0; // exactly flat, whatever rounding the sum above left
    this.trades.push({
      entryTime: open.entryTime,
      entryPrice: open.entries === 1 ? open.entryPx : open.cost / open.bought,
      exitTime: time,
      exitPrice: open.exits === 1 ? open.exitPx : open.proceeds / open.sold,
      qty: open.maxQty,
      fees: open.fees,
      pnl: open.cashFlow,
    });
    this.open = undefined;
  }

  report(): BrokerReport {
    const bar = this.bar;
    const trades = [...this.trades];
    const open = this.open;
    if (open && this.qty !== 0 && bar > 0) {
      const last = this.closes[bar - 1];
      trades.push({
        entryTime: open.entryTime,
        entryPrice: open.entries === 1 ? open.entryPx : open.cost / open.bought,
        exitTime: null,
        exitPrice: last,
        qty: open.maxQty,
        fees: open.fees,
        pnl: open.cashFlow + this.qty * last,
      });
    }
    const equity = this.equity.subarray(0, bar);
    const eventTimes = this.eventTimes.subarray(0, bar);
    const metrics = computeMetrics({ initialCash: this.p.cash, equity, eventTimes, startTime: bar ? this.firstOpenTime : 0, barsInMarket: this.barsInMarket, trades });
    return {
      kind: 'broker',
      metrics,
      trades,
      equity,
      eventTimes,
      closes: this.closes.subarray(0, bar),
      ordersReceived: this.ordersReceived,
      fills: this.fills,
      unfilledOrders: this.dueBar.length - this.queueHead,
      ruined: this.ruined,
    };
  }
}
