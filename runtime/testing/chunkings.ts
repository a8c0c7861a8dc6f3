import assert from 'node:assert/strict';
import type { AnyNodeDefinition, Kernel } from '../defineNode.js';
import { compileParams } from '../params.js';
import { runKernel, testContext } from './runKernel.js';

/** Per input: a column, a list of columns (a many port) or a record of columns (candles: time, open, ..., volume). */
type Inputs = Record<string, Float64Array | Float64Array[] | Record<string, Float64Array>>;

function lengthOf(v: Inputs[string]): number {
  if (v instanceof Float64Array) return v.length;
  return (Array.isArray(v) ? v[0] : Object.values(v)[0]).length;
}

/**
 * Runs a kernel at chunk sizes 1, 2, 3 and whole, plus once with empty chunks in between;
 * asserts that all agree bit for bit and returns output `out`.
 */
export function runAllChunkings(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Inputs, out: string): number[] {
  const length = lengthOf(Object.values(inputs)[0]);
  const runs = [1, 2, 3, Math.max(length, 1)].map((chunkSize) => [...runKernel(def, params, inputs, { chunkSize })[out]]);
  runs.push(withEmptyChunks(def, params, inputs, out, length));
  for (const run of runs.slice(1)) {
    assert.equal(run.length, runs[0].length);
    run.forEach((v, i) => assert.ok(Object.is(v, runs[0][i]), `row ${i}: ${v} differs from ${runs[0][i]}`));
  }
  return runs[0];
}

function withEmptyChunks(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Inputs, out: string, length: number): number[] {
  const kernel = def.create!(compileParams(def).parse(params) as never, testContext(def.kind)) as Kernel;
  const t = Float64Array.from({ length }, (_, i) => i);
  const buffer = new Float64Array(length + 1);
  const result: number[] = [];
  const view = (a: Float64Array, s: number, e: number) => a.subarray(s, e);
  for (let start = 0, size = 1; start <= length; start += size, size = size === 1 ? 2 : 1) {
    for (const n of [0, Math.min(size, length - start)]) {
      const chunk: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(inputs)) {
        if (v instanceof Float64Array) chunk[k] = view(v, start, start + n);
        else if (Array.isArray(v)) chunk[k] = v.map((a) => view(a, start, start + n));
        else chunk[k] = Object.fromEntries(Object.entries(v).map(([field, a]) => [field, view(a, start, start + n)]));
      }
      buffer.fill(777);
      kernel.step(n, view(t, start, start + n), chunk, { [out]: buffer });
      result.push(...buffer.subarray(0, n));
    }
  }
  return result;
}

/** Bit-for-bit equality of two number lists (NaN equals NaN). */
export function same(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) assert.ok(Object.is(actual[i], expected[i]), `row ${i}: got ${actual[i]}, expected ${expected[i]}`);
}

/** Runs a kernel over whole inputs at each of `sizes` and whole; asserts every output agrees bit for bit; returns the whole run. */
export function runEveryChunking(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Parameters<typeof runKernel>[2], sizes = [1, 2, 3, 7], t?: Float64Array): Record<string, Float64Array> {
  const whole = runKernel(def, params, inputs, { t });
  for (const chunkSize of sizes) {
    const run = runKernel(def, params, inputs, { chunkSize, t });
    for (const [name, values] of Object.entries(whole)) {
      values.forEach((v, i) => assert.ok(Object.is(run[name][i], v), `${name}[${i}] at chunk ${chunkSize}: ${run[name][i]} vs ${v}`));
    }
  }
  return whole;
}

/** Equal within 1e-12 (NaN where NaN is expected). */
export function closeTo(actual: Float64Array, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `${what}[${i}]: got ${a}, expected NaN`);
    else assert.ok(Math.abs(a - e) < 1e-12, `${what}[${i}]: got ${a}, expected ${e}`);
  });
}

/** Within 1e-12, NaN where NaN is expected, and a 0 must be +0 (a flat order, never -0). */
export function near(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (Number.isNaN(e)) assert.ok(Number.isNaN(a), `row ${i}: got ${a}, expected NaN`);
    else if (e === 0) assert.ok(Object.is(a, 0), `row ${i}: got ${Object.is(a, -0) ? '-0' : a}, expected +0`);
    else assert.ok(Math.abs(a - e) < 1e-12, `row ${i}: got ${a}, expected ${e}`);
  });
}
