import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { metaKey, publishColumns, readMeta } from './publish.js';
import { readRange } from './readRange.js';
import { btcBars, bytes, OHLCV_FIELDS, deleteKeys, H, testClient, testPrefix, type Bars } from '../../testing/redis.js';

describe('publishColumns', () => {
  let redis: Redis;
  let bars: Bars;
  const prefix = testPrefix();
  before(async () => {
    redis = await testClient();
    bars = await btcBars(5000);
  });
  after(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('writes one entry per event, id = event time, fields as shortest number text, in batches', async () => {
    const key = `${prefix}:btc`;
    const progress: [number, number][] = [];
    const res = await publishColumns(redis, key, {
      t: bars.t,
      names: OHLCV_FIELDS,
      columns: bars.columns,
      batch: 1500,
      onProgress: (done, total) => progress.push([done, total]),
      meta: { record: 'ohlcv', symbol: 'BTC/USDT', timeframe: '1h', source: 'btcusdt_1h_binance_2017-08_2024-04.csv.gz' },
    });
    // First bar opens 2017-08-17T04:00Z; its event time is the close, one hour later.
    const first = Date.parse('2017-08-17T05:00:00Z');
    assert.deepEqual(res, { entries: 5000, firstId: `${first}-0`, lastId: `${bars.t[4999]}-0` });
    assert.deepEqual(progress, [[1500, 5000], [3000, 5000], [4500, 5000], [5000, 5000]]);
    assert.equal(await redis.xlen(key), 5000);
    const [[id, fields]] = await redis.xrange(key, '-', '+', 'COUNT', 1);
    assert.equal(id, `${first}-0`);
    assert.deepEqual(fields, ['open', '4261.48', 'high', '4313.62', 'low', '4261.32', 'close', '4308.83', 'volume', '47.181009']);
    assert.deepEqual(await readMeta(redis, key), {
      record: 'ohlcv',
      symbol: 'BTC/USDT',
      timeframe: '1h',
      source: 'btcusdt_1h_binance_2017-08_2024-04.csv.gz',
    });
    assert.equal(await readMeta(redis, `${prefix}:nothing`), undefined);
  });

  it('republishing without replace fails before writing anything, saying what was found and how to fix it', async () => {
    const key = `${prefix}:again`;
    await publishColumns(redis, key, { t: bars.t, names: OHLCV_FIELDS, columns: bars.columns });
    const lastId = `${bars.t[4999]}-0`;
    const lastIso = new Date(bars.t[4999]).toISOString();
    await assert.rejects(
      publishColumns(redis, key, { t: bars.t, names: OHLCV_FIELDS, columns: bars.columns, meta: { note: 'second' } }),
      (e: Error) => {
        assert.equal(
          e.message,
          `stream ${key} on redis://127.0.0.1:6379 already has 5000 entries up to id ${lastId} (${lastIso}); ` +
            `the first new event is id ${bars.t[0]}-0 (2017-08-17T05:00:00.000Z), but new entries must come after the last one. ` +
            `Nothing was written. Pass --replace (replace: true) to delete the stream first, or publish to another key.`,
        );
        return true;
      },
    );
    assert.equal(await redis.xlen(key), 5000);
    assert.equal(await readMeta(redis, key), undefined, 'meta not written either');
    // An overlap is refused just the same: the last bar again plus later ones.
    const tail = { t: Float64Array.of(bars.t[4999], bars.t[4999] + H), names: ['close'], columns: [Float64Array.of(1, 2)] };
    await assert.rejects(publishColumns(redis, key, tail), /already has 5000 entries/);
    assert.equal(await redis.xlen(key), 5000);

    // With replace the stream is rebuilt (the old meta goes too).
    await redis.hset(metaKey(key), 'stale', 'yes');
    const res = await publishColumns(redis, key, { t: bars.t.subarray(0, 10), names: ['close'], columns: [bars.columns[3].subarray(0, 10)], replace: true, meta: { v: '2' } });
    assert.equal(res.entries, 10);
    assert.equal(await redis.xlen(key), 10);
    assert.deepEqual(await readMeta(redis, key), { v: '2' });
    // Appending after the end is fine.
    await publishColumns(redis, key, { t: Float64Array.of(bars.t[9] + H), names: ['close'], columns: [Float64Array.of(42)] });
    assert.equal(await redis.xlen(key), 11);
  });

  it('a stream whose entries were deleted still refuses ids at or below its last-generated id', async () => {
    const key = `${prefix}:emptied`;
    await publishColumns(redis, key, { t: Float64Array.of(5000, 6000), names: ['x'], columns: [Float64Array.of(1, 2)] });
    await redis.xdel(key, '5000-0', '6000-0');
    await assert.rejects(
      publishColumns(redis, key, { t: Float64Array.of(6000), names: ['x'], columns: [Float64Array.of(1)] }),
      /already has 0 entries up to id 6000-0 \(1970-01-01T00:00:06.000Z\)/,
    );
  });

  it('equal times get seq 1, 2 ...; times going backwards fail before anything is written', async () => {
    const key = `${prefix}:seq`;
    const res = await publishColumns(redis, key, { t: Float64Array.of(1000, 1000, 1000, 2000), names: ['x'], columns: [Float64Array.of(1, 2, 3, 4)] });
    assert.equal(res.lastId, '2000-0');
    assert.deepEqual((await redis.xrange(key, '-', '+')).map(([id]) => id), ['1000-0', '1000-1', '1000-2', '2000-0']);
    const bad = `${prefix}:backwards`;
    await assert.rejects(
      publishColumns(redis, bad, { t: Float64Array.of(1000, 3000, 2000), names: ['x'], columns: [Float64Array.of(1, 2, 3)] }),
      /index 2 has 2000 .* after 3000/,
    );
    assert.equal(await redis.exists(bad), 0);
    await assert.rejects(
      publishColumns(redis, bad, { t: Float64Array.of(1000.5), names: ['x'], columns: [Float64Array.of(1)] }),
      /event time at index 0: 1000.5 cannot be a stream entry id/,
    );
    await assert.rejects(publishColumns(redis, bad, { t: Float64Array.of(1), names: ['x', 'y'], columns: [Float64Array.of(1)] }), /2 field names \(x, y\) but 1 columns/);
    await assert.rejects(publishColumns(redis, bad, { t: Float64Array.of(1, 2), names: ['x'], columns: [Float64Array.of(1)] }), /column 'x' has 1 values, expected 2/);
    await assert.rejects(publishColumns(redis, bad, { t: Float64Array.of(0), names: ['x'], columns: [Float64Array.of(1)] }), /reserves the id 0-0/);
    await assert.rejects(publishColumns(redis, `${prefix}:btc:meta`, { t: Float64Array.of(1), names: ['x'], columns: [Float64Array.of(1)] }), /is a hash, not a stream/);
    assert.equal(await redis.exists(bad), 0);
  });

  it('a write that fails midway (another writer got ahead) says how many entries were written', async () => {
    const key = `${prefix}:raced`;
    const t = bars.t.subarray(0, 3000);
    await assert.rejects(
      publishColumns(redis, key, {
        t,
        names: ['close'],
        columns: [bars.columns[3].subarray(0, 3000)],
        batch: 1000,
        onProgress: (done) => {
          // The second batch is already sent (one batch in flight while the next is built), so this
          // lands before the third: its ids up to t[2500] are now too small, the rest still fit.
          if (done === 1000) void redis.xadd(key, `${t[2500]}-0`, 'close', '0');
        },
      }),
      (e: Error) => {
        assert.match(e.message, new RegExp(`^publish to stream ${key} on redis://127.0.0.1:6379: XADD ${t[2000]}-0 failed: ERR The ID specified in XADD is equal or smaller`));
        assert.match(e.message, /; 2499 of 3000 entries were written \(501 XADDs of that batch failed; later batches were not sent\)$/);
        return true;
      },
    );
    assert.equal(await redis.xlen(key), 2500);
  });

  it('maxlen trims the stream to about that many entries', async () => {
    const key = `${prefix}:capped`;
    await publishColumns(redis, key, { t: bars.t, names: ['close'], columns: [bars.columns[3]], maxlen: 1000, batch: 500 });
    const len = await redis.xlen(key);
    // MAXLEN ~ trims whole radix-tree nodes (100 entries each by default), so a little more may stay.
    assert.ok(len >= 1000 && len < 1200, `length ${len}`);
    const back = await readRange(redis, key, { fieldNames: ['close'] });
    assert.deepEqual(bytes(back.columns[0]), bytes(bars.columns[3].slice(5000 - len)), 'the newest entries are kept');
  });

  it('rate paces the batches so the average stays at or under it', async () => {
    const key = `${prefix}:paced`;
    const progress: number[] = [];
    const start = performance.now();
    await publishColumns(redis, key, {
      t: bars.t.subarray(0, 300),
      names: ['close'],
      columns: [bars.columns[3].subarray(0, 300)],
      rate: 1000,
      onProgress: (done) => progress.push(done),
    });
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 295, `300 events at 1000/s took ${elapsed.toFixed(1)} ms, expected >= 300 ms`);
    // Batches of a tenth of a second's worth (100 events) rather than one burst of 1000.
    assert.deepEqual(progress, [100, 200, 300]);
    assert.equal(await redis.xlen(key), 300);
  });
});
