import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
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
 * N, t: that fill; z, Z: cumulative), CANCELED. Binance's older listenKey streams (deprecated
 * for spot; ccxt 4.5 no longer uses them) are served too: POST /api/v3/userDataStream (API key
 * header, no signature) gives a listenKey, PUT keeps it alive (it expires 60 minutes of market time
 * after the last), DELETE closes it; /ws/<listenKey> then receives the bare executionReports, and
 * `{ e: "listenKeyExpired" }` once the key expired. Fault hooks cut the sockets, or refuse
 * subscriptions (and new listenKey sockets) until a market time (an outage).
 */
interface Session {
  socket: WebSocket;
  subscriptions: Map<number, SpotAccount>;
  /** A /ws/<listenKey> socket: bare payloads. */
  listenKey?: string;
}

const LISTEN_KEY_LIFETIME = 60 * 60_000;

export class UserDataHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Set<Session>();
  private nextSubscription = 0;
  private refuseUntil = -Infinity;
  /** listenKey -> its account and the market time it expires. */
  private readonly listenKeys = new Map<string, { account: SpotAccount; expires: number }>();
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

  /** POST / PUT / DELETE /api/v3/userDataStream (USER_STREAM: the API key header, no signature). */
  handleListenKey(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const key = req.headers['x-mbx-apikey'];
    const account = typeof key === 'string' ? this.accounts.get(key) : undefined;
    if (!account) return send(401, { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' });
    const listenKey = new URL(req.url ?? '/', 'http://fake').searchParams.get('listenKey');
    this.expire();
    switch (req.method) {
      case 'POST': {
        // Binance: one key per account; asking again returns it and keeps it alive.
        const existing = [...this.listenKeys].find(([, v]) => v.account === account)?.[0];
        const fresh = existing ?? randomBytes(32).toString('hex');
        this.listenKeys.set(fresh, { account, expires: this.now() + LISTEN_KEY_LIFETIME });
        return send(200, { listenKey: fresh });
      }
      case 'PUT':
      case 'DELETE': {
        const entry = listenKey ? this.listenKeys.get(listenKey) : undefined;
        if (!entry || entry.account !== account) return send(400, { code: -1125, msg: 'This listenKey does not exist.' });
        if (req.method === 'PUT') entry.expires = this.now() + LISTEN_KEY_LIFETIME;
        else {
          this.listenKeys.delete(listenKey!);
          for (const s of this.sessions) if (s.listenKey === listenKey) s.socket.close();
        }
        return send(200, {});
      }
      default:
        return send(405, { code: -1000, msg: `${req.method} /api/v3/userDataStream: POST, PUT or DELETE` });
    }
  }

  /** Keys past their 60 minutes: their sockets are told and closed. */
  private expire(): void {
    const now = this.now();
    for (const [key, entry] of this.listenKeys) {
      if (entry.expires > now) continue;
      this.listenKeys.delete(key);
      for (const s of this.sessions) {
        if (s.listenKey !== key) continue;
        s.socket.send(JSON.stringify({ e: 'listenKeyExpired', E: now, listenKey: key }));
        s.socket.close();
      }
    }
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    this.expire();
    const listenKey = path.startsWith('/ws/') && this.listenKeys.has(path.slice(4)) ? path.slice(4) : undefined;
    if (path !== '/ws-api/v3' && !listenKey) return false;
    if (listenKey && this.now() < this.refuseUntil) {
      socket.destroy();
      return true;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const session: Session = { socket: ws, subscriptions: new Map(), listenKey };
      if (listenKey) session.subscriptions.set(-1, this.listenKeys.get(listenKey)!.account);
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
    this.expire();
    const event = executionReport(order, execution, time, trade);
    let sent = false;
    for (const session of this.sessions) {
      if (session.socket.readyState !== 1) continue;
      for (const [subscriptionId, subscribed] of session.subscriptions) {
        if (subscribed !== account) continue;
        session.socket.send(JSON.stringify(session.listenKey ? event : { subscriptionId, event }));
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
