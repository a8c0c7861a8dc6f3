import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossover } from './crossover.js';
import type { AnyNodeDefinition, Kernel } from '../../runtime/defineNode.js';
import { compileParams } from '../../runtime/params.js';
import { runKernel, testContext } from '../../runtime/testing/runKernel.js';

type Inputs = Record<string, Float64Array | Float64Array[]>;

/** Runs at chunk sizes 1, 2, 3 and whole, plus with empty chunks in between; all must agree bit for bit. */
function runAllChunkings(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Inputs, out: string): number[] {
  const length = Object.values(inputs).map((v) => (Array.isArray(v) ? v[0] : v))[0].length;
  const runs = [1, 2, 3, Math.max(length, 1)].map((chunkSize) => [...runKernel(def, params, inputs, { chunkSize })[out]]);
  runs.push(withEmptyChunks(def, params, inputs, out, length));
  for (const run of runs.slice(1)) {
    assert.equal(run.length, runs[0].length);
    run.forEach((v, i) => assert.ok(Object.is(v, runs[0][i]), `row ${i}: ${v} differs from ${runs[0][i]}`));
  }
  return runs[0];
}

function withEmptyChunks(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Inputs, out: string, length: number): number[] {
  const kernel = def.create(compileParams(def).parse(params) as never, testContext(def.kind)) as Kernel;
  const t = Float64Array.from({ length }, (_, i) => i);
  const buffer = new Float64Array(length + 1);
  const result: number[] = [];
  const view = (a: Float64Array, s: number, e: number) => a.subarray(s, e);
  for (let start = 0, size = 1; start <= length; start += size, size = size === 1 ? 2 : 1) {
    for (const n of [0, Math.min(size, length - start)]) {
      const chunk: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(inputs)) {
        chunk[k] = Array.isArray(v) ? v.map((a) => view(a, start, start + n)) : view(v, start, start + n);
      }
      buffer.fill(777);
      kernel.step(n, view(t, start, start + n), chunk, { [out]: buffer });
      result.push(...buffer.subarray(0, n));
    }
  }
  return result;
}

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

function same(actual: number[], expected: number[]) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) => assert.ok(Object.is(v, expected[i]), `row ${i}: got ${v}, expected ${expected[i]}`));
}

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
