import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LISTINGS } from './exchangeInfo.js';
import { MINUTE, loadMarketData, recordedPaths, type SymbolData } from './marketData.js';
import { handleRest } from './restRoutes.js';
import { streamEvents, type StreamEvent } from './streamEvents.js';
import { VirtualClock } from './virtualClock.js';
import { SIGNED_PATHS, TradingDesk } from './tradeRoutes.js';
import type { FakeAccountSpec } from './spotAccounts.js';
import { StreamHub } from './wsStreams.js';
import { UserDataHub } from './userDataStream.js';

/**
 * A local stand-in for Binance spot's public market data, speaking its REST and websocket
 * protocol so that ccxt's own binance class runs against it unchanged (only its urls point here).
 * It replays the recorded files on a virtual clock: REST history exists up to "now" (warm
 * starts), streams send what happens after. Test hooks inject the failures a live feed must
 * survive: dropped connections, a skipped depth update, a lost or missing candle, missing trades,
 * a slow old-trade lookup. Test accounts trade on the signed endpoints (tradeRoutes.ts), their
 * orders matched on the recordings as market time moves (spotAccounts.ts), order changes pushed on
 * the user-data stream (userDataStream.ts).
 */
export interface FakeBinanceOptions {
  /** Where the recorded files are (default HEAN_DATA_DIR). */
  dataDir?: string;
  /** Recorded data already loaded (tests share one load between servers). */
  data?: Map<string, SymbolData>;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  /** Market time at start (epoch ms); default one day into the candle recording. */
  start?: number;
  /** Market ms per wall ms (60: a recorded minute per wall second). */
  speed?: number;
  /** Market time moves only through advance() / advanceTo() (tests). */
  manual?: boolean;
  /** How often a running clock publishes (wall ms, default 20). */
  tickMs?: number;
  /** Test accounts for the signed endpoints (orders, balances): API key, secret, starting balances. */
  accounts?: readonly FakeAccountSpec[];
  /** Commission per fill, as a fraction (default 0.001: Binance's standard spot fee). */
  feeRate?: number;
}

export interface FakeBinance {
  /** REST base (`http://127.0.0.1:PORT`): /api/v3/... lives under it. */
  readonly url: string;
  /** Websocket base (`ws://127.0.0.1:PORT`): /ws/... and /stream?streams=... */
  readonly wsUrl: string;
  readonly clock: VirtualClock;
  /** Market time the streams have published up to (what REST shows). */
  now(): number;
  /** Moves market time ahead and publishes what happened meanwhile. */
  advance(ms: number): void;
  advanceTo(time: number): void;
  readonly faults: {
    /** Cuts every websocket connection (no close handshake); returns how many. */
    dropConnections(): number;
    /** The next n depth diffs are not sent (the book moves on: a client sees a gap in the update ids). */
    skipDepthUpdates(n?: number): void;
    /** The next n closing kline messages (x=true) are lost on the wire; REST still has the candles. */
    skipCandleCloses(n?: number): void;
    /** These 1m candles (open times) never existed: neither REST nor the streams have them. */
    removeCandles(openTimes: readonly number[]): void;
    /** These trade ids never existed: neither REST (trades, historicalTrades, aggTrades) nor the trade stream has them. */
    removeTrades(ids: readonly number[]): void;
    /**
     * /api/v3/historicalTrades requests wait (a slow database) until the returned function is
     * called; each is then answered as of market time at that moment. Counted in stats.heldLookups.
     */
    holdTradeLookups(): () => void;
    /** Cuts every user-data socket (the WebSocket API); clients subscribe again. Returns how many. */
    dropUserDataStreams(): number;
    /** Cuts the user-data sockets and refuses new subscriptions until market time `until` (fills meanwhile are not pushed). */
    userDataOutage(until: number): void;
  };
  /** The user-data stream (userDataStream.ts): subscriptions accepted, execution reports pushed, fills no one received. */
  readonly userData: UserDataHub;
  /** The order side: accounts, their orders and trades, the requests answered, fault hooks (tradeRoutes.ts). */
  readonly trading: TradingDesk;
  readonly stats: {
    readonly connections: number;
    readonly connectionsOpened: number;
    /** Streams someone is subscribed to now. */
    readonly streams: string[];
    /** REST requests that carried an API key or a signature (market data needs neither). */
    readonly keyedRequests: number;
    readonly skippedCandles: readonly number[];
    readonly skippedDepthUpdates: readonly number[];
    /** /api/v3/historicalTrades requests held by holdTradeLookups so far. */
    readonly heldLookups: number;
  };
  close(): Promise<void>;
}

export async function startFakeBinance(options: FakeBinanceOptions = {}): Promise<FakeBinance> {
  const dir = options.dataDir ?? process.env.HEAN_DATA_DIR;
  if (!options.data && !dir) throw new Error('the fake exchange replays recorded files: set HEAN_DATA_DIR to the data directory (or pass dataDir)');
  const data = options.data ?? (await loadMarketData(recordedPaths(dir!)));
  const candles = data.get('BTCUSDT')?.candles;
  const start = options.start ?? (candles ? candles.time[0] + 1440 * MINUTE : Date.now());
  const clock = new VirtualClock({ start, speed: options.speed, manual: options.manual });
  const hidden = new Set<number>();
  const hiddenTrades = new Set<number>();
  let holding = false;
  let heldLookups = 0;
  const held: (() => void)[] = [];
  const hub = new StreamHub(new Set(LISTINGS.map((l) => l.symbol)));
  let published = clock.now();
  let skipCloses = 0;
  let skipDepth = 0;
  const skippedCandles: number[] = [];
  const skippedDepthUpdates: number[] = [];

  const publish = () => {
    const to = clock.now();
    if (to <= published) return;
    const events: StreamEvent[] = [];
    for (const [name, stream] of hub.subscribed()) {
      const symbolData = data.get(stream.symbol);
      if (symbolData) events.push(...streamEvents(name, stream, symbolData, published, to, hidden, hiddenTrades));
    }
    events.sort((a, b) => a.time - b.time); // stable: a stream's own order is kept
    // REST answers as of the last event sent, so it never shows what the streams have not.
    for (const event of events) {
      published = event.time;
      if (event.kind === 'kline-close' && skipCloses > 0) {
        skipCloses--;
        skippedCandles.push((event.payload.k as { t: number }).t);
        continue;
      }
      if (event.kind === 'depth' && skipDepth > 0) {
        skipDepth--;
        skippedDepthUpdates.push(event.payload.u as number);
        continue;
      }
      hub.send(event.stream, event.payload);
    }
    published = to;
    trading.settle(to);
  };

  let keyedRequests = 0;
  const trading = new TradingDesk(options.accounts ?? [], data, options.feeRate ?? 0.001);
  const userData = new UserDataHub(trading.accounts, () => published);
  const server: Server = createServer((req, res) => {
    if (req.headers['x-mbx-apikey'] !== undefined || /[?&]signature=/.test(req.url ?? '')) keyedRequests++;
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const view = { data, now: () => published, hidden, hiddenTrades };
    if (path === '/api/v3/userDataStream') userData.handleListenKey(req, res);
    else if (SIGNED_PATHS.has(path)) void trading.handle(req, res, published);
    else if (holding && path === '/api/v3/historicalTrades') {
      heldLookups++;
      held.push(() => handleRest(req, res, view));
    } else handleRest(req, res, view);
  });
  server.on('upgrade', (req, socket, head) => {
    // A listenKey's /ws/<key> first: the market-data hub takes any /ws/ path.
    if (!userData.upgrade(req, socket, head) && !hub.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const ticker = clock.manual ? undefined : setInterval(publish, options.tickMs ?? 20);

  return {
    url: `http://${host}:${address.port}`,
    wsUrl: `ws://${host}:${address.port}`,
    clock,
    now: () => published,
    advance(ms) {
      clock.advance(ms);
      publish();
    },
    advanceTo(time) {
      clock.advanceTo(time);
      publish();
    },
    faults: {
      dropConnections: () => hub.dropAll(),
      skipDepthUpdates: (n = 1) => void (skipDepth += n),
      skipCandleCloses: (n = 1) => void (skipCloses += n),
      removeCandles: (openTimes) => openTimes.forEach((t) => hidden.add(t)),
      removeTrades: (ids) => ids.forEach((id) => hiddenTrades.add(id)),
      holdTradeLookups() {
        holding = true;
        return () => {
          holding = false;
          for (const answer of held.splice(0)) answer();
        };
      },
      dropUserDataStreams: () => userData.drop(),
      userDataOutage: (until) => userData.outage(until),
    },
    userData,
    trading,
    stats: {
      get connections() {
        return hub.subscribers.size;
      },
      get connectionsOpened() {
        return hub.opened;
      },
      get streams() {
        return [...hub.subscribed().keys()];
      },
      get keyedRequests() {
        return keyedRequests;
      },
      skippedCandles,
      skippedDepthUpdates,
      get heldLookups() {
        return heldLookups;
      },
    },
    async close() {
      if (ticker) clearInterval(ticker);
      hub.close();
      userData.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
