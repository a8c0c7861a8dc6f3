import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedFraction } from './fixedFraction.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

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
