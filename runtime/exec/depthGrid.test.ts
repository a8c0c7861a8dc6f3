import { test } from 'node:test';
import assert from 'node:assert/strict';
import { depthGrid, tradeMarks } from './depthGrid.js';
import { bookFields } from '../ports.js';
import { realBook, realTrades } from '../testing/realOrderFlow.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;
const close = (actual: ArrayLike<number>, expected: number[], what: string) => {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const [a, e] = [actual[i], expected[i]];
    assert.ok(e !== e ? a !== a : Math.abs(a - e) < 1e-12, `${what}[${i}]: ${a}, expected ${e}`);
  }
};

test('depthGrid: three snapshots, by hand', () => {
  // Snapshots at 0, 10 and 30 ms; the last rests for the mean interval (15 ms): the run is [0, 45).
  // Three columns of 15 ms. Level prices run from 98 to 103: six rows of 1 centred on 98..103.
  //            bid1      bid2      ask1      ask2
  // t=0:   99 x 2    98 x 1   101 x 3   102 x 1     rests 10 ms (all in column 0)
  // t=10: 100 x 4    99 x 2   101 x 1   (thin)      rests 20 ms (5 in column 0, 15 in column 1)
  // t=30:  99 x 5    98 x 1   102 x 2   103 x 1     rests 15 ms (column 2)
  const t = f([0, 10, 30]);
  const values = [
    [99, 2, 101, 3, 98, 1, 102, 1],
    [100, 4, 101, 1, 99, 2, N, N],
    [99, 5, 102, 2, 98, 1, 103, 1],
  ];
  const columns = Object.fromEntries(bookFields(2).map((name, c) => [name, f(values.map((row) => row[c]))]));
  const g = depthGrid(t, columns, 2, { maxColumns: 3, maxRows: 6 });
  assert.deepEqual([g.start, g.end, g.columns, g.rows, g.priceLow, g.priceHigh, g.snapshots, g.clipped], [0, 45, 3, 6, 97.5, 103.5, 3, 0]);
  // Column 0 (15 ms): 99: (2*10 + 2*5)/15 = 2; 98: 1*10/15; 100: 4*5/15. Asks 101: (3*10 + 1*5)/15; 102: 1*10/15.
  // Column 1: snapshot 2 throughout. Column 2: snapshot 3 throughout.
  //          rows:  98    99   100   101   102  103
  close(g.bid, [2 / 3, 2, 4 / 3, 0, 0, 0, /**/ 0, 2, 4, 0, 0, 0, /**/ 1, 5, 0, 0, 0, 0], 'bid');
  close(g.ask, [0, 0, 0, 7 / 3, 2 / 3, 0, /**/ 0, 0, 0, 1, 0, 0, /**/ 0, 0, 0, 0, 2, 1], 'ask');
  close(g.bestBid, [(99 * 10 + 100 * 5) / 15, 100, 99], 'bestBid');
  close(g.bestAsk, [101, 101, 102], 'bestAsk');
});

test('depthGrid: a level outside the robust price range is counted as clipped, not drawn', () => {
  // 2000 snapshots of one level; one far bid (10) among bids at 100: below the 0.1 % quantile.
  const n = 2000;
  const bidPrice = new Float64Array(n).fill(100);
  bidPrice[7] = 10;
  const columns = { bidPrice1: bidPrice, bidSize1: new Float64Array(n).fill(1), askPrice1: new Float64Array(n).fill(101), askSize1: new Float64Array(n).fill(1) };
  const g = depthGrid(Float64Array.from({ length: n }, (_, i) => i), columns, 1, { maxColumns: 10, maxRows: 11 });
  assert.ok(Math.abs(g.priceLow - 99.95) < 1e-9 && Math.abs(g.priceHigh - 101.05) < 1e-9, `${g.priceLow} .. ${g.priceHigh}`);
  // 4000 units of size x ms in all, 1 of them outside.
  assert.equal(g.clipped, 1 / 4000);
  // Column 0 holds snapshots 0..199: bid 100 for 199 ms of 200, ask 101 throughout.
  assert.equal(g.bid[0], 199 / 200);
  assert.equal(g.ask[10], 1);
});

test('depthGrid on the real book: bounded, and every unit of resting size x time inside the range lands in a cell', (t0) => {
  const { t, book } = realBook(10);
  const columns = Object.fromEntries(book.names.map((name, c) => [name, book.columns[c]]));
  const start = performance.now();
  const g = depthGrid(t, columns, 10);
  const ms = performance.now() - start;
  assert.equal(g.columns, 600);
  assert.equal(g.rows, 200);
  // The same total, summed directly from the snapshots (each rests until the next; the last for the mean interval).
  const n = t.length;
  const end = t[n - 1] + (t[n - 1] - t[0]) / (n - 1);
  let expected = 0;
  let all = 0;
  for (let i = 0; i < n; i++) {
    const dt = (i + 1 < n ? t[i + 1] : end) - t[i];
    for (let c = 0; c < 40; c += 2) {
      const [price, size] = [book.columns[c][i], book.columns[c + 1][i]];
      if (!(size > 0)) continue;
      all += size * dt;
      if (price >= g.priceLow && price < g.priceHigh) expected += size * dt;
    }
  }
  const width = (g.end - g.start) / g.columns;
  let gridded = 0;
  for (let k = 0; k < g.bid.length; k++) gridded += (g.bid[k] + g.ask[k]) * width;
  assert.ok(Math.abs(gridded / expected - 1) < 1e-9, `${gridded} vs ${expected}`);
  assert.ok(Math.abs(g.clipped - (1 - expected / all)) < 1e-9);
  assert.ok(g.clipped < 0.01, `clipped ${g.clipped}`);
  // The best bid stays below the best ask in every column.
  for (let c = 0; c < g.columns; c++) assert.ok(g.bestBid[c] < g.bestAsk[c], `column ${c}`);
  t0.diagnostic(`depthGrid on ${n} snapshots x 10 levels: ${ms.toFixed(1)} ms, ${(g.clipped * 100).toFixed(3)} % of size x time outside the range`);
});

test('tradeMarks: all trades when few, else the largest (earliest first on ties), in time order', () => {
  const t = f([1, 2, 3, 4, 5, 6]);
  const columns = { time: t, price: f([10, 11, N, 12, 13, 14]), size: f([1, 3, 9, 2, 3, 0.5]), side: f([1, -1, N, 1, N, -1]) };
  // The NaN row (no trade at that event) is not a trade.
  const all = tradeMarks(t, columns, 10);
  assert.deepEqual([all.total, all.kept, all.minKeptSize], [5, 5, 0.5]);
  assert.deepEqual([...all.time], [1, 2, 4, 5, 6]);
  const three = tradeMarks(t, columns, 3);
  assert.deepEqual([...three.time, ...three.size, ...three.price], [2, 4, 5, 3, 2, 3, 11, 12, 13]);
  assert.deepEqual([three.total, three.kept, three.minKeptSize], [5, 3, 2]);
  const one = tradeMarks(t, columns, 1);
  assert.deepEqual([...one.time, ...one.side], [2, -1], 'of the two size-3 trades, the earlier');
});

test('tradeMarks on the real trades: 3000 kept of all, none smaller than any dropped', () => {
  const { t, trades } = realTrades();
  const m = tradeMarks(t, trades);
  assert.equal(m.total, t.length);
  assert.equal(m.kept, 3000);
  let droppedMax = 0;
  const kept = new Set(m.time);
  for (let i = 0; i < t.length; i++) if (!kept.has(t[i])) droppedMax = Math.max(droppedMax, trades.size[i]);
  assert.ok(droppedMax <= m.minKeptSize, `${droppedMax} > ${m.minKeptSize}`);
  for (let k = 1; k < m.kept; k++) assert.ok(m.time[k] > m.time[k - 1]);
});
