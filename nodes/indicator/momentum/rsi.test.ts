import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rsi } from './rsi.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

test("indicator.rsi: first averages are plain means, then Wilder smoothing", () => {
  // timePeriod 2; changes: +2, -1, +3, 0, -1
  // idx 2: gain = 2/2 = 1,                loss = 1/2 = 0.5           -> 100 * 1 / 1.5       = 66.67
  // idx 3: gain = (1*1 + 3)/2 = 2,        loss = (0.5*1 + 0)/2 = 0.25 -> 100 * 2 / 2.25      = 88.89
  // idx 4: gain = (2*1 + 0)/2 = 1,        loss = 0.25/2 = 0.125      -> 100 * 1 / 1.125     = 88.89
  // idx 5: gain = 1/2 = 0.5,              loss = (0.125 + 1)/2 = 0.5625 -> 100 * 0.5 / 1.0625 = 47.06
  const series = Float64Array.from([10, 12, 11, 14, 14, 13]);
  const expected = [200 / 3, 800 / 9, 800 / 9, 800 / 17];
  for (const chunkSize of [1, 4, 6]) {
    const { value } = runKernel(rsi, { timePeriod: 2 }, { series }, { chunkSize });
    assert.ok(Number.isNaN(value[0]) && Number.isNaN(value[1]));
    expected.forEach((e, j) => assert.ok(Math.abs(value[2 + j] - e) < 1e-12, `value[${2 + j}] = ${value[2 + j]}, want ${e}`));
  }
  assert.equal(rsi.warmup!({ timePeriod: 2 }), 2);
});

test('indicator.rsi gives 0 on a flat series (TA-Lib: gain + loss is zero)', () => {
  const { value } = runKernel(rsi, { timePeriod: 2 }, { series: Float64Array.from([5, 5, 5, 5]) });
  assert.deepEqual([...value.subarray(2)], [0, 0]);
});

test('indicator.rsi rejects timePeriod 1', () => {
  assert.ok(compileParams(rsi).validate({ timePeriod: 1 }).length > 0);
});
