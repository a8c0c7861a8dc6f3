import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { describeRedis } from './connection.js';
import { compareIds, encodeNumber, idMs, idsForTimes, isoTime } from './entries.js';

export interface PublishOptions {
  /** Event times (integer epoch ms), non-decreasing; equal times become seq 1, 2 ... */
  t: Float64Array;
  names: readonly string[];
  columns: readonly Float64Array[];
  /** Stored in the hash `${key}:meta` (record type, symbol, timeframe, source file ...). */
  meta?: Record<string, string>;
  /** XADD ... MAXLEN ~ maxlen: keep about this many entries. */
  maxlen?: number;
  /** At most this many events per second on average (paced with timers). */
  rate?: number;
  /** Entries per pipelined batch (default 1000). */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
  /** Delete the stream and its meta first. */
  replace?: boolean;
}

export interface PublishResult {
  entries: number;
  firstId: string;
  lastId: string;
}

export const metaKey = (key: string): string => `${key}:meta`;

/**
 * Appends columns to the stream `key` as one entry per event (see entries.ts), in pipelined XADD
 * batches. Everything that can be checked is checked before the first write: the columns, the
 * times, and that the new ids come after the stream's last id (XADD would otherwise fail halfway).
 */
export async function publishColumns(redis: Redis, key: string, options: PublishOptions): Promise<PublishResult> {
  const { t, names, columns } = options;
  const n = t.length;
  const where = describeRedis(redis);
  if (names.length === 0) throw new Error(`publish to stream ${key}: no fields given; a stream entry needs at least one field`);
  if (columns.length !== names.length) {
    throw new Error(`publish to stream ${key}: ${names.length} field names (${names.join(', ')}) but ${columns.length} columns`);
  }
  columns.forEach((c, j) => {
    if (c.length !== n) throw new Error(`publish to stream ${key}: column '${names[j]}' has ${c.length} values, expected ${n} (one per event time)`);
  });
  if (n === 0) throw new Error(`publish to stream ${key}: no events (the time column is empty)`);
  const batch = positiveInteger(options.batch ?? 1000, 'batch');
  const maxlen = options.maxlen === undefined ? undefined : positiveInteger(options.maxlen, 'maxlen');
  const rate = options.rate;
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) {
    throw new Error(`publish to stream ${key}: rate ${rate} is not a positive number of events per second`);
  }
  const ids = idsForTimes(t);
  const firstId = ids[0];
  const lastId = ids[n - 1];
  if (firstId === '0-0') throw new Error(`publish to stream ${key}: the first event time is 0, but Redis reserves the id 0-0; events must have times after 1970-01-01T00:00:00.000Z`);

  if (options.replace) {
    await redis.del(key, metaKey(key));
  } else {
    const top = await streamTop(redis, key, where);
    if (top && compareIds(firstId, top.lastId) <= 0) {
      throw new Error(
        `stream ${key} on ${where} already has ${top.length} entries up to id ${top.lastId} (${isoTime(idMs(top.lastId))}); ` +
          `the first new event is id ${firstId} (${isoTime(t[0])}), but new entries must come after the last one. ` +
          `Nothing was written. Pass --replace (replace: true) to delete the stream first, or publish to another key.`,
      );
    }
  }
  if (options.meta && Object.keys(options.meta).length > 0) await redis.hset(metaKey(key), options.meta);

  // Pacing: a batch of about a tenth of a second keeps the flow even at low rates.
  const step = rate === undefined ? batch : Math.max(1, Math.min(batch, Math.ceil(rate / 10)));
  const trim: (string | number)[] = maxlen === undefined ? [] : ['MAXLEN', '~', maxlen];
  const k = names.length;
  const args = new Array<string | number>(1 + trim.length + 1 + 2 * k);
  const started = performance.now();
  let written = 0;
  /** Checks one batch's replies (in order), then reports progress and paces. */
  const settle = async (replies: Promise<[Error | null, unknown][] | null>, from: number, to: number): Promise<void> => {
    const results = await replies;
    if (results === null) throw new Error(`publish to stream ${key} on ${where}: the pipeline was aborted (connection closed); ${written} of ${n} entries were written`);
    const failed = results.findIndex(([err]) => err !== null);
    if (failed >= 0) {
      const ok = results.filter(([err]) => err === null).length;
      throw new Error(
        `publish to stream ${key} on ${where}: XADD ${ids[from + failed]} failed: ${results[failed][0]?.message}; ` +
          `${written + ok} of ${n} entries were written (${results.length - ok} XADDs of that batch failed; later batches were not sent)`,
      );
    }
    written = to;
    options.onProgress?.(to, n);
    if (rate !== undefined) {
      // Wait until the average since the start is at most `rate`, counting this batch.
      const wait = (to / rate) * 1000 - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  };
  // Without pacing, the next batch is built and sent while Redis answers the previous one
  // (one batch in flight besides the one being built: memory stays at two batches).
  let inFlight: Promise<void> | undefined;
  for (let from = 0; from < n; from += step) {
    const to = Math.min(n, from + step);
    const pipe = redis.pipeline();
    for (let i = from; i < to; i++) {
      let a = 0;
      args[a++] = key;
      for (const x of trim) args[a++] = x;
      args[a++] = ids[i];
      for (let j = 0; j < k; j++) {
        args[a++] = names[j];
        args[a++] = encodeNumber(columns[j][i]);
      }
      pipe.xadd(...(args as [string, ...string[]])); // ioredis' overloads cannot type a spread; args are key, [MAXLEN ~ n], id, field/value...
    }
    const replies = pipe.exec();
    if (inFlight) {
      // If the previous batch failed, this one's outcome no longer matters: keep its rejection handled.
      replies.catch(() => {});
      await inFlight;
    }
    inFlight = settle(replies, from, to);
    if (rate !== undefined) await inFlight;
  }
  await inFlight;
  return { entries: n, firstId, lastId };
}

/** The stream's meta hash, or undefined when there is none. */
export async function readMeta(redis: Redis, key: string): Promise<Record<string, string> | undefined> {
  const meta = await redis.hgetall(metaKey(key));
  return Object.keys(meta).length > 0 ? meta : undefined;
}

/**
 * Length and last id of an existing stream, undefined if the key does not exist. The last id is
 * the stream's last-generated-id: entries deleted or trimmed away still block smaller ids.
 */
async function streamTop(redis: Redis, key: string, where: string): Promise<{ length: number; lastId: string } | undefined> {
  const type = await redis.type(key);
  if (type === 'none') return undefined;
  if (type !== 'stream') {
    throw new Error(`key ${key} on ${where} is a ${type}, not a stream; delete it (--replace) or publish to another key`);
  }
  // XINFO STREAM replies with a flat name/value list; ioredis leaves it untyped.
  const info = (await redis.xinfo('STREAM', key)) as unknown[];
  let length = 0;
  let lastId = '0-0';
  for (let i = 0; i + 1 < info.length; i += 2) {
    if (info[i] === 'length') length = Number(info[i + 1]);
    else if (info[i] === 'last-generated-id') lastId = String(info[i + 1]);
  }
  return { length, lastId };
}

function positiveInteger(v: number, what: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${what} ${v} is not a positive integer`);
  return v;
}
