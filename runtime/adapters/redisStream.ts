import { Type } from '@sinclair/typebox';
import type { AdapterIO, LiveBatch, SinkAdapter, SourceAdapter, SourceData } from './contract.js';
import type { ParamProblem } from '../defineNode.js';
import { parseTimeParam } from '../data/timeframe.js';
import { CandleChecker, candleInfo } from '../records/checkCandles.js';
import { pickRows } from '../records/pickRows.js';
import { RECORD_FIELDS, candlesOnly, type CandleSpec } from '../records/sourceSpec.js';
import type { Redis } from './redis/connection.js';
import { encodeNumber } from './redis/entries.js';

/**
 * Redis Streams as a source and as a sink (DESIGN.md section 7). A source's stream holds one
 * entry per event, its id derived from the event time (`hean publish` writes them), so a
 * backtest replays a time range (XRANGE) and a paper run consumes it live through a consumer
 * group (XREADGROUP), acknowledging an entry only after the graph has processed it. ioredis is
 * loaded only when a stream is used.
 */

const TimeValue = Type.Union([Type.String(), Type.Integer({ minimum: 0 })]);

export const redisStreamSource: SourceAdapter = {
  role: 'source',
  name: 'redisStream',
  key: 'stream',
  summary: 'A Redis stream (hean publish writes one): a time range replayed in a backtest, a consumer group in paper mode.',
  binding: Type.Object(
    {
      stream: Type.String({ minLength: 1, description: 'Stream key.' }),
      from: Type.Optional(Type.Union([TimeValue, Type.Literal('$')], { description: 'Backtest: first event time. Paper: where a new consumer group starts: a time, "0" (the whole stream, default) or "$" (only new entries). An existing group resumes where it stopped.' })),
      to: Type.Optional(Type.Union([TimeValue], { description: 'Backtest only: last event time (inclusive).' })),
      group: Type.Optional(Type.String({ minLength: 1, description: 'Paper: consumer group (default hean.<graph>.<node>).' })),
      consumer: Type.Optional(Type.String({ minLength: 1, description: 'Paper: consumer name within the group (default main).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ stream: btcusdt-1h }',
  records: ['candles'],
  check(binding, mode) {
    const problems: ParamProblem[] = [];
    for (const key of ['from', 'to'] as const) {
      const value = binding[key];
      if (value === undefined || value === '$' || value === '0' || value === 0) continue;
      try {
        parseTimeParam(value as string | number);
      } catch (e) {
        problems.push({ path: [key], message: (e as Error).message });
      }
    }
    if (mode === 'backtest') {
      if (binding.from === '$') problems.push({ path: ['from'], message: 'from: "$" (only new entries) is for paper runs; a backtest replays a time range: give a time or leave it out' });
      for (const key of ['group', 'consumer'] as const) if (binding[key] !== undefined) problems.push({ path: [key], message: `${key} is for paper runs (consumer groups); a backtest reads the stream's time range`, severity: 'warning', code: 'binding/unused' });
    } else if (binding.to !== undefined) {
      problems.push({ path: ['to'], message: `to is for backtests (a time range); a ${mode} run consumes the stream as it grows` });
    }
    return problems;
  },
  async replay(binding, sourceSpec, io) {
    const spec = candlesOnly(sourceSpec, 'redisStream');
    const { readRange } = await import('./redis/readRange.js');
    const { readMeta } = await import('./redis/publish.js');
    const key = String(binding.stream);
    io.outputs.input(`stream ${key}`, `source ${io.node}`);
    const redis = await sharedRedis(io);
    try {
      const meta = await readMeta(redis, key);
      checkMeta(key, meta, spec);
      const from = timeOf(binding.from);
      const to = timeOf(binding.to);
      const fields = RECORD_FIELDS[spec.record];
      const read = async (warn: AdapterIO['warn']): Promise<SourceData> => {
        const data = await readRange(redis, key, { from: from === 0 ? undefined : from, to, fieldNames: fields });
        const checker = new CandleChecker(spec, warn, `stream ${key} entry`);
        const keep: number[] = [];
        for (let i = 0; i < data.t.length; i++) if (acceptEntry(checker, spec, key, data.ids[i], data.t[i], data.columns, i)) keep.push(i);
        if (keep.length === 0) throw new Error(`stream ${key} has no ${spec.record} in the requested range`);
        const columns = Object.fromEntries(fields.map((f, c) => [f, pickRows(keep, data.columns[c])]));
        return { t: pickRows(keep, data.t), columns, info: candleInfo(spec, { stream: key }, columns.time, checker.gaps, checker.dropped) };
      };
      if (io.cache) {
        // Decoding a long range entry by entry is the slow part of a stream backtest; its checked
        // columns are cached (kind history) when the range's content is known not to change.
        const { streamHistoryKey, cachedHistory } = await import('./redis/streamHistoryCache.js');
        const identity = await streamHistoryKey(redis, key, meta, spec, from, to);
        if (typeof identity === 'string') return await cachedHistory(io.cache, identity, io.warn, read);
        io.log(`${io.node}: stream ${key} is read without the cache: ${identity.uncached}`);
      }
      return await read(io.warn);
    } finally {
      releaseRedis();
    }
  },
  async live(binding, sourceSpec, io) {
    const spec = candlesOnly(sourceSpec, 'redisStream');
    const { StreamGroupReader } = await import('./redis/groupReader.js');
    const { ResumingReader } = await import('./redis/resumingReader.js');
    const { readMeta } = await import('./redis/publish.js');
    const { decodeEntries } = await import('./redis/entries.js');
    const { maskUrl, redisUrl } = await import('./redis/connection.js');
    const key = String(binding.stream);
    io.outputs.input(`stream ${key}`, `source ${io.node}`);
    const redis = await sharedRedis(io);
    let closed = false;
    try {
      checkMeta(key, await readMeta(redis, key), spec);
      const group = String(binding.group ?? `hean.${io.graph}.${io.node}`);
      const consumer = String(binding.consumer ?? 'main');
      const from = binding.from === '$' || binding.from === '0' || binding.from === undefined ? ((binding.from ?? '0') as '$' | '0') : timeOf(binding.from)!;
      if (!(await redis.exists(key))) io.log(`${io.node}: stream ${key} does not exist yet on ${maskUrl(redisUrl(io.redisUrl, io.env))}; waiting for events (hean publish FILE --stream ${key} writes some)`);
      const reader = new StreamGroupReader(redis, { key, group, consumer, from, count: 1024, blockMs: 200 });
      const resuming = new ResumingReader(redis, reader);
      const { created } = await reader.open();
      io.log(`${io.node}: stream ${key}, group ${group} (${created ? `new, from ${binding.from ?? '0'}` : 'resuming where it stopped'}), consumer ${consumer}`);
      const fields = RECORD_FIELDS[spec.record];
      const checker = new CandleChecker(spec, io.warn, `stream ${key} entry`);
      let received = 0;
      return {
        async next(): Promise<LiveBatch> {
          const { entries, replayed } = await resuming.read();
          const data = decodeEntries(entries, fields);
          const keep: number[] = [];
          const dropped: string[] = [];
          for (let i = 0; i < data.t.length; i++) {
            if (acceptEntry(checker, spec, key, data.ids[i], data.t[i], data.columns, i)) keep.push(i);
            else dropped.push(data.ids[i]);
          }
          if (dropped.length && !replayed) await reader.ack(dropped); // dropped by the policy: processed, never redelivered
          if (!replayed) received += keep.length;
          // Replayed entries were acknowledged by the session that processed them: no tokens.
          return { n: keep.length, t: pickRows(keep, data.t), columns: Object.fromEntries(fields.map((f, c) => [f, pickRows(keep, data.columns[c])])), tokens: replayed ? undefined : keep.map((i) => data.ids[i]) };
        },
        ack: async (tokens) => void (await reader.ack([...tokens])),
        info: () => ({ symbol: spec.symbol, timeframe: spec.timeframe, stream: key, group, consumer, received, ...(resuming.replayed ? { replayed: resuming.replayed } : {}), gaps: checker.gaps.length, rowsDropped: checker.dropped }),
        durable: { key, group, consumer, created, replay: async (firstId, lastId) => resuming.replay(firstId, lastId) },
        health: async () => ({ reconnects: reader.lostConnections, pendingEntries: await reader.pendingEntries() }),
        async close() {
          if (closed) return;
          closed = true;
          await reader.close();
          releaseRedis();
        },
      };
    } catch (e) {
      releaseRedis();
      throw e;
    }
  },
};

export const redisStreamSink: SinkAdapter = {
  role: 'sink',
  name: 'redisStream',
  key: 'stream',
  summary: 'A Redis stream, one entry per row (fields: time and one per column), trimmed to about maxlen entries.',
  binding: Type.Object(
    {
      stream: Type.String({ minLength: 1, description: 'Stream key.' }),
      maxlen: Type.Optional(Type.Integer({ minimum: 1, description: 'Keep about this many entries (XADD MAXLEN ~).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ stream: sma-cross-orders }',
  open(binding, io) {
    const key = String(binding.stream);
    io.outputs.target(`stream ${key}`, `sink ${io.node}`);
    const maxlen = binding.maxlen === undefined ? '' : String(binding.maxlen);
    let names: readonly string[] = [];
    let rows = 0;
    let failure: unknown;
    const inFlight = new Set<Promise<unknown>>();
    const redis = sharedRedis(io).then(async (r) => (await claimRowStream(r, key, io), r));
    const target = `stream ${key}`;
    // A crash-safe session (sessionSinks.ts): rows committed before this run, the id of the entry
    // holding the last row this session has (committed, matched or landed), and the entries
    // found after the checkpoint's position on a restart, matched against the rows made again.
    let committedRows = 0;
    let matched = 0;
    let lastId = '0-0';
    let found: [string, string[]][] = [];
    const ordered = (command: (r: Redis) => Promise<unknown>) => {
      const sent = redis
        .then(command)
        .catch((e) => (failure ??= e))
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    };
    // Rows wait here as flat text (time, then one value per column) and go out as one script
    // call per batch, sent every 1,000 rows or whenever the live driver has caught up (flush):
    // one command per batch instead of one XADD command object per row.
    let values: string[] = [];
    let pending = 0;
    const send = () => {
      if (pending === 0) return;
      const args = [key, String(pending), String(names.length), maxlen, ...names, ...values];
      values = [];
      pending = 0;
      // One connection: replies come back in the order sent, so the last one holds the newest id.
      ordered(async (r) => void (lastId = await addRows(r, args)));
    };
    /** Rows made again after a restart: those equal to the entries found after the checkpoint are there already (readers may have seen them); from the first that differs, the rest of those entries go. */
    const matchFound = (n: number, t: Float64Array, columns: readonly Float64Array[]): number => {
      let i = 0;
      for (; i < n && found.length; i++) {
        const [id, fields] = found[0];
        let same = fields.length === 2 + 2 * columns.length && fields[0] === 'time' && fields[1] === String(t[i]);
        for (let c = 0; same && c < columns.length; c++) same = fields[2 + 2 * c] === names[c] && fields[3 + 2 * c] === encodeNumber(columns[c][i]);
        if (!same) {
          const stale = found.map(([staleId]) => staleId);
          found = [];
          io.log(`stream ${key}: the row of ${new Date(t[i]).toISOString()} made again after the restart differs from entry ${id}, written before the crash; deleting that entry and the ${(stale.length - 1).toLocaleString('en-US')} after it, and writing the rows as this run makes them`);
          ordered((r) => r.xdel(key, ...stale));
          break;
        }
        found.shift();
        lastId = id;
        matched++;
      }
      return i;
    };
    const check = () => {
      if (failure) throw new Error(`stream ${key}: ${(failure as Error).message}`);
    };
    return {
      start(columns) {
        names = columns;
      },
      write(n, t, columns) {
        check();
        const skip = found.length ? matchFound(n, t, columns) : 0;
        if (skip) {
          if (skip === n) return;
          n -= skip;
          t = t.subarray(skip);
          columns = columns.map((c) => c.subarray(skip));
        }
        for (let i = 0; i < n; i++) {
          values.push(String(t[i]));
          for (let c = 0; c < columns.length; c++) values.push(encodeNumber(columns[c][i]));
        }
        pending += n;
        rows += n;
        if (pending >= 1000) send();
      },
      flush: send,
      async settled() {
        send();
        await Promise.all(inFlight);
        check();
      },
      appendsAcrossRuns: true,
      session: {
        target,
        async resume(position) {
          const r = await redis;
          if (!position) {
            // A new session: its rows begin after whatever the stream holds already.
            const last = (await r.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
            lastId = last[0]?.[0] ?? '0-0';
            return;
          }
          committedRows = position.rows;
          lastId = position.lastId!;
          found = (await r.xrange(key, `(${lastId}`, '+')) as [string, string[]][];
          if (found.length) io.log(`stream ${key}: ${found.length.toLocaleString('en-US')} entries were written after the last checkpoint (${lastId}); the rows made again are matched against them, not written twice`);
        },
        async commit() {
          send();
          await Promise.all(inFlight);
          check();
          return { target, rows: committedRows + matched + rows, lastId };
        },
      },
      async close() {
        send();
        await Promise.all(inFlight);
        await redis.catch((e) => (failure ??= e));
        releaseRedis();
        check();
      },
      describe: () => `redis stream ${key} (${rows.toLocaleString('en-US')} entries${matched ? `, and ${matched.toLocaleString('en-US')} found already written before a crash` : ''})`,
    };
  },
};

/**
 * XADDs rows in one call: KEYS[1] the stream; ARGV: rows, columns, maxlen ('' for none), the
 * column names, then per row the event time and one value per column. Entry ids are Redis's;
 * it returns the last one.
 */
const ADD_ROWS = `
local rows, width, maxlen = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local at, id = 4 + width, nil
for r = 1, rows do
  local fields = { 'time', ARGV[at] }
  for c = 1, width do
    fields[2 * c + 1] = ARGV[3 + c]
    fields[2 * c + 2] = ARGV[at + c]
  end
  at = at + width + 1
  if maxlen == '' then id = redis.call('XADD', KEYS[1], '*', unpack(fields))
  else id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(fields)) end
end
return id`;

/** Adds the rows; returns the id of the last entry added. */
async function addRows(redis: Redis, args: string[]): Promise<string> {
  const withCommand = redis as Redis & { heanAddRows?: (...args: string[]) => Promise<string> };
  if (!withCommand.heanAddRows) redis.defineCommand('heanAddRows', { numberOfKeys: 1, lua: ADD_ROWS });
  return await withCommand.heanAddRows!(...args);
}

/** Epoch ms of a binding time (ISO text or ms), undefined when absent. */
function timeOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (value === '0' || value === 0) return 0;
  return parseTimeParam(value as string | number);
}

/** The stream's metadata (written by `hean publish`) must agree with what the source emits. */
function checkMeta(key: string, meta: Record<string, string> | undefined, spec: CandleSpec): void {
  if (!meta) return;
  if (meta.record && meta.record !== spec.record) throw new Error(`stream ${key} holds ${meta.record}, not ${spec.record}; bind a stream of ${spec.record}`);
  if (meta.timeframe && meta.timeframe !== spec.timeframe) {
    throw new Error(`stream ${key} holds ${meta.timeframe} candles (published from ${meta.file ?? 'a file'}) but the source's timeframe is ${spec.timeframe}; bind a ${spec.timeframe} stream or set timeframe: ${meta.timeframe}`);
  }
}

/**
 * A sink writes only streams of rows: a new one (marked as such in `KEY:meta`) or one a sink
 * made before (a session resuming appends). Never a stream of events (`hean publish`), whose
 * sources would read the rows, nor a stream another program owns.
 */
async function claimRowStream(redis: Redis, key: string, io: AdapterIO): Promise<void> {
  const { metaKey, readMeta } = await import('./redis/publish.js');
  const meta = await readMeta(redis, key);
  if (meta?.record === 'rows') return;
  if (meta) throw new Error(`it holds ${meta.record}${meta.file ? ` (published from ${meta.file})` : ''}, and a sink never writes into a stream of events; bind another stream`);
  if (await redis.exists(key)) throw new Error(`it exists and no hean sink made it (it has no ${metaKey(key)} hash), and a sink never writes into another program's stream; bind another stream, or delete it first`);
  await redis.hset(metaKey(key), { record: 'rows', graph: io.graph, node: io.node });
}

/** An entry's candle, checked; its id's time must be the candle's close (open time + timeframe). */
function acceptEntry(checker: CandleChecker, spec: CandleSpec, key: string, id: string, t: number, columns: Float64Array[], i: number): boolean {
  const time = columns[0][i];
  if (Number.isInteger(time) && time + spec.timeframeMs !== t) {
    throw new Error(`stream ${key} entry ${id}: its id says the event time is ${new Date(t).toISOString()}, but a ${spec.timeframe} candle opening at ${new Date(time).toISOString()} closes at ${new Date(time + spec.timeframeMs).toISOString()}; publish candles with hean publish (ids are close times)`);
  }
  return checker.accept(time, columns[1][i], columns[2][i], columns[3][i], columns[4][i], columns[5][i], id);
}

// One connection per process for the non-blocking commands of every stream adapter of a run
// (group readers open their own); closed when the last user releases it.
let shared: { redis: Promise<Redis>; users: number } | undefined;

async function sharedRedis(io: AdapterIO): Promise<Redis> {
  if (!shared) {
    const connecting = (async () => {
      const { connectRedis, ready, redisUrl } = await import('./redis/connection.js');
      const redis = connectRedis(redisUrl(io.redisUrl, io.env), { name: 'hean', log: io.log });
      await ready(redis, 10_000);
      return redis;
    })();
    shared = { redis: connecting, users: 0 };
    connecting.catch(() => (shared = undefined));
  }
  shared.users++;
  return shared.redis;
}

function releaseRedis(): void {
  if (!shared) return;
  if (--shared.users > 0) return;
  const { redis } = shared;
  shared = undefined;
  void redis.then((r) => r.quit()).catch(() => {});
}

