import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threshold } from './threshold.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

  // a-b:      -1  -1  +1  +1  -1  +1

test('signal.threshold: RSI mean reversion with both levels', () => {
  const rsi = f([50, 35, 29, 25, 28, 45, 69, 70, 71, 75, 60, 30, 29.9, 10]);
  // flat: 50, 35 not < 30 -> N N; 29 < 30 -> +1 (in position); 25, 28 still below -> N N (one entry only)
  // in position: 45, 69, 70 (not strictly > 70) -> N N N; 71 > 70 -> 0 (flat); 75 -> N (already flat)
  // flat: 60, 30 (not strictly < 30) -> N N; 29.9 -> +1; 10 -> N
  same(runAllChunkings(threshold, { enterBelow: 30, exitAbove: 70 }, { series: rsi }, 'signal'), [
    N, N, 1, N, N, N, N, N, 0, N, N, N, 1, N,
  ]);
});

test('signal.threshold: repeated values beyond entry emit one entry; no exit level holds forever', () => {
  const x = f([1, 5, 6, 7, 8, 2, 9]);
  // enterAbove 4: 5 -> +1, then in position forever (no exit level)
  same(runAllChunkings(threshold, { enterAbove: 4 }, { series: x }, 'signal'), [N, 1, N, N, N, N, N]);
});

test('signal.threshold: side short emits -1 on entry and 0 on exit', () => {
  const x = f([60, 75, 80, 50, 40, 29, 20, 71]);
  // flat: 60 -> N; 75 > 70 -> -1; in position: 80, 50, 40 -> N; 29 < 30 -> 0; flat: 20 -> N; 71 -> -1
  same(runAllChunkings(threshold, { enterAbove: 70, exitBelow: 30, side: 'short' }, { series: x }, 'signal'), [
    N, -1, N, N, N, 0, N, -1,
  ]);
});

test('signal.threshold: one transition per event', () => {
  // Levels where the exit is also beyond the entry: enterBelow 30, exitBelow 40.
  const x = f([20, 20, 20, 50]);
  // 20 -> +1 (in position); 20 < 40 -> 0 (flat, no re-entry at the same event); 20 -> +1; 50 -> N
  same(runAllChunkings(threshold, { enterBelow: 30, exitBelow: 40 }, { series: x }, 'signal'), [1, 0, 1, N]);
});

test('signal.threshold: NaN input emits NaN and keeps the state', () => {
  const x = f([N, 25, N, 75, N, 20]);
  // N -> N; 25 -> +1; N -> N (still in position); 75 -> 0; N -> N (still flat); 20 -> +1
  same(runAllChunkings(threshold, { enterBelow: 30, exitAbove: 70 }, { series: x }, 'signal'), [N, 1, N, 0, N, 1]);
});

test('signal.threshold: check() requires exactly one entry level and at most one exit level', () => {
  const check = (p: Record<string, unknown>) => threshold.check!(compileParams(threshold).parse(p) as never);
  assert.deepEqual(check({ enterBelow: 30, exitAbove: 70 }), []);
  assert.deepEqual(check({ enterAbove: 70 }), []);
  const none = check({ exitAbove: 70 });
  assert.equal(none.length, 1);
  assert.deepEqual(none[0].path, ['enterBelow']);
  assert.match(none[0].message, /enterBelow or enterAbove/);
  const both = check({ enterBelow: 30, enterAbove: 70 });
  assert.equal(both.length, 1);
  assert.deepEqual(both[0].path, ['enterAbove']);
  assert.match(both[0].message, /found both enterBelow \(30\) and enterAbove \(70\)/);
  const exits = check({ enterBelow: 30, exitAbove: 70, exitBelow: 10 });
  assert.equal(exits.length, 1);
  assert.deepEqual(exits[0].path, ['exitBelow']);
  assert.equal(check({ enterBelow: 30, enterAbove: 70, exitAbove: 70, exitBelow: 10 }).length, 2);
});

test('signal.threshold: params schema', () => {
  const v = compileParams(threshold).validate;
  const p: Record<string, unknown> = { enterBelow: 30 };
  assert.deepEqual(v(p), []);
  assert.equal(p.side, 'long');
  assert.notDeepEqual(v({ enterBelow: 30, side: 'both' }), []);
  assert.notDeepEqual(v({ enterBelow: '30' }), []);
  assert.notDeepEqual(v({ enterBelow: 30, level: 3 }), []);
  assert.equal(threshold.warmup?.({ enterBelow: 30 }), 0);
});
