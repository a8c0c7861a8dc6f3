import type { LiveFeed, SinkPosition } from '../adapters/contract.js';
import type { RedisCheckpointStore } from '../adapters/redis/checkpointStore.js';
import type { Kernel } from '../defineNode.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import { graphFingerprint, nodeStates, verifyRebuilt } from './checkpoint.js';
import type { SessionOutputs } from './sessionSinks.js';

/**
 * Crash safety of a paper or live session fed by an exchange's candles (README "Crash safety"),
 * the counterpart of checkpoint.ts for sources that are not Redis streams: the exchange's closed
 * candles are the durable log, since they never change and can be fetched again over REST by time.
 *
 * - After every batch the live driver processed (where a Redis session acknowledges), the session
 *   saves a checkpoint in Redis (one hash, `hean:checkpoint:<graph>:<mode>:exchange:<feeds>`, written
 *   atomically): per source the open times of the first and last candle it processed and how
 *   many, the events stepped, and every node's Kernel.checkpoint() (brokers: cash, position,
 *   pending and resting orders with their client order ids, metrics; a live broker also what only
 *   the exchange knew: its orders and the fills it applied).
 * - A restart fetches those candles again (RefetchableFeed.resume: first .. last, instead of the
 *   warm start), replays them through the same pipeline to rebuild every node's state, and
 *   requires each rebuilt state to equal the checkpoint's, as checkpoint.ts does. A kernel whose
 *   state came partly from outside the events (a live broker's fills) is handed its saved state
 *   first (Kernel.resume) and replays those fills at the bars they were applied at.
 * - Then the candles that closed while the process was down are processed as new (catch-up, from
 *   REST), then the stream's: no candle is lost at the seam or processed twice. What a live broker
 *   does with the orders decided on catch-up candles is its rule (exchangeBroker.ts,
 *   exchangePortfolio.ts: looked up by client order id, absorbed if the crashed process had sent
 *   them, never sent late).
 */
export interface ExchangeCheckpointState {
  version: 1;
  kind: 'exchange';
  graph: string;
  fingerprint: string;
  events: number;
  chunks: number;
  clock: number;
  /** Per source node: its feed (exchange/symbol/timeframe) and the candles processed (open times of the first and last, how many). */
  feeds: Record<string, { key: string; first: number | null; last: number | null; candles: number }>;
  nodes: Record<string, unknown>;
  /** Where each row sink's committed rows end (sessionSinks.ts), as in checkpoint.ts. */
  sinks?: Record<string, SinkPosition>;
}

export interface ExchangeSessionOptions {
  graph: CompiledGraph;
  kernels: ReadonlyMap<string, Kernel>;
  sources: readonly string[];
  feeds: readonly LiveFeed[];
  store: RedisCheckpointStore;
  log: (message: string) => void;
  now: () => number;
  /** The row sinks committed with each checkpoint (sessionSinks.ts): exactly once across a crash, as for Redis sessions. */
  outputs?: SessionOutputs;
}

/**
 * The checkpoint key of a session on exchange feeds: the graph, the mode (a paper and a live
 * session of one graph are two sessions) and each feed's exchange (with its url or testnet),
 * symbol and timeframe.
 */
export function exchangeCheckpointKey(graph: string, mode: string, feeds: readonly LiveFeed[]): string {
  return `hean:checkpoint:${graph}:${mode}:exchange:${feeds.map((f) => f.refetchable!.key).join(',')}`;
}

export class ExchangeSession {
  rebuilding = false;
  replayed = 0;
  private readonly state: ExchangeCheckpointState;
  private saved: ExchangeCheckpointState | undefined;
  private readonly started: number;
  private firstNewPending = false;

  constructor(private readonly o: ExchangeSessionOptions) {
    this.started = o.now();
    const feeds: ExchangeCheckpointState['feeds'] = {};
    o.sources.forEach((id, s) => (feeds[id] = { key: o.feeds[s].refetchable!.key, first: null, last: null, candles: 0 }));
    this.state = { version: 1, kind: 'exchange', graph: o.graph.name, fingerprint: graphFingerprint(o.graph), events: 0, chunks: 0, clock: -Infinity, feeds, nodes: {} };
  }

  get key(): string {
    return this.o.store.key;
  }

  /** The saved nodes' states of the session resumed; undefined for a new session. */
  get resumedNodes(): Record<string, unknown> | undefined {
    return this.saved?.nodes;
  }

  /** Reads the checkpoint; with one, sets the feeds to fetch again the candles it covers. */
  async start(): Promise<void> {
    const { store, feeds, sources, log } = this.o;
    const found = await store.load();
    if (!found) {
      log(`checkpoint ${store.key}: new session`);
      return await this.startOutputs();
    }
    const saved = parseExchangeCheckpoint(found.state, store.key);
    const startOver = `to start a new session instead, delete the checkpoint (redis-cli DEL ${store.key}) or rename the graph`;
    if (saved.fingerprint !== this.state.fingerprint || saved.graph !== this.state.graph) {
      throw new Error(`checkpoint ${store.key} was saved by a different graph (${saved.graph}, fingerprint ${saved.fingerprint}; this graph: ${this.state.graph}, ${this.state.fingerprint}): a restart resumes only the graph, params and wiring that made it; run that graph again, or ${startOver}`);
    }
    for (const [s, id] of sources.entries()) {
      const mine = this.state.feeds[id];
      const theirs = saved.feeds[id];
      if (!theirs || theirs.key !== mine.key) throw new Error(`checkpoint ${store.key} does not record source ${id} on ${mine.key}${theirs ? ` (it has ${theirs.key})` : ''}; ${startOver}`);
      if (theirs.first !== null && theirs.last !== null) feeds[s].refetchable!.resume(theirs.first, theirs.last);
    }
    this.saved = saved;
    await this.o.outputs?.resume(saved.sinks, store.key);
    this.state.feeds = structuredClone(saved.feeds);
    this.rebuilding = saved.events > 0;
    const iso = (ms: number | null) => (ms === null ? 'none' : new Date(ms).toISOString());
    const ranges = sources.map((id) => `${id} ${iso(saved.feeds[id].first)} .. ${iso(saved.feeds[id].last)}`).join(', ');
    log(`checkpoint ${store.key}: resuming a session of ${saved.events.toLocaleString('en-US')} events (${ranges}); fetching those candles again to rebuild the graph's state`);
    if (!this.rebuilding) this.firstNewPending = true;
  }

  /** The driver's onEvents: ends the rebuild once the checkpoint's events are stepped again, verifying the state. */
  onEvents(events: number, time: number): void {
    if (this.rebuilding) {
      const saved = this.saved!;
      if (events < saved.events) return;
      if (events > saved.events || time !== saved.clock) {
        throw new Error(
          `checkpoint ${this.key}: the candles fetched again do not match the session's: the replay stepped ${events.toLocaleString('en-US')} events up to ${new Date(time).toISOString()} where the checkpoint recorded ${saved.events.toLocaleString('en-US')} up to ${new Date(saved.clock).toISOString()} ` +
            '(the exchange no longer serves some of them, or serves candles it did not have then); the state cannot be rebuilt, so the run stops; start a new session (delete the checkpoint)',
        );
      }
      this.verify(saved);
      this.replayed = events;
      this.rebuilding = false;
      this.firstNewPending = true;
      this.o.log(`checkpoint ${this.key}: rebuilt and verified the state of ${events.toLocaleString('en-US')} events in ${Math.round(this.o.now() - this.started)} ms; continuing with the candles that closed since`);
      return;
    }
    if (this.firstNewPending) {
      this.firstNewPending = false;
      this.o.log(`checkpoint ${this.key}: first new event stepped ${Math.round(this.o.now() - this.started)} ms after the session opened (${this.replayed.toLocaleString('en-US')} events replayed)`);
    }
  }

  /** The driver's commit: records the candles processed (their open times are the tokens) with the graph's state. */
  async commit(tokens: string[][], at: { events: number; chunks: number; clock: number }): Promise<void> {
    if (this.rebuilding) throw new Error(`checkpoint ${this.key}: new candles were processed before the replay reached the checkpoint's ${this.saved!.events.toLocaleString('en-US')} events; start a new session`);
    this.o.sources.forEach((id, s) => {
      const opens = tokens[s];
      if (!opens.length) return;
      const feed = this.state.feeds[id];
      feed.first ??= Number(opens[0]);
      feed.last = Number(opens[opens.length - 1]);
      feed.candles += opens.length;
    });
    this.state.events = at.events;
    this.state.chunks = at.chunks;
    this.state.clock = at.clock;
    this.state.nodes = this.nodeStates();
    if (this.o.outputs?.size) this.state.sinks = await this.o.outputs.commit();
    await this.o.store.commit(JSON.stringify(this.state), []);
  }

  /** A new session's row sinks start afresh and are committed at once (a checkpoint of 0 events), as checkpoint.ts does. */
  private async startOutputs(): Promise<void> {
    const outputs = this.o.outputs;
    if (!outputs?.size) return;
    await outputs.resume(undefined, undefined);
    this.state.sinks = await outputs.commit();
    await this.o.store.commit(JSON.stringify(this.state), []);
  }

  summary(): { key: string; events: number; replayed: number; feeds: ExchangeCheckpointState['feeds'] } {
    return { key: this.key, events: this.state.events, replayed: this.replayed, feeds: this.state.feeds };
  }

  private nodeStates(): Record<string, unknown> {
    return nodeStates(this.o.kernels);
  }

  private verify(saved: ExchangeCheckpointState): void {
    verifyRebuilt(this.key, saved.nodes, this.o.kernels, {
      replayed: `${saved.events.toLocaleString('en-US')} candles`,
      causes: 'a different hean version, or candles the exchange corrected since',
      startOver: 'delete the checkpoint',
    });
  }
}

function parseExchangeCheckpoint(text: string, key: string): ExchangeCheckpointState {
  let state: ExchangeCheckpointState;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new Error(`checkpoint ${key} is not valid JSON (${(e as Error).message}); delete it to start a new session`);
  }
  if (state?.version !== 1 || state.kind !== 'exchange' || typeof state.events !== 'number' || typeof state.feeds !== 'object') throw new Error(`checkpoint ${key} is not a hean checkpoint of an exchange-fed session (version 1); delete it to start a new session`);
  return state;
}
