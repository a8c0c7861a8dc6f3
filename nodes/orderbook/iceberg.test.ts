import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iceberg } from './iceberg.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { same } from '../../runtime/testing/chunkings.js';
import { realBook, realOrderFlow, realTrades } from '../../runtime/testing/realOrderFlow.js';
import { bookFields, type Book, type Trades } from '../../runtime/ports.js';

const N = NaN;

/** One event: a book snapshot (per level: bid price, bid size, ask price, ask size) or a trade [price, size, side]. */
type Event = { book: number[][] } | { trade: [number, number, number]; book?: number[][] };

/** Builds the columns a node sees on the shared timeline: the book as of each event, trade columns only at trades. */
function flow(events: Event[], levels: number): { book: Book; trades: Trades } {
  const n = events.length;
  const names = bookFields(levels);
  const book: Book = { names, columns: names.map(() => new Float64Array(n).fill(NaN)) };
  const trades: Trades = { time: new Float64Array(n), price: new Float64Array(n), size: new Float64Array(n), side: new Float64Array(n) };
  let current: number[][] = [];
  events.forEach((event, i) => {
    if (event.book) current = event.book;
    current.forEach((level, l) => level.forEach((v, f) => (book.columns[4 * l + f][i] = v)));
    const trade = 'trade' in event ? event.trade : [N, N, N];
    trades.time[i] = 'trade' in event ? i : N;
    [trades.price[i], trades.size[i], trades.side[i]] = trade;
  });
  return { book, trades };
}

/** Runs at chunk sizes 1, 2, 3 and whole; all must agree bit for bit. */
function run(params: Record<string, unknown>, events: Event[], levels = 1): Record<string, number[]> {
  const inputs = flow(events, levels);
  const runs = [1, 2, 3, events.length].map((chunkSize) => runKernel(iceberg, params, inputs, { chunkSize }));
  for (const other of runs.slice(1)) for (const k of Object.keys(runs[0])) same(other[k], runs[0][k]);
  return Object.fromEntries(Object.entries(runs[0]).map(([k, v]) => [k, [...v]]));
}

test('orderbook.iceberg: an ask traded out and shown again at the same price, repeatedly, is an iceberg', () => {
  const book = (askSize: number, askPrice = 100) => ({ book: [[99, 2, askPrice, askSize]] });
  const buy = (size: number): Event => ({ trade: [100, size, 1] });
  const out = run({}, [
    book(1), //       0: P, ask 1.0 at 100
    buy(1), //        1: V = 1.0 = D
    book(1), //       2: still 1.0 at 100: refill 1 (hidden: 1.0 - 1.0 = 0); below minRefills 2
    buy(0.6), //      3
    buy(0.4), //      4: V = 1.0
    book(1), //       5: refill 2; the display was a refill peak, so all 1.0 is hidden: 1.0
    buy(1.5), //      6: V = 1.5 > D = 1.0 (refilled inside the interval)
    book(0.7), //     7: refill 3, hidden 2.5
    buy(0.3), //      8: partial: V 0.3 < D 0.7
    book(0.4), //     9: no refill; executed from a peak, hidden 2.8
    buy(0.4), //     10: the rest of the level
    book(2, 100.5), // 11: 100 is gone from the ask: forgotten
  ]);
  same(out.refill, [N, N, -1, N, N, -1, N, -1, N, N, N, N]);
  same(out.refills, [N, N, N, N, N, 2, 2, 3, 3, 3, 3, N]);
  same(out.price, [N, N, N, N, N, 100, 100, 100, 100, 100, 100, N]);
  same(out.side, [N, N, N, N, N, -1, -1, -1, -1, -1, -1, N]);
  same(out.hiddenVolume, [N, N, N, N, N, 1, 1, 2.5, 2.5, 2.8, 2.8, N]);
  same(out.confidence, [N, N, N, N, N, 0.5, 0.5, 0.75, 0.75, 0.75, 0.75, N]);
  // minRefills 1 reports the first refill already, with confidence 0.
  const early = run({ minRefills: 1 }, [book(1), buy(1), book(1)]);
  same(early.price, [N, N, 100]);
  same(early.confidence, [N, N, 0]);
  same(early.hiddenVolume, [N, N, 0]);
});

test('orderbook.iceberg: bid refills pulse +1; a trade at the event of a changed book counts before that snapshot', () => {
  const sell = (size: number): Event => ({ trade: [99, size, -1] });
  const out = run({}, [
    { book: [[99, 0.5, 100, 3]] },
    sell(0.5),
    { book: [[99, 0.8, 100, 3]] }, // refill 1 (V 0.5 = D 0.5, R 0.8 > 0)
    sell(0.5),
    { trade: [99, 0.3, -1], book: [[99, 0.2, 100, 3]] }, // same event: V = 0.8 >= D 0.8, R 0.2: refill 2, hidden 0.8
  ]);
  same(out.refill, [N, N, 1, N, 1]);
  same(out.price, [N, N, N, N, 99]);
  same(out.side, [N, N, N, N, 1]);
  same(out.hiddenVolume, [N, N, N, N, 0.8]);
});

test('orderbook.iceberg: a level consumed that disappears, or grows without trades, is no refill', () => {
  const consumed = run({ minRefills: 1 }, [
    { book: [[99, 1, 100, 1]] },
    { trade: [99, 1, -1] },
    { book: [[98, 1, 100, 1]] }, // bid 99 gone: no refill
    { trade: [98, 1, -1] },
    { book: [[97, 1, 100, 1]] },
  ]);
  same(consumed.refill, [N, N, N, N, N]);
  same(consumed.price, [N, N, N, N, N]);
  const grows = run({ minRefills: 1 }, [{ book: [[99, 1, 100, 1]] }, { book: [[99, 1, 100, 2]] }, { book: [[99, 1, 100, 3]] }, { book: [[99, 1, 100, 3]] }]);
  same(grows.refill, [N, N, N, N]);
  same(grows.price, [N, N, N, N]);
  // Partly traded (V < D) then topped up: not a refill either.
  const partial = run({ minRefills: 1 }, [{ book: [[99, 1, 100, 1]] }, { trade: [100, 0.9, 1] }, { book: [[99, 1, 100, 1]] }]);
  same(partial.refill, [N, N, N]);
  // A feed that shows a traded-out level as size 0 at the same price: not a refill.
  const zero = run({ minRefills: 1 }, [{ book: [[99, 1, 100, 1]] }, { trade: [100, 1, 1] }, { book: [[99, 1, 100, 0]] }]);
  same(zero.refill, [N, N, N]);
});

test('orderbook.iceberg: trades count against the side they hit; unknown side by price; levels sets the depth watched', () => {
  // A sell-aggressor trade at the ask price does not consume the ask; an unknown-side trade at the ask price does.
  const wrongSide = run({ minRefills: 1 }, [{ book: [[99, 1, 100, 1]] }, { trade: [100, 1, -1] }, { book: [[99, 1, 100, 1]] }]);
  same(wrongSide.refill, [N, N, N]);
  const unknown = run({ minRefills: 1 }, [{ book: [[99, 1, 100, 1]] }, { trade: [100, 1, N] }, { book: [[99, 1, 100, 1]] }]);
  same(unknown.refill, [N, N, -1]);
  // A refill at the second ask level: seen with levels 2, not with the default 1.
  const events: Event[] = [
    { book: [[99, 1, 100, 0.1], [98, 1, 101, 1]] },
    { trade: [100, 0.1, 1] },
    { trade: [101, 1, 1] },
    { book: [[99, 1, 101, 1], [98, 1, 102, 1]] }, // 100 gone; 101 traded out and shown again, now at the touch
  ];
  same(run({ minRefills: 1 }, events, 2).refill, [N, N, N, N]);
  const deep = run({ minRefills: 1, levels: 2 }, events, 2);
  same(deep.refill, [N, N, N, -1]);
  same(deep.price, [N, N, N, 101]);
});

test('orderbook.iceberg: on the real Binance spot book and trades (11 minutes)', () => {
  const times = new Set([...realBook(1).t, ...realTrades().t]);
  const { t, book, trades } = realOrderFlow(times.size, 10);
  const report: string[] = [];
  for (const levels of [1, 10]) {
    const out = runKernel(iceberg, { levels }, { book, trades }, { t, chunkSize: 256 });
    let bidRefills = 0;
    let askRefills = 0;
    const icebergs = new Set<string>();
    let maxRefills = 0;
    let maxHidden = 0;
    let reportedEvents = 0;
    for (let i = 0; i < t.length; i++) {
      if (out.refill[i] === 1 || out.refill[i] === 0) bidRefills++;
      if (out.refill[i] === -1 || out.refill[i] === 0) askRefills++;
      if (out.price[i] !== out.price[i]) continue;
      reportedEvents++;
      icebergs.add(`${out.side[i]}@${out.price[i]}`);
      maxRefills = Math.max(maxRefills, out.refills[i]);
      maxHidden = Math.max(maxHidden, out.hiddenVolume[i]);
      // Held values follow the definition: at least minRefills, confidence 1 - 2^(1 - refills), hidden >= 0.
      assert.ok(out.refills[i] >= 2);
      assert.equal(out.confidence[i], 1 - Math.pow(2, 1 - out.refills[i]));
      assert.ok(out.hiddenVolume[i] >= 0);
      // With levels 1 the iceberg is at the touch of its side in the book of that event.
      if (levels === 1) assert.equal(out.price[i], book.columns[out.side[i] === 1 ? 0 : 2][i]);
    }
    assert.ok(bidRefills + askRefills > 0, 'refills happen at the touch of BTCUSDT');
    report.push(
      `levels ${levels}: ${bidRefills} bid + ${askRefills} ask refill events, ${icebergs.size} icebergs (side@price), ` +
        `reported at ${reportedEvents} of ${t.length} events, max refills ${maxRefills}, max hidden ${maxHidden.toFixed(5)}`,
    );
  }
  console.log(report.join('\n'));
});
