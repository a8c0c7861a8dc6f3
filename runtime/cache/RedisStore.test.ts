import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cache } from './Cache.js';
import { RedisStore } from './RedisStore.js';

// A dead Redis degrades the cache to misses with one warning, within the store's timeout: a
// cache only saves work, so it never fails or stalls a run.

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  for (let i = 0; i < 100 && !/Ready to accept connections/.test(out); i++) await sleep(50);
  if (!/Ready to accept connections/.test(out)) throw new Error(`redis-server did not start: ${out}`);
  return child;
}

const ZERO = { hits: 0, misses: 0, stale: 0, corrupt: 0, errors: 0, sets: 0, computed: 0, coalesced: 0 };
const kinds = { history: { ttlMs: 60_000, version: 1 } };

describe('a cache on a dead Redis', () => {
  it('answers misses within its timeout, warns once, computes values, and never throws', async () => {
    const port = await freePort(); // nothing listens here
    const warnings: [string, string][] = [];
    const store = new RedisStore({ url: `redis://hean:topsecret@127.0.0.1:${port}`, timeoutMs: 300, warn: (c, m) => warnings.push([c, m]), log: () => {} });
    const cache = new Cache({ store, kinds, prefix: 'hean-test-dead', warn: (c, m) => warnings.push([c, m]) });
    try {
      const start = performance.now();
      assert.equal(await cache.get('history', 'k'), undefined);
      await cache.set('history', 'k', { close: new Float64Array([1]) });
      const value = await cache.getOrCompute('history', 'k', () => 'computed');
      const elapsed = performance.now() - start;
      assert.equal(value, 'computed');
      // A liveness bound, not a speed claim: three calls on a 300 ms timeout must not hang.
      assert.ok(elapsed < 5000, `took ${elapsed} ms`);
      assert.equal(warnings.length, 1);
      assert.equal(warnings[0][0], 'cache/unavailable');
      assert.match(warnings[0][1], new RegExp(`^cache: redis redis://hean:\\*\\*\\*@127\\.0\\.0\\.1:${port} does not answer \\(.+\\); lookups count as misses and values are computed, until it is back$`));
      assert.doesNotMatch(warnings[0][1], /topsecret/);
      // get: error + miss; set: error; getOrCompute: lookup error, lock error, miss, and its set's error.
      assert.deepEqual(cache.stats().history, { ...ZERO, misses: 2, errors: 5, computed: 1 });
    } finally {
      await cache.close();
    }
  });

  it('degrades while its Redis is down and uses it again once it is back', async () => {
    const port = await freePort();
    let server = await startRedis(port);
    const warnings: string[] = [];
    const lines: string[] = [];
    const store = new RedisStore({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300, warn: (c) => warnings.push(c), log: (m) => lines.push(m) });
    const cache = new Cache({ store, kinds, prefix: 'hean-test-restart', warn: (c) => warnings.push(c) });
    try {
      await cache.set('history', 'k', [1]);
      assert.deepEqual(await cache.get('history', 'k'), [1]);
      server.kill('SIGKILL');
      await once(server, 'exit');
      const start = performance.now();
      assert.equal(await cache.get('history', 'k'), undefined);
      assert.equal(await cache.get('history', 'k'), undefined);
      assert.ok(performance.now() - start < 5000);
      assert.deepEqual(warnings, ['cache/unavailable']);
      server = await startRedis(port); // empty: --save '' kept nothing
      for (let i = 0; i < 100 && store.redis.status !== 'ready'; i++) await sleep(100);
      assert.equal(store.redis.status, 'ready');
      assert.deepEqual(lines, [`cache: redis redis://127.0.0.1:${port} answers again`]);
      assert.equal(await cache.get('history', 'k'), undefined);
      await cache.set('history', 'k', [2]);
      assert.deepEqual(await cache.get('history', 'k'), [2]);
      assert.deepEqual(cache.stats().history, { ...ZERO, hits: 2, misses: 3, errors: 2, sets: 2 });
    } finally {
      await cache.close();
      server.kill('SIGKILL');
    }
  });
});

describe('a Redis store that read a large entry', () => {
  it('leaves nothing that keeps a finished process alive (the reply parser\'s pool timer is unref\'d)', async () => {
    // In a child process, so the test runner's own timers do not count: read a 3 MB entry, close, list what still holds the event loop.
    const url = process.env.HEAN_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const key = `hean:test:redis-store:large:${process.pid}:${Date.now()}`;
    const script = `
      const { RedisStore } = await import(${JSON.stringify(new URL('./RedisStore.js', import.meta.url).href)});
      const store = new RedisStore({ url: ${JSON.stringify(url)}, warn: () => {}, log: () => {} });
      const bytes = new Uint8Array(3_000_000).map((_, i) => i * 7);
      await store.set(${JSON.stringify(key)}, bytes, 60_000);
      const back = await store.get(${JSON.stringify(key)});
      await store.delete(${JSON.stringify(key)});
      await store.close();
      console.log(JSON.stringify({ same: Buffer.from(back).equals(Buffer.from(bytes)), holding: process.getActiveResourcesInfo().filter((r) => r === 'Timeout') }));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    // Without the unref the parser's interval would be listed here (and hold the process ~2.5 s).
    assert.deepEqual(JSON.parse(out), { same: true, holding: [] });
  });
});
