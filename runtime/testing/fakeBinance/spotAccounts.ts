import { LISTINGS } from './exchangeInfo.js';
import { binanceErrors } from './binanceError.js';
import type { SymbolData } from './marketData.js';
import { marketPrice, queueAhead, restingFills } from './recordedPrices.js';

/**
 * The fake exchange's spot accounts: balances, orders and trades per API key, with Binance's
 * rules for what an order may do. A market order fills at once at the recorded price
 * (recordedPrices.ts); a limit order that is not marketable rests (its funds locked) until the
 * recorded trades go through it, partly or wholly, as they would have reached it in the book
 * (recordedPrices.ts: restingFills), and stays until filled or cancelled (GTC); a cancel keeps
 * what filled and unlocks the rest. Every change is told to `onExecution` listeners as Binance's
 * user-data stream tells it (NEW, TRADE, CANCELED: userDataStream.ts). Commissions are charged as Binance charges them without BNB: in the
 * asset received (a buy pays in the base asset, a sell in the quote asset), at `feeRate` of the
 * fill (taker and maker alike, Binance's standard 0.1%).
 */
export interface FakeAccountSpec {
  apiKey: string;
  secret: string;
  /** Free balances by asset (`{ USDT: 10000 }`). */
  balances: Record<string, number>;
}

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT';
  price: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';
  timeInForce: 'GTC';
  time: number;
  updateTime: number;
  /** Fills of this order, for the FULL response. */
  fills: FakeTrade[];
  /** A resting order: units ahead of it in the queue at its price, and the market time its matching has reached. */
  queueAhead: number;
  matchedTo: number;
}

/** What changed an order (Binance's execution types): placed, a fill, cancelled. */
export type ExecutionType = 'NEW' | 'TRADE' | 'CANCELED';
export type ExecutionListener = (order: FakeOrder, execution: ExecutionType, time: number, trade?: FakeTrade) => void;

export interface FakeTrade {
  symbol: string;
  id: number;
  orderId: number;
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface NewOrder {
  symbol: string;
  side: string;
  type: string;
  quantity?: number;
  quoteOrderQty?: number;
  price?: number;
  newClientOrderId?: string;
}

const EPS = 1e-9;

export class SpotAccount {
  readonly free = new Map<string, number>();
  readonly locked = new Map<string, number>();
  readonly orders: FakeOrder[] = [];
  readonly trades: FakeTrade[] = [];
  /** Told of every order change, in order (the user-data stream). */
  readonly listeners = new Set<ExecutionListener>();

  constructor(
    readonly spec: FakeAccountSpec,
    private readonly ids: { order: number; trade: number },
    private readonly feeRate: number,
  ) {
    for (const [asset, amount] of Object.entries(spec.balances)) this.free.set(asset, amount);
  }

  balance(asset: string): { free: number; locked: number } {
    return { free: this.free.get(asset) ?? 0, locked: this.locked.get(asset) ?? 0 };
  }

  private add(map: Map<string, number>, asset: string, amount: number): void {
    const v = (map.get(asset) ?? 0) + amount;
    map.set(asset, Math.abs(v) < EPS ? 0 : v);
  }

  /** Places an order at market time `now` (Binance's checks, in its order: filters, duplicate id, balance). */
  place(o: NewOrder, now: number, data: SymbolData | undefined): FakeOrder {
    const listing = LISTINGS.find((l) => l.symbol === o.symbol);
    if (!listing) throw binanceErrors.filter('symbol');
    if (o.side !== 'BUY' && o.side !== 'SELL') throw binanceErrors.missing('side');
    if (o.type !== 'MARKET' && o.type !== 'LIMIT') throw binanceErrors.missing('type');
    const step = Number(listing.stepSize);
    if (o.quantity !== undefined) {
      const steps = o.quantity / step;
      if (o.quantity < Number(listing.minQty) || Math.abs(steps - Math.round(steps)) > 1e-6) throw binanceErrors.filter('LOT_SIZE');
    }
    if (o.type === 'LIMIT' && (o.price === undefined || o.quantity === undefined)) throw binanceErrors.missing(o.price === undefined ? 'price' : 'quantity');
    if (o.type === 'MARKET' && o.quantity === undefined && o.quoteOrderQty === undefined) throw binanceErrors.missing('quantity');
    // Binance: "A unique id among open orders ... accepted only when the previous one is filled":
    // a filled order's id can be used again, so a client must look an id up before resending it.
    if (o.newClientOrderId !== undefined && this.orders.some((x) => x.clientOrderId === o.newClientOrderId && x.symbol === o.symbol && (x.status === 'NEW' || x.status === 'PARTIALLY_FILLED'))) {
      throw binanceErrors.duplicate();
    }
    const side = o.side;
    const reference = marketPrice(data, now, side);
    if (reference === undefined) throw binanceErrors.filter('the fake exchange has no recorded price at this market time (start it inside the recording)');
    const base = listing.baseAsset;
    const quote = listing.quoteAsset;
    // Market quoteOrderQty: the quantity the quote amount buys at the fill price, down to the lot step.
    let qty = o.quantity ?? Math.floor((o.quoteOrderQty! / reference) * (1 + 1e-12) / step) * step;
    qty = Number(qty.toFixed(8));
    const price = o.type === 'LIMIT' ? o.price! : reference;
    if (qty * price < Number(listing.minNotional)) throw binanceErrors.filter('NOTIONAL');
    const marketable = o.type === 'MARKET' || (side === 'BUY' ? o.price! >= reference : o.price! <= reference);
    // Funds: a buy needs the quote it spends (or locks), a sell the base it delivers.
    const needAsset = side === 'BUY' ? quote : base;
    const need = side === 'BUY' ? qty * (marketable ? reference : price) : qty;
    if (this.balance(needAsset).free < need - EPS) throw binanceErrors.insufficient();
    const order: FakeOrder = {
      symbol: o.symbol,
      orderId: ++this.ids.order,
      clientOrderId: o.newClientOrderId ?? `fake${this.ids.order}`,
      side,
      type: o.type,
      price: o.type === 'LIMIT' ? price : 0,
      origQty: qty,
      origQuoteOrderQty: o.quoteOrderQty ?? 0,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      timeInForce: 'GTC',
      time: now,
      updateTime: now,
      fills: [],
      queueAhead: 0,
      matchedTo: now,
    };
    this.orders.push(order);
    this.tell(order, 'NEW', now);
    if (marketable) this.fill(order, qty, o.type === 'LIMIT' && side === 'BUY' ? Math.min(price, reference) : reference, now, false, false);
    else {
      this.add(this.free, needAsset, -need);
      this.add(this.locked, needAsset, need);
      order.queueAhead = queueAhead(data, now, side, price);
    }
    return order;
  }

  private tell(order: FakeOrder, execution: ExecutionType, time: number, trade?: FakeTrade): void {
    for (const listener of this.listeners) listener(order, execution, time, trade);
  }

  /** Resting limit orders meet the recorded market from where their matching stopped up to `now` (restingFills). */
  settle(now: number, data: (symbol: string) => SymbolData | undefined): void {
    for (const order of this.orders) {
      if ((order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') || order.type !== 'LIMIT' || now <= order.matchedTo) continue;
      const { fills, ahead } = restingFills(data(order.symbol), order.side, order.price, Number((order.origQty - order.executedQty).toFixed(8)), order.queueAhead, order.matchedTo, now);
      order.queueAhead = ahead;
      order.matchedTo = now;
      for (const f of fills) this.fill(order, f.qty, order.price, f.time, true, true);
    }
  }

  /** Cancels a resting order: what filled stays filled, the rest of its funds is unlocked. */
  cancel(order: FakeOrder, now: number): void {
    const listing = LISTINGS.find((l) => l.symbol === order.symbol)!;
    const asset = order.side === 'BUY' ? listing.quoteAsset : listing.baseAsset;
    const left = order.origQty - order.executedQty;
    const amount = order.side === 'BUY' ? left * order.price : left;
    this.add(this.locked, asset, -amount);
    this.add(this.free, asset, amount);
    order.status = 'CANCELED';
    order.updateTime = now;
    this.tell(order, 'CANCELED', now);
  }

  /** `qty` of the order fills at `price`; a resting order pays from what it locked. */
  private fill(order: FakeOrder, qty: number, price: number, time: number, maker: boolean, fromLocked: boolean): void {
    const listing = LISTINGS.find((l) => l.symbol === order.symbol)!;
    const base = listing.baseAsset;
    const quote = listing.quoteAsset;
    // Binance keeps amounts to 8 decimals: the trade's quote value and its commission too.
    const value = Number((qty * price).toFixed(8));
    const buy = order.side === 'BUY';
    const commission = Number(((buy ? qty : value) * this.feeRate).toFixed(8));
    const commissionAsset = buy ? base : quote;
    const paid = buy ? quote : base;
    const amountPaid = buy ? value : qty;
    this.add(fromLocked ? this.locked : this.free, paid, -amountPaid);
    if (buy) this.add(this.free, base, qty - commission);
    else this.add(this.free, quote, value - commission);
    const trade: FakeTrade = { symbol: order.symbol, id: ++this.ids.trade, orderId: order.orderId, price, qty, commission, commissionAsset, time, isBuyer: buy, isMaker: maker };
    this.trades.push(trade);
    order.fills.push(trade);
    order.executedQty = Number((order.executedQty + qty).toFixed(8));
    order.cummulativeQuoteQty += value;
    order.status = order.executedQty >= order.origQty - EPS ? 'FILLED' : 'PARTIALLY_FILLED';
    order.updateTime = time;
    this.tell(order, 'TRADE', time, trade);
  }
}
