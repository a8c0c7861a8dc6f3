/**
 * `npm run bench -- orderbook`: the real Binance spot book (6,493 snapshots) and trades (19,904)
 * tiled end to end to >= 1,000,000 events, through graphs of the order-book and order-flow nodes,
 * from memory feeds (the graph's stepping, not file parsing; the readers are timed apart).
 *
 * 1. imbalance alone (source.book -> orderbook.imbalance, top 5 levels) against a hand-written
 *    loop over the same Float64Arrays computing the same imbalance, in the same run; both must
 *    agree exactly.
 * 2. each node of the families alone, then all at once: imbalance, walls, iceberg, levels on the
 *    book (and trades), vpin, cvd and volume bars on the trades: events/s stepping.
 * 3. the CSV readers of the two files, rows/s.
 *
 * Each tile is the files' window shifted by its length plus one second; prices and sizes are the
 * real ones. HEAN_BENCH_EVENTS overrides the 1,000,000-event minimum.
 */
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { readBook } from '../runtime/adapters/file/readBook.js';
import { readTrades } from '../runtime/adapters/file/readTrades.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { bookFields } from '../runtime/ports.js';
import { dataFile } from '../runtime/testing/dataFile.js';
import { REAL_BOOK_FILE, REAL_TRADES_FILE, realBook, realTrades } from '../runtime/testing/realOrderFlow.js';
import { bestOf, int, mega, peakRssMiB, round, type BenchOutcome, type Benchmark } from './harness.js';

const LEVELS = 10;
const IMBALANCE_LEVELS = 5;
const CHUNK = 1024;

interface Tiled {
  book: { t: Float64Array; columns: Record<string, Float64Array> };
  trades: { t: Float64Array; columns: Record<string, Float64Array> };
  tiles: number;
}

function tile(minEvents: number): Tiled {
  const b = realBook(LEVELS);
  const tr = realTrades();
  const first = Math.min(b.t[0], tr.trades.time[0]);
  const span = Math.max(b.t[b.t.length - 1], tr.trades.time[tr.trades.time.length - 1]) - first + 1000;
  const tiles = Math.ceil(minEvents / (b.t.length + tr.t.length));
  const nb = b.t.length * tiles;
  const nt = tr.t.length * tiles;
  const names = bookFields(LEVELS);
  const book = { t: new Float64Array(nb), columns: Object.fromEntries(['time', ...names].map((f) => [f, new Float64Array(nb)])) };
  const trades = { t: new Float64Array(nt), columns: Object.fromEntries(['time', 'price', 'size', 'side'].map((f) => [f, new Float64Array(nt)])) };
  for (let k = 0; k < tiles; k++) {
    const shift = k * span;
    for (let i = 0; i < b.t.length; i++) {
      const r = k * b.t.length + i;
      book.t[r] = book.columns.time[r] = b.t[i] + shift;
      for (let c = 0; c < names.length; c++) book.columns[names[c]][r] = b.book.columns[c][i];
    }
    for (let i = 0; i < tr.t.length; i++) {
      const r = k * tr.t.length + i;
      trades.columns.time[r] = tr.trades.time[i] + shift;
      trades.t[r] = tr.t[i] + shift;
      trades.columns.price[r] = tr.trades.price[i];
      trades.columns.size[r] = tr.trades.size[i];
      trades.columns.side[r] = tr.trades.side[i];
    }
  }
  return { book, trades, tiles };
}

/** (B - A) / (B + A) over the top `levels` sizes: orderbook.imbalance's definition with weight size, no decay. */
function handImbalance(columns: Record<string, Float64Array>, n: number, levels: number, out: Float64Array): void {
  const bid: Float64Array[] = [];
  const ask: Float64Array[] = [];
  for (let l = 1; l <= levels; l++) {
    bid.push(columns[`bidSize${l}`]);
    ask.push(columns[`askSize${l}`]);
  }
  for (let i = 0; i < n; i++) {
    let b = 0;
    let a = 0;
    for (let l = 0; l < levels; l++) {
      b += bid[l][i];
      a += ask[l][i];
    }
    out[i] = (b - a) / (b + a);
  }
}

/** The nodes under test, each as the graph lines that declare it (sources depth and tape). */
const NODES: Record<string, string> = {
  imbalance: `imbalance: { kind: orderbook.imbalance, in: { book: depth }, params: { levels: ${IMBALANCE_LEVELS} } }`,
  walls: 'walls: { kind: orderbook.walls, in: { book: depth, trades: tape } }',
  iceberg: 'iceberg: { kind: orderbook.iceberg, in: { book: depth, trades: tape } }',
  levels: 'levels: { kind: orderbook.levels, in: { book: depth, trades: tape } }',
  vpin: 'vpin: { kind: orderflow.vpin, in: { trades: tape }, params: { bucketVolume: 5, window: 10 } }',
  cvd: 'cvd: { kind: orderflow.cvd, in: { trades: tape } }',
  bars: 'bars: { kind: aggregate.bars, in: { trades: tape }, params: { type: volume, threshold: 2 } }',
};

/** A graph of the sources and the given node lines (a source nothing reads is left out). */
function graphOf(lines: string[], extra = '', bindings = ''): string {
  const text = lines.join('\n');
  const book = /depth/.test(text + extra);
  const trades = /tape/.test(text + extra);
  return [
    'version: 1',
    'name: orderbook-bench',
    'nodes:',
    ...(book ? [`  depth: { kind: source.book, params: { symbol: BTCUSDT, levels: ${LEVELS} } }`] : []),
    ...(trades ? ['  tape: { kind: source.trades, params: { symbol: BTCUSDT } }'] : []),
    ...lines.map((l) => `  ${l}`),
    ...(extra ? [`  ${extra}`] : []),
    'modes:',
    '  backtest:',
    ...(book ? ['    depth: { memory: bench-book }'] : []),
    ...(trades ? ['    tape: { memory: bench-trades }'] : []),
    ...(bindings ? [`    ${bindings}`] : []),
  ].join('\n');
}

const bench: Benchmark = {
  name: 'orderbook',
  summary: 'book and trades (real, tiled to >= 1 M events) through the order-book and order-flow nodes; imbalance against a hand loop',
  async run(ctx): Promise<BenchOutcome> {
    const failures: string[] = [];
    const minEvents = Number(process.env.HEAN_BENCH_EVENTS ?? 1_000_000);
    const data = tile(minEvents);
    const nb = data.book.t.length;
    const nt = data.trades.t.length;
    ctx.progress(`${int(nb)} book snapshots + ${int(nt)} trades (${data.tiles} tiles)`);
    memoryFeeds.set('bench-book', data.book);
    memoryFeeds.set('bench-trades', data.trades);

    // 1. imbalance alone vs the hand loop.
    const compiled = (text: string) => {
      const { graph, diagnostics } = compileGraph(text, 'bench.yaml', defaultRegistry, { requireBindings: true });
      if (!graph) throw new Error(diagnostics.map((d) => d.message).join('; '));
      return graph;
    };
    // Checked once with a recorder, timed without (the recorder's copies are not the node's work).
    await runGraph(compiled(graphOf([NODES.imbalance], 'out: { kind: sink.record, in: { series: [imbalance.imbalance] } }', 'out: { memory: bench-imbalance }')), { chunkSize: CHUNK });
    const imbalanceGraph = compiled(graphOf([NODES.imbalance]));
    const graphRun = await bestOf(3, 1, () => runGraph(imbalanceGraph, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
    const hand = new Float64Array(nb);
    const handRun = await bestOf(5, 2, () => handImbalance(data.book.columns, nb, IMBALANCE_LEVELS, hand));
    const rows = memorySinks.get('bench-imbalance')!.rows;
    let mismatches = 0;
    for (let i = 0; i < nb; i++) if (!Object.is(rows[i][0], hand[i])) mismatches++;
    if (mismatches) failures.push(`the graph's imbalance differs from the hand loop's at ${mismatches} of ${nb} snapshots`);
    const graphPerSec = nb / (graphRun.bestMs / 1000);
    const handPerSec = nb / (handRun.bestMs / 1000);
    const imbalance = { events: nb, graphPerSec: Math.round(graphPerSec), handLoopPerSec: Math.round(handPerSec), ratio: round(graphPerSec / handPerSec) };
    ctx.print(`imbalance (top ${IMBALANCE_LEVELS}) over ${int(nb)} snapshots, chunk ${CHUNK}: graph ${mega(graphPerSec)} snapshots/s, hand loop ${mega(handPerSec)}/s: ${imbalance.ratio}x (stepping only)`);

    // 2. each node alone (with the sources it reads), then all of them in one graph.
    const perNode: Record<string, { events: number; eventsPerSec: number }> = {};
    for (const [name, line] of Object.entries(NODES)) {
      const graph = compiled(graphOf([line]));
      const events = (/depth/.test(line) ? nb : 0) + (/tape/.test(line) ? nt : 0);
      const timed = await bestOf(2, 0, () => runGraph(graph, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
      perNode[name] = { events, eventsPerSec: Math.round(events / (timed.bestMs / 1000)) };
      ctx.print(`  ${name.padEnd(9)} ${mega(perNode[name].eventsPerSec)} events/s over ${int(events)} events`);
    }
    const allGraph = compiled(graphOf(Object.values(NODES)));
    const allRun = await bestOf(2, 0, () => runGraph(allGraph, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
    const events = nb + nt;
    const all = { events, bookEvents: nb, trades: nt, eventsPerSec: Math.round(events / (allRun.bestMs / 1000)), stepMs: round(allRun.bestMs), loadMs: round(allRun.best.timings.loadMs) };
    ctx.print(`all ${Object.keys(NODES).length} nodes in one graph over ${int(events)} events (${int(nb)} snapshots, ${int(nt)} trades): ${mega(all.eventsPerSec)} events/s stepping (target >= 1 M/s); checking the memory feeds took ${int(Math.round(all.loadMs))} ms`);

    // 3. the readers.
    const readBookRun = await bestOf(10, 5, () => readBook(dataFile(REAL_BOOK_FILE), { record: 'book', symbol: 'BTCUSDT', levels: LEVELS, onBadRow: 'error', onGap: 'error' }, () => {}));
    const readTradesRun = await bestOf(10, 5, () => readTrades(dataFile(REAL_TRADES_FILE), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {}));
    const readers = { bookRowsPerSec: Math.round(6_493 / (readBookRun.bestMs / 1000)), tradeRowsPerSec: Math.round(19_904 / (readTradesRun.bestMs / 1000)) };
    ctx.print(`readers (gzip CSV, checks included): book ${mega(readers.bookRowsPerSec)} snapshots/s (${LEVELS} levels), trades ${mega(readers.tradeRowsPerSec)} trades/s`);
    const rss = round(peakRssMiB());
    ctx.print(`peak RSS ${rss} MiB`);
    return { bench: 'orderbook', ok: failures.length === 0, failures, imbalance, perNode, all, readers, peakRssMiB: rss };
  },
};
export default bench;
