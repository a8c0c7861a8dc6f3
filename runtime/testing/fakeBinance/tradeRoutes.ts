import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BinanceError, binanceErrors } from './binanceError.js';
import { LISTINGS } from './exchangeInfo.js';
import type { SymbolData } from './marketData.js';
import { SpotAccount, type FakeAccountSpec, type FakeOrder, type FakeTrade } from './spotAccounts.js';

/**
 * Binance spot's signed (USER_DATA / TRADE) endpoints as ccxt's binance class calls them:
 * POST/GET/DELETE /api/v3/order, GET /api/v3/openOrders, /api/v3/account, /api/v3/myTrades.
 * Every request is checked as Binance checks it: the X-MBX-APIKEY header names a known key
 * (else 401 -2015), the HMAC-SHA256 `signature` of the query string and body with that key's
 * secret is right (else -1022), and `timestamp` lies within `recvWindow` (default 5000 ms) before
 * the fake's market time and at most 1000 ms after it (else -1021). Order changes are also pushed
 * on the user-data stream (userDataStream.ts); GET /api/v3/order answers a client that polls.
 */
export const SIGNED_PATHS = new Set(['/api/v3/order', '/api/v3/openOrders', '/api/v3/account', '/api/v3/myTrades']);

export interface TradingFaults {
  /** The next n signed requests are answered 429 with Retry-After (Binance's rate limit). */
  rateLimit(n: number, retryAfterSeconds?: number): void;
  /** The next n order placements are carried out, then the connection is cut before the answer (a network error after the fact). */
  dropAfterPlacing(n: number): void;
}

export class TradingDesk {
  readonly accounts = new Map<string, SpotAccount>();
  private readonly ids = { order: 1000, trade: 5000 };
  private limited = 0;
  private retryAfter = 1;
  private dropPlacing = 0;
  /** Requests answered, by path (tests count order placements). */
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly faults: TradingFaults = {
    rateLimit: (n, retryAfterSeconds = 1) => {
      this.limited += n;
      this.retryAfter = retryAfterSeconds;
    },
    dropAfterPlacing: (n) => void (this.dropPlacing += n),
  };

  constructor(
    specs: readonly FakeAccountSpec[],
    private readonly data: ReadonlyMap<string, SymbolData>,
    feeRate: number,
  ) {
    for (const spec of specs) this.accounts.set(spec.apiKey, new SpotAccount(spec, this.ids, feeRate));
  }

  /** Market time moved to `now`: resting orders of every account meet what was recorded meanwhile. */
  settle(now: number): void {
    for (const account of this.accounts.values()) account.settle(now, (s) => this.data.get(s));
  }

  async handle(req: IncomingMessage, res: ServerResponse, now: number): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, status });
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.end(text);
    };
    try {
      if (this.limited > 0) {
        this.limited--;
        throw binanceErrors.tooMany(this.retryAfter);
      }
      const account = this.authenticate(req, url.search.slice(1), body, now);
      const q = new URLSearchParams([url.search.slice(1), body].filter(Boolean).join('&'));
      account.settle(now, (s) => this.data.get(s));
      const route = `${req.method} ${url.pathname}`;
      switch (route) {
        case 'POST /api/v3/order': {
          const order = account.place(
            { symbol: symbolOf(q), side: q.get('side') ?? '', type: q.get('type') ?? '', quantity: numberOf(q, 'quantity'), quoteOrderQty: numberOf(q, 'quoteOrderQty'), price: numberOf(q, 'price'), newClientOrderId: q.get('newClientOrderId') ?? undefined },
            now,
            this.data.get(symbolOf(q)),
          );
          if (this.dropPlacing > 0) {
            this.dropPlacing--;
            this.requests.push({ method: 'POST', path: url.pathname, status: 0 });
            req.socket.destroy();
            return;
          }
          return send(200, { ...orderJson(order), transactTime: order.time, workingTime: order.time, fills: order.fills.map((f) => ({ price: dec(f.price), qty: dec(f.qty), commission: dec(f.commission), commissionAsset: f.commissionAsset, tradeId: f.id })) });
        }
        case 'GET /api/v3/order':
          return send(200, orderJson(findOrder(account, q, binanceErrors.noSuchOrder)));
        case 'DELETE /api/v3/order': {
          const order = findOrder(account, q, binanceErrors.unknownOrder);
          if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw binanceErrors.unknownOrder();
          account.cancel(order, now);
          return send(200, { ...orderJson(order), origClientOrderId: order.clientOrderId });
        }
        case 'GET /api/v3/openOrders': {
          const symbol = q.get('symbol');
          return send(200, account.orders.filter((o) => (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && (!symbol || o.symbol === symbol)).map(orderJson));
        }
        case 'GET /api/v3/account': {
          const assets = new Set([...account.free.keys(), ...account.locked.keys(), ...LISTINGS.flatMap((l) => [l.baseAsset, l.quoteAsset])]);
          const balances = [...assets].sort().map((asset) => ({ asset, free: dec(account.balance(asset).free), locked: dec(account.balance(asset).locked) }));
          return send(200, { makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0, canTrade: true, canWithdraw: true, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false, updateTime: now, accountType: 'SPOT', balances, permissions: ['SPOT'], uid: 1 });
        }
        case 'GET /api/v3/myTrades': {
          const symbol = symbolOf(q);
          const orderId = numberOf(q, 'orderId');
          const since = numberOf(q, 'startTime') ?? -Infinity;
          const limit = numberOf(q, 'limit') ?? 500;
          const rows = account.trades.filter((t) => t.symbol === symbol && (orderId === undefined || t.orderId === orderId) && t.time >= since).slice(0, limit);
          return send(200, rows.map(tradeJson));
        }
        default:
          throw new BinanceError(404, -1000, `${route} is not an endpoint of the fake exchange`);
      }
    } catch (e) {
      if (e instanceof BinanceError) return send(e.status, { code: e.code, msg: e.message }, e.headers);
      return send(500, { code: -1000, msg: `fake exchange: ${(e as Error).message}` });
    }
  }

  /** Binance's request security: key, signature over query + body, timestamp within recvWindow of the server's time. */
  private authenticate(req: IncomingMessage, query: string, body: string, now: number): SpotAccount {
    const key = req.headers['x-mbx-apikey'];
    const account = typeof key === 'string' ? this.accounts.get(key) : undefined;
    if (!account) throw binanceErrors.badApiKey();
    const total = query + body;
    const at = total.lastIndexOf('signature=');
    if (at < 0) throw binanceErrors.missing('signature');
    const signed = total.slice(0, at).replace(/&$/, '');
    const given = Buffer.from(total.slice(at + 'signature='.length).split('&')[0], 'utf8');
    const expected = Buffer.from(createHmac('sha256', account.spec.secret).update(signed).digest('hex'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw binanceErrors.badSignature();
    const params = new URLSearchParams(signed);
    const timestamp = Number(params.get('timestamp'));
    if (!params.get('timestamp') || !Number.isFinite(timestamp)) throw binanceErrors.missing('timestamp');
    const recvWindow = Number(params.get('recvWindow') ?? 5000);
    if (timestamp > now + 1000) throw binanceErrors.ahead();
    if (now - timestamp > recvWindow) throw binanceErrors.outsideRecvWindow();
    return account;
  }
}

function findOrder(account: SpotAccount, q: URLSearchParams, notFound: () => BinanceError): FakeOrder {
  const symbol = symbolOf(q);
  const orderId = numberOf(q, 'orderId');
  const clientId = q.get('origClientOrderId');
  if (orderId === undefined && clientId === null) throw binanceErrors.missing('orderId');
  // The latest order with that client id (an id is unique among open orders only).
  for (let i = account.orders.length - 1; i >= 0; i--) {
    const o = account.orders[i];
    if (o.symbol === symbol && (orderId !== undefined ? o.orderId === orderId : o.clientOrderId === clientId)) return o;
  }
  throw notFound();
}

function orderJson(o: FakeOrder): Record<string, unknown> {
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: dec(o.price),
    origQty: dec(o.origQty),
    executedQty: dec(o.executedQty),
    origQuoteOrderQty: dec(o.origQuoteOrderQty),
    cummulativeQuoteQty: dec(o.cummulativeQuoteQty),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: '0.00000000',
    icebergQty: '0.00000000',
    time: o.time,
    updateTime: o.updateTime,
    isWorking: true,
    workingTime: o.time,
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function tradeJson(t: FakeTrade): Record<string, unknown> {
  return { symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: -1, price: dec(t.price), qty: dec(t.qty), quoteQty: dec(t.qty * t.price), commission: dec(t.commission), commissionAsset: t.commissionAsset, time: t.time, isBuyer: t.isBuyer, isMaker: t.isMaker, isBestMatch: true };
}

/** Binance sends amounts as decimal strings with 8 places. */
function dec(x: number): string {
  return x.toFixed(8);
}

function symbolOf(q: URLSearchParams): string {
  const s = q.get('symbol');
  if (!s) throw binanceErrors.missing('symbol');
  if (!LISTINGS.some((l) => l.symbol === s)) throw new BinanceError(400, -1121, 'Invalid symbol.');
  return s;
}

function numberOf(q: URLSearchParams, name: string): number | undefined {
  const text = q.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`);
  return value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
