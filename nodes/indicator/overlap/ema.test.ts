import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema } from './ema.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

test('indicator.ema seeds with the SMA of the first timePeriod values, then (x - prev) * k + prev', () => {
  // timePeriod 3, k = 2 / (3 + 1) = 0.5
  // idx 2: seed = (2 + 4 + 6) / 3 = 4
  // idx 3: (10 - 4) * 0.5 + 4 = 7
  // idx 4: (2 - 7) * 0.5 + 7 = 4.5
  const series = Float64Array.from([2, 4, 6, 10, 2]);
  for (const chunkSize of [1, 2, 5]) {
    const { value } = runKernel(ema, { timePeriod: 3 }, { series }, { chunkSize });
    assert.ok(Number.isNaN(value[0]) && Number.isNaN(value[1]));
    assert.deepEqual([...value.subarray(2)], [4, 7, 4.5]);
  }
  assert.equal(ema.warmup!({ timePeriod: 3 }), 2);
});

test('indicator.ema rejects timePeriod 1', () => {
  assert.ok(compileParams(ema).validate({ timePeriod: 1 }).length > 0);
  assert.equal(compileParams(ema).validate({ timePeriod: 2 }).length, 0);
});
