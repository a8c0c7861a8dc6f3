import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vector } from './vector.js';
import { runKernel } from '../../runtime/testing/runKernel.js';

const a = Float64Array.from([1, 2, 3, 4, 10, 4]);
const b = Float64Array.from([5, 5, 5, 5, 5, NaN]);

test('features.vector passes values through, one column per wire, named after the wire', () => {
  const out = runKernel(vector, {}, { series: [a, b] });
  assert.deepEqual(Object.keys(out), ['features.series0', 'features.series1']);
  assert.deepEqual([...out['features.series0']], [...a]);
});

test('zscore over a rolling window: (x - mean) / sample sd of the last window values, causal', () => {
  const out = runKernel(vector, { normalize: 'zscore', window: 3 }, { series: [a, b] }, { chunkSize: 2 });
  const z = out['features.series0'];
  assert.ok(Number.isNaN(z[0]) && Number.isNaN(z[1]));
  // window [1,2,3]: mean 2, sd 1 -> (3-2)/1 = 1; [2,3,4] -> 1; [3,4,10]: mean 17/3, sd sqrt(((3-17/3)^2+(4-17/3)^2+(10-17/3)^2)/2)
  assert.equal(z[2], 1);
  assert.equal(z[3], 1);
  const m = 17 / 3;
  const sd = Math.sqrt(((3 - m) ** 2 + (4 - m) ** 2 + (10 - m) ** 2) / 2);
  assert.ok(Math.abs(z[4] - (10 - m) / sd) < 1e-12);
  // a constant window has z-score 0; a NaN in the window gives NaN
  assert.equal(out['features.series1'][4], 0);
  assert.ok(Number.isNaN(out['features.series1'][5]));
});

test('rank: percentile of the current value within the window, ties averaged', () => {
  const out = runKernel(vector, { normalize: 'rank', window: 3, names: ['x', 'y'] }, { series: [a, b] });
  const r = out['features.x'];
  assert.equal(r[2], 1); // 3 is the highest of [1,2,3]
  assert.equal(r[5], 0.25); // 4 within [4,10,4]: 0 below, 2 equal -> (0 + 1/2) / 2
  assert.equal(out['features.y'][4], 0.5); // all equal -> middle
});

test('features.vector affine: (x - mean) / scale per feature, as a trainer saved its scaler; both required', () => {
  const a = Float64Array.of(1, 2, NaN, 4);
  const b = Float64Array.of(10, 20, 30, 40);
  const out = runKernel(vector, { normalize: 'affine', mean: [1, 20], scale: [0.5, 10] }, { series: [a, b] });
  assert.deepEqual([...out['features.series0']], [0, 2, NaN, 6]);
  assert.deepEqual([...out['features.series1']], [-1, 0, 1, 2]);
  assert.deepEqual(vector.check!({ normalize: 'affine', mean: [0], window: 100 } as never).map((p) => p.path), [['scale']]);
  assert.throws(() => runKernel(vector, { normalize: 'affine', mean: [0], scale: [1] }, { series: [a, b] }), /1 mean\(s\) and 1 scale\(s\) for 2 feature\(s\)/);
});
