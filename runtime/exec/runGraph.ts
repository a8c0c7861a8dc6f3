import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { AdapterIO, AdapterRegistry, LiveFeed, Mode, RowWriter, SinkAdapter, SourceAdapter, SourceData } from '../adapters/contract.js';
import { defaultAdapters } from '../adapters/index.js';
import { OutputError, OutputGuard } from '../adapters/outputGuard.js';
import { wallClock } from '../adapters/wallClock.js';
import type { Cache } from '../cache/Cache.js';
import type { Kernel, NodeContext } from '../defineNode.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import { runLive, type LiveOptions, type LiveStats } from './liveDriver.js';
import { NodeRunError, buildPipeline, type Frame, type PulseCount } from './pipeline.js';
import { nodeKeys, Recorder, replayer, sourceKey, type NodeOutputCache, type Recording } from './nodeOutputCache.js';
import { chunkCount, replay } from './replayDriver.js';
import { cachePlans, recordingOf, recordingValue, type CachePlan, type NodeCacheKind } from './cachedNodeOutputs.js';
import { depthGrid, tradeMarks, type DepthGrid, type TradeMarks } from './depthGrid.js';
import type { RunMetrics } from '../metrics/runMetrics.js';
import { CrashSafeSession, checkpointKey, gateRows } from './checkpoint.js';
import { sessionSinks } from './sessionSinks.js';
import { ExchangeSession, exchangeCheckpointKey } from './exchangeCheckpoint.js';
import { clientOrderId } from '../portfolio/clientOrderId.js';

export { NodeRunError, type PulseCount };

/**
 * Runs a compiled graph in the mode it was compiled for: sources are opened through the adapters
 * their bindings select (a replay of known history in a backtest, live feeds in paper mode), row
 * sinks write through theirs, and the same pipeline of kernels runs under the replay driver or
 * the live driver.
 */
export interface RunOptions {
  /** Distinct event times per chunk in a replay (1 = event by event, as live mode runs). */
  chunkSize?: number;
  env?: NodeJS.ProcessEnv;
  adapters?: AdapterRegistry;
  /** `--redis URL`. */
  redisUrl?: string;
  /**
   * `--cache`: handed to adapters (AdapterIO.cache), and in a backtest the store of the outputs of
   * models and feature sets, shared with later runs and other processes (cachedNodeOutputs.ts).
   * The caller opens and closes it.
   */
  cache?: Cache;
  /** With `cache`, backtests load and store node outputs there (default true); false leaves it to the adapters. */
  cacheNodeOutputs?: boolean;
  /** Mixed into the keys of cached node outputs: the version of the running code (the CLI: hean's version and a hash of its bundle). */
  codeVersion?: string;
  /** A node output larger than this (columns x events x 8 bytes) is not stored in the cache (default 256 MiB): it would be held in memory until the run ends. */
  cachedOutputMaxBytes?: number;
  /** Where the run may write (output directory, --overwrite, a sweep's combination); default: the working directory, no replacing. */
  outputs?: OutputGuard;
  /** Per-bar history kept by brokers: full (backtest default) or bounded (paper default: flat memory). */
  history?: 'full' | 'bounded';
  /** Live driver settings (paper mode). */
  live?: Omit<LiveOptions, 'clock' | 'onCaughtUp' | 'commit'>;
  /**
   * Paper and live runs whose sources are all Redis streams checkpoint with every acknowledgement
   * and resume after a crash from the last one, state rebuilt (checkpoint.ts); so do runs whose
   * sources are all exchange candles when a Redis is named (`redisUrl` or HEAN_REDIS_URL;
   * exchangeCheckpoint.ts). False turns it off.
   */
  checkpoint?: boolean;
  /** In a replay, after every `progressEvery` events (default 65,536) and at the end; throwing from it stops the run. */
  onProgress?: (eventsDone: number, eventsTotal: number) => void;
  progressEvery?: number;
  onWarning?: (warning: RunWarning) => void;
  /** Operational messages of adapters (reconnecting, ...). */
  onLog?: (message: string) => void;
  /** Receives, once the kernels exist, a function returning every node's `snapshot()` (brokers: equity, position, metrics) at any time during the run. */
  onSnapshots?: (snapshots: () => Record<string, unknown>) => void;
  /**
   * The run makes a report (`hean run --report`). In a backtest: a depth grid per book source and
   * the trades to draw per trades source, computed after loading (depthGrid.ts, `RunResult.depth`),
   * and row sinks keep the rows they wrote (`NodeContext.report`). Paper and live runs skip both.
   */
  report?: boolean;
  /**
   * Sources already loaded by earlier runs in this process (a sweep: one parse of each file for
   * thousands of backtests), keyed by adapter, binding, record spec and data directory. A hit
   * registers the same inputs with this run's output guard and repeats the load's warnings.
   * Replays only; loaded columns are never written to.
   */
  sourceCache?: SourceCache;
  /** Node outputs shared with other backtests of this process (a sweep's; nodeOutputCache.ts). Replays only. */
  nodeCache?: NodeOutputCache;
  /** Monitoring hooks (runtime/metrics, `hean run --metrics-port`): kernels, feeds and the pipeline are handed to them once before the run. */
  metrics?: RunMetrics;
  /** Fuse chains of fusible nodes into one loop per chunk (default true; pipeline.ts, fusion.ts). False: each node steps its own kernel, for comparisons. */
  fuse?: boolean;
}

export type SourceCache = Map<string, Promise<{ data: SourceData; inputs: [string, string][]; warnings: [string, string][] }>>;

export interface RunWarning {
  node: string;
  code: string;
  message: string;
}

export interface RunResult {
  graph: CompiledGraph;
  mode: Mode;
  /** Provenance and data-quality facts of each source. */
  sources: Record<string, Record<string, unknown>>;
  /** `report()` of every node that has one (brokers: metrics and trades). */
  reports: Record<string, unknown>;
  warnings: RunWarning[];
  events: number;
  chunks: number;
  /** Pulses that crossed timelines: delivered, superseded (latest wins), undelivered. */
  pulses: PulseCount[];
  /** What each row sink wrote, by node id. */
  outputs: Record<string, string>;
  /** Live runs: late events dropped per source, and why the run stopped; the session's checkpoint. */
  live?: Pick<LiveStats, 'late' | 'stopped'> & { checkpoint?: ReturnType<CrashSafeSession['summary']> | ReturnType<ExchangeSession['summary']> };
  /** Wall-clock milliseconds spent loading sources and stepping the graph (not part of any result). */
  timings: { loadMs: number; stepMs: number; reportMs: number; depthMs?: number };
  /** With `RunOptions.depth`, in a backtest: per book source its depth grid, per trades source the trades to draw. */
  depth?: Record<string, DepthGrid | TradeMarks>;
  /** With a cache, in a backtest: the nodes whose outputs came from it, and those computed and stored in it, by node id (their cache kind). */
  cachedOutputs?: { loaded: Record<string, NodeCacheKind>; stored: Record<string, NodeCacheKind> };
}

export async function runGraph(graph: CompiledGraph, options: RunOptions = {}): Promise<RunResult> {
  const mode = graph.mode;
  const isLive = mode !== 'backtest';
  const chunkSize = isLive ? 1 : Math.max(1, Math.floor(options.chunkSize ?? 1024));
  const env = options.env ?? process.env;
  const adapters = options.adapters ?? defaultAdapters;
  const warnings: RunWarning[] = [];
  const guard = options.outputs ?? new OutputGuard();
  if (graph.file) guard.input(graph.file, 'the graph');
  const io = (node: string, commandLine: ReadonlySet<string> = new Set()): AdapterIO => ({
    env,
    node,
    graph: graph.name,
    graphFile: graph.file,
    outputs: guard,
    commandLine,
    warmupBars: sourceWarmup(graph, node),
    redisUrl: options.redisUrl,
    cache: options.cache,
    resumable: isLive,
    warn: (code, message) => {
      const warning = { node, code, message };
      warnings.push(warning);
      options.onWarning?.(warning);
    },
    log: (message) => options.onLog?.(message),
  });

  const sourceNodes = graph.nodes.filter((n) => n.isSource);
  const specs = sourceNodes.map((node) => guardNode(node, () => node.def.source!(node.params as never)));
  const sourceAdapters = sourceNodes.map((node) => adapterOf(adapters.sources, node));
  let loaded: SourceData[] = [];
  let feeds: LiveFeed[] = [];
  const kernels = new Map<string, Kernel>();
  const writers = new Map<string, RowWriter>();
  let keys = new Map<string, string>();
  /** Nodes whose outputs go through the value cache (options.cache), with their content keys. */
  let plans = new Map<string, CachePlan>();
  const cachedOutputs: NonNullable<RunResult['cachedOutputs']> = { loaded: {}, stored: {} };
  const undeclared = new Set<string>();
  const replays = new Map<string, (seq: number) => Frame>();
  const recorders = new Map<string, Recorder>();
  /** Live brokers' settle(): awaited after each event, before it is acknowledged. */
  const settles: (() => Promise<void>)[] = [];
  /** Nodes whose kernel trades on an exchange account (live brokers). */
  const liveBrokers: string[] = [];
  let session: CrashSafeSession | ExchangeSession | undefined;
  let closeSession = async () => {};
  const loadStart = performance.now();
  try {
    // Sinks claim where they write before anything is read: a clash with an input is found at once.
    for (const node of graph.nodes) {
      if (node.def.sink) writers.set(node.id, guardNode(node, () => adapterOf(adapters.sinks, node).open(node.binding, io(node.id, node.commandLine))));
    }
    if (isLive) {
      feeds = await Promise.all(sourceNodes.map((node, s) => guardNodeAsync(node, () => sourceAdapters[s].live!(node.binding, specs[s], io(node.id, node.commandLine)))));
      if (options.metrics) feeds = feeds.map((feed, s) => options.metrics!.feed(sourceNodes[s].id, feed));
    } else {
      loaded = await Promise.all(sourceNodes.map((node, s) => guardNodeAsync(node, () => (options.sourceCache ? cachedReplay(options.sourceCache, node, sourceAdapters[s], specs[s], io(node.id, node.commandLine)) : sourceAdapters[s].replay!(node.binding, specs[s], io(node.id, node.commandLine))))));
    }

    // Kernels are created once the history is known, so they can size their buffers.
    const events = new Map(sourceNodes.map((node, i) => [node.id, loaded[i]?.t.length ?? 0]));
    if (!isLive) warnWarmupBeyondData(graph, sourceNodes, loaded, io);
    if (!isLive && options.cache && options.cacheNodeOutputs !== false) plans = cachePlans(graph, loaded, chunkSize, { code: options.codeVersion ?? '', locate: (path) => locateInputFile(path, graph.file) });
    if (options.nodeCache && !isLive) {
      const cache = options.nodeCache;
      keys = nodeKeys(graph, chunkSize, env);
      for (const [id, key] of keys) {
        const recording = cache.take(key);
        if (!recording) continue;
        replays.set(id, replayer(recording));
        for (const [path, what] of recording.inputs) guard.input(path, what);
        for (const [code, message] of recording.warnings) io(id).warn(code, message);
      }
    }
    if (plans.size) await loadCachedOutputs(graph, loaded, chunkSize, plans, replays, options, guard, io, cachedOutputs.loaded, (id, recording) => {
      const key = keys.get(id);
      if (key !== undefined && options.nodeCache!.shareable(key)) options.nodeCache!.store(key, recording);
    });
    const needed = neededNodes(graph, replays);
    for (const node of graph.nodes) {
      // A replayed node needs no kernel (a model would open its session for nothing).
      if (node.isSource || !needed.has(node.id) || replays.has(node.id)) continue;
      const key = keys.get(node.id);
      const plan = plans.get(node.id);
      const recorder = (key !== undefined && options.nodeCache!.shareable(key)) || plan ? new Recorder() : undefined;
      const ctx: NodeContext = {
        id: node.id,
        inputWires: Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => w.text)])),
        inputFeatures: Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => graph.byId.get(w.node)!.features[w.port])])),
        warn: recorder ? (code, message) => (recorder.warnings.push([code, message]), io(node.id).warn(code, message)) : io(node.id).warn,
        eventsHint: node.domain.reduce((sum, id) => sum + (events.get(id) ?? 0), 0),
        history: options.history ?? (isLive ? 'bounded' : 'full'),
        ...(isLive ? { clientOrderId: (time: number, instrument?: string) => clientOrderId({ session: graph.name, node: node.id, instrument, time }), rebuilding: () => session?.rebuilding === true } : {}),
        live: isLive,
        report: options.report === true && !isLive,
        sink: isLive && writers.has(node.id) ? gateRows(writers.get(node.id)!, () => session?.rebuilding === true) : writers.get(node.id),
        inputFile: (path, what) => {
          const found = locateInputFile(path, graph.file);
          // A file outside the key (a kind that reads a file it does not declare in `files`): nothing downstream is stored.
          if (plans.size && !(node.def.files?.(node.params) ?? []).some((f) => locateInputFile(f, graph.file) === found)) undeclared.add(node.id);
          guard.input(found, `${what} of node ${node.id}`);
          recorder?.inputs.push([found, `${what} of node ${node.id}`]);
          return found;
        },
      };
      // Live mode: a broker bound to an exchange account trades through its adapter's kernel.
      const brokerAdapter = isLive ? adapters.brokers?.find((a) => a.name === node.adapter && a.kinds.includes(node.kind)) : undefined;
      const kernel = brokerAdapter ? await guardNodeAsync(node, () => brokerAdapter.open(node.params, node.binding, io(node.id, node.commandLine), { inputWires: ctx.inputWires })) : guardNode(node, () => node.def.create!(node.params, ctx) as Kernel);
      if (brokerAdapter && 'settle' in kernel && typeof kernel.settle === 'function') settles.push(() => (kernel.settle as () => Promise<void>)());
      if (brokerAdapter) liveBrokers.push(node.id);
      kernels.set(node.id, kernel);
      // A report or snapshot would be lost on replay: such nodes always run.
      // An output too large to keep in memory for the cache is only computed (unless a sweep shares it: its own budget decides).
      if (plan && !(key !== undefined && options.nodeCache!.shareable(key)) && outputBytes(node, kernel, ctx.eventsHint ?? 0) > (options.cachedOutputMaxBytes ?? MAX_CACHED_OUTPUT_BYTES)) plans.delete(node.id);
      else if (recorder && !kernel.report && !kernel.snapshot) recorders.set(node.id, recorder);
    }
    if (isLive && options.checkpoint !== false) ({ session, close: closeSession } = await openSession(graph, sourceNodes, feeds, kernels, liveBrokers, writers, options, env, io('run')));
    // Live brokers check the account here, against the resumed session's state when there is one.
    if (isLive) for (const [id, kernel] of kernels) if (kernel.resume) await guardNodeAsync(graph.byId.get(id)!, async () => kernel.resume!(session?.resumedNodes?.[id]));
  } catch (e) {
    await closeSession();
    await Promise.allSettled([...feeds.map((f) => f.close()), ...[...writers.values()].map((w) => w.close())]);
    throw e;
  }

  let depth: Record<string, DepthGrid | TradeMarks> | undefined;
  let depthMs: number | undefined;
  if (options.report && !isLive) {
    const depthStart = performance.now();
    depth = {};
    sourceNodes.forEach((node, s) => {
      const spec = specs[s];
      if (spec.record === 'book') depth![node.id] = depthGrid(loaded[s].t, loaded[s].columns, spec.levels);
      else if (spec.record === 'trades') depth![node.id] = tradeMarks(loaded[s].t, loaded[s].columns);
    });
    depthMs = performance.now() - depthStart;
  }

  const metrics = options.metrics;
  if (metrics) for (const [id, kernel] of kernels) kernels.set(id, metrics.kernel(graph.byId.get(id)!, kernel));
  const snapshots = () => Object.fromEntries([...kernels].filter(([, k]) => k.snapshot).map(([id, k]) => [id, k.snapshot!()]));
  options.onSnapshots?.(snapshots);
  metrics?.snapshots(snapshots);
  const stepStart = performance.now();
  // Monitoring counts and times each node's own step: with metrics on, nodes are not fused.
  const built = buildPipeline(graph, kernels, chunkSize, { replays, recorders }, { fuse: metrics ? false : options.fuse });
  const pipeline = metrics ? metrics.pipeline(built) : built;
  let stats: { events: number; chunks: number };
  let liveStats: LiveStats | undefined;
  try {
    const onCaughtUp = () => {
      for (const writer of writers.values()) writer.flush?.();
    };
    const onLate = metrics ? (source: string, t: number, clock: number) => (metrics.late(source), options.live?.onLate?.(source, t, clock)) : options.live?.onLate;
    const settle = settles.length ? { settle: async () => void (await Promise.all(settles.map((f) => f()))) } : {};
    if (isLive) stats = liveStats = await runLive(pipeline, graph, feeds, specs, { ...options.live, clock: wallClock, onCaughtUp, onLate, ...settle, ...(session ? sessionHooks(session, options.live?.onEvents) : {}) });
    else stats = replay(pipeline, graph, loaded, chunkSize, options.onProgress, options.progressEvery);
  } catch (e) {
    await closeSession();
    pipeline.complete();
    await Promise.allSettled([...writers.values()].map((w) => w.close()));
    throw e;
  }
  await closeSession();
  pipeline.complete();
  for (const [id, recorder] of recorders) {
    const recording = recorder.finish();
    const key = keys.get(id);
    if (key !== undefined && options.nodeCache?.shareable(key)) options.nodeCache.store(key, recording);
    const plan = plans.get(id);
    if (plan && !readsUndeclared(graph, id, undeclared)) {
      await options.cache!.set(plan.kind, plan.key, recordingValue(recording));
      cachedOutputs.stored[id] = plan.kind;
    }
  }
  if (isLive && stats.events === 0) io('run').warn('run/no-events', `no event arrived (stopped: ${liveStats!.stopped}); check the bindings (${sourceNodes.map((n) => `${n.id}: ${JSON.stringify(n.binding)}`).join(', ')})`);

  const reportStart = performance.now();
  const reports: Record<string, unknown> = {};
  for (const node of graph.nodes) {
    const kernel = kernels.get(node.id);
    if (!kernel) continue;
    await guardNodeAsync(node, async () => {
      await kernel.end?.();
      await writers.get(node.id)?.close();
      if (kernel.report) reports[node.id] = kernel.report();
    });
  }
  const outputs = Object.fromEntries([...writers].map(([id, w]) => [id, w.describe()]));
  const sources = Object.fromEntries(sourceNodes.map((node, i) => [node.id, isLive ? feeds[i].info() : loaded[i].info]));
  const timings = { loadMs: stepStart - loadStart - (depthMs ?? 0), stepMs: reportStart - stepStart, reportMs: performance.now() - reportStart, ...(depthMs === undefined ? {} : { depthMs }) };
  return {
    graph,
    mode,
    sources,
    reports,
    warnings,
    events: stats.events,
    chunks: stats.chunks,
    pulses: pipeline.pulseCounts(),
    outputs,
    live: liveStats && { late: liveStats.late, stopped: liveStats.stopped, ...(session ? { checkpoint: session.summary() } : {}) },
    timings,
    ...(depth ? { depth } : {}),
    ...(plans.size ? { cachedOutputs } : {}),
  };
}

/**
 * Looks up the cached outputs of the nodes in `plans` that the run needs, from the sinks
 * upwards: a node whose consumers all come from the cache is not needed, nor looked up (a cached
 * model's features are never loaded). A hit replays the stored frames; an entry that does not fit
 * (another chunking, other columns) is reported corrupt by the cache, dropped and computed.
 */
async function loadCachedOutputs(
  graph: CompiledGraph,
  loaded: SourceData[],
  chunkSize: number,
  plans: Map<string, CachePlan>,
  replays: Map<string, (seq: number) => Frame>,
  options: RunOptions,
  guard: OutputGuard,
  io: (node: string) => AdapterIO,
  hits: Record<string, NodeCacheKind>,
  share: (id: string, recording: Recording) => void,
): Promise<void> {
  const chunks = chunkCount(loaded.map((d) => d.t), chunkSize);
  const decided = new Set<string>();
  const needed = new Set<string>();
  for (const node of [...graph.nodes].reverse()) {
    if (node.isSource) continue;
    decided.add(node.id);
    // A consumer not decided yet (behind a delayed wire) counts as needing it.
    if (node.consumers.length && !node.consumers.some((c) => !decided.has(c) || (needed.has(c) && !replays.has(c)))) continue;
    needed.add(node.id);
    const plan = plans.get(node.id);
    if (!plan || replays.has(node.id)) continue;
    let recording: Recording | undefined;
    await options.cache!.get(plan.kind, plan.key, (value) => {
      const found = recordingOf(value, node, chunks);
      if (typeof found === 'string') return `node ${node.id}'s stored output does not fit this run: ${found}`;
      recording = found;
      return undefined;
    });
    if (!recording) continue;
    replays.set(node.id, replayer(recording));
    for (const file of plan.files) guard.input(file, `an input file of node ${node.id}`);
    for (const [code, message] of recording.warnings) io(node.id).warn(code, message);
    hits[node.id] = plan.kind;
    share(node.id, recording);
  }
}

/** A node output larger than this (its columns over the run's events) is not recorded for the value cache: the recording is held in memory until the run ends. */
const MAX_CACHED_OUTPUT_BYTES = 256 * 2 ** 20;

/** Bytes of a node's output columns and times over `rows` events. */
function outputBytes(node: CompiledNode, kernel: Kernel, rows: number): number {
  let columns = 1;
  for (const [port, spec] of Object.entries(node.def.outputs)) columns += spec.type === 'features' ? (kernel.featureNames?.[port]?.length ?? 0) : spec.type === 'candles' ? 5 : 1;
  return columns * rows * 8;
}

/** Whether node `id` or anything upstream of it read a file its kind does not declare (so its key does not cover it). */
function readsUndeclared(graph: CompiledGraph, id: string, undeclared: ReadonlySet<string>): boolean {
  if (!undeclared.size) return false;
  const seen = new Set<string>();
  const visit = (at: string): boolean => {
    if (seen.has(at)) return false;
    seen.add(at);
    return undeclared.has(at) || graph.byId.get(at)!.inputs.some((input) => input.wires.some((w) => visit(w.node)));
  };
  return visit(id);
}

/** Bars of source `id` the graph needs before every node on its timeline has a value (0 for other nodes). */
function sourceWarmup(graph: CompiledGraph, id: string): number {
  return Math.max(0, ...graph.nodes.filter((n) => n.domain.includes(id)).map((n) => n.warmupBars));
}

/**
 * The crash-safe session of a live run: checkpoint.ts when every source is durable (a Redis
 * stream), exchangeCheckpoint.ts when every source is an exchange's candles and a Redis is named
 * for the checkpoints; none, with a warning, otherwise: the events cannot be replayed.
 */
async function openSession(graph: CompiledGraph, sourceNodes: CompiledNode[], feeds: LiveFeed[], kernels: Map<string, Kernel>, liveBrokers: readonly string[], writers: ReadonlyMap<string, RowWriter>, options: RunOptions, env: NodeJS.ProcessEnv, io: AdapterIO): Promise<{ session?: CrashSafeSession | ExchangeSession; close: () => Promise<void> }> {
  const none = { close: async () => {} };
  if (feeds.length === 0) return none;
  // A live broker's orders and fills cannot be rebuilt from the events: only one that hands them
  // to the checkpoint and takes them back (Kernel.resume) can resume, as the exchange broker and
  // the exchange portfolio do; a session with a broker adapter that does not keeps no checkpoint.
  const cannotResume = liveBrokers.filter((id) => !kernels.get(id)!.resume);
  if (cannotResume.length) {
    io.warn('run/not-crash-safe', `${cannotResume.map((id) => `${graph.byId.get(id)!.kind} ${id}`).join(', ')} cannot resume its exchange orders and fills after a crash (its broker adapter does not hand them to a checkpoint), so this session keeps no checkpoint: after a crash the run starts a new session, which finds the positions it left on the account (existing: refuse stops it; close them, or bind existing: ignore)`);
    return none;
  }
  if (feeds.every((f) => f.refetchable)) {
    // Opt-in by naming a Redis: a paper run on an exchange needs no Redis otherwise, and one that
    // found an old checkpoint on a default Redis would resume a session nobody meant to resume.
    const named = options.redisUrl ?? (env.HEAN_REDIS_URL || undefined);
    if (named === undefined) {
      io.warn('run/not-crash-safe', `this session keeps no checkpoint, so after a crash it starts with fresh state: name a Redis for its checkpoints (--redis URL or HEAN_REDIS_URL) to make it crash-safe (the exchange's candles are fetched again on restart)`);
      return none;
    }
    const { openCheckpointStore } = await import('../adapters/redis/checkpointStore.js');
    const { store, close } = await openCheckpointStore(named, exchangeCheckpointKey(graph.name, graph.mode, feeds), io.log);
    try {
      const session = new ExchangeSession({ graph, kernels, sources: sourceNodes.map((n) => n.id), feeds, store, log: io.log, now: wallClock.now, outputs: sessionSinks(writers) });
      await session.start();
      return { session, close };
    } catch (e) {
      await close();
      throw e;
    }
  }
  const notDurable = sourceNodes.filter((_, s) => !feeds[s].durable).map((n) => n.id);
  if (notDurable.length) {
    io.warn('run/not-crash-safe', `source${notDurable.length > 1 ? 's' : ''} ${notDurable.join(', ')} cannot be replayed (not a Redis stream, nor exchange candles with every other source), so this session keeps no checkpoint: after a crash it starts with fresh state`);
    return none;
  }
  const [{ openCheckpointStore }, { redisUrl }] = await Promise.all([import('../adapters/redis/checkpointStore.js'), import('../adapters/redis/connection.js')]);
  const { store, close } = await openCheckpointStore(redisUrl(options.redisUrl, env), checkpointKey(graph.name, feeds), io.log);
  try {
    const session = new CrashSafeSession({ graph, kernels, sources: sourceNodes.map((n) => n.id), feeds, store, log: io.log, now: wallClock.now, outputs: sessionSinks(writers) });
    await session.start();
    return { session, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The live driver's hooks of a session: checkpoint with every acknowledgement, and watch the rebuild (then the caller's onEvents). */
function sessionHooks(session: CrashSafeSession | ExchangeSession, onEvents: LiveOptions['onEvents']): Pick<LiveOptions, 'commit' | 'onEvents'> {
  return {
    commit: (tokens, at) => session.commit(tokens, at),
    onEvents: (events, time) => {
      if (session instanceof ExchangeSession) session.onEvents(events, time);
      else session.onEvents(events);
      onEvents?.(events, time);
    },
  };
}

/**
 * A node whose warm-up is at least the events of its timeline never produces a value, and a
 * backtest of it ends with 0 trades that look like a result. Each such node whose inputs do
 * produce values (the cause, not what follows from it) gets a warning.
 */
function warnWarmupBeyondData(graph: CompiledGraph, sourceNodes: CompiledNode[], loaded: SourceData[], io: (node: string) => AdapterIO): void {
  const times = new Map(sourceNodes.map((node, i) => [node.id, loaded[i].t]));
  const counted = new Map<string, number>();
  const eventsOf = (domain: string[]): number => {
    const key = domain.join(',');
    let n = counted.get(key);
    if (n === undefined) counted.set(key, (n = distinctTimes(domain.map((id) => times.get(id) ?? new Float64Array(0)))));
    return n;
  };
  const silent = new Set<string>();
  for (const node of graph.nodes) {
    if (node.isSource) continue;
    const n = eventsOf(node.domain);
    if (n === 0 || node.warmup < n) continue;
    silent.add(node.id);
    if (node.inputs.some((input) => input.wires.some((w) => silent.has(w.node)))) continue;
    const fmt = (x: number) => x.toLocaleString('en-US');
    io(node.id).warn(
      'run/warmup-exceeds-data',
      `${node.kind} "${node.id}" needs ${fmt(node.warmup)} bar${node.warmup === 1 ? '' : 's'} of warm-up (counting its inputs'), but the data has ${fmt(n)}: it never produces a value, nor does anything that waits for it. Use shorter periods or more data`,
    );
  }
}

/** Distinct values across sorted arrays (a node's timeline over several sources). */
function distinctTimes(arrays: Float64Array[]): number {
  if (arrays.length === 1) return arrays[0].length;
  const heads = arrays.map(() => 0);
  let count = 0;
  for (;;) {
    let next = Infinity;
    for (let a = 0; a < arrays.length; a++) if (heads[a] < arrays[a].length && arrays[a][heads[a]] < next) next = arrays[a][heads[a]];
    if (next === Infinity) return count;
    count++;
    for (let a = 0; a < arrays.length; a++) if (heads[a] < arrays[a].length && arrays[a][heads[a]] === next) heads[a]++;
  }
}

/** The nodes a run steps: those upstream of a node without consumers (a sink), up to the replayed ones. */
function neededNodes(graph: CompiledGraph, replays: ReadonlyMap<string, unknown>): Set<string> {
  const needed = new Set<string>();
  const visit = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    if (replays.has(id)) return;
    for (const input of graph.byId.get(id)!.inputs) for (const w of input.wires) visit(w.node);
  };
  for (const node of graph.nodes) if (node.consumers.length === 0 && !node.isSource) visit(node.id);
  return needed;
}

/** A replay through the cache: the first run loads (recording the inputs it registers and its warnings), later ones reuse it. */
async function cachedReplay(cache: SourceCache, node: CompiledNode, adapter: SourceAdapter, spec: unknown, io: AdapterIO): Promise<SourceData> {
  const key = sourceKey(node, spec, io.env);
  let entry = cache.get(key);
  if (!entry) {
    const inputs: [string, string][] = [];
    const warnings: [string, string][] = [];
    const recording: AdapterIO = { ...io, outputs: { input: (path: string, what: string) => (inputs.push([path, what]), io.outputs.input(path, what)) } as unknown as AdapterIO['outputs'], warn: (code, message) => (warnings.push([code, message]), io.warn(code, message)) };
    entry = adapter.replay!(node.binding, spec as never, recording).then((data) => ({ data, inputs, warnings }));
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
    return (await entry).data;
  }
  const { data, inputs, warnings } = await entry;
  for (const [path, what] of inputs) io.outputs.input(path, what);
  for (const [code, message] of warnings) io.warn(code, message);
  return data;
}

function adapterOf<A extends SourceAdapter | SinkAdapter>(list: readonly A[], node: CompiledNode): A {
  const adapter = list.find((a) => a.name === node.adapter);
  if (!adapter) throw new NodeRunError(node.id, node.kind, new Error(`no binding for this mode (compile the graph with requireBindings to get a positioned error)`));
  return adapter;
}

function guardNode<T>(node: CompiledNode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OutputError) throw e; // it names the sink already, and is a usage problem
    throw new NodeRunError(node.id, node.kind, e);
  }
}

async function guardNodeAsync<T>(node: CompiledNode, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OutputError) throw e; // it names the sink already, and is a usage problem
    throw new NodeRunError(node.id, node.kind, e);
  }
}


/** A file a node names: as given, else beside the graph file (DESIGN: models travel with their graph). */
function locateInputFile(path: string, graphFile: string | undefined): string {
  if (existsSync(path) || isAbsolute(path)) return resolve(path);
  const besideGraph = graphFile ? resolve(dirname(graphFile), path) : undefined;
  if (besideGraph && existsSync(besideGraph)) return besideGraph;
  return resolve(path);
}
