/**
 * The moving-average kernels beyond what the conformance gate sees: every MA type through `next`,
 * `run` on odd sub-ranges and whole columns against TA-Lib MA itself (npm `talib`, the C library),
 * bit for bit; and the TA-Lib corners of the kinds built on them that the gate's parameter
 * variants do not reach (MAVP's period conversion, BBANDS with a MAMA shorter than its window).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';
import { compileParams } from '../../../runtime/params.js';
import { bbands } from '../overlap/bbands.js';
import { mavp } from '../overlap/mavp.js';
import { chunkStart, createMovingAverage, maLookback, MA_TYPES } from './movingAverage.js';

const ROWS = 3000;
const bars = realCandles(ROWS);
const fnMA = talibFunctions.find((f) => f.name === 'MA')!;

/** Equal bit for bit, or (MAMA: V8's Math.atan may differ from libm's in the last bit) within 1e-12. */
function assertSame(got: Float64Array, want: Float64Array, label: string, exact: boolean): void {
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${label}[${i}]: NaN expected, got ${a}`);
    else if (exact) assert.ok(Object.is(a, b), `${label}[${i}]: ${a} vs TA-Lib ${b}`);
    else assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${label}[${i}]: ${a} vs TA-Lib ${b}`);
  }
}

test('every MA type, by next() and by run() on uneven sub-ranges, equals TA-Lib MA', () => {
  for (const type of MA_TYPES) {
    for (const period of [1, 2, 3, 4, 9, 30]) {
      const want = talibReference(fnMA, { series: bars.close }, { timePeriod: period, maType: type }, ROWS).value;
      const exact = type !== 'mama';
      const label = `${type}(${period})`;
      let first = 0;
      while (Number.isNaN(want[first])) first++;
      assert.equal(maLookback(type, period), first, `${label} lookback`);
      const average = createMovingAverage(type, period);
      assert.equal(average.lookback, first, `${label} .lookback`);
      const byNext = new Float64Array(ROWS);
      for (let i = 0; i < ROWS; i++) byNext[i] = average.next(bars.close[i]);
      assertSame(byNext, want, `${label} next`, exact);
      const byRun = new Float64Array(ROWS);
      const chunked = createMovingAverage(type, period);
      for (let from = 0, size = 1; from < ROWS; from += size, size = (size * 7 + 3) % 97) chunked.run(bars.close, byRun, from, Math.min(ROWS, from + size));
      assertSame(byRun, want, `${label} run`, exact);
      // In place: input and output the same array.
      const inPlace = Float64Array.from(bars.close);
      createMovingAverage(type, period).run(inPlace, inPlace, 0, ROWS);
      assertSame(inPlace, want, `${label} in place`, exact);
    }
  }
});

test('chunkStart clamps an absolute start row into a chunk', () => {
  assert.equal(chunkStart(5, 0, 10), 5);
  assert.equal(chunkStart(5, 10, 10), 0);
  assert.equal(chunkStart(25, 10, 10), 10);
  assert.equal(chunkStart(12, 10, 0), 0);
});

test('indicator.mavp: periods truncated and clamped as C does (fractions, negatives, NaN, huge values)', () => {
  const fn = talibFunctions.find((f) => f.kind === 'indicator.mavp')!;
  const raw = [2.9, 7.5, -3, NaN, 1e12, 31, 0, 14.999, Infinity, -Infinity];
  const periods = Float64Array.from({ length: ROWS }, (_, i) => raw[(i * 7) % raw.length] + (i % 5));
  for (const maType of ['sma', 'ema', 'kama', 't3'] as const) {
    const params = { minPeriod: 3, maxPeriod: 20, maType };
    const parsed = compileParams(mavp).parse(params);
    const want = talibReference(fn, { series: bars.close, periods }, parsed, ROWS).value;
    const got = runKernel(mavp, params, { series: bars.close, periods }, { chunkSize: 100 }).value;
    assertSame(got, want, `mavp ${maType}`, true);
  }
  assert.deepEqual(mavp.check!({ minPeriod: 9, maxPeriod: 5, maType: 'sma' }).length, 1);
});

test('indicator.bbands: a MAMA middle band shorter than the window is paired as TA-Lib pairs it', () => {
  // TA-Lib computes STDDEV from the MA's first output (32) but it moves up to timePeriod - 1, and
  // the band loop then pairs each deviation with the middle band timePeriod - 33 events earlier.
  const fn = talibFunctions.find((f) => f.kind === 'indicator.bbands')!;
  for (const params of [{ timePeriod: 50, maType: 'mama' }, { timePeriod: 34, maType: 'mama', nbDevUp: 1, nbDevDn: 3 }]) {
    const parsed = compileParams(bbands).parse(params);
    const want = talibReference(fn, { series: bars.close }, parsed, ROWS);
    const got = runKernel(bbands, params, { series: bars.close }, { chunkSize: 7 });
    assert.equal(bbands.warmup!(parsed as never), params.timePeriod - 1);
    for (const band of ['upperBand', 'middleBand', 'lowerBand']) assertSame(got[band], want[band], `bbands ${JSON.stringify(params)} ${band}`, false);
  }
});
