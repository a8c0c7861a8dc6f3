/**
 * The second half of the candlestick patterns (alphabetically, cdlhomingpigeon on) against the
 * TA-Lib C library on synthetic candles. Several of them (kicking, ladder bottom, mat hold,
 * falling three methods, upside gap two crows) never fire on the gate's 5,000 real bars, so the
 * gate alone would not see a wrong branch. These candles sit on an integer grid (equal opens and
 * closes happen), with marubozu, dojis, big gaps, and a few hand-built mat holds and rising /
 * falling three methods spliced in; every pattern must fire both ways it can and match TA-Lib
 * exactly, at one-candle chunks as well.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternIndicators } from '../nodes/indicator/pattern/index.js';
import { compileParams } from '../runtime/params.js';
import { runKernel } from '../runtime/testing/runKernel.js';
import { talibFunctions, talibReference } from '../runtime/testing/talib.js';

const N = 30000;

function syntheticCandles(rows: number): Record<'open' | 'high' | 'low' | 'close', Float64Array> {
  let seed = 777;
  const rnd = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (a: number[]) => a[Math.floor(rnd() * a.length)];
  const open = new Float64Array(rows);
  const high = new Float64Array(rows);
  const low = new Float64Array(rows);
  const close = new Float64Array(rows);
  let i = 0;
  let p = 10000;
  const put = (o: number, h: number, l: number, c: number) => {
    if (i >= rows) return;
    open[i] = p + o;
    high[i] = p + h;
    low[i] = p + l;
    close[i] = p + c;
    i++;
  };
  while (i < rows) {
    const r = rnd();
    if (r < 0.004) {
      // mat hold: long white, small black gapping up, two small falling reactions inside the body, white breakout
      put(0, 62, -1, 60);
      put(80, 82, 74, 75);
      put(62, 63, 55, 56);
      put(58, 59, 53, 54);
      put(57, 101, 56, 100);
      p += 100;
    } else if (r < 0.008) {
      const s = r < 0.006 ? 1 : -1; // rising (white first) or falling (mirror image) three methods
      const mirrored = (o: number, h: number, l: number, c: number) => (s > 0 ? put(o, h, l, c) : put(-o, -l, -h, -c));
      mirrored(0, 62, -2, 60);
      mirrored(55, 56, 49, 50);
      mirrored(50, 51, 44, 45);
      mirrored(45, 46, 39, 40);
      mirrored(42, 71, 41, 70);
      p += s * 70;
    } else {
      const body = pick([0, 1, 2, 4, 8, 20, 40, 60]);
      const o = pick([0, 0, 1, -1, 3, -3, 30, -30, 70, -70]);
      const c = o + (rnd() < 0.5 ? -body : body);
      put(o, Math.max(o, c) + pick([0, 0, 1, 5, 20]), Math.min(o, c) - pick([0, 0, 1, 5, 20]), c);
      p += c;
    }
  }
  return { open, high, low, close };
}

const bars = syntheticCandles(N);

const secondHalf = patternIndicators.filter((def) => def.kind >= 'indicator.cdlhomingpigeon' && talibFunctions.some((f) => f.kind === def.kind));

for (const def of secondHalf) {
  test(`${def.kind}: equals TA-Lib on ${N} synthetic candles, firing every way it can`, (t) => {
    const fn = talibFunctions.find((f) => f.kind === def.kind)!;
    const variants: Record<string, unknown>[] = [{}];
    if ('penetration' in (def.params.properties as object)) variants.push({ penetration: 0 }, { penetration: 1.2 });
    for (const params of variants) {
      const want = talibReference(fn, bars, compileParams(def).parse(params), N).value;
      let positive = 0;
      let negative = 0;
      for (const chunkSize of [1, 4096]) {
        const got = runKernel(def, params, bars, { chunkSize, length: N }).value;
        for (let i = 0; i < N; i++) {
          if (!Object.is(got[i], want[i])) assert.fail(`${def.kind} ${JSON.stringify(params)} chunk ${chunkSize} row ${i}: hean ${got[i]}, TA-Lib ${want[i]}`);
        }
      }
      for (let i = 0; i < N; i++) {
        if (want[i] > 0) positive++;
        else if (want[i] < 0) negative++;
      }
      t.diagnostic(`${JSON.stringify(params)}: +${positive} / -${negative}`);
      if (Object.keys(params).length) continue; // other penetrations: equality only (0 can make a pattern impossible)
      assert.ok(positive + negative > 0, `${def.kind} never fires on the synthetic candles`);
      // Two-sided patterns must fire both ways.
      const twoSided = /kicking|longline|marubozu|risefall3methods|separatinglines|shortline|spinningtop|tasukigap|tristar|xsidegap3methods/.test(def.kind);
      if (twoSided) assert.ok(positive > 0 && negative > 0, `${def.kind}: +${positive} / -${negative}`);
    }
  });
}
