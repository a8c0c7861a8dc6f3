import { createHash } from 'node:crypto';
import type { LiveFeed, RowWriter, SinkPosition } from '../adapters/contract.js';
import type { RedisCheckpointStore, StreamAcks } from '../adapters/redis/checkpointStore.js';
import type { Kernel } from '../defineNode.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import type { SessionOutputs } from './sessionSinks.js';

/**
 * Crash safety of a paper or live session whose sources are Redis streams (README "Crash safety").
 *
 * - Every time the live driver acknowledges processed events, the session saves a checkpoint in
 *   the same atomic step (one Lua script, RedisCheckpointStore): per stream the first and last
 *   entry ids the session processed and how many, the events stepped, and the state of every node
 *   that has one to show (Kernel.checkpoint: a broker's money, pending orders with their client
 *   order ids, open trade and metrics so far).
 * - Kernels are closures without a serialised form, but the runtime is deterministic: a restart
 *   rebuilds the whole graph's state (indicators, models, brokers) by replaying the processed
 *   entries (XRANGE firstId..lastId) through the same pipeline, then requires each node's rebuilt
 *   state to equal the checkpoint's — a mismatch stops the run with what differs — and goes on
 *   with the group's pending and new entries. While it rebuilds, `rebuilding` is true: row sinks
 *   that append across runs write nothing, and an order-sending node must send nothing (its orders
 *   went out before the crash, under the same client order ids).
 * - A stream trimmed past the session's first entry cannot be replayed: the restart refuses, with
 *   what to do (keep the history, or start a new session). An approximate state is never accepted.
 */
export interface CheckpointState {
  version: 1;
  graph: string;
  /** The graph's nodes, kinds, params and wires, hashed: a restart must run the same graph. */
  fingerprint: string;
  /** Events stepped by the session so far (all its processes), chunks, and the driver's clock. */
  events: number;
  chunks: number;
  clock: number;
  /** Per source node: its stream, group, consumer and the entries processed (first id, last id, how many). */
  streams: Record<string, { key: string; group: string; consumer: string; firstId: string | null; lastId: string | null; entries: number }>;
  /** Kernel.checkpoint() of each node that has one. */
  nodes: Record<string, unknown>;
  /** Where each row sink's committed rows end (sessionSinks.ts); absent in checkpoints of sessions without such sinks. */
  sinks?: Record<string, SinkPosition>;
}

export interface SessionOptions {
  graph: CompiledGraph;
  kernels: ReadonlyMap<string, Kernel>;
  /** The source node ids and their feeds, in the driver's order. */
  sources: readonly string[];
  feeds: readonly LiveFeed[];
  store: RedisCheckpointStore;
  log: (message: string) => void;
  /** Milliseconds (the wall clock adapter's): for the resume timing lines only. */
  now: () => number;
  /** The row sinks committed with each checkpoint (sessionSinks.ts). */
  outputs?: SessionOutputs;
}

/** The checkpoint key of a session: the graph and each source's stream, group and consumer (so partitions of one graph keep their own). */
export function checkpointKey(graph: string, feeds: readonly LiveFeed[]): string {
  return `hean:checkpoint:${graph}:${feeds.map((f) => `${f.durable!.key}/${f.durable!.group}/${f.durable!.consumer}`).join(',')}`;
}

/** What a restart must agree on: node ids, kinds, params and wires (not the bindings, which may move). */
export function graphFingerprint(graph: CompiledGraph): string {
  const shape = graph.nodes.map((n) => [n.id, n.kind, n.params, n.inputs.map((i) => [i.port, i.wires.map((w) => w.text)])]);
  return createHash('sha256').update(JSON.stringify([graph.name, shape])).digest('hex').slice(0, 16);
}

export class CrashSafeSession {
  /** True while a restart replays processed events to rebuild the state. */
  rebuilding = false;
  /** Events replayed by this process to rebuild (0 for a new session). */
  replayed = 0;
  /** Entries acknowledged through checkpoints, over the whole session (the store's count). */
  acked = 0;
  private readonly state: CheckpointState;
  private saved: CheckpointState | undefined;
  private readonly started: number;
  private firstNewPending = false;

  constructor(private readonly o: SessionOptions) {
    this.started = o.now();
    const streams: CheckpointState['streams'] = {};
    o.sources.forEach((id, s) => {
      const d = o.feeds[s].durable!;
      streams[id] = { key: d.key, group: d.group, consumer: d.consumer, firstId: null, lastId: null, entries: 0 };
    });
    this.state = { version: 1, graph: o.graph.name, fingerprint: graphFingerprint(o.graph), events: 0, chunks: 0, clock: -Infinity, streams, nodes: {} };
  }

  get key(): string {
    return this.o.store.key;
  }

  /** The saved nodes' states of the session resumed (Kernel.resume); undefined for a new session. */
  get resumedNodes(): Record<string, unknown> | undefined {
    return this.saved?.nodes;
  }

  /** Reads the checkpoint; with one, sets the feeds to replay what it covers first. */
  async start(): Promise<void> {
    const { store, feeds, sources, log } = this.o;
    const found = await store.load();
    if (!found) {
      log(`checkpoint ${store.key}: new session`);
      return await this.startOutputs();
    }
    const saved = parseCheckpoint(found.state, store.key);
    const fresh = sources.filter((_, s) => feeds[s].durable!.created);
    if (fresh.length) {
      // The group was deleted (or never existed) while its checkpoint stayed: the consumption it
      // recorded is gone, so the session starts over and the old checkpoint is replaced.
      log(`checkpoint ${store.key}: the consumer group of ${fresh.join(', ')} was created by this run, so the checkpoint (${saved.events.toLocaleString('en-US')} events) belongs to an earlier session whose group is gone; starting a new session`);
      await store.delete();
      return await this.startOutputs();
    }
    const startOver = `start a new session instead: bind a new group (--bind ${sources[0]}.group=NAME), or delete the checkpoint and the group (redis-cli DEL ${store.key}; XGROUP DESTROY ${feeds[0].durable!.key} ${feeds[0].durable!.group})`;
    if (saved.fingerprint !== this.state.fingerprint || saved.graph !== this.state.graph) {
      throw new Error(`checkpoint ${store.key} was saved by a different graph (${saved.graph}, fingerprint ${saved.fingerprint}; this graph: ${this.state.graph}, ${this.state.fingerprint}): a restart resumes only the graph, params and wiring that made it; run that graph again, or ${startOver}`);
    }
    for (const [s, id] of sources.entries()) {
      const mine = this.state.streams[id];
      const theirs = saved.streams[id];
      if (!theirs || theirs.key !== mine.key || theirs.group !== mine.group) {
        throw new Error(`checkpoint ${store.key} does not record source ${id} on stream ${mine.key}, group ${mine.group}${theirs ? ` (it has stream ${theirs.key}, group ${theirs.group})` : ''}; ${startOver}`);
      }
      if (theirs.firstId === null || theirs.lastId === null) continue;
      if (!(await store.holds(theirs.key, theirs.firstId))) {
        const first = await store.firstId(theirs.key);
        throw new Error(
          `stream ${theirs.key} no longer holds entry ${theirs.firstId}, where this session began (it now ${first ? `starts at ${first}` : 'is empty'}): it was trimmed (XADD MAXLEN, XTRIM) or deleted, ` +
            `so the ${theirs.entries.toLocaleString('en-US')} entries the session processed cannot be replayed to rebuild its state (indicators, orders, broker). ` +
            `Keep a session's whole history in its streams (publish without a length cap, or trim only entries older than the session), or ${startOver}`,
        );
      }
      await feeds[s].durable!.replay(theirs.firstId, theirs.lastId);
    }
    this.saved = saved;
    await this.o.outputs?.resume(saved.sinks, store.key);
    this.state.streams = structuredClone(saved.streams);
    this.acked = found.acked;
    this.rebuilding = saved.events > 0;
    log(`checkpoint ${store.key}: resuming a session of ${saved.events.toLocaleString('en-US')} events; replaying them to rebuild the graph's state`);
    if (!this.rebuilding) this.firstNewPending = true;
  }

  /** The driver's onEvents: ends the rebuild once the checkpoint's events are stepped again, verifying the state. */
  onEvents(events: number): void {
    if (this.rebuilding) {
      const saved = this.saved!;
      if (events < saved.events) return;
      if (events > saved.events) throw new Error(`checkpoint ${this.key}: the replay stepped ${events.toLocaleString('en-US')} events where the checkpoint recorded ${saved.events.toLocaleString('en-US')}: the stream's entries changed since (deleted or added before the session's last entry); start a new session`);
      this.verify(saved);
      this.replayed = events;
      this.rebuilding = false;
      this.firstNewPending = true;
      this.o.log(`checkpoint ${this.key}: rebuilt and verified the state of ${events.toLocaleString('en-US')} events in ${Math.round(this.o.now() - this.started)} ms; continuing with new events`);
      return;
    }
    if (this.firstNewPending) {
      this.firstNewPending = false;
      this.o.log(`checkpoint ${this.key}: first new event stepped ${Math.round(this.o.now() - this.started)} ms after the session opened (${this.replayed.toLocaleString('en-US')} events replayed)`);
    }
  }

  /** The driver's commit: acknowledges the processed events and saves the state with them, atomically. */
  async commit(tokens: string[][], at: { events: number; chunks: number; clock: number }): Promise<void> {
    if (this.rebuilding) {
      throw new Error(`checkpoint ${this.key}: new events were processed before the replay reached the checkpoint's ${this.saved!.events.toLocaleString('en-US')} events: entries were deleted from the session's streams since; start a new session`);
    }
    const acks: StreamAcks[] = [];
    this.o.sources.forEach((id, s) => {
      const ids = tokens[s];
      if (!ids.length) return;
      const stream = this.state.streams[id];
      stream.firstId ??= ids[0];
      stream.lastId = ids[ids.length - 1];
      stream.entries += ids.length;
      acks.push({ key: stream.key, group: stream.group, ids });
    });
    this.state.events = at.events;
    this.state.chunks = at.chunks;
    this.state.clock = at.clock;
    this.state.nodes = this.nodeStates();
    if (this.o.outputs?.size) this.state.sinks = await this.o.outputs.commit();
    this.acked = await this.o.store.commit(JSON.stringify(this.state), acks);
  }

  /**
   * A new session's row sinks start afresh and are committed at once (a checkpoint of 0 events):
   * a crash before the first acknowledgement then resumes the session's own outputs too.
   */
  private async startOutputs(): Promise<void> {
    const outputs = this.o.outputs;
    if (!outputs?.size) return;
    await outputs.resume(undefined, undefined);
    this.state.sinks = await outputs.commit();
    this.acked = await this.o.store.commit(JSON.stringify(this.state), []);
  }

  /** For the run summary. */
  summary(): { key: string; events: number; replayed: number; acked: number; streams: CheckpointState['streams'] } {
    return { key: this.key, events: this.state.events, replayed: this.replayed, acked: this.acked, streams: this.state.streams };
  }

  private nodeStates(): Record<string, unknown> {
    return nodeStates(this.o.kernels);
  }

  private verify(saved: CheckpointState): void {
    verifyRebuilt(this.key, saved.nodes, this.o.kernels, {
      replayed: `${saved.events.toLocaleString('en-US')} events`,
      causes: 'a different hean version, or, with several feeds, events released after waiting for a quiet feed or dropped as late before the crash, which depend on arrival timing',
      startOver: 'bind a new group',
    });
  }
}

/** Kernel.checkpoint() of each node that has one: a session's saved state. */
export function nodeStates(kernels: ReadonlyMap<string, Kernel>): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (const [id, kernel] of kernels) if (kernel.checkpoint) nodes[id] = kernel.checkpoint();
  return nodes;
}

/**
 * A restart's check once its replay reaches the checkpoint: every node's rebuilt state equals the
 * saved one, or the run stops naming the first field that differs (`why` says what was replayed,
 * what could have caused a difference, and how to start a new session instead).
 */
export function verifyRebuilt(key: string, saved: Record<string, unknown>, kernels: ReadonlyMap<string, Kernel>, why: { replayed: string; causes: string; startOver: string }): void {
  // Through JSON on both sides: NaN and -0 compare as the saved text does.
  const rebuilt = JSON.parse(JSON.stringify(nodeStates(kernels))) as Record<string, unknown>;
  for (const id of new Set([...Object.keys(saved), ...Object.keys(rebuilt)])) {
    const diff = firstDifference(saved[id], rebuilt[id], id);
    if (diff) {
      throw new Error(
        `checkpoint ${key}: after replaying the session's ${why.replayed}, node ${diff.path} is ${JSON.stringify(diff.rebuilt)} where the checkpoint has ${JSON.stringify(diff.saved)}: ` +
          `the replay did not reproduce the session (${why.causes}). ` +
          `Resuming would trade from a state that never existed, so the run stops; start a new session (${why.startOver}) to go on`,
      );
    }
  }
}

function parseCheckpoint(text: string, key: string): CheckpointState {
  let state: CheckpointState;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new Error(`checkpoint ${key} is not valid JSON (${(e as Error).message}); delete it to start a new session`);
  }
  if (state?.version !== 1 || typeof state.events !== 'number' || typeof state.streams !== 'object') throw new Error(`checkpoint ${key} is not a hean checkpoint of version 1; delete it to start a new session`);
  return state;
}

/** The first path at which two JSON values differ, or undefined. */
export function firstDifference(saved: unknown, rebuilt: unknown, path: string): { path: string; saved: unknown; rebuilt: unknown } | undefined {
  if (saved === rebuilt) return undefined;
  if (typeof saved === 'object' && typeof rebuilt === 'object' && saved !== null && rebuilt !== null && Array.isArray(saved) === Array.isArray(rebuilt)) {
    const a = saved as Record<string, unknown>;
    const b = rebuilt as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], Array.isArray(saved) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return { path, saved, rebuilt };
}

/** A row writer that writes nothing while `rebuilding()` when its rows outlive the run (a restart's replay wrote them before the crash). */
export function gateRows(writer: RowWriter, rebuilding: () => boolean): RowWriter {
  if (!writer.appendsAcrossRuns) return writer;
  return {
    start: (columns) => writer.start(columns),
    write: (n, t, columns) => {
      if (!rebuilding()) writer.write(n, t, columns);
    },
    flush: () => writer.flush?.(),
    close: () => writer.close(),
    describe: () => writer.describe(),
    appendsAcrossRuns: true,
  };
}
