import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossover } from './crossover.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';
import { runKernel } from '../../runtime/testing/runKernel.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;


test('signal.crossover: plain crosses up and down', () => {
  // a-b:      -1  -1  +1  +1  -1  +1
  // side:     <   <   >   >   <   >
  // expected: N (first differing only sets the side), N, +1, N, -1, +1
  const a = f([1, 1, 3, 3, 1, 3]);
  const b = f([2, 2, 2, 2, 2, 2]);
  same(runAllChunkings(crossover, {}, { a, b }, 'signal'), [N, N, 1, N, -1, 1]);
});

test('signal.crossover: touching without crossing emits nothing', () => {
  // a > b, a == b, a > b: the remembered side stays ">", no cross; then a < b is a cross down.
  const a = f([3, 2, 3, 2, 1]);
  const b = f([2, 2, 2, 2, 2]);
  // diff:      +   0   +   0   -
  same(runAllChunkings(crossover, {}, { a, b }, 'signal'), [N, N, N, N, -1]);
});

test('signal.crossover: a > b, a == b, a < b is a cross down at the third event', () => {
  const a = f([5, 4, 3, 3, 3, 4]);
  const b = f([4, 4, 4, 3, 3, 3]);
  // diff:      +  0  -  0  0  +
  // expected:  N  N -1  N  N +1 (equal events keep the side "<", so the last event crosses up)
  same(runAllChunkings(crossover, {}, { a, b }, 'signal'), [N, N, -1, N, N, 1]);
});

test('signal.crossover: NaN at the start means no value, no cross', () => {
  // b has no value for the first three events (a slow average warming up).
  const a = f([1, 2, 3, 1, 3]);
  const b = f([N, N, N, 2, 2]);
  // event 3: first event with values (a < b) only sets the side; event 4: a > b crosses up.
  same(runAllChunkings(crossover, {}, { a, b }, 'signal'), [N, N, N, N, 1]);
  // a equal to b at the first event with values: still no side until they differ.
  same(runAllChunkings(crossover, {}, { a: f([N, 2, 1, 3]), b: f([N, 2, 2, 2]) }, 'signal'), [N, N, N, 1]);
});

test('signal.crossover: NaN in the middle emits NaN and keeps the state', () => {
  // side ">" at event 0; NaN events leave it; event 3 (a < b) is a cross down.
  const a = f([3, N, 1, 1, 3, 3]);
  const b = f([2, 2, N, 2, N, 2]);
  // event 1: a NaN -> N; event 2: b NaN -> N; event 3: 1 < 2, side was ">" -> -1
  // event 4: b NaN -> N; event 5: 3 > 2, side was "<" -> +1
  same(runAllChunkings(crossover, {}, { a, b }, 'signal'), [N, N, N, -1, N, 1]);
});

test('signal.crossover: declares warm-up 1, takes no params', () => {
  assert.equal(crossover.warmup?.({}), 1);
  assert.deepEqual(compileParams(crossover).validate({}), []);
  assert.notDeepEqual(compileParams(crossover).validate({ period: 3 }), []);
});

test('signal.crossover: empty input', () => {
  same([...runKernel(crossover, {}, { a: f([]), b: f([]) }, { length: 0 }).signal], []);
});
