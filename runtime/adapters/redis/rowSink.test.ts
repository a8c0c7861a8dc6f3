// The Redis stream sink's part in a crash-safe session, against the shared Redis (keys under a
// prefix of this test's own, deleted after): a commit waits for the rows to land and records the
// last entry id; a restart matches the rows it makes again against the entries written after
// that id (keeping them, ids and all: readers saw them once) and, from the first that differs,
// replaces the rest. Reference: the same rows written by one uninterrupted writer.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AdapterIO, RowWriter } from '../contract.js';
import { OutputGuard } from '../outputGuard.js';
import { redisStreamSink } from '../redisStream.js';
import { connectRedis, ready } from './connection.js';

const prefix = `hean:test:sinks:${randomBytes(4).toString('hex')}`;
const url = 'redis://127.0.0.1:6379';
const redis = connectRedis(url, { name: 'hean-test', log: () => {} });

after(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

function io(logs: string[] = []): AdapterIO {
  return { env: {}, node: 'recs', graph: 'g', graphFile: '', warn: () => {}, log: (m) => logs.push(m), outputs: new OutputGuard(), commandLine: new Set(), redisUrl: url, resumable: true };
}

const chunks = [0, 1, 2].map((k) => {
  const n = 3 + k;
  const t = Float64Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + (10 * k + i) * 3_600_000);
  return { n, t, columns: [Float64Array.from({ length: n }, (_, i) => 100 + 10 * k + i + 0.25), Float64Array.from({ length: n }, (_, i) => (i === 1 ? NaN : -i))] };
});
const write = (w: RowWriter, k: number, columns = chunks[k].columns) => w.write(chunks[k].n, chunks[k].t, columns);
const entries = async (key: string) => (await redis.xrange(key, '-', '+')) as [string, string[]][];

async function uninterrupted(key: string, second = chunks[1].columns): Promise<string[][]> {
  const w = redisStreamSink.open({ stream: key }, io());
  w.start(['a', 'b']);
  write(w, 0);
  write(w, 1, second);
  write(w, 2);
  await w.close();
  return (await entries(key)).map(([, fields]) => fields);
}

/** A session that committed chunk 0, then wrote chunk 1 (landed) and crashed before the next checkpoint. */
async function crashed(key: string) {
  const w = redisStreamSink.open({ stream: key }, io());
  await w.session!.resume(undefined);
  w.start(['a', 'b']);
  write(w, 0);
  const committed = await w.session!.commit();
  write(w, 1);
  await w.settled!();
  await w.close();
  return committed;
}

test('a restart keeps the rows written after the checkpoint that it makes again (same entries, same ids) and appends the rest', async () => {
  await ready(redis, 5000);
  const reference = await uninterrupted(`${prefix}:whole`);
  const key = `${prefix}:resumed`;
  const committed = await crashed(key);
  assert.deepEqual(committed, { target: `stream ${key}`, rows: 3, lastId: (await entries(key))[2][0] });
  const before = await entries(key);
  assert.equal(before.length, 7);

  const logs: string[] = [];
  const w = redisStreamSink.open({ stream: key }, io(logs));
  await w.session!.resume(committed);
  assert.match(logs.join('\n'), /4 entries were written after the last checkpoint .*matched against them, not written twice/);
  w.start(['a', 'b']);
  write(w, 1);
  write(w, 2);
  const end = await w.session!.commit();
  await w.close();
  const after = await entries(key);
  assert.deepEqual(after.map(([, f]) => f), reference, 'every row once, in order, as the uninterrupted writer wrote them');
  assert.deepEqual(after.slice(0, 7), before, 'the entries written before the crash kept their ids');
  assert.deepEqual(end, { target: `stream ${key}`, rows: 12, lastId: after[11][0] });
  assert.match(w.describe(), /5 entries, and 4 found already written before a crash/);
});

test('a row made differently after the restart replaces the entries from there on, once', async () => {
  const changed = chunks[1].columns.map((c) => c.slice());
  changed[0][2] = 999;
  const reference = await uninterrupted(`${prefix}:whole-changed`, changed);
  const key = `${prefix}:changed`;
  const committed = await crashed(key);
  const logs: string[] = [];
  const w = redisStreamSink.open({ stream: key }, io(logs));
  await w.session!.resume(committed);
  w.start(['a', 'b']);
  write(w, 1, changed);
  write(w, 2);
  await w.session!.commit();
  await w.close();
  assert.deepEqual((await entries(key)).map(([, f]) => f), reference);
  assert.match(logs.join('\n'), /the row of 2024-01-01T12:00:00\.000Z made again after the restart differs from entry \d+-\d+, written before the crash; deleting that entry and the 1 after it/);
});
