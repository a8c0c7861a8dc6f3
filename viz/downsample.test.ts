import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downsampleIndices, pick, roundSignificant } from './downsample.js';

test('a short series is kept whole', () => {
  assert.deepEqual([...downsampleIndices(10, [new Float64Array(10)], 5)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(downsampleIndices(0, [], 5).length, 0);
});

test('a million points shrink to a few thousand; first, last, every spike and crash survive', () => {
  const n = 1_000_000;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = Math.sin(i / 5000);
    b[i] = i;
  }
  a[123_457] = 50; // a one-bar spike
  a[876_543] = -50; // a one-bar crash
  const start = performance.now();
  const idx = downsampleIndices(n, [a, b], 700);
  const ms = performance.now() - start;
  assert.ok(idx.length <= 700 * 6 && idx.length >= 1400, `${idx.length} points`);
  assert.equal(idx[0], 0);
  assert.equal(idx[idx.length - 1], n - 1);
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k] > idx[k - 1], 'strictly increasing');
  assert.ok(idx.includes(123_457) && idx.includes(876_543));
  const shown = pick(a, idx);
  assert.equal(Math.max(...(shown as number[])), 50);
  assert.equal(Math.min(...(shown as number[])), -50);
  assert.ok(ms < 500, `${ms.toFixed(0)} ms`);
});

test('every bucket keeps each series min and max: the display range equals the data range per bucket', () => {
  const n = 10_000;
  const a = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) - 500);
  const buckets = 50;
  const idx = downsampleIndices(n, [a], buckets);
  for (let bucket = 0; bucket < buckets; bucket++) {
    const lo = Math.floor((bucket * n) / buckets);
    const hi = Math.floor(((bucket + 1) * n) / buckets);
    const slice = a.subarray(lo, hi);
    const kept = [...idx].filter((i) => i >= lo && i < hi).map((i) => a[i]);
    assert.equal(Math.max(...kept), Math.max(...slice));
    assert.equal(Math.min(...kept), Math.min(...slice));
  }
});

test('display values are rounded to significant digits; NaN and infinities become null', () => {
  assert.equal(roundSignificant(74640.4234567, 7), 74640.42);
  assert.equal(roundSignificant(-0.000123456789, 3), -0.000123);
  assert.equal(roundSignificant(NaN, 3), null);
  assert.equal(roundSignificant(Infinity, 3), null);
  assert.deepEqual(pick(Float64Array.from([1.23456, NaN]), [0, 1], 3), [1.23, null]);
});
