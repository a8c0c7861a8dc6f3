import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Cache, type CacheKind, type CacheObserver, type KindStats } from './Cache.js';
import type { CacheStore } from './CacheStore.js';
import type { CacheValue } from './cacheValue.js';
import { MemoryStore } from './MemoryStore.js';
import { RedisStore } from './RedisStore.js';

// One suite, run against both stores: the Cache must behave the same over each.

const REDIS_URL = process.env.HEAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `hean-test-cache-${process.pid}-${randomUUID().slice(0, 8)}`;
const admin = new Redis(REDIS_URL, { lazyConnect: true });

after(async () => {
  // Everything this file wrote to the shared Redis sits under RUN.
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${RUN}*`, 'COUNT', 1000);
    if (keys.length) await admin.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  admin.disconnect();
});

const KINDS: Record<string, CacheKind> = {
  history: { ttlMs: 60_000, version: 1 },
  features: { ttlMs: 60_000, version: 1 },
  short: { ttlMs: 400, version: 1 },
};

const ZERO: KindStats = { hits: 0, misses: 0, stale: 0, corrupt: 0, errors: 0, sets: 0, computed: 0, coalesced: 0 };

interface Backend {
  name: string;
  store(): CacheStore;
}

const backends: Backend[] = [
  { name: 'memory', store: () => new MemoryStore({ maxBytes: 64 * 2 ** 20 }) },
  { name: 'redis', store: () => new RedisStore({ url: REDIS_URL, warn: () => {}, log: () => {} }) },
];

let prefixes = 0;

function makeCache(store: CacheStore, extra: { prefix?: string; kinds?: Record<string, CacheKind>; now?: () => number; lockMs?: number } = {}) {
  const warnings: [string, string][] = [];
  const seen: string[] = [];
  const observer: CacheObserver = {
    hit: (k) => seen.push(`hit ${k}`),
    miss: (k) => seen.push(`miss ${k}`),
    corrupt: (k) => seen.push(`corrupt ${k}`),
    stale: (k) => seen.push(`stale ${k}`),
    error: (k) => seen.push(`error ${k}`),
  };
  const cache = new Cache({ store, kinds: extra.kinds ?? KINDS, prefix: extra.prefix ?? `${RUN}:${++prefixes}`, warn: (c, m) => warnings.push([c, m]), observer, now: extra.now, lockMs: extra.lockMs });
  return { cache, warnings, seen };
}

/** Float64 values from raw bit patterns, so NaN payloads and -0 are exact. */
function fromBits(bits: bigint[]): Float64Array {
  return new Float64Array(new BigUint64Array(bits).buffer);
}

function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A column like real closes: a random walk with two decimals (compressible, as prices are). */
function walk(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let x = 30000;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    x += ((s % 2001) - 1000) / 100;
    out[i] = Math.round(x * 100) / 100;
  }
  return out;
}

for (const backend of backends) {
  describe(`Cache over ${backend.name}`, () => {
    const stores: CacheStore[] = [];
    const open = () => {
      const s = backend.store();
      stores.push(s);
      return s;
    };
    after(async () => {
      for (const s of stores) await s.close();
    });

    it('returns typed columns bit for bit (NaN payloads, -0, infinities), compressed or not, as fresh copies', async () => {
      const store = open();
      const { cache } = makeCache(store);
      const odd = fromBits([0x7ff8000000000001n, 0xfff4000000000abcn, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x0000000000000001n, 0x3ff0000000000000n]);
      const big = walk(50_000, 7);
      big.set(odd, 1000); // odd values inside the compressed payload too
      const value = {
        columns: { close: big, odd },
        counts: new Int32Array([-1, 0, 2 ** 31 - 1]),
        raw: new Uint8Array([0, 255, 7]),
        f32: new Float32Array([1.5, -0, NaN]),
        meta: { symbol: 'BTCUSDT', timeframe: '1h', rows: 50_000, nested: [1, 'two', null, true, { deep: -0.5 }] },
      };
      await cache.set('history', 'btc', value);
      await cache.set('features', 'small', { odd });
      // The big entry was compressed (its stored bytes are fewer than its columns alone), the small one was not.
      const stored = (await store.get(cache.storeKey('history', 'btc')))!;
      assert.ok(stored.length < big.byteLength * 0.8, `stored ${stored.length} bytes for ${big.byteLength} bytes of column`);
      const small = (await store.get(cache.storeKey('features', 'small')))!;
      assert.ok(small.length > odd.byteLength, 'a small value is stored as is');

      const got = (await cache.get('history', 'btc')) as typeof value;
      assert.ok(got.columns.close instanceof Float64Array && got.counts instanceof Int32Array && got.raw instanceof Uint8Array && got.f32 instanceof Float32Array);
      assert.ok(bytesOf(got.columns.close).equals(bytesOf(big)));
      assert.ok(bytesOf(got.columns.odd).equals(bytesOf(odd)));
      assert.ok(bytesOf(got.counts).equals(bytesOf(value.counts)));
      assert.ok(bytesOf(got.raw).equals(bytesOf(value.raw)));
      assert.ok(bytesOf(got.f32).equals(bytesOf(value.f32)));
      assert.deepEqual(got.meta, value.meta);
      assert.ok(Object.is(got.columns.odd[2], -0));
      // Writing to what a hit returned leaves the cache alone.
      got.columns.close[0] = -1;
      const again = (await cache.get('history', 'btc')) as typeof value;
      assert.equal(again.columns.close[0], big[0]);
      const smallGot = (await cache.get('features', 'small')) as { odd: Float64Array };
      assert.ok(bytesOf(smallGot.odd).equals(bytesOf(odd)));
    });

    it('counts hits and misses per kind exactly, and tells the observer', async () => {
      const { cache, seen } = makeCache(open());
      assert.equal(await cache.get('history', 'a'), undefined);
      await cache.set('history', 'a', { v: 1 });
      assert.deepEqual(await cache.get('history', 'a'), { v: 1 });
      assert.deepEqual(await cache.get('history', 'a'), { v: 1 });
      assert.equal(await cache.get('features', 'a'), undefined); // kinds are separate namespaces
      assert.deepEqual(cache.stats(), {
        history: { ...ZERO, hits: 2, misses: 1, sets: 1 },
        features: { ...ZERO, misses: 1 },
        short: { ...ZERO },
      });
      assert.deepEqual(seen, ['miss history', 'hit history', 'hit history', 'miss features']);
    });

    it('forgets an entry after its kind\'s TTL', async () => {
      const { cache } = makeCache(open());
      await cache.set('short', 'k', [1, 2, 3]);
      await cache.set('history', 'k', [4]);
      assert.deepEqual(await cache.get('short', 'k'), [1, 2, 3]);
      await sleep(900);
      assert.equal(await cache.get('short', 'k'), undefined);
      assert.deepEqual(await cache.get('history', 'k'), [4]);
      assert.deepEqual(cache.stats().short, { ...ZERO, hits: 1, misses: 1, sets: 1 });
    });

    it('counts an entry older than the TTL now allows as stale, and drops it', async () => {
      const store = open();
      const prefix = `${RUN}:${++prefixes}`;
      const writer = makeCache(store, { prefix });
      await writer.cache.set('history', 'k', 'old');
      // A reader whose clock is 10 s ahead and whose history TTL is 5 s.
      const reader = makeCache(store, { prefix, kinds: { ...KINDS, history: { ttlMs: 5000, version: 1 } }, now: () => Date.now() + 10_000 });
      assert.equal(await reader.cache.get('history', 'k'), undefined);
      assert.deepEqual(reader.cache.stats().history, { ...ZERO, misses: 1, stale: 1 });
      assert.deepEqual(reader.seen, ['stale history', 'miss history']);
      assert.equal(await store.get(writer.cache.storeKey('history', 'k')), undefined);
    });

    it('never reads entries of another kind version', async () => {
      const store = open();
      const prefix = `${RUN}:${++prefixes}`;
      await makeCache(store, { prefix }).cache.set('history', 'k', 'v1 layout');
      const v2 = makeCache(store, { prefix, kinds: { ...KINDS, history: { ttlMs: 60_000, version: 2 } } });
      assert.equal(await v2.cache.get('history', 'k'), undefined);
      assert.deepEqual(v2.cache.stats().history, { ...ZERO, misses: 1 });
      assert.deepEqual(v2.warnings, []);
    });

    it('ignores, counts, warns about and deletes corrupt, truncated, foreign and other-version entries', async () => {
      const store = open();
      const { cache, warnings, seen } = makeCache(store);
      const column = walk(20_000, 3);
      await cache.set('history', 'good', { column });
      await cache.set('history', 'other', { column: walk(10, 1) });
      const good = Buffer.from((await store.get(cache.storeKey('history', 'good')))!);
      const other = Buffer.from((await store.get(cache.storeKey('history', 'other')))!);
      const flipped = Buffer.from(good);
      flipped[flipped.length - 100] ^= 0x10;
      const futureFormat = Buffer.from(good);
      futureFormat.writeUInt16LE(2, 8);
      const damaged: [string, Buffer, RegExp][] = [
        ['flipped', flipped, /checksum mismatch/],
        ['truncated', good.subarray(0, good.length - 1), /truncated: \d+ bytes, its header says \d+/],
        ['header-only', good.subarray(0, 20), /truncated: 20 bytes/],
        ['foreign', other, /written for another key/],
        ['version', futureFormat, /written in format 2, this hean reads format 1/],
        ['garbage', Buffer.from('{"close":[1,2,3]}'), /not a hean cache entry/],
      ];
      for (const [key, bytes] of damaged) await store.set(cache.storeKey('history', key), bytes, 60_000);
      // An entry of another kind moved under a history key.
      await cache.set('features', 'moved', { x: 1 });
      await store.set(cache.storeKey('history', 'moved'), (await store.get(cache.storeKey('features', 'moved')))!, 60_000);

      for (const [key] of damaged) assert.equal(await cache.get('history', key), undefined, key);
      assert.equal(await cache.get('history', 'moved'), undefined);
      assert.deepEqual(warnings.map(([code]) => code), Array(damaged.length + 1).fill('cache/corrupt'));
      damaged.forEach(([key, , reason], i) => assert.match(warnings[i][1], new RegExp(`^cache: history entry "${key}" in .* ignored: ${reason.source}`)));
      assert.match(warnings.at(-1)![1], /holds a "features" entry where a "history" one belongs/);
      assert.deepEqual(cache.stats().history, { ...ZERO, sets: 2, misses: damaged.length + 1, corrupt: damaged.length + 1 });
      assert.equal(seen.filter((s) => s === 'corrupt history').length, damaged.length + 1);
      // Each was deleted, so the next lookup is a plain miss, and a getOrCompute rebuilds it.
      for (const [key] of damaged) assert.equal(await store.get(cache.storeKey('history', key)), undefined);
      const rebuilt = await cache.getOrCompute('history', 'flipped', () => ({ column }));
      assert.ok(bytesOf(rebuilt.column as Float64Array).equals(bytesOf(column)));
      assert.ok(bytesOf(((await cache.get('history', 'flipped')) as { column: Float64Array }).column).equals(bytesOf(column)));
      // The intact entry is untouched by all of this.
      assert.ok(bytesOf(((await cache.get('history', 'good')) as { column: Float64Array }).column).equals(bytesOf(column)));
    });

    it('getOrCompute runs one computation for concurrent callers and stores it', async () => {
      const { cache } = makeCache(open());
      let runs = 0;
      const compute = async () => {
        runs++;
        await sleep(50);
        return { close: new Float64Array([1, 2, 3]) };
      };
      const results = await Promise.all(Array.from({ length: 5 }, () => cache.getOrCompute('features', 'f', compute)));
      assert.equal(runs, 1);
      for (const r of results) assert.deepEqual([...(r.close as Float64Array)], [1, 2, 3]);
      const later = await cache.getOrCompute('features', 'f', compute);
      assert.equal(runs, 1);
      assert.deepEqual([...(later.close as Float64Array)], [1, 2, 3]);
      assert.deepEqual(cache.stats().features, { ...ZERO, hits: 5, misses: 1, sets: 1, computed: 1, coalesced: 4 });
    });

    it('a computation that throws rejects everyone sharing it and stores nothing', async () => {
      const { cache } = makeCache(open());
      const boom = async (): Promise<CacheValue> => {
        await sleep(20);
        throw new Error('exchange said no');
      };
      const calls = [cache.getOrCompute('features', 'x', boom), cache.getOrCompute('features', 'x', boom)];
      for (const call of calls) await assert.rejects(call, /exchange said no/);
      assert.equal(await cache.get('features', 'x'), undefined);
      assert.equal(await cache.getOrCompute('features', 'x', () => 'fine'), 'fine');
    });

    it('rejects unknown kinds and values it cannot carry, saying what to do', async () => {
      const { cache } = makeCache(open());
      await assert.rejects(cache.get('histroy', 'k'), /unknown cache kind "histroy"; known kinds: history, features, short/);
      await assert.rejects(cache.set('history', 'k', { close: [1, NaN] } as never), /value\.close\[1\] is NaN: numbers outside typed arrays must be finite .* put such values in a Float64Array/);
      await assert.rejects(cache.set('history', 'k', { when: new Date(0) } as never), /value\.when is a Date; the cache carries plain objects/);
      await assert.rejects(cache.set('history', 'k', { b: new BigInt64Array(1) } as never), /value\.b is a BigInt64Array; the cache carries Float64Array/);
      await assert.rejects(cache.get('history', ''), /cache key for kind history must be a non-empty string/);
    });
  });
}

describe('MemoryStore', () => {
  it('stays under its byte bound, dropping the least recently used entries', async () => {
    const entry = (fill: number) => new Uint8Array(1000).fill(fill);
    const store = new MemoryStore({ maxBytes: 3500 });
    await store.set('a', entry(1), 60_000);
    await store.set('b', entry(2), 60_000);
    await store.set('c', entry(3), 60_000);
    await store.get('a'); // a is now the most recently used
    await store.set('d', entry(4), 60_000);
    assert.equal(await store.get('b'), undefined);
    for (const [key, fill] of [['a', 1], ['c', 3], ['d', 4]] as const) assert.equal((await store.get(key))![0], fill);
    assert.equal(store.bytes, 3000);
    assert.equal(store.evictions, 1);
    // Replacing an entry counts its new size only.
    await store.set('a', new Uint8Array(1500), 60_000);
    assert.equal(store.bytes, 3500);
    assert.equal(store.evictions, 1);
    // An entry larger than the whole bound is refused, and evicts nothing.
    await store.set('huge', new Uint8Array(4000), 60_000);
    assert.equal(await store.get('huge'), undefined);
    assert.equal(store.refused, 1);
    assert.equal(store.size, 3);
  });

  it('counts bytes of a Cache\'s entries, compressed', async () => {
    const a = walk(100_000, 5);
    const b = walk(100_000, 6);
    // How many bytes one entry takes, measured on a scratch store.
    const scratch = new MemoryStore();
    await new Cache({ store: scratch, kinds: KINDS, warn: () => {} }).set('history', 'a', { column: a });
    const entryBytes = scratch.bytes;
    assert.ok(entryBytes < a.byteLength * 0.8, `${entryBytes} bytes for ${a.byteLength} bytes of column: compressed`);
    // Room for one and a half entries, less than one column uncompressed.
    const store = new MemoryStore({ maxBytes: Math.floor(entryBytes * 1.5) });
    const cache = new Cache({ store, kinds: KINDS, warn: () => {} });
    await cache.set('history', 'a', { column: a });
    assert.equal(store.bytes, entryBytes);
    await cache.set('history', 'b', { column: b });
    assert.ok(store.bytes <= store.maxBytes);
    assert.equal(store.evictions, 1);
    assert.equal(await cache.get('history', 'a'), undefined); // evicted to make room for b
    assert.ok(bytesOf(((await cache.get('history', 'b')) as { column: Float64Array }).column).equals(bytesOf(b)));
  });
});

describe('RedisStore', () => {
  it('shares one computation between processes through a lock', async () => {
    const prefix = `${RUN}:lock`;
    // Two caches with their own connections and no shared memory: as two processes would be.
    const a = makeCache(new RedisStore({ url: REDIS_URL, warn: () => {}, log: () => {} }), { prefix });
    const b = makeCache(new RedisStore({ url: REDIS_URL, warn: () => {}, log: () => {} }), { prefix });
    try {
      let runsA = 0;
      let runsB = 0;
      const first = a.cache.getOrCompute('history', 'k', async () => {
        runsA++;
        await sleep(300);
        return { close: new Float64Array([42]) };
      });
      await sleep(50); // a holds the lock by now
      const second = await b.cache.getOrCompute('history', 'k', () => (runsB++, { close: new Float64Array([-1]) }));
      assert.deepEqual([...((await first).close as Float64Array)], [42]);
      assert.deepEqual([...(second.close as Float64Array)], [42]);
      assert.equal(runsA, 1);
      assert.equal(runsB, 0);
      assert.deepEqual(b.cache.stats().history, { ...ZERO, hits: 1 });
      assert.equal(await admin.exists(`${a.cache.storeKey('history', 'k')}:lock`), 0, 'the lock is released');
    } finally {
      await a.cache.close();
      await b.cache.close();
    }
  });

  it('a foreign value of another Redis type under the key is corrupt, not an error', async () => {
    const { cache, warnings } = makeCache(new RedisStore({ url: REDIS_URL, warn: () => {}, log: () => {} }));
    try {
      await admin.hset(cache.storeKey('history', 'h'), { someone: 'else' });
      assert.equal(await cache.get('history', 'h'), undefined);
      assert.deepEqual(cache.stats().history, { ...ZERO, misses: 1, corrupt: 1 });
      assert.match(warnings[0][1], /ignored: holds a Redis hash, not a cache entry/);
    } finally {
      await cache.close();
    }
  });
});
