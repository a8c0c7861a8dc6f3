/**
 * Every MA type beyond what the conformance gate sees: through `next`, `run` on odd sub-ranges and
 * whole columns against TA-Lib MA itself (npm `talib`, the C library), bit for bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';
import { createMovingAverage, maLookback, MA_TYPES } from './maType.js';

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
