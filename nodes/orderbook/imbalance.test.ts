import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imbalance } from './imbalance.js';
import { compileParams } from '../../runtime/params.js';
import { bookFields, type Book } from '../../runtime/ports.js';
import { runKernel, testContext } from '../../runtime/testing/runKernel.js';
import { realBook } from '../../runtime/testing/realOrderFlow.js';
import { same } from '../../runtime/testing/chunkings.js';

const N = NaN;
type Level = [bidPrice: number, bidSize: number, askPrice: number, askSize: number];

/** A book from snapshots written level by level (best first). */
function bookOf(snapshots: Level[][], levels = 3): Book {
  const names = bookFields(levels);
  const columns = names.map((_, c) => Float64Array.from(snapshots, (s) => (s[c >> 2] ?? [N, N, N, N])[c & 3]));
  return { names, columns };
}

/** Runs at chunk sizes 1, 2, 7 and whole; all must agree bit for bit. */
function run(params: Record<string, unknown>, book: Book): Record<string, Float64Array> {
  const runs = [1, 2, 7, 1024].map((chunkSize) => runKernel(imbalance, params, { book }, { chunkSize }));
  for (const r of runs.slice(1)) for (const k of Object.keys(runs[0])) same(r[k], runs[0][k]);
  return runs[0];
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: got ${actual}, expected ${expected}`);

// Mid 100; bids 99.5 x 2, 99 x 1, 98 x 4; asks 100.5 x 1, 101 x 3, 102 x 2: each level 50, 100, 200 bps from the mid.
const HAND: Level[] = [
  [99.5, 2, 100.5, 1],
  [99, 1, 101, 3],
  [98, 4, 102, 2],
];

test('orderbook.imbalance: a hand-worked 3-level book, weighted by size', () => {
  const book = bookOf([HAND]);
  // B = 2 + 1 + 4 = 7, A = 1 + 3 + 2 = 6: (7 - 6) / 13
  close(run({ levels: 3 }, book).imbalance[0], 1 / 13, 'top 3');
  // default levels 5 on a 3-level book: all 3 levels, the same
  close(run({}, book).imbalance[0], 1 / 13, 'default levels on a thinner book');
  // top 2: B = 3, A = 4 -> -1/7; top 1: B = 2, A = 1 -> 1/3
  close(run({ levels: 2 }, book).imbalance[0], -1 / 7, 'top 2');
  close(run({ levels: 1 }, book).imbalance[0], 1 / 3, 'top 1');
  const out = run({ levels: 3 }, book);
  assert.equal(out.mid[0], 100);
  assert.equal(out.spread[0], 1);
  close(out.spreadBps[0], 100, 'spreadBps = 1 / 100 x 1e4');
  // (99.5 x 1 + 100.5 x 2) / 3 = 300.5 / 3: above the mid, toward the ask, since the bid holds more size
  close(out.microPrice[0], 300.5 / 3, 'microPrice');
});

test('orderbook.imbalance: the same book weighted by notional (price x size)', () => {
  // B = 99.5 x 2 + 99 x 1 + 98 x 4 = 199 + 99 + 392 = 690; A = 100.5 + 303 + 204 = 607.5; 82.5 / 1297.5 = 11 / 173
  close(run({ levels: 3, weight: 'notional' }, bookOf([HAND])).imbalance[0], 11 / 173, 'notional top 3');
});

test('orderbook.imbalance: distance decay 2^(-d / halfLife), weights by hand', () => {
  // halfLife 50 bps: levels at 50, 100, 200 bps weigh 1/2, 1/4, 1/16.
  // B = 2/2 + 1/4 + 4/16 = 1.5; A = 1/2 + 3/4 + 2/16 = 1.375; (0.125) / (2.875) = 1/23
  close(run({ levels: 3, halfLifeBps: 50 }, bookOf([HAND])).imbalance[0], 1 / 23, 'size, halfLife 50');
  // halfLife 100 bps: weights 2^-0.5, 1/2, 1/4. B = 2 x 0.70711 + 0.5 + 1 ; A = 0.70711 + 1.5 + 0.5
  const h = Math.SQRT1_2;
  const b = 2 * h + 0.5 + 1;
  const a = h + 1.5 + 0.5;
  close(run({ levels: 3, halfLifeBps: 100 }, bookOf([HAND])).imbalance[0], (b - a) / (b + a), 'size, halfLife 100');
  // halfLifeBps 0 means no decay
  close(run({ levels: 3, halfLifeBps: 0 }, bookOf([HAND])).imbalance[0], 1 / 13, 'halfLife 0');
});

test('orderbook.imbalance: thin, one-sided and empty books', () => {
  const book = bookOf([
    [[99.5, 2, 100.5, 1], [N, N, 101, 3], [N, N, 102, 2]], // one bid level: B = 2, A = 6
    [[99.5, 2, N, N], [99, 1, N, N], [N, N, N, N]], // no asks: all depth on the bid
    [[N, N, 100.5, 1]], // no bids
    [], // nothing
  ]);
  const out = run({ levels: 3 }, book);
  same(out.imbalance, [-0.5, 1, -1, N]);
  same(out.mid, [100, N, N, N]);
  same(out.microPrice, [(99.5 * 1 + 100.5 * 2) / 3, N, N, N]);
  // with decay the distances need a mid: a one-sided book has none
  // (row 0: B = 2/2 = 1, A = 1/2 + 3/4 + 2/16 = 1.375: -0.375 / 2.375 = -3/19)
  const decayed = run({ levels: 3, halfLifeBps: 50 }, book).imbalance;
  close(decayed[0], -3 / 19, 'thin book, halfLife 50');
  same(decayed.subarray(1), [N, N, N]);
});

test('orderbook.imbalance: decay on a thin book by hand', () => {
  // one bid level at 50 bps (w 1/2), asks at 50 and 100 bps (w 1/2, 1/4): B = 1, A = 0.5 + 0.75 = 1.25 -> -0.25 / 2.25
  const book = bookOf([[[99.5, 2, 100.5, 1], [N, N, 101, 3]]]);
  close(run({ levels: 3, halfLifeBps: 50 }, book).imbalance[0], -1 / 9, 'thin, halfLife 50');
});

test('orderbook.imbalance: asking for more levels than the book has warns once and uses what it has', () => {
  const warnings: string[] = [];
  const kernel = imbalance.create!(compileParams(imbalance).parse({ levels: 5 }) as never, { ...testContext('imb'), warn: (code, message) => warnings.push(`${code}: ${message}`) });
  const book = bookOf([HAND, HAND]);
  const out = { imbalance: new Float64Array(2), mid: new Float64Array(2), spread: new Float64Array(2), spreadBps: new Float64Array(2), microPrice: new Float64Array(2) };
  kernel.step(1, new Float64Array([0]), { book: { names: book.names, columns: book.columns.map((c) => c.subarray(0, 1)) } }, out);
  kernel.step(1, new Float64Array([1]), { book: { names: book.names, columns: book.columns.map((c) => c.subarray(1, 2)) } }, out);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^book\/thin: .*asks for 5 levels but the book has 3; using 3/);
  close(out.imbalance[0], 1 / 13, 'uses the 3 levels');
});

test('orderbook.imbalance: agrees with a plain loop over the real book (top 5 of 10 levels, size and notional)', () => {
  const { book } = realBook(10);
  const rows = book.columns[0].length;
  assert.equal(rows, 6493);
  const size = run({}, book);
  const notional = runKernel(imbalance, { weight: 'notional' }, { book }).imbalance;
  for (let i = 0; i < rows; i++) {
    // the file's columns: level l at 4l .. 4l+3 = bid px, bid sz, ask px, ask sz
    let b = 0;
    let a = 0;
    let bv = 0;
    let av = 0;
    for (let l = 0; l < 5; l++) {
      b += book.columns[4 * l + 1][i];
      a += book.columns[4 * l + 3][i];
      bv += book.columns[4 * l][i] * book.columns[4 * l + 1][i];
      av += book.columns[4 * l + 2][i] * book.columns[4 * l + 3][i];
    }
    close(size.imbalance[i], (b - a) / (b + a), `size imbalance row ${i}`);
    close(notional[i], (bv - av) / (bv + av), `notional imbalance row ${i}`);
    const bid = book.columns[0][i];
    const ask = book.columns[2][i];
    assert.ok(size.spread[i] > 0, `row ${i}: a real book is not crossed`);
    close(size.mid[i], (bid + ask) / 2, `mid row ${i}`);
    assert.ok(size.microPrice[i] >= bid && size.microPrice[i] <= ask, `row ${i}: the micro-price lies within the spread`);
  }
});

test('orderbook.imbalance: params schema', () => {
  const v = compileParams(imbalance).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { levels: 5, weight: 'size' });
  assert.notDeepEqual(v({ levels: 0 }), []);
  assert.notDeepEqual(v({ levels: 2.5 }), []);
  assert.notDeepEqual(v({ weight: 'value' }), []);
  assert.notDeepEqual(v({ halfLifeBps: -1 }), []);
});
