import { Redis } from 'ioredis';
import { maskUrl, retryDelay } from '../adapters/redis/connection.js';
import type { CacheStore } from './CacheStore.js';
import { StoreUnavailableError } from './CacheStore.js';
import { CacheEntryError } from './envelope.js';

export const DEFAULT_REDIS_TIMEOUT_MS = 500;

export interface RedisStoreOptions {
  url: string;
  /** Longest wait for a connection or an answer before a lookup counts as a miss (default 500 ms). */
  timeoutMs?: number;
  /** One warning when Redis stops answering (code cache/unavailable), for the run summary. */
  warn: (code: string, message: string) => void;
  /** One line when it answers again. */
  log: (message: string) => void;
  /** CLIENT SETNAME (default hean-cache). */
  name?: string;
}

/** Releases a lock only if it still holds our token (it may have expired and been taken by another process). */
/**
 * ioredis's reply parser (redis-parser) copies a reply that spans several socket reads into a
 * buffer pool up to three times its size, then shrinks the pool by 10 % every 50 ms on an interval
 * timer that keeps the process alive: after reading a 3 MB entry a finished `hean run` waited
 * ~2.5 s to exit. That timer only returns memory, so it is unref'd: it runs while the process
 * lives for other reasons, and never keeps it alive. (The parser's timer is not reachable
 * otherwise; it is recognised by its callback's name.)
 */
function unrefParserPoolTimer(): void {
  const marked = globalThis as { __heanParserTimer?: boolean };
  if (marked.__heanParserTimer) return;
  marked.__heanParserTimer = true;
  const original = globalThis.setInterval;
  globalThis.setInterval = Object.assign(function (this: unknown, ...args: Parameters<typeof setInterval>) {
    const timer = original.apply(this, args);
    if (typeof args[0] === 'function' && /^decreaseBufferPool\d*$/.test(args[0].name)) timer.unref();
    return timer;
  }, original) as typeof setInterval;
}
unrefParserPoolTimer();

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Cache entries in Redis: GET/SET with PX (Redis expires them), a SET NX PX lock for single
 * flight across processes. A cache only saves work, so a dead or slow Redis never fails or stalls
 * a run: each command waits at most `timeoutMs` (connect and command timeouts, no retries of a
 * command), the first failure warns once, and until the connection is ready again every call
 * fails at once without waiting (the Cache counts them as misses; writes are dropped). The
 * connection keeps reconnecting in the background with the usual backoff (100 ms doubling to 5 s).
 */
export class RedisStore implements CacheStore {
  readonly redis: Redis;
  private readonly where: string;
  private down = false;
  private token = 0;

  constructor(private readonly options: RedisStoreOptions) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.where = maskUrl(options.url);
    this.redis = new Redis(options.url, {
      connectionName: options.name ?? 'hean-cache',
      connectTimeout: timeoutMs,
      commandTimeout: timeoutMs,
      // Commands issued while connecting wait in the offline queue (bounded by commandTimeout);
      // when an attempt fails they are rejected at once instead of waiting for the next one.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 0,
      retryStrategy: retryDelay,
    });
    this.redis.on('error', () => {}); // failures surface through commands; without a listener ioredis prints each attempt
    this.redis.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      options.log(`cache: redis ${this.where} answers again`);
    });
  }

  describe(): string {
    return this.where;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return (await this.run(() => this.redis.getBuffer(key))) ?? undefined;
    } catch (e) {
      // Another program's hash, list, ... under our key: an entry that is not ours.
      if (isReplyError(e) && /WRONGTYPE/.test((e as Error).message)) throw new CacheEntryError(`holds a Redis ${await this.redis.type(key).catch(() => 'non-string value')}, not a cache entry`);
      throw e;
    }
  }

  async set(key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    await this.run(() => this.redis.set(key, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.redis.del(key));
  }

  async tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined> {
    const token = `${process.pid}.${++this.token}.${Math.random().toString(36).slice(2)}`;
    const got = await this.run(() => this.redis.set(key, token, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
    if (got !== 'OK') return undefined;
    return async () => {
      await this.run(() => this.redis.eval(RELEASE_LOCK, 1, key, token)).catch(() => {}); // it expires anyway
    };
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  /** Runs a command, failing at once while Redis is known to be down; the first failure of an outage warns. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.down && this.redis.status !== 'ready') throw new StoreUnavailableError(`redis ${this.where} is unreachable`);
    try {
      return await command();
    } catch (e) {
      if (isReplyError(e)) throw e; // Redis answered: not an outage
      const reason = (e as Error).message;
      if (!this.down) {
        this.down = true;
        this.options.warn('cache/unavailable', `cache: redis ${this.where} does not answer (${reason}); lookups count as misses and values are computed, until it is back`);
      }
      throw new StoreUnavailableError(`redis ${this.where}: ${reason}`);
    }
  }
}

function isReplyError(e: unknown): boolean {
  return (e as Error)?.name === 'ReplyError';
}
