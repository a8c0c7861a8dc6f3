import { hostname } from 'node:os';
import type { Mode } from '../adapters/contract.js';
import { OutputGuard } from '../adapters/outputGuard.js';
import type { Diagnostic } from '../diagnostics.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import type { LiveOptions } from '../exec/liveDriver.js';
import type { RunResult } from '../exec/runGraph.js';
import { INVALID, OK, RUN_FAILED } from './usage.js';

/**
 * `hean run A.yaml B.yaml ...` and `hean run G.yaml --symbols A,B [--partition NAME]`: several
 * graph instances in one process, each its own pipeline, feeds, broker and summary.
 *
 * - Several graphs: run concurrently (paper: interleaved on the event loop; backtests: one after
 *   the other, as replays do not wait). Their outputs are claimed together before anything runs,
 *   so two graphs writing the same file or stream (or one writing what another reads) is an error
 *   up front. A graph that fails is reported at once and the others go on: they are independent
 *   strategies, and stopping them would throw away their state for nothing; the command exits 1.
 * - `--symbols`: one instance per symbol, `{symbol}` in the bindings replaced by it (and the
 *   graph's `symbol` param set, when it declares one).
 * - `--partition NAME` (paper): the symbols are shared out among every process started with the
 *   same partition name through one Redis consumer group (symbolLeases.ts, partitionedRun.ts).
 */
export interface ManyOptions {
  files: string[];
  mode: Mode;
  sets: Record<string, string>;
  /** Per file: --bind/--data bindings. */
  bind: (file: string) => Promise<Record<string, Record<string, unknown>>>;
  load: (file: string, options: { set: Record<string, unknown>; mode: Mode; bind: Record<string, Record<string, unknown>>; requireBindings: true }) => { graph?: CompiledGraph; diagnostics: Diagnostic[] };
  printDiagnostics: (d: Diagnostic[]) => void;
  hasErrors: (d: Diagnostic[]) => boolean;
  usage: (message: string) => Error;
  values: {
    symbols?: string;
    partition?: string;
    consumer?: string;
    'claim-idle'?: string;
    json?: boolean;
    trades?: string;
    report?: string;
    bind?: string[];
    data?: string[];
    set?: string[];
    redis?: string;
    'out-dir'?: string;
    overwrite?: boolean;
  };
  chunkSize: number;
  live: Omit<LiveOptions, 'clock' | 'onCaughtUp' | 'signal'>;
}

interface Instance {
  label: string;
  symbol?: string;
  graph: CompiledGraph;
}

const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TEMPLATE = '{symbol}';

export async function runMany(o: ManyOptions): Promise<number> {
  const v = o.values;
  const symbols = parseSymbols(v.symbols, o.usage);
  const partition = v.partition;
  if (o.files.length === 0) throw o.usage('run takes a GRAPH file (or several)');
  if (o.files.length > 1) {
    for (const [flag, given] of [['--bind', v.bind?.length], ['--data', v.data?.length], ['--set', v.set?.length], ['--trades', v.trades !== undefined], ['--report', v.report !== undefined], ['--symbols', symbols !== undefined]] as const) {
      if (given) throw o.usage(`${flag} applies to one graph; with several graphs (${o.files.join(', ')}) bind and set each one in its own file's modes and params, or run them one by one`);
    }
  }
  if (symbols) for (const flag of ['--trades', '--report'] as const) if (v[flag.slice(2) as 'trades' | 'report'] !== undefined) throw o.usage(`${flag} writes one run's file; with --symbols there is one run per symbol: bind a sink per symbol instead (e.g. --bind NODE.stream=out:{symbol})`);
  if (partition !== undefined) {
    if (!symbols) throw o.usage('--partition shares symbols out among processes: give them with --symbols A,B,...');
    if (o.mode !== 'paper') throw o.usage(`--partition runs paper mode (live feeds through a consumer group); add --mode paper`);
    if (!/^[^\s{}]{1,200}$/.test(partition)) throw o.usage(`--partition ${partition}: expected a key prefix without spaces or braces, e.g. --partition hean:sma-cross`);
  } else {
    for (const flag of ['consumer', 'claim-idle'] as const) if (v[flag] !== undefined) throw o.usage(`--${flag} applies to partitioned runs; add --partition NAME`);
  }
  const claimIdleMs = v['claim-idle'] === undefined ? 30_000 : Number(v['claim-idle']) * 1000;
  if (!(claimIdleMs >= 100 && claimIdleMs <= 3_600_000)) throw o.usage(`--claim-idle expects seconds from 0.1 to 3600 (how long a dead process's symbols wait before another takes them), found "${v['claim-idle']}"`);
  const consumer = v.consumer ?? `${hostname()}-${process.pid}`;
  if (!/^[^\s]{1,200}$/.test(consumer)) throw o.usage(`--consumer ${consumer}: expected a name without spaces`);

  // Compile every instance first: a bad graph or binding is reported before anything runs.
  const instances: Instance[] = [];
  let invalid = false;
  for (const file of o.files) {
    const bind = await o.bind(file);
    const base = o.load(file, { set: o.sets, mode: o.mode, bind, requireBindings: true });
    o.printDiagnostics(base.diagnostics);
    if (!base.graph || o.hasErrors(base.diagnostics)) {
      invalid = true;
      continue;
    }
    const templated = base.graph.nodes.filter((n) => hasTemplate(n.binding));
    if (!symbols) {
      if (templated.length) throw o.usage(`${file}: ${describe(templated[0])} has ${TEMPLATE} in its binding; give the symbols to run with --symbols A,B,...`);
      instances.push({ label: base.graph.name, graph: base.graph });
      continue;
    }
    if (!templated.some((n) => n.isSource)) throw o.usage(`${file}: --symbols runs one instance per symbol, but no source's binding has ${TEMPLATE}, so every instance would read the same events; bind e.g. --bind ${base.graph.nodes.find((n) => n.isSource)?.id ?? 'bars'}.stream=candles:${TEMPLATE}`);
    if (partition !== undefined) checkPartitionable(file, base.graph, o.usage);
    const declaresSymbol = Object.hasOwn(base.graph.params, 'symbol');
    for (const symbol of symbols) {
      const one = declaresSymbol ? o.load(file, { set: { ...o.sets, symbol }, mode: o.mode, bind, requireBindings: true }) : base;
      if (!one.graph || o.hasErrors(one.diagnostics)) {
        o.printDiagnostics(one.diagnostics);
        invalid = true;
        continue;
      }
      const graph = one === base ? o.load(file, { set: o.sets, mode: o.mode, bind, requireBindings: true }).graph! : one.graph;
      for (const node of graph.nodes) node.binding = substitute(node.binding, symbol);
      instances.push({ label: `${graph.name}[${symbol}]`, symbol, graph });
    }
  }
  if (invalid) return INVALID;
  const names = new Map<string, string>();
  for (const { graph } of instances) {
    const other = names.get(graph.name);
    if (other !== undefined && other !== graph.file) throw o.usage(`two graphs are named "${graph.name}" (${other} and ${graph.file}); each graph of a run needs its own name (its consumer groups and summary are named after it): change name: in one of them`);
    names.set(graph.name, graph.file);
  }
  claimOutputs(instances, v);

  const stop = new AbortController();
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) process.exit(130);
    console.error(`\n${signal}: stopping every graph after the events already received (again to stop at once)`);
    stop.abort();
  };
  const signals = o.mode === 'backtest' ? [] : (['SIGINT', 'SIGTERM'] as const);
  for (const signal of signals) process.on(signal, onSignal);
  const { runGraph } = await import('../exec/runGraph.js');
  const runOne = (instance: Instance, signal: AbortSignal, extra: Partial<Parameters<typeof runGraph>[1]> = {}) =>
    runGraph(instance.graph, {
      chunkSize: o.chunkSize,
      outputs: new OutputGuard({ dir: v['out-dir'], overwrite: v.overwrite }),
      redisUrl: v.redis,
      onWarning: (w) => console.error(`warning ${instance.label} ${w.node}: ${w.code}: ${w.message}`),
      onLog: (message) => console.error(`hean: ${instance.label}: ${message}`),
      live: { ...o.live, signal },
      ...extra,
    });
  try {
    if (partition !== undefined) return await partitioned(o, instances, { partition, consumer, claimIdleMs }, stop.signal, runOne);
    const settled = await Promise.allSettled(
      instances.map((instance) =>
        runOne(instance, stop.signal).catch((e) => {
          console.error(`hean: ${instance.label} failed: ${(e as Error).message}${instances.length > 1 ? '; the other graphs go on' : ''}`);
          throw e;
        }),
      ),
    );
    const runs = settled.map((s, i) => (s.status === 'fulfilled' ? { instance: instances[i], result: s.value } : { instance: instances[i], error: s.reason as Error }));
    await printRuns(runs, v.json === true);
    return runs.some((r) => r.error) ? RUN_FAILED : OK;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

async function partitioned(
  o: ManyOptions,
  instances: Instance[],
  p: { partition: string; consumer: string; claimIdleMs: number },
  signal: AbortSignal,
  runOne: (instance: Instance, signal: AbortSignal, extra?: Record<string, unknown>) => Promise<RunResult>,
): Promise<number> {
  const [{ connectRedis, ready, redisUrl }, { SymbolLeases }, { resumedAdapters, LostSymbolError }, { runPartition }, { defaultAdapters }, { wallClock }] = await Promise.all([
    import('../adapters/redis/connection.js'),
    import('../adapters/redis/symbolLeases.js'),
    import('../adapters/redis/resumedInstance.js'),
    import('../exec/partitionedRun.js'),
    import('../adapters/index.js'),
    import('../adapters/wallClock.js'),
  ]);
  const bySymbol = new Map(instances.map((i) => [i.symbol!, i]));
  const graph = instances[0].graph;
  const log = (m: string) => console.error(`hean: ${p.consumer}: ${m}`);
  const redis = connectRedis(redisUrl(o.values.redis), { name: `hean:partition:${p.consumer}`, log });
  try {
    await ready(redis, 10_000);
    const leases = new SymbolLeases(redis, { partition: p.partition, consumer: p.consumer, symbols: [...bySymbol.keys()], graph: graph.name, claimIdleMs: p.claimIdleMs });
    const joined = await leases.join();
    log(`joined partition ${p.partition} (${joined.fresh ? 'a new session' : `${joined.members} live members`}), ${bySymbol.size} symbols, taking over a silent holder's symbols after ${p.claimIdleMs / 1000} s`);
    const facts = new Map<string, unknown>();
    const outcome = await runPartition({
      leases,
      clock: wallClock,
      claimIdleMs: p.claimIdleMs,
      exitWhenDone: o.live.exitWhenIdleMs !== undefined || o.live.maxEvents !== undefined,
      signal,
      log,
      isLost: (e) => e instanceof LostSymbolError || (e as { cause?: unknown })?.cause instanceof LostSymbolError,
      run: async (claimed, stop, owns) => {
        const instance = bySymbol.get(claimed.symbol);
        if (!instance) throw new Error(`the partition holds symbol ${claimed.symbol}, which this process was not given`);
        // runGraph makes new kernels on every call: a symbol taken up again starts from a clean state.
        const wrapped = resumedAdapters(defaultAdapters, { instance: { graph: graph.name, symbol: claimed.symbol }, consumer: p.consumer, redis, owns, log });
        facts.set(claimed.symbol, wrapped.facts);
        // A partitioned symbol resumes by its own replay (resumedInstance.ts), not by a session checkpoint.
        return runOne(instance, stop, { adapters: wrapped.adapters, checkpoint: false });
      },
    });
    const runs = [...outcome.results].map(([symbol, result]) => ({ instance: bySymbol.get(symbol)!, result, resume: facts.get(symbol) }));
    for (const [symbol, error] of outcome.failed) runs.push({ instance: bySymbol.get(symbol)!, error: error as Error } as never);
    await printRuns(runs, o.values.json === true, {
      partition: p.partition,
      consumer: p.consumer,
      takenOver: outcome.takenOver,
      handedOver: outcome.handedOver,
      failures: outcome.partitionFailures,
    });
    return outcome.failed.size || Object.keys(outcome.partitionFailures).length ? RUN_FAILED : OK;
  } finally {
    await redis.quit().catch(() => {});
  }
}

interface Run {
  instance: Instance;
  result?: RunResult;
  error?: Error;
  resume?: unknown;
}

async function printRuns(runs: Run[], json: boolean, partition?: Record<string, unknown>): Promise<void> {
  const { summaryJson, summaryText } = await import('./summary.js');
  for (const { instance, result } of runs) if (result) for (const [id, what] of Object.entries(result.outputs)) console.error(`wrote ${what} (${instance.label} sink ${id})`);
  if (json) {
    const list = runs.map(({ instance, result, error, resume }) => ({ label: instance.label, ...(instance.symbol ? { symbol: instance.symbol } : {}), ...(result ? summaryJson(result) : { error: error!.message }), ...(resume ? { resume } : {}) }));
    console.log(JSON.stringify({ ...(partition ?? {}), runs: list }));
    return;
  }
  const blocks = runs.map(({ instance, result, error }) => `== ${instance.label} ==\n${result ? summaryText(result) : `failed: ${error!.message}`}`);
  if (partition) {
    const list = (xs: unknown) => ((xs as string[]).length ? (xs as string[]).join(', ') : 'none');
    blocks.push(`== partition ${partition.partition}, consumer ${partition.consumer} ==\nran ${runs.filter((r) => r.result).map((r) => r.instance.symbol).join(', ') || 'no symbol'} to the end; took over ${list(partition.takenOver)}; handed over ${list(partition.handedOver)}${Object.keys(partition.failures as object).length ? `; failed in the partition: ${Object.entries(partition.failures as object).map(([s, m]) => `${s} (${m})`).join(', ')}` : ''}`);
  }
  console.log(blocks.join('\n\n'));
}

function parseSymbols(text: string | undefined, usage: (m: string) => Error): string[] | undefined {
  if (text === undefined) return undefined;
  const symbols = text.split(',').map((s) => s.trim());
  const bad = symbols.find((s) => !SYMBOL.test(s));
  if (bad !== undefined) throw usage(`--symbols ${text}: ${bad === '' ? 'an empty name' : `"${bad}" is not a symbol name`}; expected a comma-separated list of names made of letters, digits, . _ and - (e.g. --symbols BTCUSDT,ETHUSDT)`);
  const seen = new Set<string>();
  for (const s of symbols) {
    if (seen.has(s)) throw usage(`--symbols ${text}: ${s} is given twice`);
    seen.add(s);
  }
  return symbols;
}

function hasTemplate(binding: Record<string, unknown>): boolean {
  return Object.values(binding).some((x) => typeof x === 'string' && x.includes(TEMPLATE));
}

function substitute(binding: Record<string, unknown>, symbol: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(binding).map(([k, x]) => [k, typeof x === 'string' ? x.split(TEMPLATE).join(symbol) : x]));
}

function describe(node: CompiledGraph['nodes'][number]): string {
  return `${node.isSource ? 'source' : 'sink'} ${node.id}`;
}

/**
 * A partitioned graph keeps all of a symbol's state in one process, resumable by any other: every
 * stream source and every row sink must be per symbol, and only streams outlive a process.
 */
function checkPartitionable(file: string, graph: CompiledGraph, usage: (m: string) => Error): void {
  for (const node of graph.nodes) {
    const isRowSink = !node.isSource && node.adapter !== undefined;
    if (!node.isSource && !isRowSink) continue;
    const b = node.binding;
    if (node.adapter !== 'redisStream') {
      throw usage(`${file}: ${describe(node)} is bound to ${node.adapter} (${JSON.stringify(b)}); in a partitioned run a symbol moves between processes, so its ${node.isSource ? 'events must come from a Redis stream' : 'rows must go to a Redis stream'}: bind --bind ${node.id}.stream=${node.isSource ? 'candles' : node.id}:${TEMPLATE}`);
    }
    if (!String(b.stream).includes(TEMPLATE)) throw usage(`${file}: ${describe(node)} is bound to stream ${b.stream}, the same for every symbol; in a partitioned run each symbol needs its own: e.g. --bind ${node.id}.stream=${b.stream}:${TEMPLATE}`);
    if (node.isSource && b.consumer !== undefined) throw usage(`${file}: ${describe(node)} sets consumer: ${b.consumer}; in a partitioned run the consumer is the process (--consumer NAME): remove it from the binding`);
  }
}

/** Every instance's inputs and outputs claimed together: two graphs writing one file or stream, or one writing what another reads, are refused before anything runs. */
function claimOutputs(instances: Instance[], v: ManyOptions['values']): void {
  const guard = new OutputGuard({ dir: v['out-dir'], overwrite: v.overwrite });
  for (const { graph } of instances) {
    guard.input(graph.file, 'the graph');
    for (const node of graph.nodes) if (node.isSource && node.adapter === 'redisStream') guard.input(`stream ${node.binding.stream}`, `source ${node.id} of ${graph.name}`);
  }
  for (const { label, graph } of instances) {
    for (const node of graph.nodes) {
      if (node.isSource || node.adapter === undefined) continue;
      const who = `sink ${node.id} of ${label}`;
      if (node.adapter === 'file') guard.file(String(node.binding.file), who, node.commandLine.has('file') ? 'command line' : 'graph', `--bind ${node.id}.file=`);
      else if (node.adapter === 'redisStream') guard.target(`stream ${node.binding.stream}`, who);
    }
  }
}
