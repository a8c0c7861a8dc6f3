/**
 * Where a cache's entries live: bytes by key, each with a time to live. The Cache (Cache.ts)
 * does everything else (keys, envelopes, compression, statistics) the same way over every
 * store, so the in-memory and the Redis store behave alike and one test suite runs on both.
 */
export interface CacheStore {
  /** For messages: `memory (64 MiB)`, `redis://host:6379`. */
  describe(): string;
  /** The entry's bytes, or undefined when absent or expired. Rejects with StoreUnavailableError when the store cannot answer. */
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, bytes: Uint8Array, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * A lock shared with other processes using the same store, held for at most `ttlMs`: the
   * function that releases it, or undefined when another holder has it. Stores that are private
   * to one process leave it out (the Cache's in-process single flight is enough for them).
   */
  tryLock?(key: string, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
  close(): Promise<void>;
}

/** The store cannot answer now (Redis down, timed out): the Cache treats the lookup as a miss. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}
