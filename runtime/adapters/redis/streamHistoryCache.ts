import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Cache } from '../../cache/Cache.js';
import type { AdapterIO, SourceData } from '../contract.js';
import type { CandleSpec } from '../../records/sourceSpec.js';

/**
 * A stream range's checked columns in the cache (kind `history`): a backtest or a sweep's
 * workers replaying the same range read one binary entry instead of decoding every stream entry
 * again, and workers that start together decode it once (getOrCompute's lock).
 *
 * The key must change whenever the range's content could: it hashes the stream, the range, the
 * source spec (record, timeframe, bad-row policy, ...), the stream's `revision` (a fresh id
 * `hean publish` writes to KEY:meta on every publish, --replace included), how many entries were
 * ever deleted (XINFO entries-added minus length: XDEL and XTRIM change it), and, for a range
 * still open at the end (no `to`, or `to` not yet before the newest entry), the newest id. Entry
 * ids only grow, so a range that ends before the newest entry gains no entries.
 */

/** Bump when the cached value changes shape or meaning. */
const STREAM_HISTORY_VERSION = 1;

export async function streamHistoryKey(redis: Redis, key: string, meta: Record<string, string> | undefined, spec: CandleSpec, from: number | undefined, to: number | undefined): Promise<string | { uncached: string }> {
  const info = await streamInfo(redis, key);
  if (!info) return { uncached: 'it is not a stream (yet)' };
  const revision = meta?.revision;
  if (!revision) return { uncached: `its ${key}:meta has no revision (streams published by hean publish have one)` };
  const deleted = info.entriesAdded - info.length;
  const lastMs = Number(info.lastId.split('-')[0]);
  const open = to === undefined || to >= lastMs;
  const identity = [STREAM_HISTORY_VERSION, key, from ?? null, to ?? null, spec, revision, deleted, open ? info.lastId : null];
  return `stream:${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

async function streamInfo(redis: Redis, key: string): Promise<{ length: number; entriesAdded: number; lastId: string } | undefined> {
  if ((await redis.type(key)) !== 'stream') return undefined;
  // XINFO STREAM replies with a flat name/value list; entries-added exists since Redis 7.0.
  const reply = (await redis.xinfo('STREAM', key)) as unknown[];
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  if (!fields.has('entries-added')) return undefined;
  return { length: Number(fields.get('length')), entriesAdded: Number(fields.get('entries-added')), lastId: String(fields.get('last-generated-id')) };
}

interface CachedHistory {
  t: Float64Array;
  columns: Record<string, Float64Array>;
  info: Record<string, unknown>;
  /** The warnings the read gave (gaps, dropped rows), repeated on every hit so a run reports the same either way. */
  warnings: [string, string][];
}

export async function cachedHistory(cache: Cache, key: string, warn: AdapterIO['warn'], read: (warn: AdapterIO['warn']) => Promise<SourceData>): Promise<SourceData> {
  const value = (await cache.getOrCompute('history', key, async () => {
    const warnings: [string, string][] = [];
    const data = await read((code, message) => warnings.push([code, message]));
    return { t: data.t, columns: data.columns, info: data.info, warnings } as never;
  })) as unknown as CachedHistory;
  for (const [code, message] of value.warnings) warn(code, message);
  return { t: value.t, columns: value.columns, info: value.info };
}
