import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { StreamEntry } from './entries.js';
import { StreamGroupReader, type GroupReaderOptions } from './groupReader.js';
import { publishColumns } from './publish.js';
import { btcBars, OHLCV_FIELDS, deleteKeys, H, testClient, testPrefix, type Bars } from '../../testing/redis.js';

describe('StreamGroupReader', () => {
  let redis: Redis;
  let bars: Bars;
  let ids: string[];
  const prefix = testPrefix();
  const key = `${prefix}:btc`;
  const readers: StreamGroupReader[] = [];
  before(async () => {
    redis = await testClient();
    bars = await btcBars(5000);
    ids = Array.from(bars.t, (t) => `${t}-0`);
    await publishColumns(redis, key, { t: bars.t, names: OHLCV_FIELDS, columns: bars.columns });
  });
  after(async () => {
    for (const r of readers) await r.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  function reader(options: Partial<GroupReaderOptions> & { group: string }): StreamGroupReader {
    const r = new StreamGroupReader(redis, { key, consumer: 'c1', from: '0', blockMs: 50, ...options });
    readers.push(r);
    return r;
  }

  /** Reads until an empty read, acknowledging each batch after "processing" it. */
  async function drain(r: StreamGroupReader, processed: string[]): Promise<void> {
    for (;;) {
      const batch = await r.read();
      if (batch.length === 0) return;
      for (const [id] of batch) processed.push(id);
      await r.ack(batch.map(([id]) => id));
    }
  }

  it('reads the whole stream in batches of count, with the fields, then [] after blockMs', async () => {
    const r = reader({ group: 'all', count: 3000 });
    assert.deepEqual(await r.open(), { created: true });
    const first = await r.read();
    const second = await r.read();
    assert.equal(first.length, 3000);
    assert.equal(second.length, 2000);
    assert.deepEqual([...first, ...second].map(([id]) => id), ids);
    assert.deepEqual(first[0][1], ['open', '4261.48', 'high', '4313.62', 'low', '4261.32', 'close', '4308.83', 'volume', '47.181009']);
    assert.equal(await r.ack([...first, ...second].map(([id]) => id)), 5000);
    const start = performance.now();
    assert.deepEqual(await r.read(), []);
    assert.ok(performance.now() - start >= 40, 'waited about blockMs');
    assert.equal(await redis.xpending(key, 'all').then((p) => (p as unknown[])[0]), 0);
  });

  it('an existing group is resumed where it left off, whatever `from` says (BUSYGROUP)', async () => {
    const r = reader({ group: 'all', from: '0', count: 3000 });
    assert.deepEqual(await r.open(), { created: false });
    assert.deepEqual(await r.read(), [], 'everything was acknowledged by the previous reader');
    // New entries after the resume are delivered.
    const next = bars.t[4999] + H;
    await publishColumns(redis, key, { t: Float64Array.of(next), names: OHLCV_FIELDS, columns: OHLCV_FIELDS.map(() => Float64Array.of(1)) });
    ids.push(`${next}-0`);
    const got = await r.read();
    assert.deepEqual(got.map(([id]) => id), [`${next}-0`]);
    await r.ack([got[0][0]]);
  });

  it('after a crash the same consumer gets its unacknowledged entries again first; nothing lost or repeated after ack', async () => {
    const processed: string[] = [];
    const a = reader({ group: 'crash', count: 1000 });
    assert.deepEqual(await a.open(), { created: true });
    const b1 = await a.read();
    processed.push(...b1.map(([id]) => id));
    await a.ack(b1.map(([id]) => id));
    const b2 = await a.read(); // delivered, then the process dies before processing it
    assert.deepEqual(b2.map(([id]) => id), ids.slice(1000, 2000));
    await a.close();

    // A new process: same group and consumer; a smaller count pages through the pending entries.
    const b = reader({ group: 'crash', count: 300 });
    assert.deepEqual(await b.open(), { created: false });
    const again = await b.read();
    assert.deepEqual(again.map(([id]) => id), ids.slice(1000, 1300), 'pending entries first, in order');
    assert.deepEqual(again[0][1], b2[0][1], 'with their fields');
    processed.push(...again.map(([id]) => id));
    await b.ack(again.map(([id]) => id));
    await drain(b, processed);
    assert.deepEqual(processed, ids, 'every entry exactly once, in order');
    assert.equal(((await redis.xpending(key, 'crash')) as unknown[])[0], 0, 'nothing left pending');
  });

  it('pending entries not acknowledged by a read before a crash are not skipped by a second crash', async () => {
    const a = reader({ group: 'twice', count: 500 });
    await a.open();
    await a.read(); // 0..499 delivered, never acknowledged
    await a.close();
    const b = reader({ group: 'twice', count: 200 });
    const first = await b.read(); // 0..199 again, then b crashes too
    assert.deepEqual(first.map(([id]) => id), ids.slice(0, 200));
    await b.close();
    const c = reader({ group: 'twice', count: 5000 });
    const processed: string[] = [];
    await drain(c, processed);
    assert.deepEqual(processed, ids);
  });

  it('from a time starts at the first entry at or after it', async () => {
    const r = reader({ group: 'from-time', from: bars.t[100], count: 5 });
    assert.equal(r.startId(), `${bars.t[100] - 1}-18446744073709551615`);
    await r.open();
    assert.deepEqual((await r.read()).map(([id]) => id), ids.slice(100, 105));
    const between = reader({ group: 'from-between', from: bars.t[100] + 1, count: 1 });
    await between.open();
    assert.deepEqual((await between.read()).map(([id]) => id), [ids[101]]);
    const k = `${prefix}:same-time`;
    await publishColumns(redis, k, { t: Float64Array.of(1000, 2000, 2000), names: ['x'], columns: [Float64Array.of(1, 2, 3)] });
    const seq = new StreamGroupReader(redis, { key: k, group: 'g', consumer: 'c', from: 2000 });
    readers.push(seq);
    await seq.open();
    assert.deepEqual((await seq.read()).map(([id]) => id), ['2000-0', '2000-1'], 'every event at that time, seq 0 included');
  });

  it("from '$' gets only entries added after open; a blocked read returns as soon as one arrives, on its own connection", async () => {
    const k = `${prefix}:live`;
    await publishColumns(redis, k, { t: Float64Array.of(1000), names: ['x'], columns: [Float64Array.of(1)] });
    const r = new StreamGroupReader(redis, { key: k, group: 'g', consumer: 'c', from: '$', blockMs: 5000 });
    readers.push(r);
    await r.open();
    const start = performance.now();
    const pending = r.read();
    // The shared connection is not blocked by the read.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(await redis.xlen(k), 1);
    await redis.xadd(k, '2000-0', 'x', '2');
    const got: StreamEntry[] = await pending;
    assert.deepEqual(got, [['2000-0', ['x', '2']]]);
    assert.ok(performance.now() - start < 4000, 'returned on arrival, not at the timeout');
    const quick = new StreamGroupReader(redis, { key: k, group: 'g', consumer: 'c2', from: '$', blockMs: 100 });
    readers.push(quick);
    const [first, second] = await Promise.allSettled([quick.read(), quick.read()]);
    assert.deepEqual(first, { status: 'fulfilled', value: [] });
    assert.match(String(second.status === 'rejected' && second.reason), /read\(\) called while a read is in progress; await each read/);
  });

  it('a missing stream is created (MKSTREAM); pending entries trimmed away are acknowledged and counted', async () => {
    const k = `${prefix}:trimmed`;
    const a = new StreamGroupReader(redis, { key: k, group: 'g', consumer: 'c', from: '0', blockMs: 10 });
    readers.push(a);
    assert.deepEqual(await a.open(), { created: true });
    assert.equal(await redis.type(k), 'stream');
    await publishColumns(redis, k, { t: Float64Array.of(1000, 2000, 3000), names: ['x'], columns: [Float64Array.of(1, 2, 3)] });
    assert.equal((await a.read()).length, 3);
    await a.close();
    await redis.xdel(k, '1000-0'); // e.g. MAXLEN trimming while the consumer was down
    const b = new StreamGroupReader(redis, { key: k, group: 'g', consumer: 'c', from: '0', blockMs: 10 });
    readers.push(b);
    assert.deepEqual((await b.read()).map(([id]) => id), ['2000-0', '3000-0']);
    assert.equal(b.trimmedPending, 1);
  });

  it('rejects bad options with what is expected', () => {
    assert.throws(() => new StreamGroupReader(redis, { key, group: 'g', consumer: 'c', from: 1.5 }), /StreamGroupReader from 1.5 cannot be a stream entry id/);
    assert.throws(() => new StreamGroupReader(redis, { key, group: 'g', consumer: 'c', from: '0', count: 0 }), /count 0 is not a positive integer/);
  });
});
