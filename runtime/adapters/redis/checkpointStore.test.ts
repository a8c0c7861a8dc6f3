/**
 * The checkpoint store against the real Redis: the state and the acknowledgements land in one
 * step (or neither does), a commit resent after a lost reply changes nothing, and any number of
 * ids fits one commit.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { RedisCheckpointStore } from './checkpointStore.js';
import { deleteKeys, testClient, testPrefix } from '../../testing/redis.js';

const prefix = testPrefix();
let redis: Redis;

before(async () => {
  redis = await testClient();
});

after(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

/** A stream of `n` entries whose group has delivered all of them to consumer c (all pending). */
async function deliveredStream(key: string, n: number): Promise<string[]> {
  const pipeline = redis.pipeline();
  for (let i = 1; i <= n; i++) pipeline.xadd(key, `${i}-0`, 'v', String(i));
  await pipeline.exec();
  await redis.xgroup('CREATE', key, 'g', '0');
  const reply = (await redis.xreadgroup('GROUP', 'g', 'c', 'COUNT', n, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
  return reply[0][1].map(([id]) => id);
}

const pendingCount = async (key: string) => ((await redis.xpending(key, 'g')) as [number])[0];

test('a commit saves the state and acknowledges the entries together; resent, it changes nothing', async () => {
  const key = `${prefix}:s1`;
  const ids = await deliveredStream(key, 5);
  const store = new RedisCheckpointStore(redis, `${prefix}:ck1`);
  assert.equal(await store.load(), undefined);
  assert.equal(await store.commit('{"events":3}', [{ key, group: 'g', ids: ids.slice(0, 3) }]), 3);
  assert.equal(await pendingCount(key), 2);
  assert.deepEqual(await store.load(), { state: '{"events":3}', acked: 3 });
  // The same commit again (ioredis resends a command whose reply the connection lost): XACK counts 0.
  assert.equal(await store.commit('{"events":3}', [{ key, group: 'g', ids: ids.slice(0, 3) }]), 3);
  assert.deepEqual(await store.load(), { state: '{"events":3}', acked: 3 });
  assert.equal(await store.commit('{"events":5}', [{ key, group: 'g', ids: ids.slice(3) }]), 5);
  assert.equal(await pendingCount(key), 0);
});

test('10,000 ids over two streams in one commit (beyond what Lua unpacks at once)', async () => {
  const a = `${prefix}:big-a`;
  const b = `${prefix}:big-b`;
  const idsA = await deliveredStream(a, 6000);
  const idsB = await deliveredStream(b, 4000);
  const store = new RedisCheckpointStore(redis, `${prefix}:ck2`);
  assert.equal(await store.commit('{}', [{ key: a, group: 'g', ids: idsA }, { key: b, group: 'g', ids: idsB }]), 10_000);
  assert.equal(await pendingCount(a), 0);
  assert.equal(await pendingCount(b), 0);
});

test('a commit naming a group that no longer exists fails whole: no entry acknowledged, no state saved', async () => {
  const a = `${prefix}:whole-a`;
  const b = `${prefix}:whole-b`;
  const idsA = await deliveredStream(a, 3);
  const idsB = await deliveredStream(b, 3);
  await redis.xgroup('DESTROY', b, 'g');
  const store = new RedisCheckpointStore(redis, `${prefix}:ck3`);
  await assert.rejects(store.commit('{"events":6}', [{ key: a, group: 'g', ids: idsA }, { key: b, group: 'g', ids: idsB }]), /NOGROUP/);
  assert.equal(await pendingCount(a), 3, 'the first stream kept its pending entries');
  assert.equal(await store.load(), undefined);
});

test('a key that is not a checkpoint is refused with what to do', async () => {
  await redis.set(`${prefix}:ck4`, 'x');
  await assert.rejects(new RedisCheckpointStore(redis, `${prefix}:ck4`).load(), /is a string, not a hean checkpoint \(a hash\); bind another group, or delete the key/);
});
