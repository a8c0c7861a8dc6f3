/** MAVP's period conversion, a TA-Lib corner the conformance gate's parameter variants do not reach. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileParams } from '../../../runtime/params.js';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';
import { mavp } from './mavp.js';

const ROWS = 3000;
const bars = realCandles(ROWS);

test('indicator.mavp: periods truncated and clamped as C does (fractions, negatives, NaN, huge values)', () => {
  const fn = talibFunctions.find((f) => f.kind === 'indicator.mavp')!;
  const raw = [2.9, 7.5, -3, NaN, 1e12, 31, 0, 14.999, Infinity, -Infinity];
  const periods = Float64Array.from({ length: ROWS }, (_, i) => raw[(i * 7) % raw.length] + (i % 5));
  for (const maType of ['sma', 'ema', 'kama', 't3'] as const) {
    const params = { minPeriod: 3, maxPeriod: 20, maType };
    const parsed = compileParams(mavp).parse(params);
    const want = talibReference(fn, { series: bars.close, periods }, parsed, ROWS).value;
    const got = runKernel(mavp, params, { series: bars.close, periods }, { chunkSize: 100 }).value;
    for (let i = 0; i < ROWS; i++) assert.ok(Object.is(got[i], want[i]), `mavp ${maType}[${i}]: ${got[i]} vs TA-Lib ${want[i]}`);
  }
  assert.deepEqual(mavp.check!({ minPeriod: 9, maxPeriod: 5, maType: 'sma' }).length, 1);
});
