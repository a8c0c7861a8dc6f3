import { endianness } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeValue, encodeValue, type CacheValue } from './cacheValue.js';
import { StoreUnavailableError, type CacheStore } from './CacheStore.js';
import { CacheEntryError, ENVELOPE_FORMAT, unwrapEntry, wrapEntry } from './envelope.js';

/**
 * One cache for everything hean memoises across runs (DESIGN.md section 7): values by kind and
 * key over a store (MemoryStore by default, RedisStore when a Redis URL is configured). A kind
 * ('history', 'features', 'predictions', ...) has its own time to live and its own version; the
 * store key is `<prefix>:<kind>:v<version>:f<envelope format>:<key>`, so bumping a kind's version
 * (its value's meaning changed) or the envelope format makes every older entry unreachable
 * instead of misread. Entries are checked on every read (envelope.ts); one that fails is
 * ignored with a warning, counted as corrupt, deleted and recomputed, never returned.
 *
 * Values are fresh copies on every hit (decoded from bytes, in memory too), so a caller may write
 * to what it got. Values handed to several callers of one getOrCompute flight are the same
 * object: treat them as read-only.
 */

export interface CacheKind {
  /** How long an entry lives after it was written. */
  ttlMs: number;
  /** Bump when the values of this kind change meaning or shape: older entries are never read again. */
  version: number;
}

const HOUR = 3600_000;
/** Past candles do not change; features and predictions depend on code that does. */
export const DEFAULT_KINDS: Readonly<Record<string, CacheKind>> = {
  history: { ttlMs: 7 * 24 * HOUR, version: 1 },
  features: { ttlMs: 24 * HOUR, version: 1 },
  predictions: { ttlMs: HOUR, version: 1 },
};

/**
 * Told of every lookup's outcome, e.g. by the Prometheus metrics. `miss` is called for every
 * lookup that returned no value, whatever the reason; `corrupt`, `stale` and `error` say why,
 * in addition.
 */
export interface CacheObserver {
  hit(kind: string): void;
  miss(kind: string): void;
  corrupt(kind: string): void;
  stale?(kind: string): void;
  error?(kind: string): void;
}

/** One kind's counts since the cache was made. `hits + misses` is the number of lookups (get and getOrCompute calls). */
export interface KindStats {
  hits: number;
  /** Lookups that returned no value: absent, plus the stale, corrupt and unavailable ones below. */
  misses: number;
  /** Found, but older than the kind's TTL now allows (written under a longer TTL, or by a clock ahead). */
  stale: number;
  /** Found, but failed a check (damaged, truncated, another key's, another format). */
  corrupt: number;
  /** The store could not answer (Redis down or slow): lookups counted as misses, writes dropped. */
  errors: number;
  /** Values written. */
  sets: number;
  /** getOrCompute calls that ran their computation. */
  computed: number;
  /** getOrCompute calls that shared a computation already under way in this process (counted as hits). */
  coalesced: number;
}

export interface CacheOptions {
  store: CacheStore;
  /** Kinds by name (default DEFAULT_KINDS). */
  kinds?: Readonly<Record<string, CacheKind>>;
  /** Prefix of every store key (default `hean:cache`); tests use their own. */
  prefix?: string;
  /** Payloads of at least this many bytes are compressed (default 4 KiB). */
  compressAboveBytes?: number;
  /** Warnings (cache/corrupt, cache/unavailable); default: printed on stderr. */
  warn?: (code: string, message: string) => void;
  observer?: CacheObserver;
  /** Entries' write times and staleness are measured on this clock (default Date.now). */
  now?: () => number;
  /** Cross-process single flight (stores with locks): a computation holds its lock this long at most (default 30 s). */
  lockMs?: number;
}

export const DEFAULT_COMPRESS_ABOVE = 4096;

export class Cache {
  readonly store: CacheStore;
  private readonly kinds: Readonly<Record<string, CacheKind>>;
  private readonly prefix: string;
  private readonly compressAboveBytes: number;
  private readonly warn: (code: string, message: string) => void;
  private readonly observers = new Set<CacheObserver>();
  private readonly now: () => number;
  private readonly lockMs: number;
  private readonly counts = new Map<string, KindStats>();
  private readonly flights = new Map<string, Promise<CacheValue>>();

  constructor(options: CacheOptions) {
    // Typed arrays are stored as their in-memory bytes, little-endian on every machine hean supports.
    if (endianness() !== 'LE') throw new Error('the hean cache stores typed arrays as little-endian bytes and this machine is big-endian; run without a cache');
    this.store = options.store;
    this.kinds = options.kinds ?? DEFAULT_KINDS;
    for (const [name, kind] of Object.entries(this.kinds)) {
      if (!/^[a-zA-Z][\w.-]*$/.test(name)) throw new Error(`cache kind "${name}": a kind name starts with a letter and holds letters, digits, "_", "." or "-"`);
      if (!(kind.ttlMs > 0)) throw new Error(`cache kind ${name}: ttlMs must be > 0, got ${kind.ttlMs}`);
      if (!Number.isSafeInteger(kind.version) || kind.version < 0) throw new Error(`cache kind ${name}: version must be an integer >= 0, got ${kind.version}`);
    }
    this.prefix = options.prefix ?? 'hean:cache';
    this.compressAboveBytes = options.compressAboveBytes ?? DEFAULT_COMPRESS_ABOVE;
    this.warn = options.warn ?? ((code, message) => console.error(`hean: warning ${code}: ${message}`));
    if (options.observer) this.observers.add(options.observer);
    this.now = options.now ?? Date.now;
    this.lockMs = options.lockMs ?? 30_000;
    for (const kind of Object.keys(this.kinds)) this.stats_(kind);
  }

  /** Adds an observer of lookups; returns the function that removes it. */
  observe(observer: CacheObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  describe(): string {
    return this.store.describe();
  }

  /** Where `kind`'s entry for `key` lives in the store (for tools and tests). */
  storeKey(kind: string, key: string): string {
    const k = this.kindOf(kind);
    if (typeof key !== 'string' || key === '') throw new Error(`cache key for kind ${kind} must be a non-empty string, got ${JSON.stringify(key)}`);
    return `${this.prefix}:${kind}:v${k.version}:f${ENVELOPE_FORMAT}:${key}`;
  }

  /**
   * The value stored for `key`, or undefined (absent, expired, stale, corrupt, or the store is
   * unavailable). `check` looks at a decoded value: a reason it gives makes the entry corrupt
   * (warned, counted, deleted, a miss), for values whose shape the envelope cannot vouch for.
   */
  async get<T extends CacheValue = CacheValue>(kind: string, key: string, check?: (value: CacheValue) => string | undefined): Promise<T | undefined> {
    const storeKey = this.storeKey(kind, key);
    const found = await this.lookup(kind, storeKey, key, check);
    this.countLookup(kind, found !== undefined);
    return found as T | undefined;
  }

  /** Stores `value` for the kind's TTL. A store that is unavailable drops it (counted in `errors`); a value the cache cannot carry throws. */
  async set(kind: string, key: string, value: CacheValue): Promise<void> {
    const storeKey = this.storeKey(kind, key);
    const entry = wrapEntry(encodeValue(value), { kind, storeKey, writtenAt: this.now(), compressAboveBytes: this.compressAboveBytes });
    try {
      await this.store.set(storeKey, entry, this.kindOf(kind).ttlMs);
      this.stats_(kind).sets++;
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      this.unavailable(kind);
    }
  }

  async delete(kind: string, key: string): Promise<void> {
    await this.store.delete(this.storeKey(kind, key)).catch((e) => {
      if (!(e instanceof StoreUnavailableError)) throw e;
      this.unavailable(kind);
    });
  }

  /**
   * The cached value, else `compute()`'s, stored. Concurrent calls for one key in this process
   * share one computation; with a store that has locks (Redis), a process that finds another
   * one computing the key waits for its value (polling, up to `lockMs`) instead of computing it
   * too. A computation that throws stores nothing and rejects every caller sharing it.
   */
  async getOrCompute<T extends CacheValue>(kind: string, key: string, compute: () => T | Promise<T>): Promise<T> {
    const storeKey = this.storeKey(kind, key);
    const flying = this.flights.get(storeKey);
    if (flying) {
      this.stats_(kind).coalesced++;
      this.countLookup(kind, true);
      return flying as Promise<T>;
    }
    const flight = this.fly(kind, key, storeKey, compute);
    this.flights.set(storeKey, flight);
    try {
      return await flight;
    } finally {
      this.flights.delete(storeKey);
    }
  }

  private async fly<T extends CacheValue>(kind: string, key: string, storeKey: string, compute: () => T | Promise<T>): Promise<T> {
    const found = await this.lookup(kind, storeKey, key);
    if (found !== undefined) {
      this.countLookup(kind, true);
      return found as T;
    }
    let release: (() => Promise<void>) | undefined;
    if (this.store.tryLock) {
      try {
        const lockKey = `${storeKey}:lock`;
        release = await this.store.tryLock(lockKey, this.lockMs);
        if (release === undefined) {
          const theirs = await this.awaitOther(kind, storeKey, key, lockKey);
          if (theirs !== undefined) {
            this.countLookup(kind, true);
            return theirs as T;
          }
        }
      } catch (e) {
        if (!(e instanceof StoreUnavailableError)) throw e;
        this.unavailable(kind);
      }
    }
    this.countLookup(kind, false);
    try {
      this.stats_(kind).computed++;
      const value = await compute();
      await this.set(kind, key, value);
      return value;
    } finally {
      await release?.();
    }
  }

  /** Polls for the value another process is computing; undefined when its lock is gone without a value, or after lockMs. */
  private async awaitOther(kind: string, storeKey: string, key: string, lockKey: string): Promise<CacheValue | undefined> {
    const until = performance.now() + this.lockMs;
    for (let wait = 10; performance.now() < until; wait = Math.min(wait * 2, 200)) {
      await sleep(wait);
      const value = await this.lookup(kind, storeKey, key);
      if (value !== undefined) return value;
      if ((await this.store.get(lockKey)) === undefined) return undefined;
    }
    return undefined;
  }

  /** Counts per kind, as a plain object (a copy). */
  stats(): Record<string, KindStats> {
    return Object.fromEntries([...this.counts].map(([kind, s]) => [kind, { ...s }]));
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** The checked value in the store, or undefined; counts stale, corrupt and unavailable entries (not hits or misses). */
  private async lookup(kind: string, storeKey: string, key: string, check?: (value: CacheValue) => string | undefined): Promise<CacheValue | undefined> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.store.get(storeKey);
    } catch (e) {
      if (e instanceof StoreUnavailableError) {
        this.unavailable(kind);
        return undefined;
      }
      if (e instanceof CacheEntryError) return this.corrupt(kind, storeKey, key, e.reason);
      throw e;
    }
    if (bytes === undefined) return undefined;
    let unwrapped;
    try {
      unwrapped = unwrapEntry(bytes, kind, storeKey);
    } catch (e) {
      if (e instanceof CacheEntryError) return this.corrupt(kind, storeKey, key, e.reason);
      throw e;
    }
    if (unwrapped.writtenAt + this.kindOf(kind).ttlMs <= this.now()) {
      this.stats_(kind).stale++;
      for (const o of this.observers) o.stale?.(kind);
      await this.store.delete(storeKey).catch(() => {});
      return undefined;
    }
    let value: CacheValue;
    try {
      value = decodeValue(unwrapped.payload);
    } catch (e) {
      // The checksum held, so a writer of this very format wrote bytes that are no value.
      return this.corrupt(kind, storeKey, key, `payload does not decode (${(e as Error).message})`);
    }
    const wrong = check?.(value);
    return wrong === undefined ? value : this.corrupt(kind, storeKey, key, wrong);
  }

  private async corrupt(kind: string, storeKey: string, key: string, reason: string): Promise<undefined> {
    this.stats_(kind).corrupt++;
    for (const o of this.observers) o.corrupt(kind);
    this.warn('cache/corrupt', `cache: ${kind} entry "${key}" in ${this.store.describe()} ignored: ${reason}; it is deleted and recomputed when needed`);
    await this.store.delete(storeKey).catch(() => {});
    return undefined;
  }

  private unavailable(kind: string): void {
    this.stats_(kind).errors++;
    for (const o of this.observers) o.error?.(kind);
  }

  private countLookup(kind: string, hit: boolean): void {
    const s = this.stats_(kind);
    if (hit) s.hits++;
    else s.misses++;
    for (const o of this.observers) (hit ? o.hit(kind) : o.miss(kind));
  }

  private stats_(kind: string): KindStats {
    let s = this.counts.get(kind);
    if (!s) this.counts.set(kind, (s = { hits: 0, misses: 0, stale: 0, corrupt: 0, errors: 0, sets: 0, computed: 0, coalesced: 0 }));
    return s;
  }

  private kindOf(kind: string): CacheKind {
    const k = Object.hasOwn(this.kinds, kind) ? this.kinds[kind] : undefined;
    if (!k) throw new Error(`unknown cache kind "${kind}"; known kinds: ${Object.keys(this.kinds).join(', ')} (add it to the cache's kinds, with its TTL and version)`);
    return k;
  }
}
