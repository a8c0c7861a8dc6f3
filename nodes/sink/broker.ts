import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { computeMetrics, type Metrics, type Trade } from '../../runtime/exec/metrics.js';
import { port } from '../../runtime/ports.js';

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
  params: Type.Object(
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
  ),
  inputs: { orders: port.orders(), market: port.candles() },
  outputs: { equity: port.number(), position: port.number() },
  defaultOutput: 'equity',
  timeline: 'market',
  check: (p) =>
    p.fill === 'close'
      ? [{ path: ['fill'], severity: 'warning', code: 'broker/optimistic-fill', message: 'fill: close trades at the price of the bar that produced the signal, which is optimistic; use nextOpen for honest results' }]
      : [],
  create: (p, ctx) => {
    const fee = p.fees.taker;
    const slip = p.slippageBps / 10000;
    const longOnly = p.direction === 'longOnly';
    const fillAtClose = p.fill === 'close';

    let cash = p.cash + 0.0;
    let qty = 0.0;
    let bar = 0;
    let barsInMarket = 0;
    let ordersReceived = 0;
    let fills = 0;
    let ruined = false;
    // Orders waiting for their fill bar, in decision order (due bars strictly increase).
    const dueBar: number[] = [];
    const dueTarget: number[] = [];
    let queueHead = 0;
    const trades: Trade[] = [];
    // The round trip in progress: sums for average prices (exact fill price when there was one fill).
    let open: { entryTime: number; cost: number; bought: number; entryPx: number; entries: number; proceeds: number; sold: number; exitPx: number; exits: number; fees: number; cashFlow: number; maxQty: number } | undefined;

    // Per-bar history for metrics and reports (grown by doubling).
    let equity = new Float64Array(4096);
    let eventTimes = new Float64Array(4096);
    let closes = new Float64Array(4096);
    let firstOpenTime = NaN;

    /** Trade `delta` units (buy > 0, sell < 0) at reference price `price`. */
    const trade = (delta: number, price: number, time: number) => {
      const px = delta > 0 ? price * (1 + slip) : price * (1 - slip);
      const value = Math.abs(delta) * px;
      const cost = value * fee;
      const flow = (delta > 0 ? -value : value) - cost;
      cash += flow;
      if (!open) open = { entryTime: time, cost: 0, bought: 0, entryPx: px, entries: 0, proceeds: 0, sold: 0, exitPx: px, exits: 0, fees: 0, cashFlow: 0, maxQty: 0 };
      const increasing = qty === 0 || Math.sign(delta) === Math.sign(qty);
      if (increasing) {
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
      qty += delta;
      if (Math.abs(qty) > Math.abs(open.maxQty)) open.maxQty = qty;
      fills++;
    };

    const closePosition = (price: number, time: number) => {
      if (qty === 0 || !open) return;
      trade(-qty, price, time);
      qty = 0.0; // exactly flat, whatever rounding the sum above left
      trades.push({
        entryTime: open.entryTime,
        entryPrice: open.entries === 1 ? open.entryPx : open.cost / open.bought,
        exitTime: time,
        exitPrice: open.exits === 1 ? open.exitPx : open.proceeds / open.sold,
        qty: open.maxQty,
        fees: open.fees,
        pnl: open.cashFlow,
      });
      open = undefined;
    };

    /** Move to `target` fraction of equity at reference price `price`. */
    const execute = (target: number, price: number, time: number) => {
      if (ruined) return;
      if (longOnly && target < 0) target = 0;
      if (qty !== 0 && (target === 0 || Math.sign(target) !== Math.sign(qty))) closePosition(price, time);
      if (target === 0) return;
      const equityNow = cash + qty * price;
      const px = target > 0 ? price * (1 + slip) : price * (1 - slip);
      const wanted = (target * equityNow) / (px * (1 + fee));
      const delta = wanted - qty;
      if (delta !== 0) trade(delta, price, time);
    };

    const grow = (a: Float64Array, size: number) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };

    return {
      step(n, t, { orders, market }, out) {
        const { time, open: opens, close } = market;
        const equityOut = out.equity;
        const positionOut = out.position;
        if (bar + n > equity.length) {
          const size = Math.max(equity.length * 2, bar + n);
          equity = grow(equity, size);
          eventTimes = grow(eventTimes, size);
          closes = grow(closes, size);
        }
        if (bar === 0 && n > 0) firstOpenTime = time[0];
        // Hot loop on locals; cash and qty change only on fills (rare), inside execute().
        let b = bar;
        let inMarket = barsInMarket;
        for (let i = 0; i < n; i++) {
          if (!fillAtClose) {
            while (queueHead < dueBar.length && dueBar[queueHead] === b) execute(dueTarget[queueHead++], opens[i], time[i]);
          }
          const target = orders[i];
          if (target === target) {
            // not NaN: an order decided at this event
            ordersReceived++;
            dueBar.push(b + (fillAtClose ? 0 : 1) + p.latencyBars);
            dueTarget.push(target);
          }
          if (fillAtClose) {
            while (queueHead < dueBar.length && dueBar[queueHead] === b) execute(dueTarget[queueHead++], close[i], time[i]);
          }
          const e = cash + qty * close[i];
          if (e <= 0 && !ruined) {
            ruined = true;
            ctx.warn('broker/ruin', `equity fell to ${e.toFixed(2)} at ${new Date(t[i]).toISOString()}; the broker stops trading`);
          }
          equity[b] = e;
          eventTimes[b] = t[i];
          closes[b] = close[i];
          if (qty !== 0) inMarket++;
          equityOut[i] = e;
          positionOut[i] = qty;
          b++;
        }
        bar = b;
        barsInMarket = inMarket;
      },
      report(): BrokerReport {
        const allTrades = [...trades];
        if (open && qty !== 0 && bar > 0) {
          const last = closes[bar - 1];
          allTrades.push({
            entryTime: open.entryTime,
            entryPrice: open.entries === 1 ? open.entryPx : open.cost / open.bought,
            exitTime: null,
            exitPrice: last,
            qty: open.maxQty,
            fees: open.fees,
            pnl: open.cashFlow + qty * last,
          });
        }
        const metrics = computeMetrics({
          initialCash: p.cash,
          equity: equity.subarray(0, bar),
          eventTimes: eventTimes.subarray(0, bar),
          startTime: bar ? firstOpenTime : 0,
          barsInMarket,
          trades: allTrades,
        });
        return {
          kind: 'broker',
          metrics,
          trades: allTrades,
          equity: equity.subarray(0, bar),
          eventTimes: eventTimes.subarray(0, bar),
          closes: closes.subarray(0, bar),
          ordersReceived,
          fills,
          unfilledOrders: dueBar.length - queueHead,
          ruined,
        };
      },
    };
  },
});
