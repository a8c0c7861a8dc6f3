import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from './compare.js';
import { compileParams } from '../../runtime/params.js';
import { compileGraph } from '../../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../../runtime/loadGraph.js';
import { runGraph } from '../../runtime/exec/runGraph.js';
import { memoryFeeds, memorySinks } from '../../runtime/adapters/memory.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

test('signal.compare: enter below a wired b, exit once above it (close vs a lower band)', () => {
  const a = f([10, 9, 8, 8, 9, 10, 11, 9, N, 7]);
  const b = f([10, 10, 10, 8, 8.5, 10, 10, N, 10, 10]);
  // 10 == 10: neither -> N; 9 < 10: enter +1; 8 < 10: N (in); 8 == 8: hold N; 9 > 8.5: exit 0;
  // 10 == 10: N; 11 > 10 while flat: N; b NaN: N; a NaN: N; 7 < 10: +1
  same(runAllChunkings(compare, { enter: 'below' }, { a, b }, 'signal'), [N, 1, N, N, 0, N, N, N, N, 1]);
});

test('signal.compare onMissing: exit goes flat when a value is missing while in position; hold (default) keeps it', () => {
  const mood = f([N, 0.2, 0.3, N, N, 0.4, -0.1, N]);
  // hold: N; 0.2 > 0 +1; N; NaN holds; N; 0.4 in already N; -0.1 -> 0; N
  same(runAllChunkings(compare, { level: 0 }, { a: mood }, 'signal'), [N, 1, N, N, N, N, 0, N]);
  // exit: NaN at the start while flat: N; +1; N; NaN in position -> 0; NaN flat: N; 0.4 -> +1; -0.1 -> 0; NaN flat: N
  same(runAllChunkings(compare, { level: 0, onMissing: 'exit' }, { a: mood }, 'signal'), [N, 1, N, 0, N, 1, 0, N]);
  // with reverse, a missing value goes flat too (no data, no position), not to the other side
  same(runAllChunkings(compare, { level: 0, onMissing: 'exit', reverse: true }, { a: mood }, 'signal'), [N, 1, N, 0, N, 1, -1, 0]);
});

test('signal.compare: a constant level with a band holds inside the band (hysteresis)', () => {
  const rsi = f([50, 56, 60, 52, 48, 45, 44, 54, 55, 55.5, 46]);
  // level 50, band 5, enter above: in when > 55, out when < 45.
  // 50 N; 56 +1; 60 N; 52 N; 48 N; 45 (not < 45) N; 44 -> 0; 54 N; 55 (not > 55) N; 55.5 -> +1; 46 N
  same(runAllChunkings(compare, { level: 50, band: 5 }, { a: rsi }, 'signal'), [N, 1, N, N, N, N, 0, N, N, 1, N]);
  // No band: in when > 50, out when < 50: 50 N; 56 +1; 60 N; 52 N; 48 0; 45 N; 44 N; 54 +1; 55 N; 55.5 N; 46 0
  same(runAllChunkings(compare, { level: 50 }, { a: rsi }, 'signal'), [N, 1, N, N, 0, N, N, 1, N, N, 0]);
});

test('signal.compare: bandPct is a percentage of |b|', () => {
  // b 200, bandPct 1: margin 2, in when > 202, out when < 198.
  const b = f([200, 200, 200, 200, 200]);
  same(runAllChunkings(compare, { bandPct: 1 }, { a: f([201, 203, 199, 197, 202.5]), b }, 'signal'), [N, 1, N, 0, 1]);
  // b -200: margin still 2 (not -2): in when > -198, out when < -202; -199 holds, -197 enters, -201 holds, -203 exits
  const negative = f([-200, -200, -200, -200]);
  same(runAllChunkings(compare, { bandPct: 1 }, { a: f([-199, -197, -201, -203]), b: negative }, 'signal'), [N, 1, N, 0]);
});

test('signal.compare: side short enters with -1 and exits with 0', () => {
  // level 0, enter above, side short: 1 -> -1; 2 N; -1 -> 0; -2 N; 1 -> -1
  same(runAllChunkings(compare, { level: 0, side: 'short' }, { a: f([1, 2, -1, -2, 1]) }, 'signal'), [-1, N, 0, N, -1]);
});

test('signal.compare: reverse takes the opposite side at the exit condition, from flat too', () => {
  const a = f([-1, 1, 2, -1, -2, 1, 0]);
  // level 0, enter above, side long, reverse: -1 < 0 from flat -> -1; 1 -> +1; 2 N; -1 -> -1; -2 N; 1 -> +1; 0 == 0 N
  same(runAllChunkings(compare, { level: 0, reverse: true }, { a }, 'signal'), [-1, 1, N, -1, N, 1, N]);
  // enter below, side short, reverse: below 0 is short (-1), above 0 is long (+1)
  same(runAllChunkings(compare, { level: 0, enter: 'below', side: 'short', reverse: true }, { a }, 'signal'), [-1, 1, N, -1, N, 1, N]);
  // without reverse the same series only enters and exits: -1 while flat is no entry (enter above)
  same(runAllChunkings(compare, { level: 0 }, { a }, 'signal'), [N, 1, N, 0, N, 1, N]);
});

test('signal.compare: check() wants exactly one of input b or level, and at most one margin', () => {
  const check = (p: Record<string, unknown>, wired: string[]) => compare.check!(compileParams(compare).parse(p) as never, { wiredInputs: new Set(wired) });
  assert.deepEqual(check({}, ['a', 'b']), []);
  assert.deepEqual(check({ level: 30, band: 2 }, ['a']), []);
  const both = check({ level: 30 }, ['a', 'b']);
  assert.equal(both.length, 1);
  assert.deepEqual(both[0].path, ['level']);
  assert.match(both[0].message, /level: 30 and a wire on input b/);
  const neither = check({}, ['a']);
  assert.equal(neither.length, 1);
  assert.deepEqual(neither[0].path, []);
  assert.match(neither[0].message, /wire in: \{ b: <node>\.<port> \} or set params: \{ level: <number> \}/);
  const margins = check({ band: 1, bandPct: 1 }, ['a', 'b']);
  assert.equal(margins.length, 1);
  assert.deepEqual(margins[0].path, ['bandPct']);
});

test('signal.compare: params schema', () => {
  const v = compileParams(compare).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { enter: 'above', side: 'long', reverse: false, onMissing: 'hold' });
  assert.notDeepEqual(v({ enter: 'over' }), []);
  assert.notDeepEqual(v({ band: -1 }), []);
  assert.notDeepEqual(v({ bandPct: -0.5 }), []);
  assert.equal(compare.warmup?.({}), 0);
});

const graph = (node: string) => `
version: 1
name: compare-level
nodes:
  bars: { kind: source.candles, params: { symbol: TEST, timeframe: 1h } }
  cmp: ${node}
  out: { kind: sink.record, in: { series: [cmp.signal] } }
modes:
  backtest:
    bars: { memory: compare-bars }
    out: { memory: compare-out }
`;

test('signal.compare in a graph: b may stay unwired when level is set; wiring both, or neither, is a compile error', async () => {
  const close = [99, 101, 102, 98, 100, 103];
  const time = close.map((_, i) => Date.UTC(2024, 0, 1, i));
  memoryFeeds.set('compare-bars', {
    t: f(time.map((x) => x + 3_600_000)),
    columns: { time: f(time), open: f(close), high: f(close.map((c) => c + 1)), low: f(close.map((c) => c - 1)), close: f(close), volume: f(close.map(() => 1)) },
  });
  const ok = compileGraph(graph('{ kind: signal.compare, in: { a: bars.close }, params: { level: 100 } }'), 'ok.yaml', defaultRegistry, { requireBindings: true });
  assert.deepEqual(ok.diagnostics, []);
  await runGraph(ok.graph!, { chunkSize: 4, env: {} });
  // level 100, enter above: 99 N; 101 +1; 102 N; 98 0; 100 N; 103 +1
  same(memorySinks.get('compare-out')!.rows.map((r) => r[0]), [N, 1, N, 0, N, 1]);

  const both = compileGraph(graph('{ kind: signal.compare, in: { a: bars.close, b: bars.open }, params: { level: 100 } }'), 'both.yaml', defaultRegistry);
  assert.deepEqual(both.diagnostics.map((d) => [d.severity, d.code, d.path, d.line]), [['error', 'params/conflict', 'nodes.cmp.params.level', 6]]);
  const neither = compileGraph(graph('{ kind: signal.compare, in: { a: bars.close } }'), 'neither.yaml', defaultRegistry);
  assert.deepEqual(neither.diagnostics.map((d) => [d.severity, d.code, d.path]), [['error', 'params/missing', 'nodes.cmp.params']]);
});
