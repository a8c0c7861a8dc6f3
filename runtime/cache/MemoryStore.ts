import type { CacheStore } from './CacheStore.js';

export const DEFAULT_MEMORY_BYTES = 64 * 2 ** 20;

export interface MemoryStoreOptions {
  /** The entries' bytes are kept at or under this (default 64 MiB). */
  maxBytes?: number;
  /** The clock TTLs are measured on (default Date.now; tests pass their own). */
  now?: () => number;
}

/**
 * The default store: entries in this process, least recently used dropped first once their bytes
 * exceed `maxBytes` (a byte bound, because one entry may be a 3 MB column set and the next a
 * 40-byte prediction). Expired entries are dropped when met, and by eviction.
 */
export class MemoryStore implements CacheStore {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, { bytes: Uint8Array; expiresAt: number }>();
  private held = 0;
  readonly maxBytes: number;
  private readonly now: () => number;
  /** Entries dropped to stay under maxBytes, and entries refused for being larger than it. */
  evictions = 0;
  refused = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MEMORY_BYTES;
    if (!(this.maxBytes > 0)) throw new Error(`memory cache size must be > 0 bytes, got ${this.maxBytes}`);
    this.now = options.now ?? Date.now;
  }

  describe(): string {
    return `memory (${formatBytes(this.maxBytes)})`;
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.held;
  }

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.held -= entry.bytes.length;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.bytes;
  }

  async set(key: string, bytes: Uint8Array, ttlMs: number): Promise<void> {
    this.remove(key);
    if (bytes.length > this.maxBytes) {
      this.refused++;
      return;
    }
    this.entries.set(key, { bytes, expiresAt: this.now() + ttlMs });
    this.held += bytes.length;
    for (const [old, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(old);
      this.held -= entry.bytes.length;
      this.evictions++;
    }
  }

  async delete(key: string): Promise<void> {
    this.remove(key);
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.held = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.held -= entry.bytes.length;
  }
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`;
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`;
  if (n >= 2 ** 10 && n % 2 ** 10 === 0) return `${n / 2 ** 10} KiB`;
  return `${n} bytes`;
}
