import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minmaxindex } from './minmaxindex.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

// Hand-worked with TA-Lib's rules (ta_MINMAXINDEX.c), period 3:
// - when the extreme leaves the window, the rescan keeps the OLDEST of equal values
//   (event 5: min of [4, 3, 3] -> index 4; event 6: max of [3, 3, 3] -> index 4);
// - otherwise a new value equal to the extreme takes over: NEWEST wins
//   (event 3: max 4 again -> index 3; event 6: min 3 again -> index 6).
// Indexes count from the first event, across chunks.
test('indicator.minmaxindex breaks ties like TA-Lib and counts indexes across chunks', () => {
  const series = Float64Array.from([1, 4, 2, 4, 3, 3, 3]);
  for (const chunkSize of [1, 2, 7]) {
    const { minIdx, maxIdx } = runKernel(minmaxindex, { timePeriod: 3 }, { series }, { chunkSize });
    assert.deepEqual([...maxIdx], [NaN, NaN, 1, 3, 3, 3, 4], `maxIdx, chunk ${chunkSize}`);
    assert.deepEqual([...minIdx], [NaN, NaN, 0, 2, 2, 4, 6], `minIdx, chunk ${chunkSize}`);
  }
});
