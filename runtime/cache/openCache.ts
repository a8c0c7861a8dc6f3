import { Cache, type CacheObserver } from './Cache.js';
import { DEFAULT_MEMORY_BYTES, MemoryStore } from './MemoryStore.js';

/** What `--cache` (or HEAN_CACHE) accepts, for messages. */
export const CACHE_SPEC_HELP = 'memory, memory:SIZE (e.g. memory:256MiB), redis://HOST:PORT[/DB] (rediss:// too) or off';

export interface OpenCacheOptions {
  warn: (code: string, message: string) => void;
  log: (message: string) => void;
  observer?: CacheObserver;
  /** Redis: longest wait for an answer before a lookup counts as a miss. */
  timeoutMs?: number;
  /** Prefix of every store key (default `hean:cache`; the CLI: $HEAN_CACHE_PREFIX), to keep several users or tests of one Redis apart. */
  prefix?: string;
}

/**
 * The cache a `--cache SPEC` names: `memory` (the default store, 64 MiB), `memory:SIZE`, a Redis
 * URL, or `off` (undefined). ioredis is loaded only for a Redis URL. Throws a usage message for
 * anything else.
 */
export async function openCache(spec: string, options: OpenCacheOptions): Promise<Cache | undefined> {
  const text = spec.trim();
  if (text === 'off') return undefined;
  const common = { warn: options.warn, observer: options.observer, prefix: options.prefix || undefined };
  if (text === 'memory' || text.startsWith('memory:')) {
    const maxBytes = text === 'memory' ? DEFAULT_MEMORY_BYTES : parseSize(text.slice('memory:'.length), spec);
    return new Cache({ ...common, store: new MemoryStore({ maxBytes }) });
  }
  if (/^rediss?:\/\//.test(text)) {
    const { RedisStore } = await import('./RedisStore.js');
    return new Cache({ ...common, store: new RedisStore({ url: text, warn: options.warn, log: options.log, timeoutMs: options.timeoutMs }) });
  }
  throw new Error(`--cache "${spec}" is not a cache; expected ${CACHE_SPEC_HELP}`);
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 2 ** 10, kib: 2 ** 10, m: 2 ** 20, mb: 2 ** 20, mib: 2 ** 20, g: 2 ** 30, gb: 2 ** 30, gib: 2 ** 30 };

/** Bytes of `256MiB`, `64m`, `1GiB`, `100000` (binary units: 1 MB = 1 MiB here, as memory is counted). */
export function parseSize(text: string, spec: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 1)) throw new Error(`--cache "${spec}": "${text}" is not a size; expected a number of bytes with an optional unit, e.g. memory:256MiB or memory:1GiB`);
  return bytes;
}
