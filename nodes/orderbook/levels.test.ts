import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levels } from './levels.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { same } from '../../runtime/testing/chunkings.js';
import { realBook, realOrderFlow, realTrades } from '../../runtime/testing/realOrderFlow.js';
import { compileParams } from '../../runtime/params.js';
import { bookFields, type Book, type Trades } from '../../runtime/ports.js';

const N = NaN;

/** One event at time t: a book snapshot (per level: bid price, bid size, ask price, ask size), a trade [price, size, side], or both. */
type Event = { t: number; book?: number[][]; trade?: [number, number, number] };

/** The columns a node sees on the shared timeline: the book as of each event, trade columns only at trades. */
function flow(events: Event[]): { t: Float64Array; book: Book; trades: Trades } {
  const n = events.length;
  const depth = Math.max(...events.map((e) => e.book?.length ?? 0));
  const names = bookFields(depth);
  const book: Book = { names, columns: names.map(() => new Float64Array(n).fill(NaN)) };
  const trades: Trades = { time: new Float64Array(n), price: new Float64Array(n), size: new Float64Array(n), side: new Float64Array(n) };
  const t = Float64Array.from(events, (e) => e.t);
  let current: number[][] = [];
  events.forEach((event, i) => {
    if (event.book) current = event.book;
    current.forEach((level, l) => level.forEach((v, f) => (book.columns[4 * l + f][i] = v)));
    const trade = event.trade ?? [N, N, N];
    trades.time[i] = event.trade ? event.t : N;
    [trades.price[i], trades.size[i], trades.side[i]] = trade;
  });
  return { t, book, trades };
}

/** Runs at chunk sizes 1, 2, 3 and whole; all must agree bit for bit. */
function run(params: Record<string, unknown>, events: Event[]): Record<string, number[]> {
  const { t, book, trades } = flow(events);
  const runs = [1, 2, 3, events.length].map((chunkSize) => runKernel(levels, params, { book, trades }, { chunkSize, t }));
  for (const other of runs.slice(1)) for (const k of Object.keys(runs[0])) same(other[k], runs[0][k]);
  return Object.fromEntries(Object.entries(runs[0]).map(([k, v]) => [k, [...v]]));
}

/** Equal within 1e-9 relative (the profile's decay factors are powers of two of tiny exponents), NaN equal to NaN. */
function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    assert.ok(Number.isNaN(e) ? Number.isNaN(a) : Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)), `row ${i}: got ${a}, expected ${e}`);
  });
}

// tick 1: bin k holds [k, k + 1). With rangeBps 500 around a mid of 100.5 the bins in range are 95 .. 105: 11 bins.
const UNIT_BINS = { tick: 1, rangeBps: 500 };

test('orderbook.levels: a level with large resting size is the support, strength = value / mean bin value in range', () => {
  const book = [
    [100, 1, 101, 1],
    [99.6, 1, 102, 2],
    [99.2, 3, 103, 1],
  ];
  const out = run({ ...UNIT_BINS, halfLife: 1e15 }, [
    { t: 0, trade: [97, 0.5, -1] }, // no book yet: no mid, no output; bin 97 = 0.5
    { t: 1, book }, // bins 97: 0.5, 99: 1 + 3 = 4 (price (99.6 + 3 x 99.2) / 4 = 99.3), 100: 1, 101: 1, 102: 2, 103: 1; sum 9.5
    { t: 2, book }, // the same snapshot again: book bins double; sum 18.5
    { t: 3, trade: [103, 5, 1] }, // the book repeats at the trade's event (not added again): 103 = 2 + 5 = 7; sum 23.5
    { t: 4, trade: [99, 1, -1] }, // 99 = 8 + 1 = 9, price (8 x 99.3 + 99) / 9; sum 24.5
  ]);
  close(out.support, [N, 99.3, 99.3, 99.3, (8 * 99.3 + 99) / 9]);
  close(out.supportStrength, [N, 4 / (9.5 / 11), 8 / (18.5 / 11), 8 / (23.5 / 11), 9 / (24.5 / 11)]);
  same(out.supportAge, [N, 0, 1, 2, 3]);
  close(out.resistance, [N, 102, 102, 103, 103]);
  close(out.resistanceStrength, [N, 2 / (9.5 / 11), 4 / (18.5 / 11), 7 / (23.5 / 11), 7 / (24.5 / 11)]);
  same(out.resistanceAge, [N, 0, 1, 0, 1]); // 103 takes over at t 3: age restarts
});

test('orderbook.levels: the profile decays by elapsed event time; the support changes hands and its age restarts', () => {
  const book = [[100, 1, 101, 1]];
  const out = run({ ...UNIT_BINS, halfLife: 1000 }, [
    { t: 0, book }, //              100: 1, 101: 1; no bin below the mid's (100): no support
    { t: 0, trade: [99, 8, -1] }, // 99: 8; sum 10
    { t: 1000, trade: [98, 5, -1] }, // one half-life: 99: 4, 100: 0.5, 101: 0.5, 98: 5; sum 10
    { t: 2000, book }, //            99: 2, 98: 2.5, 100: 0.25 + 1, 101: 1.25; sum 7
    { t: 3000, trade: [99, 3, -1] }, // 99: 1 + 3 = 4, 98: 1.25, 100: 0.625, 101: 0.625; sum 6.5
  ]);
  close(out.support, [N, 99, 98, 98, 99]);
  close(out.supportStrength, [N, 8 / (10 / 11), 5 / (10 / 11), 2.5 / (7 / 11), 4 / (6.5 / 11)]);
  same(out.supportAge, [N, 0, 0, 1000, 0]);
  close(out.resistance, [101, 101, 101, 101, 101]);
  close(out.resistanceStrength, [1 / (2 / 11), 1 / (10 / 11), 0.5 / (10 / 11), 1.25 / (7 / 11), 0.625 / (6.5 / 11)]);
  same(out.resistanceAge, [0, 0, 1000, 2000, 3000]);
});

test('orderbook.levels: a changed book at a trade\'s event is a snapshot; stale bins are dropped after 30 half-lives', () => {
  const changed = run({ ...UNIT_BINS, halfLife: 1e15 }, [
    { t: 0, book: [[100, 1, 101, 1], [99, 2, 102, 3]] },
    { t: 1, book: [[100, 1, 101, 1], [99, 2, 102, 1]], trade: [102, 0.5, 1] }, // new snapshot and trade: 102 = 3 + 1 + 0.5; sum 7 + 5 + 0.5
  ]);
  close(changed.resistanceStrength, [3 / (7 / 11), 4.5 / (12.5 / 11)]);
  // halfLife 1: bin 99 (traded once at t 0) is last updated at 0; the book keeps 100 and 101 fresh.
  const book = [[100, 1, 101, 1]];
  const pruned = run({ ...UNIT_BINS, halfLife: 1 }, [{ t: 0, book }, { t: 0, trade: [99, 8, -1] }, { t: 29, book }, { t: 31, book }]);
  close(pruned.support, [N, 99, 99, N]);
  close(pruned.supportStrength, [N, 8 / (10 / 11), (8 * 2 ** -29) / ((8 * 2 ** -29 + 2 * 2 ** -29 + 2) / 11), N]);
});

test('orderbook.levels: default bins are relative (binBps 1); check() rejects tick with binBps and a range under one bin', () => {
  const out = run({}, [
    { t: 0, book: [[60000, 1, 60001, 1]] },
    { t: 1, trade: [59990, 5, -1] }, // 1.7 bp under the mid: a bin of its own below the mid's
    { t: 2, trade: [60030, 2, 1] }, // 4.9 bp above
    { t: 3, trade: [60200, 9, 1] }, // 33 bp above: outside rangeBps 10
  ]);
  close(out.support, [N, 59990, 59990, 59990]);
  close(out.resistance, [N, N, 60030, 60030]);
  const check = (raw: Record<string, unknown>) => levels.check!(compileParams(levels).parse(raw) as never).map((problem) => problem.message);
  assert.deepEqual(check({}), []);
  assert.deepEqual(check({ tick: 5 }), []);
  assert.match(check({ tick: 5, binBps: 2 })[0], /both tick \(5\) and binBps \(2\) are set/);
  assert.match(check({ rangeBps: 0.5 })[0], /rangeBps 0.5 is narrower than one bin \(binBps 1\)/);
});

test('orderbook.levels: on the real Binance spot book and trades (11 minutes)', () => {
  const times = new Set([...realBook(1).t, ...realTrades().t]);
  const { t, book, trades } = realOrderFlow(times.size, 10);
  const out = runKernel(levels, {}, { book, trades }, { t, chunkSize: 256 });
  const logStep = Math.log1p(1 / 1e4);
  const report: string[] = [];
  for (const [name, sign] of [['support', -1], ['resistance', 1]] as const) {
    const price = out[name];
    const bins = new Set<number>();
    const distances: number[] = [];
    const strengths: number[] = [];
    const ages: number[] = [];
    let switches = 0;
    let defined = 0;
    for (let i = 0; i < t.length; i++) {
      if (price[i] !== price[i]) continue;
      defined++;
      const mid = (book.columns[0][i] + book.columns[2][i]) / 2;
      const distance = (sign * (price[i] - mid)) / mid * 1e4;
      // Below (above) the mid and within rangeBps 10 plus the part of the mid's bin: by definition.
      assert.ok(distance > 0 && distance < 10 + 1, `${name} at row ${i}: ${price[i]} vs mid ${mid}`);
      bins.add(Math.floor(Math.log(price[i]) / logStep));
      distances.push(distance);
      strengths.push(out[`${name}Strength`][i]);
      ages.push(out[`${name}Age`][i]);
      if (out[`${name}Age`][i] === 0) switches++;
    }
    const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))];
    report.push(
      `${name}: defined at ${defined} of ${t.length} events, ${bins.size} distinct 1-bp bins, ${switches} takeovers; ` +
        `distance from mid median ${q(distances, 0.5).toFixed(2)} bp (p10 ${q(distances, 0.1).toFixed(2)}, p90 ${q(distances, 0.9).toFixed(2)}); ` +
        `strength median ${q(strengths, 0.5).toFixed(2)} (p90 ${q(strengths, 0.9).toFixed(2)}); age median ${(q(ages, 0.5) / 1000).toFixed(1)} s (p90 ${(q(ages, 0.9) / 1000).toFixed(1)} s)`,
    );
  }
  console.log(report.join('\n'));
});
