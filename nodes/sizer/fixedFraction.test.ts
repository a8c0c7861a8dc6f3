import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedFraction } from './fixedFraction.js';
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
  // a-b:      -1  -1  +1  +1  -1  +1

test('sizer.fixedFraction: maps pulses to target fractions', () => {
  const signal = f([N, 1, N, 0, -1, N, 1]);
  same(runAllChunkings(fixedFraction, { fraction: 0.25 }, { signal }, 'orders'), [N, 0.25, N, 0, -0.25, N, 0.25]);
  // default fraction 1: all-in
  same(runAllChunkings(fixedFraction, {}, { signal }, 'orders'), [N, 1, N, 0, -1, N, 1]);
});

test('sizer.fixedFraction: params schema', () => {
  const v = compileParams(fixedFraction).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.equal(p.fraction, 1);
  assert.deepEqual(v({ fraction: 1 }), []);
  assert.deepEqual(v({ fraction: 0.001 }), []);
  assert.notDeepEqual(v({ fraction: 0 }), []);
  assert.notDeepEqual(v({ fraction: 1.5 }), []);
  assert.notDeepEqual(v({ fraction: -0.5 }), []);
  assert.notDeepEqual(v({ fraction: 0.5, leverage: 2 }), []);
  assert.equal(fixedFraction.warmup?.({ fraction: 1 }), 0);
});
