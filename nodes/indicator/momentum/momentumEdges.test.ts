/**
 * Branches of the momentum / volatility / volume kinds that the TA-Lib gates do not reach (they
 * run periods >= 2 on real bars): timePeriod 1 (TA-Lib's own special cases), unsorted ULTOSC
 * periods, ADOSC with fast > slow, and flat stretches that hit the "within 1e-14 of zero"
 * branches (DX repeats its last value, ADX holds, MFI/BOP/WILLR give 0, IMI gives 0 / 0). Each is
 * compared bit for bit with the TA-Lib C library, at chunk sizes 1 and 97.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileParams } from '../../../runtime/params.js';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';
import { volatilityIndicators } from '../volatility/index.js';
import { volumeIndicators } from '../volume/index.js';
import { momentumIndicators } from './index.js';
import { plusDi } from './plus_di.js';
import { dx } from './dx.js';

const kinds = [...momentumIndicators, ...volatilityIndicators, ...volumeIndicators];
const ROWS = 1200;
const real = realCandles(ROWS);
/** Real bars with a long flat stretch (every price 50, volume 3) in the middle. */
const flat = Object.fromEntries(Object.entries(real).map(([k, v]) => [k, Float64Array.from(v)])) as typeof real;
for (let i = 300; i < 900; i++) {
  flat.open[i] = flat.high[i] = flat.low[i] = flat.close[i] = 50;
  flat.volume[i] = 3;
}

const cases: [string, Record<string, unknown>][] = [
  ['plus_dm', { timePeriod: 1 }], ['minus_dm', { timePeriod: 1 }], ['plus_di', { timePeriod: 1 }], ['minus_di', { timePeriod: 1 }],
  ['natr', { timePeriod: 1 }], ['mom', { timePeriod: 1 }], ['roc', { timePeriod: 1 }], ['rocp', { timePeriod: 1 }],
  ['rocr', { timePeriod: 1 }], ['rocr100', { timePeriod: 1 }],
  ['ultosc', { timePeriod1: 28, timePeriod2: 7, timePeriod3: 14 }], ['ultosc', { timePeriod1: 1, timePeriod2: 5, timePeriod3: 2 }],
  ['adosc', { fastPeriod: 10, slowPeriod: 3 }], ['adosc', { fastPeriod: 4, slowPeriod: 4 }],
  ...['adx', 'adxr', 'dx', 'plus_di', 'minus_di', 'plus_dm', 'minus_dm', 'willr', 'aroon', 'aroonosc', 'bop', 'cci', 'cmo', 'imi', 'mfi', 'ultosc', 'natr', 'trange', 'ad', 'adosc', 'obv'].map(
    (k) => [k, {}] as [string, Record<string, unknown>],
  ),
];

for (const [name, params] of cases) {
  test(`indicator.${name} ${JSON.stringify(params)} equals TA-Lib bit for bit, flat stretches included`, () => {
    const def = kinds.find((d) => d.kind === `indicator.${name}`)!;
    const fn = talibFunctions.find((f) => f.kind === def.kind)!;
    const parsed = compileParams(def).parse(params);
    const warmup = def.warmup!(parsed);
    for (const bars of [real, flat]) {
      const inputs = Object.fromEntries(fn.inputPorts.map((p) => [p, bars[(p === 'series' ? 'close' : p) as keyof typeof bars]]));
      const want = talibReference(fn, inputs, parsed, ROWS);
      for (const chunkSize of [1, 97]) {
        const got = runKernel(def, params, inputs, { chunkSize, length: ROWS });
        for (const o of fn.outputs) {
          for (let i = 0; i < ROWS; i++) {
            if (i < warmup) assert.ok(Number.isNaN(got[o.heanName][i]), `${o.heanName}[${i}] in warm-up`);
            else if (!Object.is(got[o.heanName][i], want[o.heanName][i])) assert.fail(`${o.heanName}[${i}]: hean ${got[o.heanName][i]}, TA-Lib ${want[o.heanName][i]}`);
          }
        }
      }
    }
  });
}

test('indicator.plus_di with timePeriod 1 is +DM / TR without the factor 100 (TA-Lib quirk)', () => {
  // bar 1: +DM = 12 - 10 = 2 (> previous low - low = 8 - 9 < 0), TR = max(12 - 9, |12 - 9|, |9 - 9|) = 3
  // bar 2: high falls, so +DM = 0
  const high = Float64Array.from([10, 12, 11]);
  const low = Float64Array.from([8, 9, 9]);
  const close = Float64Array.from([9, 11, 10]);
  const { value } = runKernel(plusDi, { timePeriod: 1 }, { high, low, close }, { chunkSize: 1 });
  assert.ok(Number.isNaN(value[0]));
  assert.deepEqual([...value.subarray(1)], [2 / 3, 0]);
});

test('indicator.dx is 0 while the smoothed true range is zero, then follows the bars (TA-Lib)', () => {
  // timePeriod 2, three flat bars: the first DX (event 2) has TR = 0, so TA-Lib writes 0.
  // Event 3: +DM = 12 - 10 = 2, TR = 2, so +DI = 100, -DI = 0 and DX = 100.
  const high = Float64Array.from([10, 10, 10, 12]);
  const low = Float64Array.from([10, 10, 10, 10]);
  const close = Float64Array.from([10, 10, 10, 11]);
  const { value } = runKernel(dx, { timePeriod: 2 }, { high, low, close }, { chunkSize: 1 });
  assert.ok(Number.isNaN(value[0]) && Number.isNaN(value[1]));
  assert.deepEqual([...value.subarray(2)], [0, 100]);
});
