import { test } from 'node:test';
import assert from 'node:assert/strict';
import { macd } from './macd.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';

test('indicator.macd: both EMAs start at slow-1, fast seeded on the values ending there', () => {
  // fast 2 (k = 2/3), slow 3 (k = 1/2), signal 2 (k = 2/3); series 1 2 6 3 9
  // idx 2: slow = (1+2+6)/3 = 3, fast = (2+6)/2 = 4 (NOT (1+2)/2), macd = 1
  // idx 3: fast = (3-4)*2/3 + 4 = 10/3, slow = (3-3)/2 + 3 = 3, macd = 1/3,
  //        signal = (1 + 1/3)/2 = 2/3, hist = -1/3           <- first output, warm-up 3
  // idx 4: fast = (9-10/3)*2/3 + 10/3 = 64/9, slow = (9-3)/2 + 3 = 6, macd = 10/9,
  //        signal = (10/9 - 2/3)*2/3 + 2/3 = 26/27, hist = 4/27
  const series = Float64Array.from([1, 2, 6, 3, 9]);
  const want = { macd: [1 / 3, 10 / 9], macdSignal: [2 / 3, 26 / 27], macdHist: [-1 / 3, 4 / 27] };
  for (const params of [
    { fastPeriod: 2, slowPeriod: 3, signalPeriod: 2 },
    { fastPeriod: 3, slowPeriod: 2, signalPeriod: 2 }, // TA-Lib swaps slow < fast
  ]) {
    for (const chunkSize of [1, 2, 5]) {
      const out = runKernel(macd, params, { series }, { chunkSize });
      for (const [name, values] of Object.entries(want)) {
        const got = out[name];
        for (let i = 0; i < 3; i++) assert.ok(Number.isNaN(got[i]), `${name}[${i}] should be NaN`);
        values.forEach((e, j) => assert.ok(Math.abs(got[3 + j] - e) < 1e-12, `${name}[${3 + j}] = ${got[3 + j]}, want ${e}`));
      }
    }
    assert.equal(macd.warmup!(params), 3);
  }
});

test('indicator.macd rejects a fast or slow period of 1 and a signal period of 0', () => {
  assert.ok(compileParams(macd).validate({ fastPeriod: 1 }).length > 0);
  assert.ok(compileParams(macd).validate({ slowPeriod: 1 }).length > 0);
  assert.ok(compileParams(macd).validate({ signalPeriod: 0 }).length > 0);
  assert.ok(compileParams(macd).validate({ timePeriod: 1 }).length > 0);
  assert.equal(compileParams(macd).validate({ signalPeriod: 1 }).length, 0);
});
