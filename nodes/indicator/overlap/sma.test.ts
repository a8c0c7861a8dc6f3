import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sma } from './sma.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

test('indicator.sma averages the last timePeriod values and leaves timePeriod-1 NaNs', () => {
  const series = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const { value } = runKernel(sma, { timePeriod: 3 }, { series }, { chunkSize: 2 });
  assert.ok(Number.isNaN(value[0]) && Number.isNaN(value[1]));
  assert.deepEqual([...value.subarray(2)], [2, 3, 4, 5]);
});
