import type { AdapterIO, LiveBatch, LiveFeed } from '../contract.js';
import { TradeChecker } from '../../records/checkTrades.js';
import type { TradesSpec } from '../../records/sourceSpec.js';
import { StreamWatcher } from './backoff.js';
import type { ConnectedExchange } from './connectExchange.js';
import { EventQueue } from './eventQueue.js';

/**
 * An exchange market's trades, live (ccxt watchTrades), one event per trade at its trade time
 * (trades of one millisecond spaced as every trades source does: TradeChecker). A trade seen
 * before (by id: a reconnect can repeat some) is dropped; trade ids that skip are trades the
 * feed missed (while reconnecting), counted and reported as a warning.
 */
type TradeRow = [time: number, price: number, size: number, side: number, id: number];

export async function tradeFeed(connected: ConnectedExchange, symbol: string, spec: TradesSpec, io: AdapterIO, options: { where: string; pollMs?: number }): Promise<LiveFeed> {
  const { exchange } = connected;
  const queue = new EventQueue<TradeRow>();
  const checker = new TradeChecker(spec, io.warn, (at) => `${options.where} trade ${at}`, (at, _kind, message) => new Error(`${options.where} trade ${at}: ${message}`));
  const watcher = new StreamWatcher(exchange, io.log, options.where);
  const { backoff } = watcher;
  let lastId = -Infinity;
  let duplicates = 0;
  let reported = 0;
  watcher.start('trade stream', async () => {
    for (const trade of await exchange.watchTrades(symbol)) {
      const id = Number(trade.id);
      if (id <= lastId) {
        duplicates++;
        continue;
      }
      if (id === id) lastId = id;
      queue.push([Number(trade.timestamp), Number(trade.price), Number(trade.amount), trade.side === 'buy' ? 1 : trade.side === 'sell' ? -1 : NaN, id]);
    }
  });

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
      if (checker.missingTrades > reported) {
        io.warn('feed/trade-gap', `${options.where}: ${checker.missingTrades - reported} trade${checker.missingTrades - reported === 1 ? '' : 's'} missed (trade ids skip${backoff.reconnects ? `; ${backoff.reconnects} reconnects so far` : ''}); a trades feed cannot fetch them back, so they stay missing`);
        reported = checker.missingTrades;
      }
      const column = (c: number) => Float64Array.from(keep, (i) => rows[i][c]);
      return { n: keep.length, t: Float64Array.from(t), columns: { time: column(0), price: column(1), size: column(2), side: column(3) } };
    },
    info: () => ({ exchange: exchange.id, symbol, record: 'trades', lastTradeId: lastId, duplicatesDropped: duplicates, missingTrades: checker.missingTrades, reconnects: backoff.reconnects, rowsDropped: checker.dropped }),
    close: () => watcher.stop(),
  };
}
