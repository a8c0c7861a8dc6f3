import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vpin } from './vpin.js';
import { normalCdf } from './normalCdf.js';
import { compileParams } from '../../runtime/params.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { closeTo, runEveryChunking } from '../../runtime/testing/chunkings.js';
import { listedTrades, realTrades } from '../../runtime/testing/realOrderFlow.js';
import type { Trades } from '../../runtime/ports.js';

const N = NaN;

/** The whole run, checked bit for bit at chunk sizes 1, 2, 3, 7 (or `sizes`). */
const runChunked = (params: Record<string, unknown>, trades: Trades, sizes?: number[]) => runEveryChunking(vpin, params, { trades }, sizes);

// V = 10, trades [price, size, side]; the buckets they fill (worked by hand):
const HAND = listedTrades([
  [100, 4, 1], //  0  bucket 0: buy 4
  [101, 3, 1], //  1  bucket 0: buy 7
  [100, 5, -1], // 2  bucket 0: sell 3 -> complete (buy 7, sell 3, imbalance 0.4); 2 sell go to bucket 1
  [99, 2, -1], //  3  bucket 1: sell 4
  [98, 1, 1], //   4  bucket 1: buy 1
  [99, 12, 1], //  5  bucket 1: buy 5 -> complete (buy 6, sell 4: 0.2); 7 buy go to bucket 2
  [100, 3, -1], // 6  bucket 2: sell 3 -> complete exactly (buy 7, sell 3: 0.4)
  [101, 25, 1], // 7  buckets 3 and 4 all buy (1, 1); 5 buy go to bucket 5
  null, //         8  an event without a trade
  [100, 2, -1], // 9  bucket 5: sell 2
  [100, 1, N], //  10 bucket 5: 1 without side
  [99, 4, -1], //  11 bucket 5: sell 2 -> complete (buy 5, sell 4, unsided 1); 2 sell go to bucket 6
  [100, 8, 1], //  12 bucket 6: buy 8 -> complete (buy 8, sell 2: 0.6)
]);
// Bucket closing prices 100, 99, 100, 101, 101, 99, 100 from the first price 100: dP = 0, -1, 1, 1, 0, -2, 1.
// Phi(-sqrt 2) = (1 - erf(1)) / 2, erf(1) = 0.8427007929497149 (Python math.erf, an independent reference).
const ERF_1 = 0.8427007929497149;
const ERF_HALF = 0.5204998778130465;
const ERF_THIRD = 0.36264811176606293;

test('orderflow.vpin aggressor: buckets of exactly V from split trades, VPIN over n = 2, cdf over 3 (hand-worked)', () => {
  const out = runChunked({ bucketVolume: 10, window: 2, cdfWindow: 3 }, HAND);
  // Bucket 5's one unsided unit is classified in bulk: sigma over dP {0, -2} (n = 2) is sqrt 2, z = -2 / sqrt 2,
  // buy fraction Phi(-sqrt 2) = (1 - erf 1) / 2: buy 5 + f, sell 4 + (1 - f), imbalance (1 + 2f - 1) / 10 = 2f / 10.
  const unsided = (1 - ERF_1) / 10;
  closeTo(out.bucket, [N, N, 0, N, N, 1, 2, 4, N, N, N, 5, 6], 'bucket');
  closeTo(out.orderImbalance, [N, N, 0.4, 0.4, 0.4, 0.2, 0.4, 1, 1, 1, 1, unsided, 0.6], 'orderImbalance');
  // VPIN: bucket 1 (0.4 + 0.2) / 2, bucket 2 (0.2 + 0.4) / 2, buckets 3 and 4 (0.4 + 1) / 2 then 1, bucket 5 (1 + u) / 2, bucket 6 (u + 0.6) / 2
  closeTo(out.vpin, [N, N, N, N, N, 0.3, 0.3, 1, 1, 1, 1, (1 + unsided) / 2, (unsided + 0.6) / 2], 'vpin');
  // cdf over the last 3 VPIN values: {0.3, 0.3, 0.7} ranks 0.7 at 3/3; {0.3, 0.7, 1} ranks 1 at 3/3;
  // {0.7, 1, 0.5079} ranks 0.5079 at 1/3; {1, 0.5079, 0.3079} ranks 0.3079 at 1/3.
  closeTo(out.cdf, [N, N, N, N, N, N, N, 1, 1, 1, 1, 1 / 3, 1 / 3], 'cdf');
});

test('orderflow.vpin bulk: buy fraction Phi(dP / sigma) per bucket, sigma over the last n price changes (hand-worked)', () => {
  const out = runChunked({ bucketVolume: 10, window: 2, cdfWindow: 3, classification: 'bulk' }, HAND);
  // imbalance = |2 Phi(z) - 1| = erf(|z| / sqrt 2). Per bucket, with dP = 0, -1, 1, 1, 0, -2, 1 and sigma over the last two:
  // 0: one dP, no sigma: NaN; 1: sigma({0,-1}) = sqrt .5, z = -sqrt 2: erf 1; 2: sigma({-1,1}) = sqrt 2, z = 1/sqrt 2: erf 1/2;
  // 3: sigma({1,1}) = 0, dP 1: z = +Infinity: 1; 4: dP 0: 0; 5: sigma({0,-2}) = sqrt 2, z = -sqrt 2: erf 1;
  // 6: sigma({-2,1}) = sqrt 4.5, z = sqrt 2 / 3: erf 1/3.
  closeTo(out.orderImbalance, [N, N, N, N, N, ERF_1, ERF_HALF, 0, 0, 0, 0, ERF_1, ERF_THIRD], 'orderImbalance');
  closeTo(out.vpin, [N, N, N, N, N, N, (ERF_1 + ERF_HALF) / 2, 0.5, 0.5, 0.5, 0.5, ERF_1 / 2, (ERF_1 + ERF_THIRD) / 2], 'vpin');
  // VPIN values: b2 0.6816, b3 (erf 1/2 + 1) / 2 = 0.7602, b4 0.5, b5 0.4214, b6 0.6027.
  // cdf from the third value on: {0.6816, 0.7602, 0.5} ranks 0.5 at 1/3; {0.7602, 0.5, 0.4214} 1/3; {0.5, 0.4214, 0.6027} 3/3.
  closeTo(out.cdf, [N, N, N, N, N, N, N, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1 / 3, 1], 'cdf');
});

test('orderflow.vpin: decimal sizes that add up to V only to rounding still fill a bucket at the trade that reaches V', () => {
  // 100 buys of 0.1 then 100 sells of 0.1, V = 10: in binary the first hundred add up to 9.99999999999998.
  const rows: [number, number, number][] = [];
  for (let i = 0; i < 200; i++) rows.push([100 + (i % 3), 0.1, i < 100 ? 1 : -1]);
  const out = runChunked({ bucketVolume: 10, window: 1, cdfWindow: 1 }, listedTrades(rows));
  const completedAt = [...out.bucket.keys()].filter((i) => !Number.isNaN(out.bucket[i]));
  assert.deepEqual(completedAt, [99, 199], 'bucket 0 closes at the 100th trade, not with a sliver of the 101st');
  assert.equal(out.orderImbalance[99], 1);
  assert.equal(out.orderImbalance[199], 1);
  assert.equal(out.vpin[199], 1);
  assert.equal(out.cdf[199], 1);
});

test('normalCdf: published values of Phi', () => {
  assert.ok(Math.abs(normalCdf(1) - 0.841344746068543) < 1e-15);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655253931457) < 1e-15);
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 1e-15);
  assert.ok(Math.abs(normalCdf(-3) - 0.0013498980316301) < 1e-16);
  assert.equal(normalCdf(0), 0.5);
  assert.equal(normalCdf(Infinity), 1);
  assert.equal(normalCdf(-Infinity), 0);
  assert.ok(Number.isNaN(normalCdf(NaN)));
});

test('orderflow.vpin on the real spot trades: VPIN in [0, 1], floor(total volume / V) buckets, both classifications', () => {
  const { trades } = realTrades();
  let total = 0;
  for (const q of trades.size) total += q;
  const bucketVolume = 5; // 437.9 BTC in the file: 87 buckets and a partial one
  const expectedBuckets = Math.floor(total / bucketVolume);
  assert.equal(expectedBuckets, 87);
  for (const classification of ['aggressor', 'bulk']) {
    const whole = runKernel(vpin, { bucketVolume, classification }, { trades }, { chunkSize: trades.price.length });
    for (const chunkSize of [1, 7, 256]) {
      const run = runKernel(vpin, { bucketVolume, classification }, { trades }, { chunkSize });
      for (const name of Object.keys(whole)) assert.ok(run[name].every((v, i) => Object.is(v, whole[name][i])), `${classification} ${name} at chunk ${chunkSize}`);
    }
    const completed = whole.bucket.filter((b) => !Number.isNaN(b));
    assert.equal(completed.length, expectedBuckets, `${classification}: no trade here completes two 5 BTC buckets`);
    assert.deepEqual([...completed], Array.from({ length: expectedBuckets }, (_, k) => k));
    const values = whole.vpin.filter((v) => !Number.isNaN(v));
    // First VPIN at bucket 49 (aggressor) or 50 (bulk: the first bucket has no sigma); held until the last trade.
    const firstRow = whole.bucket.indexOf(classification === 'bulk' ? 50 : 49);
    assert.ok(Number.isNaN(whole.vpin[firstRow - 1]) && !Number.isNaN(whole.vpin[firstRow]), `${classification}: VPIN starts at bucket n`);
    assert.equal(values.length, trades.price.length - firstRow);
    assert.ok(values.every((v) => v >= 0 && v <= 1), `${classification}: VPIN within [0, 1]`);
    assert.ok(whole.orderImbalance.every((v) => Number.isNaN(v) || (v >= 0 && v <= 1)));
    // cdfWindow 1000 > the 38 VPIN values of the file: no cdf.
    assert.ok(whole.cdf.every((v) => Number.isNaN(v)));
    // V = total / 50 cuts the file into exactly 50 buckets, the last one closed by the last trade.
    const fifty = runKernel(vpin, { bucketVolume: total / 50, classification }, { trades }).bucket;
    assert.deepEqual([...fifty.keys()].filter((i) => !Number.isNaN(fifty[i])).at(-1), trades.price.length - 1);
    assert.equal(fifty.at(-1), 49);
  }
});

test('orderflow.vpin aggressor on the real trades: a bucket imbalance equals one computed from the tape directly', () => {
  const { trades } = realTrades(3000);
  const V = 2;
  const out = runKernel(vpin, { bucketVolume: V, window: 3 }, { trades });
  // Independent: walk the cumulative volume and split each trade's size over the [kV, (k+1)V) intervals.
  const buy: number[] = [];
  const sell: number[] = [];
  let cumulative = 0;
  for (let i = 0; i < trades.price.length; i++) {
    const from = cumulative;
    cumulative += trades.size[i];
    for (let k = Math.floor(from / V); k * V < cumulative; k++) {
      const part = Math.min(cumulative, (k + 1) * V) - Math.max(from, k * V);
      buy[k] = (buy[k] ?? 0) + (trades.side[i] === 1 ? part : 0);
      sell[k] = (sell[k] ?? 0) + (trades.side[i] === -1 ? part : 0);
    }
  }
  const imbalance = buy.map((b, k) => Math.abs(b - sell[k]) / V);
  const rows = [...out.bucket.keys()].filter((i) => !Number.isNaN(out.bucket[i]));
  assert.equal(rows.length, Math.floor(cumulative / V));
  for (const i of rows) {
    const k = out.bucket[i];
    assert.ok(Math.abs(out.orderImbalance[i] - imbalance[k]) < 1e-9, `bucket ${k}`);
    if (k >= 2) assert.ok(Math.abs(out.vpin[i] - (imbalance[k] + imbalance[k - 1] + imbalance[k - 2]) / 3) < 1e-9, `vpin at bucket ${k}`);
  }
});

test('orderflow.vpin: params schema and check()', () => {
  const { validate, parse } = compileParams(vpin);
  const p: Record<string, unknown> = { bucketVolume: 10 };
  assert.deepEqual(validate(p), []);
  assert.deepEqual(p, { bucketVolume: 10, window: 50, classification: 'aggressor', cdfWindow: 1000 });
  assert.notDeepEqual(validate({ bucketVolume: 0 }), []);
  assert.notDeepEqual(validate({ bucketVolume: 10, window: 0 }), []);
  assert.notDeepEqual(validate({ bucketVolume: 10, classification: 'tick' }), []);
  assert.notDeepEqual(validate({ bucketVolume: 10, cdfWindow: 2.5 }), []);
  const missing = vpin.check!(parse({}) as never);
  assert.equal(missing.length, 1);
  assert.deepEqual(missing[0].path, ['bucketVolume']);
  assert.match(missing[0].message, /needs bucketVolume.*daily volume \/ 50/);
  assert.deepEqual(vpin.check!(parse({ bucketVolume: 1 }) as never), []);
  assert.equal(vpin.warmup, undefined, 'the warm-up is a volume, not a number of events');
});
