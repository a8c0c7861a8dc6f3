/**
 * The tie and NaN rules of the kinds built on RollingExtreme, which real prices rarely exercise:
 * every such kind against the TA-Lib C library on inputs drawn from a few values (many equal
 * extremes, +0 and -0, NaN), bit for bit, at chunk sizes 1, 7 and whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allNodes } from '../../index.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';

const ROWS = 2000;

function column(seed: number, values: number[]): Float64Array {
  let s = seed;
  return Float64Array.from({ length: ROWS }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return values[(s >>> 16) % values.length];
  });
}

const cases: [string, Record<string, unknown>][] = [
  ['max', { timePeriod: 5 }], ['min', { timePeriod: 5 }], ['maxindex', { timePeriod: 5 }], ['minindex', { timePeriod: 5 }],
  ['minmax', { timePeriod: 4 }], ['minmaxindex', { timePeriod: 4 }], ['midpoint', { timePeriod: 5 }], ['midprice', { timePeriod: 5 }],
  ['willr', { timePeriod: 5 }], ['aroon', { timePeriod: 4 }], ['aroonosc', { timePeriod: 4 }],
  ['stoch', { fastKPeriod: 5 }], ['stochf', { fastKPeriod: 4 }], ['stochrsi', { timePeriod: 3, fastKPeriod: 4 }],
];

for (const [withNaN, values] of [[false, [1, 2, 2, 3, 0, -0]], [true, [1, 2, 3, 0, -0, NaN]]] as const) {
  const inputs: Record<string, Float64Array> = {
    series: column(1, [...values]),
    high: column(2, [...values]),
    low: column(3, [...values]),
    close: column(4, [...values]),
  };
  for (const [name, params] of cases) {
    test(`indicator.${name} ${JSON.stringify(params)} breaks ties${withNaN ? ' and skips NaNs' : ''} as TA-Lib does`, () => {
      const def = allNodes.find((d) => d.kind === `indicator.${name}`)!;
      const fn = talibFunctions.find((f) => f.kind === def.kind)!;
      const want = talibReference(fn, inputs, compileParams(def).parse(params), ROWS);
      for (const chunkSize of [1, 7, ROWS]) {
        const got = runKernel(def, params, inputs, { chunkSize, length: ROWS });
        for (const o of fn.outputs) {
          for (let i = 0; i < ROWS; i++) {
            const a = got[o.heanName][i];
            const b = want[o.heanName][i];
            if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)))) assert.fail(`${o.heanName}[${i}] chunk ${chunkSize}: hean ${a}, TA-Lib ${b}`);
          }
        }
      }
    });
  }
}
