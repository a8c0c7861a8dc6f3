import type { AdapterIO, LiveBatch, LiveFeed } from '../contract.js';
import { BookChecker } from '../../records/checkBook.js';
import { bookFields } from '../../ports.js';
import type { BookSpec } from '../../records/sourceSpec.js';
import { StreamWatcher } from './backoff.js';
import type { ConnectedExchange } from './connectExchange.js';
import { EventQueue } from './eventQueue.js';

/**
 * An exchange market's L2 book, live: ccxt keeps the book from a REST snapshot plus the diff
 * stream (checking that update ids follow on), and each update becomes a snapshot of the top
 * `levels` levels at the exchange's event time (updates that arrive together are read as one:
 * the latest). A break in the update ids is a gap: with onGap resync it is
 * reported and the book rebuilt from a fresh snapshot; with onGap error (the default) the run stops.
 */
export async function bookFeed(connected: ConnectedExchange, symbol: string, spec: BookSpec, io: AdapterIO, options: { where: string; pollMs?: number }): Promise<LiveFeed> {
  const { exchange } = connected;
  const width = 2 + 4 * spec.levels;
  const queue = new EventQueue<Float64Array>();
  const checker = new BookChecker(spec, io.warn, (at) => `${options.where} book ${at}`, (at, _kind, message) => new Error(`${options.where} book ${at}: ${message}`));
  const watcher = new StreamWatcher(exchange, io.log, options.where);
  let lastTime = -Infinity;
  let resyncs = 0;
  watcher.start(
    'book stream',
    async () => {
      const book = await exchange.watchOrderBook(symbol);
      // A snapshot without an event time (the REST one, before any diff) has no place on the timeline.
      const time = book.timestamp;
      if (time === undefined || !(time > lastTime)) return;
      lastTime = time;
      const row = new Float64Array(width).fill(NaN);
      row[0] = time;
      row[1] = book.nonce ?? NaN;
      for (let l = 0; l < spec.levels; l++) {
        const bid = book.bids[l];
        const ask = book.asks[l];
        if (bid) [row[2 + 4 * l], row[3 + 4 * l]] = [bid[0], bid[1]];
        if (ask) [row[4 + 4 * l], row[5 + 4 * l]] = [ask[0], ask[1]];
      }
      queue.push(row);
    },
    (e) => {
      if (e.name !== 'ChecksumError') return undefined;
      if (spec.onGap === 'error') {
        queue.fail(new Error(`${options.where}: the book's update ids broke (${e.message}); the source has onGap: error. Set onGap: resync to rebuild the book from a fresh snapshot and go on`));
        return 'stop';
      }
      resyncs++;
      io.warn('feed/book-gap', `${options.where}: the book's update ids broke (an update was lost); resynced from a fresh snapshot (${resyncs} so far). Updates between the last good one and the snapshot are not seen`);
      return 'handled';
    },
  );

  const names = bookFields(spec.levels);
  return {
    async next(): Promise<LiveBatch> {
      const rows = (await queue.take(options.pollMs ?? 200)).filter((row) => checker.accept(row[0], row[1], row, 2, `update ${row[1]}`));
      const n = rows.length;
      const columns: Record<string, Float64Array> = { time: Float64Array.from(rows, (r) => r[0]), updateId: Float64Array.from(rows, (r) => r[1]) };
      names.forEach((name, c) => (columns[name] = Float64Array.from(rows, (r) => r[2 + c])));
      return { n, t: columns.time.slice(), columns };
    },
    info: () => ({ exchange: exchange.id, symbol, record: 'book', levels: spec.levels, resyncs, reconnects: watcher.backoff.reconnects, rowsDropped: checker.dropped }),
    close: () => watcher.stop(),
  };
}
