import { Subject, map, share, zip, type Observable } from 'rxjs';
import type { Kernel, NodeContext, ReplaySource, SourceData } from '../defineNode.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import { resolveDataFile } from '../data/resolveDataFile.js';
import { CANDLE_FIELDS, isPulse, type Candles, type Features, type PortType } from '../ports.js';

/**
 * Backtest execution (DESIGN.md section 5). Sources load their history as columns; a virtual
 * clock cuts the merged timeline into chunks of at most `chunkSize` distinct event times (never
 * splitting one time across chunks, so joins see each time exactly once); every source emits
 * exactly one frame per chunk (possibly empty); RxJS carries frames between nodes, `zip` joins a
 * node's producers frame by frame, and each node's kernel loops over the frame. Everything
 * downstream of the sources is synchronous, so output buffers are reused between chunks.
 */

export interface Frame {
  seq: number;
  n: number;
  t: Float64Array;
  ports: Record<string, Float64Array | Candles | Features>;
}

export interface RunOptions {
  /** Distinct event times per chunk (1 = event by event, as live mode runs). */
  chunkSize?: number;
  /** Adapter bindings by node id, overriding the graph's `modes.backtest` (from --data). */
  bindings?: Record<string, Record<string, unknown>>;
  env?: NodeJS.ProcessEnv;
  onProgress?: (eventsDone: number, eventsTotal: number) => void;
  onWarning?: (warning: RunWarning) => void;
}

export interface RunWarning {
  node: string;
  code: string;
  message: string;
}

export interface RunResult {
  graph: CompiledGraph;
  /** Provenance and data-quality facts of each source. */
  sources: Record<string, Record<string, unknown>>;
  /** `report()` of every node that has one (brokers: metrics and trades). */
  reports: Record<string, unknown>;
  warnings: RunWarning[];
  events: number;
  chunks: number;
  /** Wall-clock milliseconds spent loading sources and stepping the graph (not part of any result). */
  timings: { loadMs: number; stepMs: number; reportMs: number };
}

export class NodeRunError extends Error {
  constructor(
    readonly node: string,
    readonly kind: string,
    cause: unknown,
  ) {
    super(`node "${node}" (${kind}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'NodeRunError';
  }
}

export async function runGraph(graph: CompiledGraph, options: RunOptions = {}): Promise<RunResult> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 1024));
  const env = options.env ?? process.env;
  const warnings: RunWarning[] = [];

  const kernels = new Map<string, Kernel | ReplaySource>();
  const create = (node: CompiledNode, eventsHint: number) => {
    const ctx: NodeContext = {
      id: node.id,
      inputWires: Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => w.text)])),
      binding: { ...node.binding, ...(options.bindings?.[node.id] ?? {}) },
      resolveDataFile: (name) => resolveDataFile(name, env),
      warn: (code, message) => {
        const warning = { node: node.id, code, message };
        warnings.push(warning);
        options.onWarning?.(warning);
      },
      eventsHint,
    };
    try {
      kernels.set(node.id, node.def.create(node.params, ctx));
    } catch (e) {
      throw new NodeRunError(node.id, node.kind, e);
    }
  };

  const sourceNodes = graph.nodes.filter((n) => n.isSource);
  for (const node of sourceNodes) create(node, 0);
  const loadStart = performance.now();
  const loaded = await Promise.all(
    sourceNodes.map(async (node) => {
      try {
        return await (kernels.get(node.id) as ReplaySource).load();
      } catch (e) {
        throw new NodeRunError(node.id, node.kind, e);
      }
    }),
  );
  // Other kernels are created once the history is known, so they can size their buffers.
  const events = new Map(sourceNodes.map((node, i) => [node.id, loaded[i].t.length]));
  for (const node of graph.nodes) if (!node.isSource) create(node, node.domain.reduce((sum, id) => sum + (events.get(id) ?? 0), 0));

  const stepStart = performance.now();
  // Wire the graph: one stream per node, subscribed before any source emits.
  const subjects: Subject<Frame>[] = [];
  const streams = new Map<string, Observable<Frame>>();
  for (const node of graph.nodes) {
    if (node.isSource) {
      const subject = new Subject<Frame>();
      subjects.push(subject);
      streams.set(node.id, subject);
      continue;
    }
    const producers = [...new Set(node.inputs.flatMap((input) => input.wires.map((w) => w.node)))];
    const step = makeStepper(node, producers, graph, kernels.get(node.id) as Kernel, chunkSize);
    const one: Frame[] = [];
    const out$ =
      producers.length === 1
        ? streams.get(producers[0])!.pipe(map((f) => ((one[0] = f), step(one))))
        : zip(producers.map((id) => streams.get(id)!)).pipe(map(step));
    streams.set(node.id, out$.pipe(share()));
  }
  let failure: unknown;
  const subscriptions = graph.nodes
    .filter((node) => node.consumers.length === 0 && !node.isSource)
    .map((node) => streams.get(node.id)!.subscribe({ error: (e) => (failure ??= e) }));

  // The virtual clock: merged source timelines, cut into chunks of distinct times.
  const times = loaded.map((d) => d.t);
  const total = times.reduce((s, t) => s + t.length, 0);
  const heads = times.map(() => 0);
  let seq = 0;
  let done = 0;
  let lastProgress = 0;
  const emitters = sourceNodes.map((node, s) => sourceEmitter(node, graph, loaded[s], chunkSize));
  const ends = heads.slice();
  const remaining = () => {
    for (let s = 0; s < times.length; s++) if (heads[s] < times[s].length) return true;
    return false;
  };
  while (failure === undefined && remaining()) {
    chunkEnds(times, heads, chunkSize, ends);
    for (let s = 0; s < sourceNodes.length && failure === undefined; s++) {
      subjects[s].next(emitters[s](heads[s], ends[s], seq));
      done += ends[s] - heads[s];
      heads[s] = ends[s];
    }
    seq++;
    if (options.onProgress && (done - lastProgress >= 65536 || done === total)) {
      lastProgress = done;
      options.onProgress(done, total);
    }
  }
  for (const subject of subjects) subject.complete();
  for (const sub of subscriptions) sub.unsubscribe();
  if (failure !== undefined) throw failure;

  const reportStart = performance.now();
  const reports: Record<string, unknown> = {};
  for (const node of graph.nodes) {
    const kernel = kernels.get(node.id) as Kernel;
    if (node.isSource) continue;
    try {
      await kernel.end?.();
      if (kernel.report) reports[node.id] = kernel.report();
    } catch (e) {
      throw new NodeRunError(node.id, node.kind, e);
    }
  }
  const sources = Object.fromEntries(sourceNodes.map((node, i) => [node.id, loaded[i].info]));
  const timings = { loadMs: stepStart - loadStart, stepMs: reportStart - stepStart, reportMs: performance.now() - reportStart };
  return { graph, sources, reports, warnings, events: total, chunks: seq, timings };
}

/** Writes into `ends` the end index (exclusive) per source of the next chunk: the next `chunkSize` distinct times. */
function chunkEnds(times: Float64Array[], heads: number[], chunkSize: number, ends: number[]): void {
  if (times.length === 1) {
    ends[0] = Math.min(times[0].length, heads[0] + chunkSize);
    return;
  }
  for (let s = 0; s < times.length; s++) ends[s] = heads[s];
  for (let k = 0; k < chunkSize; k++) {
    let next = Infinity;
    for (let s = 0; s < times.length; s++) if (ends[s] < times[s].length && times[s][ends[s]] < next) next = times[s][ends[s]];
    if (next === Infinity) break;
    for (let s = 0; s < times.length; s++) if (ends[s] < times[s].length && times[s][ends[s]] === next) ends[s]++;
  }
}

/**
 * Cuts a source's columns into frames of the wired ports only. Large chunks are zero-copy views;
 * small ones (live mode: one event) are copied into reused buffers, because creating typed-array
 * views costs more than copying a few numbers. The frame object is reused too: everything
 * downstream is synchronous and done with a chunk before the next one is emitted.
 */
function sourceEmitter(node: CompiledNode, graph: CompiledGraph, data: SourceData, capacity: number): (from: number, to: number, seq: number) => Frame {
  const COPY_BELOW = 64;
  const wired = new Set(node.consumers.flatMap((id) => graph.byId.get(id)!.inputs.flatMap((input) => input.wires.filter((w) => w.node === node.id).map((w) => w.port))));
  // [port, column name] pairs; a candles port takes its six columns.
  const columns: [string, string][] = [['', 't']];
  for (const name of wired) {
    if (node.def.outputs[name].type === 'candles') for (const field of CANDLE_FIELDS) columns.push([name, field]);
    else columns.push([name, name]);
  }
  const source = (column: string) => (column === 't' ? data.t : data.columns[column]!);
  const small = columns.map(() => new Float64Array(Math.min(capacity, COPY_BELOW)));
  const bundles = new Map([...wired].filter((name) => node.def.outputs[name].type === 'candles').map((name) => [name, {} as Candles]));
  const frame: Frame = { seq: 0, n: 0, t: data.t, ports: {} };
  const ports = columns.map(([port]) => port);
  const names = columns.map(([, column]) => column);
  const isBundle = ports.map((port) => bundles.has(port));
  const bundleList = [...bundles];
  return (from, to, seq) => {
    const n = to - from;
    frame.seq = seq;
    frame.n = n;
    for (let c = 0; c < names.length; c++) {
      const all = source(names[c]);
      let values: Float64Array;
      if (n < COPY_BELOW) {
        values = small[c];
        for (let i = 0; i < n; i++) values[i] = all[from + i];
      } else {
        values = all.subarray(from, to);
      }
      if (c === 0) frame.t = values;
      else if (isBundle[c]) (bundles.get(ports[c])! as Record<string, Float64Array>)[names[c]] = values;
      else frame.ports[ports[c]] = values;
    }
    for (let b = 0; b < bundleList.length; b++) frame.ports[bundleList[b][0]] = bundleList[b][1];
    return frame;
  };
}

interface InputPlan {
  port: string;
  many: boolean;
  /** This chunk's column (or bundle) per wire, reused between chunks. */
  values: (Float64Array | Candles | Features)[];
  wires: { producer: number; port: string; type: PortType; sampler?: Sampler }[];
}

/** Builds the function that turns a node's producer frames into its output frame. */
function makeStepper(node: CompiledNode, producers: string[], graph: CompiledGraph, kernel: Kernel, capacity: number): (frames: Frame[]) => Frame {
  const domainKey = (id: string) => graph.byId.get(id)!.domain.join(',');
  const ownDomain = node.domain.join(',');
  const timelineWire = node.def.timeline ? node.inputs.find((i) => i.port === node.def.timeline)?.wires[0] : undefined;
  const timelineProducer = timelineWire ? producers.indexOf(timelineWire.node) : -1;
  const aligned = producers.every((id) => domainKey(id) === ownDomain);

  const plans: InputPlan[] = node.inputs.map((input) => ({
    port: input.port,
    many: Boolean(input.spec.many),
    values: [],
    wires: input.wires.map((w) => {
      const producer = producers.indexOf(w.node);
      const needsSampling = !aligned && producer !== timelineProducer && domainKey(w.node) !== ownDomain;
      return { producer, port: w.port, type: w.type, sampler: needsSampling ? new Sampler(w.type, capacity) : undefined };
    }),
  }));

  const outputs: Record<string, Float64Array | Features> = {};
  for (const [name, spec] of Object.entries(node.def.outputs)) {
    if (spec.type !== 'features') {
      outputs[name] = new Float64Array(capacity);
      continue;
    }
    const names = kernel.featureNames?.[name];
    if (!names) throw new NodeRunError(node.id, node.kind, new Error(`the kernel does not name the columns of its features output "${name}"`));
    outputs[name] = { names, columns: names.map(() => new Float64Array(capacity)) };
  }
  const inputs: Record<string, unknown> = {};
  const rowTimes = new Float64Array(capacity);
  const result: Frame = { seq: 0, n: 0, t: rowTimes, ports: outputs };

  return (frames: Frame[]) => {
    const seq = frames[0].seq;
    for (let f = 1; f < frames.length; f++) if (frames[f].seq !== seq) throw new Error(`internal: node ${node.id} joined chunks ${seq} and ${frames[f].seq}`);
    let n: number;
    let t: Float64Array;
    if (aligned) {
      n = frames[0].n;
      t = frames[0].t;
    } else if (timelineProducer >= 0) {
      n = frames[timelineProducer].n;
      t = frames[timelineProducer].t;
    } else {
      n = unionTimes(frames, rowTimes);
      t = rowTimes;
    }
    for (let p = 0; p < plans.length; p++) {
      const plan = plans[p];
      for (let w = 0; w < plan.wires.length; w++) {
        const wire = plan.wires[w];
        const frame = frames[wire.producer];
        const column = frame.ports[wire.port];
        plan.values[w] = wire.sampler ? wire.sampler.sample(frame.t, frame.n, column, t, n) : column;
      }
      inputs[plan.port] = plan.many ? plan.values : plan.values[0];
    }
    try {
      kernel.step(n, t, inputs, outputs);
    } catch (e) {
      throw new NodeRunError(node.id, node.kind, e);
    }
    result.seq = seq;
    result.n = n;
    result.t = t;
    return result;
  };
}

/** Sorted union (without repeats) of the frames' event times, written into `out`. */
function unionTimes(frames: Frame[], out: Float64Array): number {
  const heads = frames.map(() => 0);
  let n = 0;
  for (;;) {
    let next = Infinity;
    for (let f = 0; f < frames.length; f++) if (heads[f] < frames[f].n && frames[f].t[heads[f]] < next) next = frames[f].t[heads[f]];
    if (next === Infinity) return n;
    out[n++] = next;
    for (let f = 0; f < frames.length; f++) if (heads[f] < frames[f].n && frames[f].t[heads[f]] === next) heads[f]++;
  }
}

/**
 * Aligns a producer's column (or bundle of columns) to another timeline. Levels are taken "as
 * of" each row (the latest value at or before it); pulses appear once, at the first row at or
 * after their own event, so a decision is never repeated or lost. State carries across chunks.
 */
class Sampler {
  private readonly pulse: boolean;
  private last: Float64Array | undefined;
  private out: Float64Array[] = [];

  constructor(
    type: PortType,
    private readonly capacity: number,
  ) {
    this.pulse = isPulse(type);
  }

  sample(srcT: Float64Array, srcN: number, value: Float64Array | Candles | Features, rowT: Float64Array, n: number): Float64Array | Candles | Features {
    const columns = value instanceof Float64Array ? [value] : isFeatures(value) ? value.columns : CANDLE_FIELDS.map((f) => (value as Candles)[f]);
    if (!this.last) {
      this.last = new Float64Array(columns.length).fill(NaN);
      this.out = columns.map(() => new Float64Array(this.capacity));
    }
    for (let c = 0; c < columns.length; c++) {
      const src = columns[c];
      const out = this.out[c];
      let last = this.last[c];
      let k = 0;
      for (let r = 0; r < n; r++) {
        const time = rowT[r];
        while (k < srcN && srcT[k] <= time) {
          const v = src[k++];
          if (!this.pulse || v === v) last = v;
        }
        out[r] = last;
        if (this.pulse) last = NaN;
      }
      while (k < srcN) {
        const v = src[k++];
        if (!this.pulse || v === v) last = v;
      }
      this.last[c] = last;
    }
    if (value instanceof Float64Array) return this.out[0];
    if (isFeatures(value)) return { names: value.names, columns: this.out };
    return Object.fromEntries(CANDLE_FIELDS.map((f, c) => [f, this.out[c]])) as Candles;
  }
}

function isFeatures(value: unknown): value is Features {
  return typeof value === 'object' && value !== null && Array.isArray((value as Features).columns);
}
