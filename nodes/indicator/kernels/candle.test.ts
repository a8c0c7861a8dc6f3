/**
 * The candle kernel and the candlestick patterns beyond the gates: a hand-worked TA-Lib average
 * (excluding the current candle, seeded at the first output), and the first half of the patterns
 * (alphabetically, up to cdlhikkakemod; the second half is in test/candlePatternsMore.test.ts)
 * against the TA-Lib C library on synthetic bars with planted patterns — on real
 * bars several patterns (Three Stars In The South, Concealing Baby Swallow, bullish Abandoned
 * Baby, ...) never occur, so the gates alone would not see their branches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyDoji, CandleStream, ShadowShort } from './candle.js';
import { patternIndicators } from '../pattern/index.js';
import { compileParams } from '../../../runtime/params.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../../../runtime/testing/talib.js';

test('CandleStream: TA-Lib averages exclude the current candle and slide after each output', () => {
  // lookback 3; BodyDoji over 2 candles (0.1 x high-low) for the current candle, ShadowShort over
  // 2 candles (1 x shadows / 2) for the candle 1 back.
  const cs = new CandleStream(3);
  const doji = cs.average({ ...BodyDoji, avgPeriod: 2 }, 0);
  const shadow = cs.average({ ...ShadowShort, avgPeriod: 2 }, 1);
  // candle  open high low close | high-low | shadows (upper + lower)
  //  0       10   12   9   11   |  3       | 1 + 1 = 2
  //  1       11   15  10   12   |  5       | 3 + 1 = 4
  //  2       12   16  11   12   |  5       | 4 + 1 = 5
  //  3       12   20   8   10   | 12       | 8 + 2 = 10
  //  4       10   11   9   10.5 |  2       | 0.5 + 1 = 1.5
  assert.equal(cs.push(10, 12, 9, 11), false);
  assert.equal(cs.push(11, 15, 10, 12), false);
  assert.equal(cs.push(12, 16, 11, 12), false);
  assert.equal(cs.push(12, 20, 8, 10), true); // index 3 = lookback: first output, totals seeded
  assert.equal(doji.total, 5 + 5); // candles 1, 2 (not 3, the current one)
  assert.equal(doji.value(), 0.1 * (10 / 2));
  assert.equal(shadow.total, 2 + 4); // candles 0, 1: the two before candle 2
  assert.equal(shadow.value(), (1 * (6 / 2)) / 2);
  assert.equal(cs.push(10, 11, 9, 10.5), true); // slide: + newest range - trailing range
  assert.equal(doji.value(), 0.1 * ((10 + (12 - 5)) / 2)); // candles 2, 3
  assert.equal(shadow.value(), (1 * ((6 + (5 - 2)) / 2)) / 2); // candles 1, 2
  assert.equal(cs.realBody(1), 2);
  assert.equal(cs.color(1), -1);
  assert.equal(cs.upperShadow(0), 0.5);
  assert.equal(cs.count, 5);
});

// Synthetic bars: small random candles with TA-Lib patterns planted (jittered, so some fail).
function plantedBars(n: number): Record<'open' | 'high' | 'low' | 'close', Float64Array> {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const templates: number[][][] = [
    [[100, 105.2, 99.8, 105], [107, 107.3, 105.8, 106], [106.5, 106.7, 101.8, 102]], // two crows
    [[100, 103, 99.5, 102.5], [103, 103.2, 100.98, 101], [102, 102.1, 99.99, 100], [101, 101.1, 98.99, 99]], // three black crows
    [[105, 105.2, 94, 100], [102, 102.2, 97, 99], [98.5, 98.51, 97.99, 98]], // three stars in the south
    [[105, 105, 100, 100], [100, 100, 96, 96], [95, 97, 93.5, 94], [98, 98.5, 91, 92]], // concealing baby swallow
    [[105, 105.2, 99.8, 100], [98, 98.5, 97.5, 98.02], [99, 103.2, 98.8, 103]], // abandoned baby (bull)
    [[100, 105.2, 99.8, 105], [107, 107.5, 106.5, 107.02], [106, 106.2, 101.8, 102]], // abandoned baby (bear)
    [[110, 110.2, 104.8, 105], [104, 104.2, 102.8, 103], [102.5, 103, 101.5, 102], [101.5, 102, 100, 100.5], [100.6, 104.6, 100.4, 104.5]], // breakaway
    [[100, 105.2, 99.8, 105], [106, 107.2, 105.8, 107], [107.5, 108.5, 107, 108], [108.5, 110, 108, 109.5], [109.4, 109.6, 105.4, 105.5]],
    [[100, 110, 90, 105], [100, 108, 92, 92.5], [100, 106, 94, 101], [100, 105, 93, 99], [100, 108, 99, 107]], // modified hikkake + confirmation
    [[100, 110, 90, 95], [100, 108, 92, 107.5], [100, 106, 94, 99], [100, 107, 95, 101], [100, 101, 92, 93]],
    [[100, 103.01, 99.5, 103], [101.5, 104.51, 101, 104.5], [103, 106.01, 102.5, 106]], // three white soldiers
    [[100, 102.1, 99.9, 102], [101.5, 103.6, 101.4, 103.5], [103, 105.1, 102.9, 105], [105.5, 105.6, 99.4, 99.5]], // three-line strike
    [[105, 105.1, 102.9, 103], [103.5, 103.6, 101.4, 101.5], [102, 102.1, 99.9, 100], [99.5, 105.6, 99.4, 105.5]],
    [[100, 105.2, 99.8, 105], [106, 106.6, 105.8, 106.5], [106, 106.2, 101.8, 102]], // evening star
    [[100, 101, 99.5, 100.5], [102, 103.2, 101.8, 103], [102.05, 103.2, 101.9, 103.02]], // side-by-side white
  ];
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let i = 0;
  let base = 100;
  while (i < n) {
    if (rnd() < 0.12) {
      const t = templates[Math.floor(rnd() * templates.length)];
      const jr = rnd();
      const jitter = jr < 0.5 ? 0 : jr < 0.8 ? 0.1 : 0.6;
      const scale = rnd() < 0.5 ? 1 : 0.5 + rnd();
      const shift = base - 100 * scale;
      const j = () => (jitter ? Math.round((rnd() - 0.5) * jitter * 40) / 40 : 0);
      for (const [o, h, l, c] of t) {
        if (i >= n) break;
        open[i] = o * scale + shift + j();
        high[i] = h * scale + shift + j();
        low[i] = l * scale + shift + j();
        close[i] = c * scale + shift + j();
        high[i] = Math.max(high[i], open[i], close[i]);
        low[i] = Math.min(low[i], open[i], close[i]);
        i++;
      }
      base = close[i - 1];
    } else {
      const o = Math.round((base + (rnd() - 0.5) * 0.5) * 20) / 20;
      const c = Math.round((o + (rnd() - 0.5) * 1.5) * 20) / 20;
      open[i] = o;
      close[i] = c;
      high[i] = Math.max(o, c) + Math.round(rnd() * 10) / 20;
      low[i] = Math.min(o, c) - Math.round(rnd() * 10) / 20;
      base = c;
      i++;
    }
  }
  return { open, high, low, close };
}

const ROWS = 6000;
const bars = plantedBars(ROWS);

const firstHalf = patternIndicators.filter((def) => def.kind < 'indicator.cdlhomingpigeon' && talibFunctions.some((f) => f.kind === def.kind));

for (const def of firstHalf) {
  test(`${def.kind}: equals the TA-Lib C library on bars with planted patterns, and fires there`, () => {
    const fn = talibFunctions.find((f) => f.kind === def.kind)!;
    const variants: Record<string, unknown>[] = [{}];
    for (const o of fn.optInputs) variants.push({ [o.heanName]: 0 }, { [o.heanName]: 1 });
    let fired = 0;
    for (const params of variants) {
      const want = talibReference(fn, bars, compileParams(def).parse(params), ROWS).value;
      for (const chunkSize of [1, 7, 1000]) {
        const got = runKernel(def, params, bars, { chunkSize }).value;
        for (let i = 0; i < ROWS; i++) {
          if (Number.isNaN(want[i])) assert.ok(Number.isNaN(got[i]), `${def.kind} ${JSON.stringify(params)}[${i}]: NaN expected, got ${got[i]}`);
          else if (got[i] !== want[i]) assert.fail(`${def.kind} ${JSON.stringify(params)} chunk ${chunkSize} [${i}]: hean ${got[i]}, TA-Lib ${want[i]}`);
        }
      }
      for (let i = 0; i < ROWS; i++) if (want[i] !== 0 && !Number.isNaN(want[i])) fired++;
    }
    assert.ok(fired > 0, `${def.kind} never fires on the planted bars: the test would prove little`);
  });
}
