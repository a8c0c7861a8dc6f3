import type { TObject } from '@sinclair/typebox';
import type { Kernel, ParamProblem } from '../defineNode.js';
import type { SourceSpec } from '../records/sourceSpec.js';
import type { OutputGuard } from './outputGuard.js';
import type { Cache } from '../cache/Cache.js';

/**
 * The adapter contract (DESIGN.md section 6). A node kind says what it emits or consumes; an
 * adapter says where the events come from or go to, per mode. A binding (`modes.<mode>.<id>`
 * in the graph, or `--bind id.key=value`) selects its adapter by the one key that names it
 * (`file`, `stream`, `memory`) and is checked against that adapter's schema when the graph
 * compiles. Only adapters (and drivers) touch files, the network or the wall clock.
 */

export type Mode = 'backtest' | 'paper' | 'live';
export const MODES: readonly Mode[] = ['backtest', 'paper', 'live'];

/** How a mode consumes a source: a known history (replay driver) or events as they arrive (live driver). */
export function sourceNeed(mode: Mode): 'replay' | 'live' {
  return mode === 'backtest' ? 'replay' : 'live';
}

/** What an adapter gives every call: the environment, warnings for the run summary, a log on stderr. */
export interface AdapterIO {
  readonly env: NodeJS.ProcessEnv;
  /** The node the binding belongs to, and the graph's name (default consumer group names). */
  readonly node: string;
  readonly graph: string;
  warn(code: string, message: string): void;
  /** Operational messages (reconnecting, progress) for stderr. */
  log(message: string): void;
  /** `--redis URL` of the run, when given. */
  readonly redisUrl?: string;
  /** The graph's file, as given (a graph compiled from text has none on disk). */
  readonly graphFile: string;
  /**
   * What the run reads and writes: a source registers each file or stream it reads
   * (`outputs.input`), a sink claims its file or stream before writing (`outputs.file`,
   * `outputs.target`), which enforces where a run may write (outputGuard.ts).
   */
  readonly outputs: OutputGuard;
  /** Binding keys the user gave on the command line (`--bind`, `--data`), as opposed to the graph. */
  readonly commandLine: ReadonlySet<string>;
  /** A source: bars of it the graph needs before every node fed by it has a value (a live feed fetches them first: warm start). */
  readonly warmupBars?: number;
  /**
   * The run's cache (`--cache`; runtime/cache/Cache.ts), when it has one: adapters memoise what is
   * costly to fetch or decode (kind `history` for past events) with `getOrCompute`. Absent: no cache.
   */
  readonly cache?: Cache;
  /**
   * A paper or live run, which may be a crash-safe session: a sink's existing output may be the
   * session's own from before a crash. A file sink then judges an existing file only when the
   * session calls its `session.resume` (or, with no session, at its first row).
   */
  readonly resumable?: boolean;
}

interface AdapterDeclaration {
  /** Adapter name, for messages (`file`, `redisStream`, `memory`). */
  readonly name: string;
  /** The binding key that selects this adapter; it is always present in the binding. */
  readonly key: string;
  readonly summary: string;
  /** The binding's JSON Schema (additionalProperties: false, so misspelt keys are caught). */
  readonly binding: TObject;
  /** An example binding for hints (`{ file: btcusdt_1h.csv.gz }`). */
  readonly example: string;
  /**
   * Checks across binding keys that a schema cannot express (from < to), or that depend on who
   * gave a key: `commandLine` holds the keys the user typed (`--bind`), not the graph's.
   */
  check?(binding: Record<string, unknown>, mode: Mode, commandLine: ReadonlySet<string>): ParamProblem[];
}

/** A source's events as columns sorted by event time: what a replay hands the replay driver. */
export interface SourceData {
  /** Event times, strictly increasing. */
  t: Float64Array;
  /** Columns by record field name (`open`, `close`, ...). */
  columns: Record<string, Float64Array>;
  /** A text source's texts: `columns.text` holds event i's position in here (i, in file order). */
  strings?: readonly string[];
  /** Provenance and data-quality facts shown in the run summary (file, range, gaps, rows dropped). */
  info: Record<string, unknown>;
}

/** A run of consecutive events delivered live, in arrival order, with the token to acknowledge them. */
export interface LiveBatch {
  n: number;
  t: Float64Array;
  /** By record field name, `n` values each. */
  columns: Record<string, Float64Array>;
  /** Opaque per-event handles for `ack` (stream entry ids). */
  tokens?: readonly string[];
}

/** Events as they arrive. The live driver pulls, merges feeds by event time, and acknowledges what the graph processed. */
export interface LiveFeed {
  /** The next batch; an empty batch when nothing arrived for a while; null when the feed has ended. */
  next(): Promise<LiveBatch | null>;
  /** The graph has processed these events (the driver calls it in order, after stepping them). */
  ack?(tokens: readonly string[]): Promise<void>;
  /** Provenance for the run summary (stream, group, where it resumed). */
  info(): Record<string, unknown>;
  /** Operational state for monitoring (runtime/metrics), read when /metrics is scraped; a feed without it reports nothing. */
  health?(): Promise<FeedHealth>;
  close(): Promise<void>;
  /** Present when the events stay stored after they are consumed (a Redis stream): a session over such feeds is crash-safe. */
  readonly durable?: DurableFeed;
  /** Present when the events can be fetched again by time (an exchange's closed candles): a session over such feeds is crash-safe too (exchangeCheckpoint.ts). */
  readonly refetchable?: RefetchableFeed;
}

/**
 * A feed whose events the source keeps and serves again by time (an exchange's closed candles over
 * REST): runtime/exec/exchangeCheckpoint.ts records per feed the first and last event it processed
 * (batches carry each event's open time as its token), and a restarted session fetches them again
 * to rebuild the graph's state.
 */
export interface RefetchableFeed {
  /** What the events are, stable across runs (`binance/BTC/USDT/1m`, `binance@http://127.0.0.1:8765/BTC/USDT/1m`): part of the checkpoint's key. */
  readonly key: string;
  /**
   * Call before the first next(), in place of the warm start: the feed first serves the events
   * with open times `first` .. `last` (processed by an earlier process of the session) in batches
   * without tokens, then those that closed since (catch-up, with tokens), then live ones.
   */
  resume(first: number, last: number): void;
}

/**
 * A feed whose consumed events can be read again (runtime/exec/checkpoint.ts): a checkpoint
 * acknowledges its events in the same atomic step that saves the graph's state, and a restarted
 * session replays the acknowledged ones to rebuild that state.
 */
export interface DurableFeed {
  /** The stream and consumer group its acknowledgements go to. */
  readonly key: string;
  readonly group: string;
  readonly consumer: string;
  /** This run created the group (a new session) rather than found it (a session resuming). */
  readonly created: boolean;
  /**
   * Call before the first next(): the feed first serves its entries from `firstId` to `lastId`
   * (inclusive: events an earlier session processed) in batches without tokens, then its live
   * entries, skipping any at or before `lastId`. Rejects when the stream no longer holds
   * `firstId` (trimmed), with what to do.
   */
  replay(firstId: string, lastId: string): Promise<void>;
}

export interface FeedHealth {
  /** Connections lost (and re-established) so far. */
  reconnects: number;
  /** Consumer-group feeds: entries delivered and not yet acknowledged. */
  pendingEntries?: number;
}

export interface SourceAdapter extends AdapterDeclaration {
  readonly role: 'source';
  /** Record types it can carry (`candles`). */
  readonly records: readonly SourceSpec['record'][];
  /** Whole known history, for backtests (and stream-range replays). */
  replay?(binding: Record<string, unknown>, spec: SourceSpec, io: AdapterIO): Promise<SourceData>;
  /** Events as they arrive, for paper and live runs. */
  live?(binding: Record<string, unknown>, spec: SourceSpec, io: AdapterIO): Promise<LiveFeed>;
}

/** Where a row sink's rows go: columns named once, then chunks of rows, then close. */
export interface RowWriter {
  /** Called once before the first rows: the column names (time is implicit). */
  start(columns: readonly string[]): void;
  /** `n` rows: event times and one column per name. Synchronous: writers buffer or queue. */
  write(n: number, t: Float64Array, columns: readonly Float64Array[]): void;
  /** Sends what is buffered now (the live driver calls it whenever it has caught up, so rows leave without waiting for a full batch). */
  flush?(): void;
  /** Resolves once every row written so far has landed (a partitioned run acknowledges events only after their rows are stored). */
  settled?(): Promise<void>;
  /** Flushes and releases; resolves once everything written has landed. */
  close(): Promise<void>;
  /** What was written where, for the "wrote ..." line. */
  describe(): string;
  /**
   * The rows outlive the run and a restarted session appends to them (a Redis stream; a file,
   * cut back to its last committed row): the session does not write again the rows of the events
   * it replays to rebuild its state. Without it (memory), the replay writes them again.
   */
  readonly appendsAcrossRuns?: boolean;
  /** Present when the rows can be committed with a crash-safe session's checkpoint (runtime/exec/sessionSinks.ts): exactly once across a crash. */
  readonly session?: SessionRows;
}

/**
 * A row writer's part in a crash-safe session's checkpoint (runtime/exec/checkpoint.ts): its
 * position is saved in the same atomic step that acknowledges the events whose rows end there,
 * and a restart goes back to it, so after `kill -9` the output holds each row once.
 */
export interface SessionRows {
  /** What it writes, as positions name it (`file /abs/path`, `stream KEY`). */
  readonly target: string;
  /**
   * Called once, before the first row, when the session has read its checkpoint: with the
   * position this writer's last committed checkpoint recorded (a restart: drop what was written
   * after it, the rows of events the session processes again), or undefined (a new session:
   * start the output afresh, as a run without a session would).
   */
  resume(position: SinkPosition | undefined): Promise<void>;
  /** Makes every row written so far durable (written out, fsynced, landed) and returns where they end. */
  commit(): Promise<SinkPosition>;
}

/** Where a writer's committed rows end, as saved in a checkpoint (JSON): the target named, so a restart bound elsewhere is refused. */
export interface SinkPosition {
  /** `file /abs/path` or `stream KEY`. */
  target: string;
  /** Rows committed (those of the session's acknowledged events). */
  rows: number;
  /** A file: its length in bytes after the committed rows, and the SHA-256 of (up to) the 4,096 bytes before that end. */
  bytes?: number;
  tail?: string;
  /** A stream: the id of the entry holding the last committed row ('0-0': none yet). */
  lastId?: string;
}

export interface SinkAdapter extends AdapterDeclaration {
  readonly role: 'sink';
  open(binding: Record<string, unknown>, io: AdapterIO): RowWriter;
}

/**
 * Where a broker node's orders go in live mode (an exchange account): `open` makes the node's
 * kernel, after checking the account, in place of the simulated broker. `settle` (awaited by the
 * live driver after each event, before acknowledging it) lets the orders decided at that event
 * reach the exchange and their fills come back.
 */
export interface BrokerAdapter extends AdapterDeclaration {
  readonly role: 'broker';
  /** Node kinds it can trade for (sink.broker). */
  readonly kinds: readonly string[];
  open(params: unknown, binding: Record<string, unknown>, io: AdapterIO, node?: { readonly inputWires: Readonly<Record<string, readonly string[]>> }): Promise<Kernel & { settle?(): Promise<void> }>;
  /**
   * Checks of the binding against the node it binds, when the graph compiles: its params (what
   * an exchange account cannot honour) and its input wires as written, by port (a market per
   * market wire). Problems' paths are within the binding.
   */
  checkNode?(binding: Record<string, unknown>, node: { readonly params: unknown; readonly wires: Readonly<Record<string, readonly string[]>> }): ParamProblem[];
  /** What a run bound so would do, in words (for the --confirm-live refusal): account, exchange, market. No secrets. */
  describe(binding: Record<string, unknown>, env: NodeJS.ProcessEnv): string;
}

export type Adapter = SourceAdapter | SinkAdapter | BrokerAdapter;

export interface AdapterRegistry {
  readonly sources: readonly SourceAdapter[];
  readonly sinks: readonly SinkAdapter[];
  /** Live-mode brokers (exchange accounts); none: live runs with a broker node do not compile. */
  readonly brokers?: readonly BrokerAdapter[];
}

/** The adapter a binding selects: the one whose key it has. Several or none: undefined (the compiler explains). */
export function selectAdapter<A extends Adapter>(adapters: readonly A[], binding: Record<string, unknown>): A | undefined {
  const matches = adapters.filter((a) => Object.hasOwn(binding, a.key));
  return matches.length === 1 ? matches[0] : undefined;
}
