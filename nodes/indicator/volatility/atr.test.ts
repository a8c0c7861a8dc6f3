import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atr } from './atr.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

// bar  high  low  close  true range = max(h-l, |prevClose-h|, |prevClose-l|)
//  0    10    8     9    -
//  1    11    9    10    max(2, 2, 0) = 2
//  2    12   10    11    max(2, 2, 0) = 2
//  3    15   13    14    max(2, 4, 2) = 4
//  4    13   12    12    max(1, 1, 2) = 2
const high = Float64Array.from([10, 11, 12, 15, 13]);
const low = Float64Array.from([8, 9, 10, 13, 12]);
const close = Float64Array.from([9, 10, 11, 14, 12]);

test('indicator.atr: mean of the first timePeriod true ranges, then Wilder smoothing', () => {
  // timePeriod 2: idx 2: (2+2)/2 = 2; idx 3: (2*1 + 4)/2 = 3; idx 4: (3*1 + 2)/2 = 2.5
  for (const chunkSize of [1, 2, 5]) {
    const { value } = runKernel(atr, { timePeriod: 2 }, { high, low, close }, { chunkSize });
    assert.ok(Number.isNaN(value[0]) && Number.isNaN(value[1]));
    assert.deepEqual([...value.subarray(2)], [2, 3, 2.5]);
  }
  assert.equal(atr.warmup!({ timePeriod: 2 }), 2);
});

test('indicator.atr with timePeriod 1 is the true range', () => {
  const { value } = runKernel(atr, { timePeriod: 1 }, { high, low, close }, { chunkSize: 2 });
  assert.ok(Number.isNaN(value[0]));
  assert.deepEqual([...value.subarray(1)], [2, 2, 4, 2]);
  assert.equal(atr.warmup!({ timePeriod: 1 }), 1);
});

test('indicator.atr rejects timePeriod 0 and accepts 1 (TA-Lib range 1..100000)', () => {
  assert.ok(compileParams(atr).validate({ timePeriod: 0 }).length > 0);
  assert.equal(compileParams(atr).validate({ timePeriod: 1 }).length, 0);
});
