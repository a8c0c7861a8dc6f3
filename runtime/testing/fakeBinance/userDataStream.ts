import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ExecutionType, FakeOrder, FakeTrade, SpotAccount } from './spotAccounts.js';

/**
 * Binance spot's user-data stream as ccxt (4.5) opens it: over the WebSocket API at /ws-api/v3,
 * request `userDataStream.subscribe.signature` (params apiKey, timestamp, signature: HMAC-SHA256
 * of the sorted params with the key's secret), answered `{ id, status: 200, result:
 * { subscriptionId } }`; from then on every change to the account's orders is pushed as
 * `{ subscriptionId, event: { e: "executionReport", ... } }` with Binance's documented fields
 * (user-data-stream.md, "Order Update"): NEW when an order is accepted, TRADE per fill (l, L, n,
 * N, t: that fill; z, Z: cumulative), CANCELED. (Binance's older listenKey streams, POST
 * /api/v3/userDataStream, are deprecated for spot and not what ccxt uses: not served.)
 * Fault hooks cut the sockets, or refuse subscriptions until a market time (an outage).
 */
interface Session {
  socket: WebSocket;
  subscriptions: Map<number, SpotAccount>;
}

export class UserDataHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private nextSubscription = 0;
  private refuseUntil = -Infinity;
  /** Subscriptions accepted, and execution reports pushed (tests count them). */
  subscriptionsAccepted = 0;
  reportsPushed = 0;
  /** Reports of fills that no subscriber received (the stream was down). */
  fillsNotPushed = 0;

  constructor(
    private readonly accounts: ReadonlyMap<string, SpotAccount>,
    private readonly now: () => number,
  ) {
    for (const account of accounts.values()) account.listeners.add((order, execution, time, trade) => this.push(account, order, execution, time, trade));
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path !== '/ws-api/v3') return false;
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { socket: ws, subscriptions: new Map() };
      this.sessions.add(session);
      ws.on('message', (data: Buffer) => this.onRequest(session, data.toString()));
      ws.on('close', () => this.sessions.delete(session));
      ws.on('error', () => this.sessions.delete(session));
    });
    return true;
  }

  private onRequest(session: Session, text: string): void {
    let request: { id?: unknown; method?: unknown; params?: Record<string, unknown> };
    try {
      request = JSON.parse(text);
    } catch {
      return session.socket.send(JSON.stringify({ id: null, status: 400, error: { code: -1000, msg: 'Invalid JSON: expected {"id":..,"method":..,"params":{..}}' } }));
    }
    const id = request.id ?? null;
    const fail = (status: number, code: number, msg: string) => session.socket.send(JSON.stringify({ id, status, error: { code, msg } }));
    switch (request.method) {
      case 'userDataStream.subscribe.signature': {
        if (this.now() < this.refuseUntil) return fail(503, -1001, 'Internal error; unable to process your request. Please try again. (fake exchange: user-data outage)');
        const account = this.verify(request.params ?? {});
        if (typeof account === 'string') return fail(400, account === 'key' ? -2015 : account === 'time' ? -1021 : -1022, account === 'key' ? 'Invalid API-key, IP, or permissions for action.' : account === 'time' ? 'Timestamp for this request is outside of the recvWindow.' : 'Signature for this request is not valid.');
        const subscriptionId = this.nextSubscription++;
        session.subscriptions.set(subscriptionId, account);
        this.subscriptionsAccepted++;
        return session.socket.send(JSON.stringify({ id, status: 200, result: { subscriptionId }, rateLimits: [] }));
      }
      case 'userDataStream.unsubscribe': {
        const which = request.params?.subscriptionId;
        if (which === undefined) session.subscriptions.clear();
        else session.subscriptions.delete(Number(which));
        return session.socket.send(JSON.stringify({ id, status: 200, result: {} }));
      }
      default:
        return fail(400, -1100, `the fake exchange's WebSocket API serves userDataStream.subscribe.signature and userDataStream.unsubscribe, not ${JSON.stringify(request.method)}`);
    }
  }

  /** Binance's signed WebSocket API request: the key, HMAC-SHA256 over the other params sorted by name, timestamp within recvWindow. */
  private verify(params: Record<string, unknown>): SpotAccount | 'key' | 'signature' | 'time' {
    const account = this.accounts.get(String(params.apiKey ?? ''));
    if (!account) return 'key';
    const payload = Object.keys(params)
      .filter((k) => k !== 'signature')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    const given = Buffer.from(String(params.signature ?? ''), 'utf8');
    const expected = Buffer.from(createHmac('sha256', account.spec.secret).update(payload).digest('hex'), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature';
    const timestamp = Number(params.timestamp);
    const recvWindow = Number(params.recvWindow ?? 5000);
    if (!Number.isFinite(timestamp) || timestamp > this.now() + 1000 || this.now() - timestamp > recvWindow) return 'time';
    return account;
  }

  private push(account: SpotAccount, order: FakeOrder, execution: ExecutionType, time: number, trade?: FakeTrade): void {
    const event = executionReport(order, execution, time, trade);
    let sent = false;
    for (const session of this.sessions) {
      if (session.socket.readyState !== 1) continue;
      for (const [subscriptionId, subscribed] of session.subscriptions) {
        if (subscribed !== account) continue;
        session.socket.send(JSON.stringify({ subscriptionId, event }));
        this.reportsPushed++;
        sent = true;
      }
    }
    if (!sent && execution === 'TRADE') this.fillsNotPushed++;
  }

  /** Cuts every user-data socket (no close handshake); returns how many. */
  drop(): number {
    const n = this.sessions.size;
    for (const s of this.sessions) s.socket.terminate();
    this.sessions.clear();
    return n;
  }

  /** Cuts the sockets and refuses subscriptions until market time `until`. */
  outage(until: number): void {
    this.refuseUntil = until;
    this.drop();
  }

  close(): void {
    this.drop();
    this.server.close();
  }
}

/** Binance's executionReport for an order change (fields as documented; amounts as 8-decimal strings). */
export function executionReport(o: FakeOrder, execution: ExecutionType, time: number, trade?: FakeTrade): Record<string, unknown> {
  return {
    e: 'executionReport',
    E: time,
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: dec(o.origQty),
    p: dec(o.price),
    P: dec(0),
    F: dec(0),
    g: -1,
    C: execution === 'CANCELED' ? o.clientOrderId : '',
    x: execution,
    X: o.status,
    r: 'NONE',
    i: o.orderId,
    l: dec(trade?.qty ?? 0),
    z: dec(o.executedQty),
    L: dec(trade?.price ?? 0),
    n: trade ? dec(trade.commission) : '0',
    N: trade ? trade.commissionAsset : null,
    T: time,
    t: trade?.id ?? -1,
    I: 0,
    w: o.status === 'NEW' || o.status === 'PARTIALLY_FILLED',
    m: trade?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: dec(o.cummulativeQuoteQty),
    Y: dec(trade ? trade.qty * trade.price : 0),
    Q: dec(o.origQuoteOrderQty),
    W: o.time,
    V: 'EXPIRE_MAKER',
  };
}

function dec(x: number): string {
  return x.toFixed(8);
}
