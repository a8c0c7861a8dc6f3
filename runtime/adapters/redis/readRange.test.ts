import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { publishColumns } from './publish.js';
import { readRange } from './readRange.js';
import { btcBars, bytes, OHLCV_FIELDS, deleteKeys, H, testClient, testPrefix, type Bars } from '../../testing/redis.js';

describe('readRange', () => {
  let redis: Redis;
  let bars: Bars;
  const prefix = testPrefix();
  const key = `${prefix}:btc`;
  before(async () => {
    redis = await testClient();
    bars = await btcBars(5000);
    await publishColumns(redis, key, { t: bars.t, names: OHLCV_FIELDS, columns: bars.columns });
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  /** Asserts that `got` is exactly bars[lo, hi). */
  function assertSlice(got: Awaited<ReturnType<typeof readRange>>, lo: number, hi: number): void {
    assert.equal(got.t.length, hi - lo);
    assert.deepEqual(bytes(got.t), bytes(bars.t.slice(lo, hi)));
    OHLCV_FIELDS.forEach((f, j) => assert.deepEqual(bytes(got.columns[j]), bytes(bars.columns[j].slice(lo, hi)), f));
    assert.deepEqual(got.ids, Array.from(bars.t.slice(lo, hi), (t) => `${t}-0`));
  }

  it('round trip: 5,000 real bars come back byte-identical, ids = event times', async () => {
    const got = await readRange(redis, key, { fieldNames: OHLCV_FIELDS });
    // Whole buffers, not views: exact-size arrays.
    assert.deepEqual(Buffer.from(got.t.buffer), Buffer.from(bars.t.buffer));
    OHLCV_FIELDS.forEach((f, j) => assert.deepEqual(Buffer.from(got.columns[j].buffer), Buffer.from(bars.columns[j].buffer), f));
    assert.equal(got.ids[0], `${Date.parse('2017-08-17T05:00:00Z')}-0`);
    assertSlice(got, 0, 5000);
  });

  it('from/to are inclusive event times and give exactly the slice', async () => {
    assertSlice(await readRange(redis, key, { from: bars.t[100], to: bars.t[199], fieldNames: OHLCV_FIELDS }), 100, 200);
    // Between bars: from rounds up to the next bar, to down to the previous one.
    assertSlice(await readRange(redis, key, { from: bars.t[100] + 1, to: bars.t[199] - 1, fieldNames: OHLCV_FIELDS }), 101, 199);
    assertSlice(await readRange(redis, key, { from: bars.t[4990], fieldNames: OHLCV_FIELDS }), 4990, 5000);
    assertSlice(await readRange(redis, key, { to: bars.t[9], fieldNames: OHLCV_FIELDS }), 0, 10);
    assertSlice(await readRange(redis, key, { from: bars.t[7], to: bars.t[7], fieldNames: OHLCV_FIELDS }), 7, 8);
    assertSlice(await readRange(redis, key, { from: bars.t[4999] + H, fieldNames: OHLCV_FIELDS }), 0, 0);
    assertSlice(await readRange(redis, key, { from: bars.t[9], to: bars.t[8], fieldNames: OHLCV_FIELDS }), 0, 0);
  });

  it('paging does not drop or repeat entries at page boundaries, and the columns grow to fit', async () => {
    assertSlice(await readRange(redis, key, { fieldNames: OHLCV_FIELDS, page: 7 }), 0, 5000);
    assertSlice(await readRange(redis, key, { from: bars.t[3], to: bars.t[2502], fieldNames: OHLCV_FIELDS, page: 100 }), 3, 2503);
    assertSlice(await readRange(redis, key, { from: bars.t[3], to: bars.t[102], fieldNames: OHLCV_FIELDS, page: 100 }), 3, 103);
  });

  it('to includes every event at that time (seq > 0)', async () => {
    const k = `${prefix}:same-time`;
    await publishColumns(redis, k, { t: Float64Array.of(1000, 2000, 2000, 2000, 3000), names: ['x'], columns: [Float64Array.of(1, 2, 3, 4, 5)] });
    const got = await readRange(redis, k, { from: 2000, to: 2000, fieldNames: ['x'], page: 2 });
    assert.deepEqual(got.ids, ['2000-0', '2000-1', '2000-2']);
    assert.deepEqual([...got.columns[0]], [2, 3, 4]);
  });

  it('a missing stream is an error naming the key and how to create it', async () => {
    await assert.rejects(
      readRange(redis, `${prefix}:nope`, { fieldNames: ['close'] }),
      new Error(`stream ${prefix}:nope does not exist on redis redis://127.0.0.1:6379; publish one with \`hean publish FILE --stream ${prefix}:nope\``),
    );
    await redis.set(`${prefix}:string`, 'x');
    await assert.rejects(readRange(redis, `${prefix}:string`, { fieldNames: ['close'] }), /is a string, not a stream/);
    await assert.rejects(readRange(redis, key, { from: -5, fieldNames: ['close'] }), /readRange from -5 cannot be a stream entry id/);
  });

  it('publish and readRange of 58,419 bars (measured)', async () => {
    const all = await btcBars();
    assert.equal(all.t.length, 58419);
    const k = `${prefix}:all`;
    let start = performance.now();
    await publishColumns(redis, k, { t: all.t, names: OHLCV_FIELDS, columns: all.columns });
    const publishMs = performance.now() - start;
    start = performance.now();
    const got = await readRange(redis, k, { fieldNames: OHLCV_FIELDS });
    const readMs = performance.now() - start;
    OHLCV_FIELDS.forEach((f, j) => assert.deepEqual(bytes(got.columns[j]), bytes(all.columns[j]), f));
    const rate = (ms: number): string => `${Math.round((58419 / ms) * 1000).toLocaleString('en-US')} events/s`;
    console.log(
      `redis publish 58,419 bars x 5 fields: ${publishMs.toFixed(0)} ms (${rate(publishMs)}); ` +
        `readRange: ${readMs.toFixed(0)} ms (${rate(readMs)})`,
    );
  });
});
