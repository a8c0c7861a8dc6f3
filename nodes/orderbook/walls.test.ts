import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walls } from './walls.js';
import { compileParams } from '../../runtime/params.js';
import { bookFields, type Book, type Trades } from '../../runtime/ports.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { REAL_BOOK_FILE, REAL_TRADES_FILE, realBook, realOrderFlow } from '../../runtime/testing/realOrderFlow.js';
import { imbalance } from './imbalance.js';
import { compileGraph } from '../../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../../runtime/loadGraph.js';
import { runGraph } from '../../runtime/exec/runGraph.js';
import { memorySinks } from '../../runtime/adapters/memory.js';
import { dataDir } from '../../runtime/testing/dataFile.js';
import { same } from '../../runtime/testing/chunkings.js';

const N = NaN;
type Level = [bidPrice: number, bidSize: number, askPrice: number, askSize: number];
/** One event: a book snapshot (levels best first), optionally with a trade [price, size, side]. */
type Row = { book: Level[]; trade?: [number, number, number] };

const BASE: Level[] = [
  [100, 1, 101, 1],
  [99, 1, 102, 1],
];

function columnsOf(rows: Row[]): { book: Book; trades: Trades; t: Float64Array } {
  const names = bookFields(2);
  const book = { names, columns: names.map((_, c) => Float64Array.from(rows, (r) => (r.book[c >> 2] ?? [N, N, N, N])[c & 3])) };
  const col = (k: number) => Float64Array.from(rows, (r) => (r.trade ? r.trade[k] : N));
  const t = Float64Array.from(rows, (_, i) => 100 * i);
  return { book, trades: { time: t.map((x, i) => (rows[i].trade ? x : N)), price: col(0), size: col(1), side: col(2) }, t };
}

/** Runs at chunk sizes 1, 2, 5 and whole (all must agree bit for bit), with or without the trades wired. */
function run(params: Record<string, unknown>, rows: Row[], withTrades: boolean): Record<string, Float64Array> {
  const { book, trades, t } = columnsOf(rows);
  const inputs = withTrades ? { book, trades } : { book };
  const runs = [1, 2, 5, 1024].map((chunkSize) => runKernel(walls, params, inputs as never, { chunkSize, t }));
  for (const r of runs.slice(1)) for (const k of Object.keys(runs[0])) same(r[k], runs[0][k]);
  return runs[0];
}

// window 3 snapshots of 2 levels per side: ready from the 4th snapshot; every baseline level holds 1, so the median is 1
// and a candidate needs 10 x 1 = 10.
const P = { levels: 2, window: 3, factor: 10, minPersistence: 3 };
const withBid99 = (s: number): Level[] => [
  [100, 1, 101, 1],
  [99, s, 102, 1],
];

test('orderbook.walls: a bid wall shows after minPersistence snapshots, with its size, distance and age, then is pulled', () => {
  const rows: Row[] = [
    { book: BASE }, // 0
    { book: BASE }, // 1
    { book: BASE }, // 2: the window is full after this one
    { book: withBid99(20) }, // 3: candidate (20 >= 10), held 1, first seen at t = 300
    { book: withBid99(25) }, // 4: held 2 (its size may change)
    { book: withBid99(22) }, // 5: held 3 = minPersistence: appeared +1
    { book: withBid99(22) }, // 6: still there, age 300
    { book: [[100, 1, 101, 1], [98, 1, 102, 1]] }, // 7: gone with bids above it left: pulled
  ];
  const out = run(P, rows, false);
  same(out.threshold, [N, N, N, 10, 10, 10, 10, 10]); // the median of 12 values of which at most 3 are large stays 1
  same(out.appeared, [N, N, N, N, N, 1, N, N]);
  same(out.bidWallPrice, [N, N, N, N, N, 99, 99, N]);
  same(out.bidWallSize, [N, N, N, N, N, 22, 22, N]);
  same(out.bidWallAge, [N, N, N, N, N, 200, 300, N]);
  // mid 100.5: (100.5 - 99) / 100.5 x 1e4
  same(out.bidWallDistanceBps, [N, N, N, N, N, (1.5 / 100.5) * 1e4, (1.5 / 100.5) * 1e4, N]);
  same(out.pulled, [N, N, N, N, N, N, N, 1]);
  same(out.consumed, [N, N, N, N, N, N, N, N]);
  same(out.askWallPrice, [N, N, N, N, N, N, N, N]);
  // the same with the (empty) tape wired: no trades at 99, so pulled as well
  same(run(P, rows, true).pulled, [N, N, N, N, N, N, N, 1]);
});

test('orderbook.walls: a candidate that does not persist is neither a wall nor pulled', () => {
  const rows: Row[] = [{ book: BASE }, { book: BASE }, { book: BASE }, { book: withBid99(20) }, { book: withBid99(20) }, { book: BASE }, { book: BASE }];
  const out = run(P, rows, false);
  for (const k of ['appeared', 'pulled', 'consumed', 'bidWallPrice']) same(out[k], [N, N, N, N, N, N, N]);
  // with minPersistence 2 the same two snapshots make a wall, then it is pulled
  const two = run({ ...P, minPersistence: 2 }, rows, false);
  same(two.appeared, [N, N, N, N, 1, N, N]);
  same(two.pulled, [N, N, N, N, N, 1, N]);
});

const askWall: Level[] = [
  [100, 1, 101, 1],
  [99, 1, 102, 30],
];

test('orderbook.walls: an ask wall consumed by trades at its price (tape wired), its age at trade events', () => {
  const rows: Row[] = [
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: askWall }, // 3: t 300, candidate
    { book: askWall }, // 4
    { book: askWall }, // 5: appeared -1
    { book: askWall, trade: [101, 1, 1] }, // 6: a trade below the wall (takes the 101 level): not at its price
    { book: askWall, trade: [102, 18, 1] }, // 7
    { book: askWall, trade: [102, 12, 1] }, // 8: 30 traded at 102 = its size
    { book: [[100, 1, 103, 1], [99, 1, 104, 1]] }, // 9: the wall is gone
  ];
  const out = run(P, rows, true);
  same(out.appeared, [N, N, N, N, N, -1, N, N, N, N]);
  same(out.consumed, [N, N, N, N, N, N, N, N, N, -1]);
  same(out.pulled, [N, N, N, N, N, N, N, N, N, N]);
  // the book repeats at trade events: the wall stays reported, its age grows with the event time
  same(out.askWallPrice, [N, N, N, N, N, 102, 102, 102, 102, N]);
  same(out.askWallAge, [N, N, N, N, N, 200, 300, 400, 500, N]);
  same(out.askWallDistanceBps, [N, N, N, N, N, (1.5 / 100.5) * 1e4, (1.5 / 100.5) * 1e4, (1.5 / 100.5) * 1e4, (1.5 / 100.5) * 1e4, N]);
  // without the tape the book decides: the best ask (103) moved through 102: consumed too
  const bookOnly = rows.filter((r) => !r.trade);
  same(run(P, bookOnly, false).consumed, [N, N, N, N, N, N, -1]);
});

test('orderbook.walls: with the tape wired, a wall that leaves with too little traded at its price is pulled', () => {
  const rows: Row[] = [
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: askWall },
    { book: askWall },
    { book: askWall },
    { book: askWall, trade: [102, 14, 1] }, // 14 of 30: less than half of what left
    { book: [[100, 1, 103, 1], [99, 1, 104, 1]] },
  ];
  same(run(P, rows, true).pulled, [N, N, N, N, N, N, N, -1]);
  // 15 of 30 (half) is enough to call it consumed
  rows[6] = { book: askWall, trade: [102.5, 15, 1] }; // through its price counts too
  same(run(P, rows, true).consumed, [N, N, N, N, N, N, N, -1]);
  // without the tape the touch moved through it: consumed (the book alone cannot see a cancel at the touch)
  same(run(P, rows.filter((r) => !r.trade), false).consumed, [N, N, N, N, N, N, -1]);
});

test('orderbook.walls: the largest wall per side is reported; walls on both sides make 0 pulses; a wall pushed out of view is dropped silently', () => {
  const both: Level[] = [
    [100, 15, 101, 40],
    [99, 20, 102, 12],
  ];
  // window 8: at the fourth wall snapshot the window holds 5 baseline snapshots (20 sizes of 1) and 3 with 4 large
  // sizes each: 12 of 32 large, the median is still 1 and the bar 10.
  const rows: Row[] = [
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: BASE },
    { book: both },
    { book: both },
    { book: both }, // 10: bid walls at 100 (15) and 99 (20), ask walls at 101 (40) and 102 (12) appear together
    // 11: better bids push 99 and 100 out of the top 2 (in view: 100.5, 100.2): not a disappearance the book can see
    { book: [[100.5, 1, 101, 40], [100.2, 1, 102, 12]] },
  ];
  const out = run({ ...P, window: 8 }, rows, false);
  const W = [N, N, N, N, N, N, N, N];
  same(out.threshold, [...W, 10, 10, 10, 10]);
  same(out.appeared, [...W, N, N, 0, N]);
  same(out.bidWallPrice, [...W, N, N, 99, N]);
  same(out.bidWallSize, [...W, N, N, 20, N]);
  same(out.askWallPrice, [...W, N, N, 101, 101]);
  same(out.askWallSize, [...W, N, N, 40, 40]);
  same(out.pulled, [...W, N, N, N, N]);
  same(out.consumed, [...W, N, N, N, N]);
});

test('orderbook.walls: the bar is factor x the median of the previous window, by hand', () => {
  // window 2 of 1 level per side: sizes pooled over snapshots 0 and 1 = {1, 3, 2, 4}: median 2.5, bar 2 x 2.5 = 5
  const names = bookFields(1);
  const snaps = [
    [100, 1, 101, 3],
    [100, 2, 101, 4],
    [100, 5, 101, 4.9],
    [100, 5, 101, 4.9],
  ];
  const book = { names, columns: names.map((_, c) => Float64Array.from(snaps, (s) => s[c])) };
  const out = runKernel(walls, { levels: 1, window: 2, factor: 2, minPersistence: 1 }, { book });
  // snapshot 3: previous two are {2, 4, 5, 4.9}: median (4 + 4.9) / 2 = 4.45, bar 8.9: the 5 stops being a wall, pulled
  same(out.threshold, [N, N, 5, 2 * ((4 + 4.9) / 2)]);
  same(out.bidWallPrice, [N, N, 100, N]);
  same(out.appeared, [N, N, 1, N]);
  same(out.askWallPrice, [N, N, N, N]);
  same(out.pulled, [N, N, N, N]); // still holds all its size (only the bar rose): not a disappearance
});

test('orderbook.walls: params schema', () => {
  const v = compileParams(walls).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { levels: 10, window: 600, factor: 10, minPersistence: 3 });
  assert.notDeepEqual(v({ window: 0 }), []);
  assert.notDeepEqual(v({ factor: 0 }), []);
  assert.notDeepEqual(v({ minPersistence: 0 }), []);
  assert.notDeepEqual(v({ levels: 1.5 }), []);
  assert.equal(walls.warmup, undefined);
});

function summary(out: Record<string, Float64Array>) {
  const count = (k: string, v: number) => out[k].reduce((s, x) => s + (x === v ? 1 : 0), 0);
  const sizes = (k: string) => [...out[k]].filter((x) => x === x);
  return {
    appeared: [count('appeared', 1), count('appeared', -1), count('appeared', 0)],
    pulled: [count('pulled', 1), count('pulled', -1), count('pulled', 0)],
    consumed: [count('consumed', 1), count('consumed', -1), count('consumed', 0)],
    bidSizes: sizes('bidWallSize'),
    askSizes: sizes('askWallSize'),
  };
}
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))];
};

test('orderbook.walls on the real book: the bar is 10 x the median of the window (a plain sort), walls are real levels over it', (t) => {
  const { book, t: times } = realBook(10);
  const rows = book.columns[0].length;
  const out = runKernel(walls, {}, { book }, { t: times, chunkSize: 977 });
  // the first output comes at snapshot 600, after a full window
  assert.ok(Number.isNaN(out.threshold[599]) && !Number.isNaN(out.threshold[600]));
  for (let i = 600; i < rows; i += 97) {
    const pool: number[] = [];
    for (let j = i - 600; j < i; j++) for (let c = 1; c < 40; c += 2) pool.push(book.columns[c][j]);
    pool.sort((a, b) => a - b);
    const median = (pool[pool.length / 2 - 1] + pool[pool.length / 2]) / 2;
    assert.ok(Math.abs(out.threshold[i] - 10 * median) < 1e-12, `snapshot ${i}: bar ${out.threshold[i]}, 10 x median ${10 * median}`);
  }
  let bidRows = 0;
  for (let i = 0; i < rows; i++) {
    for (const [side, priceCol, sizeCol, sign] of [['bid', 0, 1, 1], ['ask', 2, 3, -1]] as const) {
      const px = out[`${side}WallPrice`][i];
      if (px !== px) continue;
      if (side === 'bid') bidRows++;
      let level = -1;
      for (let l = 0; l < 10; l++) if (book.columns[4 * l + priceCol][i] === px) level = l;
      assert.ok(level >= 0, `row ${i}: the ${side} wall price ${px} is a level of the book`);
      assert.equal(out[`${side}WallSize`][i], book.columns[4 * level + sizeCol][i]);
      assert.ok(out[`${side}WallSize`][i] >= out.threshold[i]);
      assert.ok(out[`${side}WallAge`][i] > 0, `row ${i}: a wall is older than the snapshot that shows it`);
      const mid = (book.columns[0][i] + book.columns[2][i]) / 2;
      assert.ok(Math.abs(out[`${side}WallDistanceBps`][i] - (sign * (mid - px) / mid) * 1e4) < 1e-9);
    }
  }
  assert.ok(bidRows > 0, 'the real book has bid walls at the default bar');
  const s = summary(out);
  t.diagnostic(`book only, defaults: appeared bid/ask/both ${s.appeared}, pulled ${s.pulled}, consumed ${s.consumed}; ` + `wall size median bid ${quantile(s.bidSizes, 0.5)} ask ${quantile(s.askSizes, 0.5)}; bar median ${quantile([...out.threshold].filter((x) => x === x), 0.5)}`);
});

test('orderbook.walls on the real book and trades: the same walls as the book alone at each snapshot; trades classify their ends', (t) => {
  const flow = realOrderFlow(26_000);
  const out = runKernel(walls, {}, { book: flow.book, trades: flow.trades }, { t: flow.t, chunkSize: 1024 });
  const s = summary(out);
  t.diagnostic(`book + trades, defaults: appeared bid/ask/both ${s.appeared}, pulled ${s.pulled}, consumed ${s.consumed}; ` + `wall size median bid ${quantile(s.bidSizes, 0.5)} ask ${quantile(s.askSizes, 0.5)}`);
  // The tape changes how a wall's end is classified, not which walls there are: at each snapshot's own event the
  // walls, appearances and the sides where a wall ended match the book-only run.
  const { book, t: times } = realBook(10);
  const alone = runKernel(walls, {}, { book }, { t: times });
  const sides = (x: number) => (x !== x ? 0 : x === 1 ? 1 : x === -1 ? 2 : 3);
  let j = 0;
  let compared = 0;
  let reclassified = 0;
  for (let i = 0; i < times.length; i++) {
    while (j < flow.t.length && flow.t[j] < times[i]) j++;
    if (j === flow.t.length) break;
    assert.equal(flow.t[j], times[i], `snapshot ${i} has its own event in the flow`);
    for (const k of ['bidWallPrice', 'bidWallSize', 'askWallPrice', 'askWallSize', 'threshold', 'appeared']) assert.ok(Object.is(alone[k][i], out[k][j]), `snapshot ${i} (event ${j}): ${k} ${alone[k][i]} alone, ${out[k][j]} with trades`);
    const ended = (o: Record<string, Float64Array>, r: number) => sides(o.pulled[r]) | sides(o.consumed[r]);
    assert.equal(ended(out, j), ended(alone, i), `snapshot ${i}: walls ended on the same sides`);
    if (!Object.is(alone.consumed[i], out.consumed[j])) reclassified++;
    compared++;
  }
  assert.ok(compared > 6000, `compared ${compared} snapshots`);
  t.diagnostic(`snapshots where the tape changed the consumed pulse: ${reclassified}`);
});

test('orderbook.walls and orderbook.imbalance in a graph over the real files: the same as the kernels on the merged order flow', async () => {
  const yaml = `
version: 1
name: walls-graph
nodes:
  book: { kind: source.book, params: { symbol: BTCUSDT } }
  tape: { kind: source.trades, params: { symbol: BTCUSDT } }
  walls: { kind: orderbook.walls, in: { book: book, trades: tape } }
  imb: { kind: orderbook.imbalance, in: { book: book } }
  out: { kind: sink.record, in: { series: [walls.bidWallPrice, walls.askWallSize, walls.appeared, walls.pulled, walls.consumed, imb.imbalance] } }
modes:
  backtest:
    book: { file: ${REAL_BOOK_FILE} }
    tape: { file: ${REAL_TRADES_FILE} }
    out: { memory: walls-graph-out }
`;
  const { graph, diagnostics } = compileGraph(yaml, 'walls-graph.yaml', defaultRegistry, { requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  await runGraph(graph, { chunkSize: 500, env: { ...process.env, HEAN_DATA_DIR: dataDir() } });
  const rows = memorySinks.get('walls-graph-out')!.rows;
  const flow = realOrderFlow(rows.length);
  const w = runKernel(walls, {}, { book: flow.book, trades: flow.trades }, { t: flow.t });
  const imb = runKernel(imbalance, {}, { book: flow.book }, { t: flow.t }).imbalance;
  const column = (k: number) => rows.map((r) => r[k] as number);
  // The recorder steps on the union of both nodes' events: the graph's timeline is the merged flow.
  same(column(0), w.bidWallPrice);
  same(column(1), w.askWallSize);
  same(column(2), w.appeared);
  same(column(3), w.pulled);
  same(column(4), w.consumed);
  same(column(5), imb);
  assert.ok(rows.length > 26_000 && w.appeared.some((x) => x === 1) && w.consumed.some((x) => x === -1), 'the whole day: walls appear and are consumed');
});
