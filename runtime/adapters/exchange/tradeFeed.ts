import type { AdapterIO, LiveBatch, LiveFeed } from '../contract.js';
import { TradeChecker } from '../../records/checkTrades.js';
import type { TradesSpec } from '../../records/sourceSpec.js';
import { StreamWatcher, pause } from './backoff.js';
import type { ConnectedExchange, FeedTrade } from './connectExchange.js';
import { EventQueue } from './eventQueue.js';

/**
 * An exchange market's trades, live (ccxt watchTrades), one event per trade at its trade time
 * (trades of one millisecond spaced as every trades source does: TradeChecker). A trade seen
 * before (by id: a reconnect can repeat some) is dropped. Trade ids that skip (trades lost while
 * the socket reconnected, or on the wire) are fetched back over REST by id before the trade that
 * revealed the gap is emitted: Binance's old-trade lookup (GET /api/v3/historicalTrades?fromId=,
 * no API key), 1,000 per request. Trades that arrive meanwhile wait behind the backfill, so the
 * feed's trades stay in id and time order, each once. Only ids the exchange does not have (or
 * that could not be fetched) are reported missing (`feed/trade-gap`); ccxt has no unified lookup
 * by id for other exchanges, so there a gap is reported as before.
 */
type TradeRow = [time: number, price: number, size: number, side: number, id: number];

/** Trades fetched back after one gap at most (100 requests); the rest of a longer gap is reported missing. */
export const MAX_TRADE_BACKFILL = 100_000;

export interface TradeFeedOptions {
  where: string;
  /** Waiting for a message this long returns an empty batch (the driver checks its rules). */
  pollMs?: number;
  /** Trades fetched back after one gap at most (default MAX_TRADE_BACKFILL). */
  maxBackfill?: number;
}

export async function tradeFeed(connected: ConnectedExchange, symbol: string, spec: TradesSpec, io: AdapterIO, options: TradeFeedOptions): Promise<LiveFeed> {
  const { exchange } = connected;
  const queue = new EventQueue<TradeRow>();
  const checker = new TradeChecker(spec, io.warn, (at) => `${options.where} trade ${at}`, (at, _kind, message) => new Error(`${options.where} trade ${at}: ${message}`));
  const watcher = new StreamWatcher(exchange, io.log, options.where);
  const { backoff, stopped } = watcher;
  const lookupById = exchange.id.startsWith('binance');
  const maxBackfill = options.maxBackfill ?? MAX_TRADE_BACKFILL;
  const stats = { received: 0, duplicates: 0, backfilled: 0 };
  let lastId = -Infinity;

  const emit = (trade: FeedTrade, id: number) => {
    queue.push([Number(trade.timestamp), Number(trade.price), Number(trade.amount), trade.side === 'buy' ? 1 : trade.side === 'sell' ? -1 : NaN, id]);
    if (id === id) lastId = id;
  };

  /** Up to `limit` trades from id `fromId` on, over REST (retried with backoff). */
  const fetchFrom = async (fromId: number, limit: number): Promise<FeedTrade[]> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await exchange.fetchTrades(symbol, undefined, limit, { fetchTradesMethod: 'publicGetHistoricalTrades', fromId });
      } catch (e) {
        if (attempt >= 4 || watcher.closed) throw new Error(`fetching trades from id ${fromId} failed ${attempt} times (${(e as Error).message})`);
        await pause(250 * 2 ** attempt, stopped);
      }
    }
  };

  const span = ([a, b]: [number, number]) => (a === b ? `${a}` : `${a}..${b}`);
  const plural = (n: number) => `${n} trade${n === 1 ? '' : 's'}`;

  /** Trade ids [from, to] over REST, emitted in id order; what REST does not give is reported. */
  const backfill = async (from: number, to: number, why: string) => {
    const absent: [number, number][] = [];
    let unfetched = lookupById ? '' : `${exchange.id} cannot look trades up by id over REST`;
    let next = from;
    let fetched = 0;
    if (lookupById) {
      const end = Math.min(to, from + maxBackfill - 1);
      try {
        while (next <= end && !watcher.closed) {
          const page = (await fetchFrom(next, Math.min(1000, end - next + 1))).map((trade) => ({ trade, id: Number(trade.id) })).sort((a, b) => a.id - b.id);
          const before = next;
          for (const { trade, id } of page) {
            if (!(id >= next && id <= end)) continue;
            if (id > next) absent.push([next, id - 1]);
            emit(trade, id);
            fetched++;
            next = id + 1;
          }
          if (next === before) break; // nothing from `next` on up to `end`: the exchange does not have them
        }
      } catch (e) {
        unfetched = (e as Error).message;
      }
      if (!unfetched && next <= to && next > end) unfetched = `fetching back stops at ${maxBackfill.toLocaleString('en-US')} trades per gap`;
    }
    if (watcher.closed) return;
    stats.backfilled += fetched;
    // What the loop left at the end: absent from the exchange, or not fetched (and why).
    if (next <= to && !unfetched) absent.push([next, to]);
    const parts: string[] = [];
    const absentCount = absent.reduce((n, [a, b]) => n + b - a + 1, 0);
    if (absentCount) parts.push(`${plural(absentCount)} (id${absentCount === 1 ? '' : 's'} ${absent.map(span).join(', ')}) that ${exchange.id} no longer has over REST either`);
    if (unfetched && next <= to) parts.push(`${plural(to - next + 1)} (id${next === to ? '' : 's'} ${span([next, to])}) not fetched: ${unfetched}`);
    const missing = absentCount + (unfetched && next <= to ? to - next + 1 : 0);
    if (fetched) io.log(`${options.where}: fetched ${plural(fetched)} back over REST after ${why}`);
    if (missing) io.warn('feed/trade-gap', `${options.where}: ${plural(missing)} missing after ${why}: ${parts.join('; ')}; they stay missing`);
  };

  /** Trades from the stream, in arrival order; a gap is fetched back before the trade that revealed it. */
  let chain = Promise.resolve();
  const arrive = (trades: FeedTrade[]) => {
    chain = chain
      .then(async () => {
        for (const trade of trades) {
          if (watcher.closed) return;
          stats.received++;
          const id = Number(trade.id);
          if (id <= lastId) {
            stats.duplicates++;
            continue;
          }
          if (id > lastId + 1 && lastId > -Infinity) {
            await backfill(lastId + 1, id - 1, `the trade stream skipped from id ${lastId} to ${id}${backoff.reconnects ? ` (${backoff.reconnects} reconnects so far)` : ''}`);
          }
          emit(trade, id);
        }
      })
      .catch((e) => queue.fail(e));
  };
  watcher.start('trade stream', async () => arrive(await exchange.watchTrades(symbol)));

  return {
    async next(): Promise<LiveBatch> {
      const rows = await queue.take(options.pollMs ?? 200);
      const keep: number[] = [];
      const t: number[] = [];
      for (let i = 0; i < rows.length; i++) {
        const [time, price, size, side, id] = rows[i];
        const at = checker.accept(time, price, size, side, id, id === id ? `id ${id}` : i);
        if (Number.isNaN(at)) continue;
        keep.push(i);
        t.push(at);
      }
      const column = (c: number) => Float64Array.from(keep, (i) => rows[i][c]);
      return { n: keep.length, t: Float64Array.from(t), columns: { time: column(0), price: column(1), size: column(2), side: column(3) } };
    },
    info: () => ({
      exchange: exchange.id,
      symbol,
      record: 'trades',
      lastTradeId: lastId,
      streamTrades: stats.received,
      duplicatesDropped: stats.duplicates,
      backfilled: stats.backfilled,
      missingTrades: checker.missingTrades,
      reconnects: backoff.reconnects,
      rowsDropped: checker.dropped,
    }),
    async close() {
      await watcher.stop();
      await chain;
    },
  };
}
