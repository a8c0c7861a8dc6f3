/**
 * Cache hits and misses, for every cache of the runtime (node outputs, loaded sources, the Redis
 * cache, ...). The contract for a cache module: call `cacheHit(kind)` or `cacheMiss(kind)` once
 * per lookup (`n` for a batch of lookups), where `kind` is a fixed word naming the cache
 * (`nodeOutput`, `source`, `redis`): never a key or anything per request, because each kind is a
 * Prometheus label value and their number must stay small (at most MAX_KINDS). Importing this
 * file costs nothing (no prom-client); the counts are kept whether or not metrics are served (a
 * Map update per lookup), and `hean run --metrics-port` exposes them as
 * `hean_cache_hits_total{kind}` and `hean_cache_misses_total{kind}`.
 */
export const MAX_KINDS = 32;
const KIND = /^[a-z][a-zA-Z0-9]*([._-][a-zA-Z0-9]+)*$/;

const counts = new Map<string, { hits: number; misses: number }>();

function entry(kind: string): { hits: number; misses: number } {
  let e = counts.get(kind);
  if (e) return e;
  if (!KIND.test(kind)) throw new Error(`cache kind "${kind}": expected a fixed word naming the cache (letters, digits, . _ -), such as "nodeOutput"; a key or id would make one Prometheus series per value`);
  if (counts.size >= MAX_KINDS) throw new Error(`cache kind "${kind}": already ${MAX_KINDS} kinds (${[...counts.keys()].join(', ')}); kinds name caches, not keys`);
  counts.set(kind, (e = { hits: 0, misses: 0 }));
  return e;
}

export function cacheHit(kind: string, n = 1): void {
  entry(kind).hits += n;
}

export function cacheMiss(kind: string, n = 1): void {
  entry(kind).misses += n;
}

/** Every kind counted so far, in first-seen order. */
export function cacheCounts(): { kind: string; hits: number; misses: number }[] {
  return [...counts].map(([kind, c]) => ({ kind, ...c }));
}
