import type { Redis } from 'ioredis';
import { describeRedis } from './connection.js';
import { checkEventTime, decodeEntriesInto, type DecodedEntries, type StreamEntry } from './entries.js';

export interface ReadRangeOptions {
  /** First event time (epoch ms, inclusive); omitted = from the start. */
  from?: number;
  /** Last event time (epoch ms, inclusive, every seq at that ms); omitted = to the end. */
  to?: number;
  fieldNames: readonly string[];
  /** Entries per XRANGE call (default 10000). */
  page?: number;
}

/**
 * The entries of stream `key` with event times in [from, to], decoded into one set of columns.
 * XRANGE pages continue after the last id read (exclusive `(id`), so entries added while reading
 * past `to`-less ranges are picked up and none is read twice.
 */
export async function readRange(redis: Redis, key: string, options: ReadRangeOptions): Promise<DecodedEntries> {
  const { from, to, fieldNames } = options;
  const where = describeRedis(redis);
  const page = options.page ?? 10000;
  if (!Number.isSafeInteger(page) || page < 1) throw new Error(`readRange: page ${page} is not a positive integer`);
  if (from !== undefined) checkEventTime(from, `readRange from`);
  if (to !== undefined) checkEventTime(to, `readRange to`);

  const type = await redis.type(key);
  if (type === 'none') {
    throw new Error(`stream ${key} does not exist on redis ${where}; publish one with \`hean publish FILE --stream ${key}\``);
  }
  if (type !== 'stream') throw new Error(`key ${key} on redis ${where} is a ${type}, not a stream`);
  if (from !== undefined && to !== undefined && to < from) return sized(0, fieldNames.length);

  // XLEN bounds any range: the whole stream gets exact-size arrays at once; a part starts at a page and doubles.
  const length = await redis.xlen(key);
  let capacity = from === undefined && to === undefined ? length : Math.min(length, page);
  let out = sized(capacity, fieldNames.length);
  let n = 0;
  let start = from === undefined ? '-' : `${from}-0`;
  const end = to === undefined ? '+' : String(to); // an id without seq ends at the last seq of that ms
  for (;;) {
    const entries: StreamEntry[] = await redis.xrange(key, start, end, 'COUNT', page);
    if (entries.length === 0) break;
    if (n + entries.length > capacity) {
      capacity = Math.max(n + entries.length, capacity * 2);
      out = grow(out, n, capacity);
    }
    decodeEntriesInto(entries, fieldNames, out, n);
    n += entries.length;
    if (entries.length < page) break;
    start = `(${entries[entries.length - 1][0]}`;
  }
  return n === capacity ? out : grow(out, n, n);
}

function sized(n: number, k: number): DecodedEntries {
  return { ids: new Array<string>(n), t: new Float64Array(n), columns: Array.from({ length: k }, () => new Float64Array(n)) };
}

/** New arrays of `capacity` holding the first `n` entries (exact-size buffers for the caller). */
function grow(out: DecodedEntries, n: number, capacity: number): DecodedEntries {
  const next = sized(capacity, out.columns.length);
  next.t.set(out.t.subarray(0, n));
  out.columns.forEach((c, j) => next.columns[j].set(c.subarray(0, n)));
  for (let i = 0; i < n; i++) next.ids[i] = out.ids[i];
  return next;
}
