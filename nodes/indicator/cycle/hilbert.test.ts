import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycleIndicators } from './index.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';

const fnOf = (kind: string) => talibFunctions.find((f) => f.kind === kind)!;
const defOf = (kind: string) => cycleIndicators.find((d) => d.kind === kind)!;

// A flat series makes the dominant-cycle DFT pure rounding noise: the phase is then decided by
// the last bits of the DFT's sines and cosines, which the kernel tabulates as glibc returns them.
test('HT_DCPHASE, HT_TRENDMODE, HT_TRENDLINE and HT_DCPERIOD on a flat series equal TA-Lib bit for bit', () => {
  const series = new Float64Array(400).fill(5);
  for (const kind of ['indicator.ht_dcphase', 'indicator.ht_trendmode', 'indicator.ht_trendline', 'indicator.ht_dcperiod']) {
    const got = runKernel(defOf(kind), {}, { series }, { chunkSize: 17 }).value;
    const want = talibReference(fnOf(kind), { series }, {}, series.length).value;
    for (let i = 0; i < series.length; i++) assert.ok(Object.is(got[i], want[i]), `${kind}[${i}]: ${got[i]}, TA-Lib ${want[i]}`);
  }
});

test('HT_* on a clean 20-bar cycle match TA-Lib and find the period', () => {
  const series = Float64Array.from({ length: 600 }, (_, i) => 100 + Math.sin((2 * Math.PI * i) / 20));
  for (const def of cycleIndicators.filter((d) => d.kind.startsWith('indicator.ht_'))) {
    const fn = fnOf(def.kind);
    const got = runKernel(def, {}, { series }, { chunkSize: 1 });
    const want = talibReference(fn, { series }, {}, series.length);
    for (const o of fn.outputs) {
      for (let i = 0; i < series.length; i++) {
        const g = got[o.heanName][i];
        const w = want[o.heanName][i];
        assert.ok(Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= 1e-9 * Math.max(1, Math.abs(w)), `${def.kind}.${o.heanName}[${i}]: ${g}, TA-Lib ${w}`);
      }
    }
  }
  const period = runKernel(defOf('indicator.ht_dcperiod'), {}, { series }).value;
  assert.ok(Math.abs(period[599] - 20) < 0.5, `dominant cycle ${period[599]}, want about 20`);
  const trend = runKernel(defOf('indicator.ht_trendmode'), {}, { series }).value;
  // Within 1.5 % of its trendline, a pure cycle is in cycle mode (0) throughout.
  assert.ok(trend.subarray(200).every((v) => v === 0), 'a pure cycle is in cycle mode');
});
