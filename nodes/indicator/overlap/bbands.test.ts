import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bbands } from './bbands.js';
import { compileParams } from '../../../runtime/params.js';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';

const ROWS = 3000;
const bars = realCandles(ROWS);

test('indicator.bbands: SMA middle band, population standard deviation from running sums', () => {
  // timePeriod 2; series 1 3 3 7
  // idx 1: window 1,3: mid 2, variance (1+9)/2 - 2^2 = 1, std 1
  // idx 2: window 3,3: mid 3, variance (9+9)/2 - 9 = 0, std 0
  // idx 3: window 3,7: mid 5, variance (9+49)/2 - 25 = 4, std 2
  const series = Float64Array.from([1, 3, 3, 7]);
  const cases = [
    { nbDevUp: 2, nbDevDn: 2, upper: [4, 3, 9], lower: [0, 3, 1] },
    { nbDevUp: 1, nbDevDn: 1, upper: [3, 3, 7], lower: [1, 3, 3] },
    { nbDevUp: 1, nbDevDn: 3, upper: [3, 3, 7], lower: [-1, 3, -1] },
    { nbDevUp: 0.5, nbDevDn: 1, upper: [2.5, 3, 6], lower: [1, 3, 3] },
    { nbDevUp: 3, nbDevDn: 0, upper: [5, 3, 11], lower: [2, 3, 5] },
  ];
  for (const c of cases) {
    for (const chunkSize of [1, 3, 4]) {
      const out = runKernel(bbands, { timePeriod: 2, nbDevUp: c.nbDevUp, nbDevDn: c.nbDevDn }, { series }, { chunkSize });
      assert.ok(Number.isNaN(out.upperBand[0]) && Number.isNaN(out.middleBand[0]) && Number.isNaN(out.lowerBand[0]));
      assert.deepEqual([...out.middleBand.subarray(1)], [2, 3, 5]);
      assert.deepEqual([...out.upperBand.subarray(1)], c.upper, `upper ${JSON.stringify(c)}`);
      assert.deepEqual([...out.lowerBand.subarray(1)], c.lower, `lower ${JSON.stringify(c)}`);
    }
  }
  assert.equal(bbands.warmup!({ timePeriod: 2, nbDevUp: 2, nbDevDn: 2, maType: 'sma' }), 1);
});

test('indicator.bbands rejects timePeriod 1', () => {
  assert.ok(compileParams(bbands).validate({ timePeriod: 1 }).length > 0);
});

/** Within 1e-12 (a MAMA middle band: V8's Math.atan may differ from libm's in the last bit), NaN where TA-Lib has NaN. */
function assertClose(got: Float64Array, want: Float64Array, label: string): void {
  for (let i = 0; i < want.length; i++) {
    const a = got[i];
    const b = want[i];
    if (Number.isNaN(b)) assert.ok(Number.isNaN(a), `${label}[${i}]: NaN expected, got ${a}`);
    else assert.ok(Math.abs(a - b) <= 1e-12 * Math.abs(b), `${label}[${i}]: ${a} vs TA-Lib ${b}`);
  }
}

test('indicator.bbands: a MAMA middle band shorter than the window is paired as TA-Lib pairs it', () => {
  // TA-Lib computes STDDEV from the MA's first output (32) but it moves up to timePeriod - 1, and
  // the band loop then pairs each deviation with the middle band timePeriod - 33 events earlier.
  const fn = talibFunctions.find((f) => f.kind === 'indicator.bbands')!;
  for (const params of [{ timePeriod: 50, maType: 'mama' }, { timePeriod: 34, maType: 'mama', nbDevUp: 1, nbDevDn: 3 }]) {
    const parsed = compileParams(bbands).parse(params);
    const want = talibReference(fn, { series: bars.close }, parsed, ROWS);
    const got = runKernel(bbands, params, { series: bars.close }, { chunkSize: 7 });
    assert.equal(bbands.warmup!(parsed as never), params.timePeriod - 1);
    for (const band of ['upperBand', 'middleBand', 'lowerBand']) assertClose(got[band], want[band], `bbands ${JSON.stringify(params)} ${band}`);
  }
});
