import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DepthGrid, TradeMarks } from '../runtime/exec/depthGrid.js';
import type { RecordReport } from '../nodes/sink/record.js';
import { realBook } from '../runtime/testing/realOrderFlow.js';
import { drawCompiled } from './drawGraph.js';
import { reportPage } from './reportPage.js';
import { bookRun, exampleRun } from './testing.js';

const settings = { chunkSize: 1024, set: {} };
const json = (html: string, id: string) => {
  const m = new RegExp(`<script type="application/json" id="${id}">(.*?)</script>`, 's').exec(html);
  return m ? JSON.parse(m[1]) : undefined;
};
/** The page's cell bytes, decoded here independently of its script: dense = a byte per cell; sparse = 3-byte little-endian index + byte. */
function cells(packed: { encoding: string; data: string }, n: number): Uint8Array {
  const raw = Buffer.from(packed.data, 'base64');
  if (packed.encoding === 'dense') return new Uint8Array(raw);
  const out = new Uint8Array(n);
  for (let j = 0; j < raw.length; j += 4) out[raw[j] + raw[j + 1] * 256 + raw[j + 2] * 65536] = raw[j + 3];
  return out;
}

test('order book report: every resting cell of the grid is coloured, by size order; the largest trades; the recorded book imbalance', async (t) => {
  const result = await bookRun();
  const grid = result.depth!.book as DepthGrid;
  const marks = result.depth!.trades as TradeMarks;
  // The graph records orderbook.imbalance (top 5): the same figure computed here from the plain-parsed book.
  const { t: times, book } = realBook(10);
  const imbalance = Float64Array.from(times, (_, i) => {
    let b = 0;
    let a = 0;
    for (let l = 0; l < 5; l++) {
      b += book.columns[4 * l + 1][i];
      a += book.columns[4 * l + 3][i];
    }
    return (b - a) / (b + a);
  });
  const drawing = await drawCompiled(result.graph);
  const html = reportPage({ result: result, drawing, settings });
  t.diagnostic(`page: ${(html.length / 1024).toFixed(0)} KB, depth grid ${result.timings.depthMs?.toFixed(0)} ms`);
  assert.ok(html.length < 600_000, `${html.length} bytes`);
  assert.equal(html, reportPage({ result: result, drawing, settings }), 'same run, same bytes');

  const data = json(html, 'book-data');
  const b = data.books[0];
  assert.deepEqual([b.id, b.symbol, b.columns, b.rows, b.snapshots], ['book', 'BTCUSDT', 600, 200, 6493]);
  for (const side of ['bid', 'ask'] as const) {
    const bytes = cells(b[side], b.columns * b.rows);
    const values = grid[side];
    // Empty exactly where nothing rested, and a larger size never gets a lighter colour.
    const order: number[] = [];
    for (let k = 0; k < values.length; k++) {
      assert.equal(bytes[k] > 0, values[k] > 0, `${side} cell ${k}`);
      if (values[k] > 0) order.push(k);
    }
    order.sort((x, y) => values[x] - values[y]);
    for (let j = 1; j < order.length; j++) assert.ok(bytes[order[j]] >= bytes[order[j - 1]], `${side}: ${values[order[j]]} coloured lighter than ${values[order[j - 1]]}`);
    assert.equal(bytes[order[order.length - 1]], 255);
  }
  const tr = b.trades[0];
  assert.deepEqual([tr.id, tr.total, tr.kept, tr.t.length], ['trades', 19_904, 3000, 3000]);
  assert.equal(tr.minKeptSize, marks.minKeptSize);
  assert.match(html, /the 3,000 largest of 19,904 trades of source trades \(size ≥ 0\.03701\), the smaller ones not drawn/);
  assert.match(html, /This graph has no sink\.broker/);
  assert.match(html, /2024-08-08 23:54 \.\. 2024-08-09 00:05 UTC/, 'the run\'s range, from its sources');

  assert.deepEqual(data.series.map((s: { name: string }) => s.name), ['trades.price', 'trades.size', 'imbalance.imbalance']);
  const s = data.series[2];
  const rows = (result.reports.tape as RecordReport).rows;
  // A level on the record's timeline (trades and snapshots): valued from the first snapshot on.
  assert.ok(s.valued > 6493 && s.valued <= rows, `${s.valued} of ${rows}`);
  assert.ok(s.points > 1000 && s.points < s.valued, `${s.points} points`);
  const round = (v: number) => Number(v.toPrecision(8));
  assert.equal(Math.min(...s.v), round(Math.min(...imbalance)), 'the lowest imbalance survives downsampling');
  assert.equal(Math.max(...s.v), round(Math.max(...imbalance)));
  assert.equal(s.t[0], times[0] / 1000, 'from the first snapshot');
});

test('report without a grid: a paper session says the heatmap is for backtests; a broker run has no order book section', async () => {
  const result = await bookRun();
  const paper = reportPage({ result: { ...result, mode: 'paper', depth: undefined, reports: {} }, drawing: await drawCompiled(result.graph), settings });
  assert.match(paper, /A paper session has no replayed history to grid: the depth heatmap is drawn for backtests only\./);
  assert.equal(json(paper, 'book-data'), undefined);
  const broker = await exampleRun();
  const html = reportPage({ result: broker, drawing: await drawCompiled(broker.graph), settings });
  assert.ok(!html.includes('order book') && json(html, 'book-data') === undefined);
});
