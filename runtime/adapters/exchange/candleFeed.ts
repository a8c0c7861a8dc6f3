import type { AdapterIO, LiveBatch, LiveFeed } from '../contract.js';
import { CandleChecker } from '../../records/checkCandles.js';
import type { CandleSpec } from '../../records/sourceSpec.js';
import { StreamWatcher, pause } from './backoff.js';
import type { ClosedKline, ConnectedExchange } from './connectExchange.js';
import { EventQueue } from './eventQueue.js';

/**
 * Closed candles of an exchange market, live. Warm start: the `warmupBars` candles that closed
 * last are fetched over REST and handed to the driver as the first batch, so the graph's
 * indicators have their history before the first live candle; then the kline stream takes over.
 * Every candle is emitted once, when it has closed, at event time open + timeframe (as the file
 * source does). A candle that arrives after a later one was emitted is a duplicate and dropped;
 * one that skips ahead (a lost message, a reconnect, the seam between REST and the stream) makes
 * the feed fetch the missing candles over REST first, and what REST does not have either is a
 * gap reported as a warning: never filled in. The REST part runs at the first next() (or resume()),
 * with the exchange's clock read when the feed opened as the seam to the stream.
 *
 * Crash safety (`refetchable`, runtime/exec/exchangeCheckpoint.ts): new candles carry their open
 * time as their token, which the session's checkpoints record; a restarted session calls
 * resume(first, last) before the first next(), and instead of the warm start the feed serves those
 * candles again from REST (batches without tokens: a rebuild), then backfills the ones that closed
 * since (catch-up, with tokens), then goes on with the stream.
 */
export interface CandleFeedOptions {
  where: string;
  /** The binding's url (another server speaking the exchange's protocol), for the summary and the feed's identity. */
  url?: string;
  /** The exchange's testnet. */
  sandbox?: boolean;
  /** Closed candles to fetch before going live. */
  warmupBars: number;
  /** Waiting for a message this long returns an empty batch (the driver checks its rules). */
  pollMs?: number;
}

export async function candleFeed(connected: ConnectedExchange, symbol: string, spec: CandleSpec, io: AdapterIO, options: CandleFeedOptions): Promise<LiveFeed> {
  const { exchange } = connected;
  const tf = spec.timeframeMs;
  if (!exchange.timeframes?.[spec.timeframe]) {
    throw new Error(`${options.where}: ${exchange.id} has no ${spec.timeframe} candles; its timeframes: ${Object.keys(exchange.timeframes ?? {}).join(', ')}. Set the source's timeframe to one of them`);
  }
  const queue = new EventQueue<ClosedKline>();
  const checker = new CandleChecker(spec, io.warn, `${exchange.id} ${symbol} candle`);
  const watcher = new StreamWatcher(exchange, io.log, options.where);
  const { backoff, stopped } = watcher;
  const stats = { warmup: 0, received: 0, duplicates: 0, backfilled: 0, missing: 0, replayed: 0, caughtUp: 0 };
  const iso = (ms: number) => new Date(ms).toISOString();

  /** Closed candles with open time in [from, to], over REST, page by page (retried with backoff). */
  const fetchRange = async (from: number, to: number): Promise<number[][]> => {
    const rows: number[][] = [];
    let since = from;
    while (since <= to && !watcher.closed) {
      const limit = Math.min(1000, Math.floor((to - since) / tf) + 1);
      let page: number[][];
      for (let attempt = 1; ; attempt++) {
        try {
          page = await exchange.fetchOHLCV(symbol, spec.timeframe, since, limit);
          break;
        } catch (e) {
          if (attempt >= 4 || watcher.closed) throw new Error(`${options.where}: fetching ${spec.timeframe} candles from ${iso(since)} failed ${attempt} times: ${(e as Error).message}`);
          await pause(250 * 2 ** attempt, stopped);
        }
      }
      const kept = page.filter((c) => c[0] >= since && c[0] <= to);
      rows.push(...kept);
      if (!kept.length) break;
      since = kept[kept.length - 1][0] + tf;
    }
    return rows;
  };

  /**
   * The warm-up's closed candles, through the run's cache when it has one (`--cache`, kind
   * history): closed candles never change, so processes warming up on the same range (a restart,
   * several graphs or partitions) fetch it once. Only a complete range is stored.
   */
  const warmupRows = async (from: number, to: number): Promise<number[][]> => {
    const expected = Math.floor((to - from) / tf) + 1;
    if (!io.cache) return fetchRange(from, to);
    const server = (exchange as unknown as { urls?: { api?: Record<string, unknown> } }).urls?.api?.public ?? '';
    const key = JSON.stringify(['exchange-candles', exchange.id, String(server), symbol, spec.timeframe, from, to]);
    const flat = (await io.cache.get('history', key)) as Float64Array | undefined;
    if (flat instanceof Float64Array && flat.length === expected * 6) return Array.from({ length: expected }, (_, i) => Array.from(flat.subarray(i * 6, i * 6 + 6)));
    const fetched = await fetchRange(from, to);
    if (fetched.length === expected) await io.cache.set('history', key, Float64Array.from(fetched.flatMap((row) => row.slice(0, 6))));
    return fetched;
  };

  let lastEmitted = -Infinity;
  /** Candles served again to rebuild a resumed session's state: they go out without tokens. */
  const replayed = new WeakSet<ClosedKline>();
  const emit = (k: ClosedKline, at: string, replay = false) => {
    if (!checker.accept(k[0], k[1], k[2], k[3], k[4], k[5], at)) return;
    lastEmitted = k[0];
    if (replay) replayed.add(k);
    queue.push(k);
  };

  /** Candles [from, to] over REST, emitted; what REST lacks is a reported gap. */
  const backfill = async (from: number, to: number, why: string) => {
    const rows = await fetchRange(from, to);
    let expected = from;
    const holes: string[] = [];
    let missing = 0;
    for (const row of rows) {
      if (row[0] > expected) {
        holes.push(`${iso(expected)} .. ${iso(row[0] - tf)}`);
        missing += (row[0] - expected) / tf;
      }
      emit(row as ClosedKline, 'REST');
      expected = row[0] + tf;
    }
    if (expected <= to) {
      holes.push(`${iso(expected)} .. ${iso(to)}`);
      missing += (to - expected) / tf + 1;
    }
    stats.backfilled += rows.length;
    if (missing) {
      stats.missing += missing;
      io.warn('feed/gap', `${options.where}: ${missing} ${spec.timeframe} candle${missing === 1 ? '' : 's'} missing (${holes.join(', ')}) after ${why}; the exchange has none for ${missing === 1 ? 'it' : 'them'} over REST either, so the gap stays (candles are never filled in)`);
    } else if (rows.length) {
      io.log(`${options.where}: fetched ${rows.length} ${spec.timeframe} candle${rows.length === 1 ? '' : 's'} over REST after ${why}`);
    }
  };

  /** A closed candle from the stream, in arrival order (behind the warm start). */
  let chain: Promise<void> = Promise.resolve();
  const arrive = (k: ClosedKline) => {
    chain = chain
      .then(async () => {
        if (watcher.closed) return;
        stats.received++;
        if (k[0] <= lastEmitted) {
          stats.duplicates++;
          return;
        }
        if (k[0] > lastEmitted + tf) await backfill(lastEmitted + tf, k[0] - tf, `the stream skipped to ${iso(k[0])}`);
        emit(k, 'stream');
      })
      .catch((e) => queue.fail(e));
  };

  /**
   * Warm start: the last closed candles by the exchange's clock, fetched before the stream's
   * candles are taken. Or, for a session resuming after a crash (`refetchable.resume`): the
   * candles it processed before, fetched again (served without tokens: they are a rebuild), then
   * those that closed while it was down (catch-up), then the stream. Runs first on the chain that
   * the stream's candles queue behind, once the first next() or resume() asks for it.
   */
  let resumeRange: { first: number; last: number } | undefined;
  let begun = false;
  // The exchange's clock now: candles up to the last closed one come over REST, later ones from the stream.
  const lastClosed = Math.floor((await exchange.fetchTime()) / tf) * tf - tf;
  const open = async () => {
    if (watcher.closed) return;
    if (resumeRange) {
      const { first, last } = resumeRange;
      const rows = await warmupRows(first, last);
      for (const row of rows) emit(row as ClosedKline, 'REST', true);
      stats.replayed = rows.length;
      io.log(`${options.where}: refetched the ${rows.length} ${spec.timeframe} candles the session processed before (${iso(first)} .. ${iso(last)}) to rebuild its state`);
      lastEmitted = Math.max(lastEmitted, last);
      if (lastClosed > last) {
        const before = stats.backfilled;
        await backfill(last + tf, lastClosed, 'the restart (candles that closed while the session was down)');
        stats.caughtUp = stats.backfilled - before;
      }
    } else if (options.warmupBars > 0) {
      const from = lastClosed - (options.warmupBars - 1) * tf;
      const rows = await warmupRows(from, lastClosed);
      for (const row of rows) emit(row as ClosedKline, 'REST');
      stats.warmup = rows.length;
      if (rows.length < options.warmupBars) {
        io.warn('feed/short-warmup', `${options.where}: the graph needs ${options.warmupBars} ${spec.timeframe} candles of warm-up, and ${exchange.id} had ${rows.length} closed ones from ${iso(from)} to ${iso(lastClosed)}; the first live decisions come later than in a backtest with full history`);
      }
      io.log(`${options.where}: warm start with ${rows.length} closed ${spec.timeframe} candles (${rows.length ? `${iso(rows[0][0])} .. ${iso(rows[rows.length - 1][0])}` : 'none'}), then live`);
    }
    lastEmitted = Math.max(lastEmitted, lastClosed);
  };
  let openGate!: () => void;
  const opened = new Promise<void>((resolve) => (openGate = resolve)).then(open).catch((e) => queue.fail(e));
  const begin = () => {
    begun = true;
    openGate();
    return opened;
  };
  chain = opened;

  // Binance marks a kline closed (x); elsewhere a candle is closed once a later one appears.
  const hasClosingFlag = exchange.id.startsWith('binance');
  connected.onClosedKline((k, interval) => {
    backoff.ok();
    if (interval === exchange.timeframes[spec.timeframe]) arrive(k);
  });
  watcher.start('stream', async () => {
    const candles = await exchange.watchOHLCV(symbol, spec.timeframe);
    if (!hasClosingFlag) for (const c of candles.slice(0, -1)) if (c[0] > lastEmitted) arrive(c as ClosedKline);
  });

  /** Taken from the queue and not handed over yet: a batch is all replayed candles or all new ones. */
  let held: ClosedKline[] = [];
  return {
    async next(): Promise<LiveBatch> {
      await begin();
      if (!held.length) held = await queue.take(options.pollMs ?? 200);
      const replay = held.length > 0 && replayed.has(held[0]);
      let n = 0;
      while (n < held.length && replayed.has(held[n]) === replay) n++;
      const items = held.slice(0, n);
      held = held.slice(n);
      const batch: LiveBatch = { n, t: new Float64Array(n), columns: { time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) } };
      const { time, open, high, low, close, volume } = batch.columns;
      for (let i = 0; i < n; i++) {
        const k = items[i];
        batch.t[i] = k[0] + tf;
        time[i] = k[0];
        open[i] = k[1];
        high[i] = k[2];
        low[i] = k[3];
        close[i] = k[4];
        volume[i] = k[5];
      }
      // New candles carry their open time as the token a crash-safe session records (exchangeCheckpoint.ts).
      if (!replay) (batch as { tokens?: string[] }).tokens = items.map((k) => String(k[0]));
      return batch;
    },
    // Nothing to acknowledge at the exchange: the session's checkpoint records what was processed.
    async ack() {},
    refetchable: {
      key: `${exchange.id}${options.url ? `@${options.url}` : options.sandbox ? '@sandbox' : ''}/${symbol}/${spec.timeframe}`,
      resume(first: number, last: number) {
        if (begun) throw new Error(`${options.where}: resume() after the feed started; call it before the first next()`);
        if (!(first <= last)) throw new Error(`${options.where}: resume from ${iso(first)} to ${iso(last)}: the first candle is after the last`);
        resumeRange = { first, last };
        void begin();
      },
    },
    info: () => ({
      exchange: exchange.id,
      url: options.url,
      symbol,
      timeframe: spec.timeframe,
      warmupBars: options.warmupBars,
      warmupReceived: stats.warmup,
      ...(resumeRange ? { refetched: stats.replayed, caughtUp: stats.caughtUp } : {}),
      streamCandles: stats.received,
      duplicatesDropped: stats.duplicates,
      backfilled: stats.backfilled,
      missingBars: stats.missing,
      reconnects: backoff.reconnects,
      rowsDropped: checker.dropped,
    }),
    async close() {
      openGate();
      await watcher.stop();
      await chain;
    },
  };
}
