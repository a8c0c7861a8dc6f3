import type { AdapterRegistry, LiveBatch, LiveFeed, RowWriter, SinkAdapter, SourceAdapter } from '../contract.js';
import type { Redis } from './connection.js';
import { idMs } from './entries.js';

/**
 * One symbol's graph instance in a partitioned paper run, taken up by whichever process holds the
 * symbol (symbolLeases.ts): a fresh start, a takeover from a process that died, or a symbol
 * handed over to rebalance all go the same way, so none loses or repeats an event:
 *
 * 1. every pending entry of the symbol's data consumer group (whoever it was delivered to) is
 *    moved to this process's consumer (XAUTOCLAIM, min idle 0: the symbol's lease says the old
 *    holder is gone), so the group reader delivers them first, in order;
 * 2. the graph's state is rebuilt: the entries the group has already acknowledged (from the
 *    group's start up to the first pending entry, or its last delivered one) are replayed
 *    through the graph first, without acknowledging anything;
 * 3. row sinks write nothing at or before the later of that point and the last row already in
 *    their stream (rows of acknowledged events, and rows of pending ones that landed before the
 *    holder died), so the output streams hold each event's rows once;
 * 4. an acknowledgement waits until the sinks' rows sent so far have landed, so an acknowledged
 *    event's rows are never lost with a crash.
 *
 * Step 2 is the honest first version of "resume": it costs a replay of the symbol's history. A
 * checkpoint store (graph and broker state saved with the stream positions it covers) plugs in
 * as `InstanceResume`: given the instance (graph name + symbol) it restores what it can and says
 * from which entry on to replay; until one is given, `replayFromStart` is used.
 */

/** Identifies a graph instance across processes and restarts: a partition runs one graph per symbol. */
export interface InstanceKey {
  graph: string;
  symbol: string;
}

/**
 * How an instance's state is rebuilt when a process takes a symbol up. `restore` returns, per
 * source node, the id of the last entry its restored state includes ('0-0' = none: replay from
 * the group's start), or undefined when it restored nothing; the replay then covers only the
 * acknowledged entries after that id.
 */
export interface InstanceResume {
  restore(instance: InstanceKey, sources: readonly string[]): Promise<Record<string, string> | undefined>;
}

export const replayFromStart: InstanceResume = { restore: async () => undefined };

export interface ResumedInstanceOptions {
  instance: InstanceKey;
  /** The consumer name of this process in the data groups. */
  consumer: string;
  /** Non-blocking commands (pending entries, last rows). */
  redis: Redis;
  resume?: InstanceResume;
  /** False once this process may no longer own the symbol (a missed heartbeat): acknowledging would be wrong. */
  owns: () => boolean;
  log: (message: string) => void;
}

/** Thrown from an acknowledgement once the process may no longer own the symbol: the run stops, the symbol is handed over, not failed. */
export class LostSymbolError extends Error {}

export interface ResumeFacts {
  /** Entries replayed to rebuild state, per source node. */
  replayed: Record<string, number>;
  /** Pending entries moved to this consumer, per source node. */
  reclaimed: Record<string, number>;
}

/** The default adapters with the Redis stream source and sink wrapped as described above. */
export function resumedAdapters(base: AdapterRegistry, options: ResumedInstanceOptions): { adapters: AdapterRegistry; facts: ResumeFacts } {
  const facts: ResumeFacts = { replayed: {}, reclaimed: {} };
  const sinks: FencedSink[] = [];
  let resumedAt = -Infinity; // latest event time replayed by any source: rows up to it exist already
  const sources = base.sources.map((adapter): SourceAdapter => {
    if (adapter.name !== 'redisStream') return adapter;
    return {
      ...adapter,
      async live(binding, spec, io) {
        const key = String(binding.stream);
        const group = String(binding.group ?? `hean.${io.graph}.${io.node}`);
        const reclaimed = await reclaimPending(options.redis, key, group, options.consumer);
        facts.reclaimed[io.node] = reclaimed;
        const restored = (await (options.resume ?? replayFromStart).restore(options.instance, [io.node]))?.[io.node];
        const range = await acknowledgedRange(options.redis, key, group);
        let history: LiveBatch | undefined;
        if (range) {
          const from = restored && restored !== '0-0' ? idMs(restored) + 1 : binding.from === undefined || binding.from === '0' || binding.from === 0 ? undefined : binding.from;
          const data = await adapter.replay!({ stream: key, ...(from === undefined ? {} : { from }), to: range.to }, spec, io).catch((e: Error) => {
            if (/has no \w+ in the requested range/.test(e.message)) return undefined;
            throw e;
          });
          if (data) history = { n: data.t.length, t: data.t, columns: data.columns };
        }
        facts.replayed[io.node] = history?.n ?? 0;
        if (history) resumedAt = Math.max(resumedAt, history.t[history.n - 1]);
        await Promise.all(sinks.map((s) => s.ready));
        if (reclaimed || history) options.log(`${options.instance.graph}[${options.instance.symbol}] ${io.node}: ${history ? `replayed ${history.n.toLocaleString('en-US')} acknowledged entries to rebuild state` : 'nothing acknowledged yet'}${reclaimed ? `, took over ${reclaimed} pending entries` : ''}`);
        const feed = await adapter.live!({ ...binding, consumer: options.consumer }, spec, io);
        return fencedFeed(feed, history, sinks, options.owns, `${options.instance.graph}[${options.instance.symbol}]`);
      },
    };
  });
  const sinkAdapters = base.sinks.map((adapter): SinkAdapter => {
    if (adapter.name !== 'redisStream') return adapter;
    return {
      ...adapter,
      open(binding, io) {
        const sink = new FencedSink(adapter.open(binding, io), lastRowTime(options.redis, String(binding.stream)), () => resumedAt);
        sinks.push(sink);
        return sink;
      },
    };
  });
  return { adapters: { sources, sinks: sinkAdapters }, facts };
}

/** XAUTOCLAIM every pending entry of the group to `consumer`; returns how many moved. */
async function reclaimPending(redis: Redis, key: string, group: string, consumer: string): Promise<number> {
  let moved = 0;
  let cursor = '0-0';
  try {
    do {
      const reply = (await redis.xautoclaim(key, group, consumer, 0, cursor, 'COUNT', 1000, 'JUSTID')) as [string, string[]];
      cursor = reply[0];
      moved += reply[1].length;
    } while (cursor !== '0-0');
  } catch (e) {
    if (/NOGROUP/.test((e as Error).message)) return 0; // a symbol never started: nothing pending
    throw e;
  }
  return moved;
}

/**
 * The event times the group has acknowledged: up to (not including) its first pending entry, or
 * up to its last delivered entry when none is pending. The driver acknowledges in event order, so
 * that is every entry the previous holders finished. Undefined when nothing was delivered.
 */
async function acknowledgedRange(redis: Redis, key: string, group: string): Promise<{ to: number } | undefined> {
  let groups: unknown[][];
  try {
    groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
  } catch (e) {
    if (/no such key/i.test((e as Error).message)) return undefined;
    throw e;
  }
  const info = groups.map((g) => Object.fromEntries(pairs(g))).find((g) => g.name === group);
  const last = info?.['last-delivered-id'] as string | undefined;
  if (!last || last === '0-0') return undefined;
  const summary = (await redis.xpending(key, group)) as [number, string | null, string | null, unknown];
  const to = summary[0] > 0 && summary[1] ? idMs(summary[1]) - 1 : idMs(last);
  return to > 0 ? { to } : undefined;
}

function pairs(list: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([String(list[i]), list[i + 1]]);
  return out;
}

/** The `time` of the newest row of a row stream, -Infinity when it has none. */
async function lastRowTime(redis: Redis, key: string): Promise<number> {
  const rows = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as [string, string[]][];
  if (!rows.length) return -Infinity;
  const fields = rows[0][1];
  const at = fields.indexOf('time');
  return at >= 0 ? Number(fields[at + 1]) : -Infinity;
}

/** A row writer that drops rows at or before its fence, and can wait for what it sent to land. */
class FencedSink implements RowWriter {
  private fence = -Infinity;
  private passed = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly inner: RowWriter,
    last: Promise<number>,
    private readonly resumedAt: () => number,
  ) {
    this.ready = last.then((t) => void (this.fence = t));
  }

  start(columns: readonly string[]): void {
    this.inner.start(columns);
  }

  write(n: number, t: Float64Array, columns: readonly Float64Array[]): void {
    if (!this.passed) {
      const fence = Math.max(this.fence, this.resumedAt());
      let first = 0;
      while (first < n && t[first] <= fence) first++;
      if (first === n) return;
      this.passed = true; // event times only grow: no later row is at or before the fence
      if (first > 0) return this.inner.write(n - first, t.subarray(first), columns.map((c) => c.subarray(first)));
    }
    this.inner.write(n, t, columns);
  }

  flush(): void {
    this.inner.flush?.();
  }

  async settled(): Promise<void> {
    await this.inner.settled?.();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  describe(): string {
    return this.inner.describe();
  }
}

const HISTORY_SLICE = 4096;

/** The replayed history first (no tokens: nothing to acknowledge), then the live feed; acknowledgements wait for the sinks. */
function fencedFeed(feed: LiveFeed, history: LiveBatch | undefined, sinks: FencedSink[], owns: () => boolean, label: string): LiveFeed {
  let at = 0;
  return {
    async next() {
      // The history in slices: the driver then steps it in bounded runs and the heartbeat timer keeps ticking.
      if (history && at < history.n) {
        const end = Math.min(history.n, at + HISTORY_SLICE);
        const slice = (c: Float64Array) => c.subarray(at, end);
        const batch = { n: end - at, t: slice(history.t), columns: Object.fromEntries(Object.entries(history.columns).map(([f, c]) => [f, slice(c)])) };
        at = end;
        return batch;
      }
      return feed.next();
    },
    async ack(tokens) {
      for (const s of sinks) s.flush();
      await Promise.all(sinks.map((s) => s.settled()));
      if (!owns()) throw new LostSymbolError(`${label}: this process no longer holds the symbol (a heartbeat was missed for too long); it stops without acknowledging, the new holder resumes from the last acknowledged entry`);
      await feed.ack!(tokens);
    },
    info: () => ({ ...feed.info(), replayed: history?.n ?? 0 }),
    close: () => feed.close(),
  };
}
