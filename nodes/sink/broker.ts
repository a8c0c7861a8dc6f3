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

/**
 * The sequential portfolio simulation. A class over typed arrays rather than closures: numeric
 * state lives in Float64Arrays (closure doubles are boxed in V8, and object fields that start as
 * integers change representation and deoptimise), and the methods stay monomorphic.
 */
class BrokerKernel implements Kernel<BrokerInputs, BrokerOutputs> {
  private readonly fee: number;
  private readonly slip: number;
  private readonly longOnly: boolean;
  private readonly fillAtClose: boolean;
  private readonly delay: number;
  /** [cash, position] */
  private readonly money = new Float64Array(2);
  private bar = 0;
  private barsInMarket = 0;
  private ordersReceived = 0;
  private fills = 0;
  private ruined = false;
  // Orders waiting for their fill bar, in decision order: a ring, since each bar decides at most
  // one order and it fills within `delay` bars.
  private readonly dueBar: Float64Array;
  private readonly dueTarget: Float64Array;
  private queueHead = 0;
  private queued = 0;
  private readonly trades: Trade[] = [];
  private readonly trip = new Float64Array(12);
  private inTrip = false;
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
    this.money[0] = p.cash;
    this.dueBar = new Float64Array(this.delay + 2);
    this.dueTarget = new Float64Array(this.delay + 2);
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
    const money = this.money;
    const fillAtClose = this.fillAtClose;
    // The hot loop runs on locals; fills (rare) go through methods, then the locals are refreshed.
    let b = this.bar;
    let inMarket = this.barsInMarket;
    let nextDue = this.nextDue();
    let cash = money[0];
    let qty = money[1];
    for (let i = 0; i < n; i++) {
      if (b === nextDue && !fillAtClose) {
        this.fillDue(b, opens[i], time[i]);
        nextDue = this.nextDue();
        cash = money[0];
        qty = money[1];
      }
      const target = orders[i];
      if (target === target) {
        // not NaN: an order decided at this event
        this.enqueue(b + this.delay, target);
        nextDue = this.nextDue();
      }
      if (b === nextDue && fillAtClose) {
        this.fillDue(b, close[i], time[i]);
        nextDue = this.nextDue();
        cash = money[0];
        qty = money[1];
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

  private enqueue(due: number, target: number): void {
    this.ordersReceived++;
    const size = this.dueBar.length;
    let slot = this.queueHead + this.queued;
    if (slot >= size) slot -= size;
    this.dueBar[slot] = due;
    this.dueTarget[slot] = target;
    this.queued++;
  }

  /** The bar of the next pending fill, or -1. */
  private nextDue(): number {
    return this.queued > 0 ? this.dueBar[this.queueHead] : -1;
  }

  private fillDue(bar: number, price: number, time: number): void {
    while (this.queued > 0 && this.dueBar[this.queueHead] === bar) {
      const target = this.dueTarget[this.queueHead];
      this.queueHead = this.queueHead + 1 === this.dueBar.length ? 0 : this.queueHead + 1;
      this.queued--;
      this.execute(target, price, time);
    }
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
    const qty = this.money[1];
    if (qty !== 0 && (target === 0 || target > 0 !== qty > 0)) this.closePosition(price, time);
    if (target === 0) return;
    const held = this.money[1];
    const equityNow = this.money[0] + held * price;
    const px = target > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const wanted = (target * equityNow) / (px * (1 + this.fee));
    const delta = wanted - held;
    if (delta !== 0) this.trade(delta, price, time);
  }

  /** Trade `delta` units (buy > 0, sell < 0) at reference price `price`. */
  private trade(delta: number, price: number, time: number): void {
    const px = delta > 0 ? price * (1 + this.slip) : price * (1 - this.slip);
    const value = Math.abs(delta) * px;
    const cost = value * this.fee;
    const flow = (delta > 0 ? -value : value) - cost;
    const money = this.money;
    const trip = this.trip;
    money[0] += flow;
    if (!this.inTrip) {
      trip.fill(0);
      trip[ENTRY_TIME] = time;
      this.inTrip = true;
    }
    const qty = money[1];
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
    money[1] = qty + delta;
    if (Math.abs(money[1]) > Math.abs(trip[MAX_QTY])) trip[MAX_QTY] = money[1];
    this.fills++;
  }

  private closePosition(price: number, time: number): void {
    if (this.money[1] === 0 || !this.inTrip) return;
    this.trade(-this.money[1], price, time);
    this.money[1] = 0; // exactly flat, whatever rounding the sum above left
    this.trades.push(this.tripRecord(time, NaN, 0));
    this.inTrip = false;
  }

  /** The round trip as a Trade; an open one (exitTime null) is valued at `mark`. */
  private tripRecord(exitTime: number | null, mark: number, openQty: number): Trade {
    const trip = this.trip;
    return {
      entryTime: trip[ENTRY_TIME],
      entryPrice: trip[ENTRIES] === 1 ? trip[ENTRY_PX] : trip[COST] / trip[OPENED],
      exitTime,
      exitPrice: exitTime === null ? mark : trip[EXITS] === 1 ? trip[EXIT_PX] : trip[PROCEEDS] / trip[CLOSED],
      qty: trip[MAX_QTY],
      fees: trip[FEES],
      pnl: exitTime === null ? trip[CASH_FLOW] + openQty * mark : trip[CASH_FLOW],
    };
  }

  report(): BrokerReport {
    const bar = this.bar;
    const trades = [...this.trades];
    const qty = this.money[1];
    if (this.inTrip && qty !== 0 && bar > 0) trades.push(this.tripRecord(null, this.closes[bar - 1], qty));
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
      unfilledOrders: this.queued,
      ruined: this.ruined,
    };
  }
}
