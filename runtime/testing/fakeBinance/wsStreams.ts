import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseStream, type StreamName } from './streamEvents.js';

/**
 * Binance's websocket market streams: raw streams at /ws/<stream>[/<stream>...] (payloads as
 * they are), combined streams at /stream?streams=a/b (each payload wrapped as { stream, data }),
 * and the live subscription methods over either socket (SUBSCRIBE, UNSUBSCRIBE,
 * LIST_SUBSCRIPTIONS, answered { result, id }). ccxt connects to /ws/<n> (a connection number,
 * not a stream: ignored, as Binance does) and subscribes with SUBSCRIBE.
 */
export interface Subscriber {
  socket: WebSocket;
  combined: boolean;
  streams: Map<string, StreamName>;
}

export class StreamHub {
  readonly subscribers = new Set<Subscriber>();
  /** Connections accepted since start (a reconnect shows as one more). */
  opened = 0;
  private readonly server = new WebSocketServer({ noServer: true });

  constructor(private readonly symbols: ReadonlySet<string>) {}

  /** Takes an HTTP upgrade for /ws... or /stream...; false when the path is not a stream endpoint. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://fake');
    const combined = url.pathname === '/stream' || url.pathname === '/stream/';
    if (!combined && !(url.pathname === '/ws' || url.pathname.startsWith('/ws/'))) return false;
    const names = combined ? (url.searchParams.get('streams') ?? '').split('/') : url.pathname.slice(4).split('/');
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const subscriber: Subscriber = { socket: ws, combined, streams: new Map() };
      for (const name of names) {
        const stream = parseStream(name, this.symbols);
        if (stream) subscriber.streams.set(name, stream);
      }
      this.subscribers.add(subscriber);
      this.opened++;
      ws.on('message', (data: Buffer) => this.onMessage(subscriber, data.toString()));
      ws.on('close', () => this.subscribers.delete(subscriber));
      ws.on('error', () => this.subscribers.delete(subscriber));
    });
    return true;
  }

  private onMessage(subscriber: Subscriber, text: string): void {
    const reply = (body: unknown) => subscriber.socket.send(JSON.stringify(body));
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(text);
    } catch {
      return reply({ error: { code: 3, msg: 'Invalid JSON: expected a JSON object such as {"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}' } });
    }
    const id = request.id ?? null;
    const params = Array.isArray(request.params) ? request.params.map(String) : [];
    switch (request.method) {
      case 'SUBSCRIBE': {
        const parsed = params.map((name) => [name, parseStream(name, this.symbols)] as const);
        const bad = parsed.find(([, stream]) => !stream);
        if (bad) return reply({ error: { code: 2, msg: `Invalid request: unknown stream '${bad[0]}' (the fake exchange serves <symbol>@kline_<interval>, <symbol>@trade, <symbol>@depth[@100ms])` }, id });
        for (const [name, stream] of parsed) subscriber.streams.set(name, stream!);
        return reply({ result: null, id });
      }
      case 'UNSUBSCRIBE':
        for (const name of params) subscriber.streams.delete(name);
        return reply({ result: null, id });
      case 'LIST_SUBSCRIPTIONS':
        return reply({ result: [...subscriber.streams.keys()], id });
      default:
        return reply({ error: { code: 2, msg: `Invalid request: method ${JSON.stringify(request.method)} (expected SUBSCRIBE, UNSUBSCRIBE or LIST_SUBSCRIPTIONS)` }, id });
    }
  }

  /** Names of every stream someone is subscribed to, with what they parse to. */
  subscribed(): Map<string, StreamName> {
    const all = new Map<string, StreamName>();
    for (const s of this.subscribers) for (const [name, stream] of s.streams) all.set(name, stream);
    return all;
  }

  /** Sends a stream's payload to its subscribers. */
  send(stream: string, payload: unknown): void {
    let raw: string | undefined;
    let wrapped: string | undefined;
    for (const s of this.subscribers) {
      if (!s.streams.has(stream) || s.socket.readyState !== 1) continue;
      s.socket.send(s.combined ? (wrapped ??= JSON.stringify({ stream, data: payload })) : (raw ??= JSON.stringify(payload)));
    }
  }

  /** Cuts every connection without a close handshake, like a network failure. */
  dropAll(): number {
    const n = this.subscribers.size;
    for (const s of this.subscribers) s.socket.terminate();
    this.subscribers.clear();
    return n;
  }

  close(): void {
    for (const s of this.subscribers) s.socket.terminate();
    this.subscribers.clear();
    this.server.close();
  }
}
