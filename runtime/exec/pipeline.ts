import { Subject, map, share, zip, type Observable, type Subscription } from 'rxjs';
import type { Kernel } from '../defineNode.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import { canFuse, fusionGroups, type FusedGroup } from './fusion.js';
import { CANDLE_FIELDS, TRADE_FIELDS, bookFields, isPulse, type Book, type Candles, type Events, type Features, type PortType, type Texts, type Trades } from '../ports.js';

/**
 * The pipeline (DESIGN.md section 5): one stream per node, carrying one frame per chunk of event
 * times. Drivers push one frame per source per chunk (possibly empty); `zip` joins a node's
 * producers frame by frame (checked by sequence number), and each node's kernel loops over the
 * frame. Everything downstream of the sources is synchronous, so output buffers are reused
 * between chunks. The replay driver and the live driver push into the same pipeline; kernels
 * cannot tell them apart.
 */

/** What a port carries in a frame: one column, or a record's or feature vector's columns. */
export type PortColumns = Float64Array | Candles | Trades | Book | Features | Texts;

export interface Frame {
  seq: number;
  n: number;
  t: Float64Array;
  ports: Record<string, PortColumns>;
}

/** A node failed while the graph ran. */
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

/** What happened to the pulses (signals, orders) of one wire that crosses to another timeline. */
export interface PulseCount {
  /** `cross.signal -> size.signal` */
  wire: string;
  type: PortType;
  /** Pulses that reached the receiving node. */
  delivered: number;
  /** Pulses replaced by a later one before the receiving node's next event (the latest wins). */
  superseded: number;
  /** Pulses after the receiving node's last event (the data ended first). */
  undelivered: number;
}

export interface Pipeline {
  /** Pushes one frame per source (in `sources` order) for chunk `seq`; throws a node's failure. */
  push(frames: Frame[]): void;
  /** Completes the streams. */
  complete(): void;
  readonly sources: CompiledNode[];
  /** Pulse accounting across timelines, one entry per sampled pulse wire. */
  pulseCounts(): PulseCount[];
}

/**
 * Nodes whose outputs a run takes from an earlier one instead of stepping a kernel (replays, by
 * node id: chunk number -> frame), and nodes whose frames it records (nodeOutputCache.ts).
 */
export interface SharedOutputs {
  replays: Map<string, (seq: number) => Frame>;
  recorders: Map<string, { add(frame: Frame): void }>;
}

/**
 * Wires the graph: one stream per node, subscribed before any source emits. A node with neither
 * a kernel nor a replay is left out (it only fed replayed nodes).
 */
export function buildPipeline(graph: CompiledGraph, kernels: Map<string, Kernel>, capacity: number, shared?: SharedOutputs, options: PipelineOptions = {}): Pipeline {
  const sources = graph.nodes.filter((n) => n.isSource);
  const subjects: Subject<Frame>[] = [];
  const streams = new Map<string, Observable<Frame>>();
  const samplers: { wire: string; sampler: Sampler }[] = [];
  // One sampler per producer port and target timeline: nodes on the same timeline reading the same wire share its sampled columns.
  const sampled = new Map<string, Sampler>();
  const joined = <T>(producers: string[], step: (frames: Frame[]) => T): Observable<T> => {
    const one: Frame[] = [];
    return producers.length === 1 ? streams.get(producers[0])!.pipe(map((f) => ((one[0] = f), step(one)))) : zip(producers.map((id) => streams.get(id)!)).pipe(map(step));
  };
  const loopOf = new Map(graph.loops.flatMap((loop) => loop.members.map((id) => [id, loop] as const)));
  // Fusible neighbours run as one generated loop (fusion.ts); replayed, recorded and loop nodes step as usual.
  const fusible = new Set(options.fuse === false ? [] : graph.nodes.filter((n) => !loopOf.has(n.id) && !shared?.replays.has(n.id) && !shared?.recorders.has(n.id) && canFuse(n, kernels.get(n.id), graph)).map((n) => n.id));
  const groupOf = new Map(fusionGroups(graph, fusible).flatMap((group) => group.members.map((m) => [m.id, group] as const)));
  // Nodes in topological order, a loop as one step once every producer outside it has a stream.
  const pending = graph.nodes.filter((n) => n.isSource || kernels.has(n.id) || shared?.replays.has(n.id));
  const replays = shared?.replays ?? new Map<string, (seq: number) => Frame>();
  while (pending.length) {
    const before = pending.length;
    for (let k = 0; k < pending.length; k++) {
      const node = pending[k];
      if (node.isSource) {
        const subject = new Subject<Frame>();
        subjects.push(subject);
        streams.set(node.id, subject);
      } else if (loopOf.has(node.id)) {
        const loop = loopOf.get(node.id)!;
        const members = loop.members.map((id) => graph.byId.get(id)!);
        const outside = [...new Set(members.flatMap(producersOf))].filter((id) => !loop.members.includes(id));
        if (!outside.every((id) => streams.has(id))) continue;
        const run$ = joined(outside, makeLoopStepper(members, outside, graph, kernels, capacity, samplers, sampled)).pipe(share());
        members.forEach((member, m) => streams.set(member.id, run$.pipe(map((frames) => frames[m]), share())));
        for (const member of members) pending.splice(pending.indexOf(member), 1);
        k = -1;
        continue;
      } else if (groupOf.has(node.id)) {
        const group = groupOf.get(node.id)!;
        if (!group.producers.every((id) => streams.has(id))) continue;
        const run$ = joined(group.producers, makeFusedStepper(group, capacity)).pipe(share());
        group.members.forEach((member, m) => {
          // Only members whose columns something outside reads have a stream (makeFusedStepper writes exactly those).
          if (group.outputs.some((o) => o.member === m)) streams.set(member.id, run$.pipe(map((frames) => frames[m]), share()));
        });
        for (const member of group.members) pending.splice(pending.indexOf(member), 1);
        k = -1;
        continue;
      } else if (replays.has(node.id)) {
        // The chunk number is all a replay needs: the first source's frames give it.
        const replay = replays.get(node.id)!;
        streams.set(node.id, streams.get(sources[0].id)!.pipe(map((f) => replay(f.seq)), share()));
      } else {
        const producers = producersOf(node);
        if (!producers.every((id) => streams.has(id))) continue;
        const step = makeStepper(node, producers, graph, kernels.get(node.id)!, capacity, samplers, sampled);
        const recorder = shared?.recorders.get(node.id);
        streams.set(node.id, joined(producers, recorder ? (frames) => { const f = step(frames); recorder.add(f); return f; } : step).pipe(share()));
      }
      pending.splice(k--, 1);
    }
    if (pending.length === before) throw new Error(`internal: no stream order for ${pending.map((n) => n.id).join(', ')}`);
  }
  let failure: unknown;
  const subscriptions: Subscription[] = graph.nodes
    .filter((node) => node.consumers.length === 0 && !node.isSource && streams.has(node.id))
    .map((node) => streams.get(node.id)!.subscribe({ error: (e) => (failure ??= e) }));
  return {
    sources,
    push(frames) {
      for (let s = 0; s < subjects.length && failure === undefined; s++) subjects[s].next(frames[s]);
      if (failure !== undefined) throw failure;
    },
    complete() {
      for (const subject of subjects) subject.complete();
      for (const sub of subscriptions) sub.unsubscribe();
    },
    pulseCounts: () => samplers.filter((s) => s.sampler.pulse).map(({ wire, sampler }) => ({ wire, type: sampler.type, ...sampler.counts() })),
  };
}

export interface PipelineOptions {
  /** Fuse neighbouring fusible nodes into one loop per chunk (fusion.ts); default true. Off: every node steps its own kernel (for comparisons). */
  fuse?: boolean;
}

/**
 * A fused group's step: the members' producers' frames in, one frame per member out (the
 * columns read outside the group; the others never leave the generated loop's locals).
 */
function makeFusedStepper(group: FusedGroup, capacity: number): (frames: Frame[]) => Frame[] {
  const { loop, state, ints, constants, buffers } = group;
  const columns: Float64Array[] = group.inputs.map(() => new Float64Array(0));
  const written = group.outputs.map(() => new Float64Array(capacity));
  const results: Frame[] = group.members.map((_, m) => ({
    seq: 0,
    n: 0,
    t: new Float64Array(0),
    ports: Object.fromEntries(group.outputs.flatMap((o, j) => (o.member === m ? [[o.port, written[j]]] : []))),
  }));
  const ids = group.members.map((m) => m.id).join(', ');
  return (frames) => {
    const seq = frames[0].seq;
    for (let f = 1; f < frames.length; f++) if (frames[f].seq !== seq) throw new Error(`internal: the fused nodes ${ids} joined chunks ${seq} and ${frames[f].seq}`);
    // Every producer is on the members' timeline (canFuse): the same rows.
    const n = frames[0].n;
    const t = frames[0].t;
    for (let j = 0; j < columns.length; j++) columns[j] = frames[group.inputs[j].producer].ports[group.inputs[j].port] as Float64Array;
    try {
      loop(n, columns, written, state, ints, constants, buffers);
    } catch (e) {
      throw new NodeRunError(group.members[0].id, group.members[0].kind, e);
    }
    for (let m = 0; m < results.length; m++) {
      results[m].seq = seq;
      results[m].n = n;
      results[m].t = t;
    }
    return results;
  };
}

/** The nodes a node's ordinary wires read (a delayed wire's broker is not one: the loop hands its previous output over). */
function producersOf(node: CompiledNode): string[] {
  return [...new Set(node.inputs.flatMap((input) => input.wires.filter((w) => !w.delayed).map((w) => w.node)))];
}

/**
 * A feedback loop (CompiledGraph.loops): the members' inputs are prepared for the whole chunk as
 * usual (sampled, joined), then the members step one event at a time in topological order, each
 * through one-row buffers, and a delayed wire (`broker.equity@prev`) reads the broker's row from
 * the previous event (NaN before the first). Kernels cannot tell: a chunk of one event is a chunk.
 */
function makeLoopStepper(
  members: CompiledNode[],
  outside: string[],
  graph: CompiledGraph,
  kernels: Map<string, Kernel>,
  capacity: number,
  samplers: { wire: string; sampler: Sampler }[],
  shared: Map<string, Sampler>,
): (frames: Frame[]) => Frame[] {
  const ids = members.map((m) => m.id);
  // Each member's one-row output buffers, and a copy of each as the previous event left it, which delayed wires read (NaN before the first).
  const rowOutputs = members.map((m) => rowBuffers(m, kernels.get(m.id)!));
  const previous = members.map((m) => rowBuffers(m, kernels.get(m.id)!));
  const delayed = new Map<string, PortColumns>();
  members.forEach((m, k) => {
    for (const [port, buffer] of Object.entries(previous[k])) delayed.set(`${m.id}.${port}`, buffer);
  });
  const passThrough = new Set<unknown>(delayed.values());
  const recorded: { n: number; t: Float64Array; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[] = members.map(() => ({ n: 0, t: new Float64Array(0), inputs: {}, outputs: {} }));
  const steppers = members.map((member, k) => {
    const recorder: Kernel = {
      featureNames: kernels.get(member.id)!.featureNames,
      step(n, t, inputs, outputs) {
        Object.assign(recorded[k], { n, t, inputs, outputs });
      },
    };
    const producers = producersOf(member);
    const step = makeStepper(member, producers, graph, recorder, capacity, samplers, shared, delayed);
    // Where each producer's frame comes from: another member's result, or the joined outside frames.
    // >= 0: that member's result; < 0: outside frame -1 - from.
    const from = producers.map((id) => (ids.includes(id) ? ids.indexOf(id) : -1 - outside.indexOf(id)));
    return { step, from, frames: producers.map(() => undefined as unknown as Frame) };
  });
  const results: Frame[] = members.map(() => undefined as unknown as Frame);
  const rowT = new Float64Array(1);
  const rowInputs = members.map(() => ({}) as Record<string, unknown>);
  const cursors = members.map(() => new Map<unknown, number>());
  // What a row copies, as parallel lists of columns (built per chunk: the columns change, the row buffers stay).
  const plans = members.map(() => ({ inFrom: [] as Float64Array[], inTo: [] as Float64Array[], outFrom: [] as Float64Array[], outTo: [] as Float64Array[], events: [] as string[] }));
  const prevFrom: Float64Array[] = [];
  const prevTo: Float64Array[] = [];
  members.forEach((_, k) => {
    for (const [port, row] of Object.entries(rowOutputs[k])) columnPairs(row, previous[k][port], prevFrom, prevTo);
  });
  return (frames) => {
    steppers.forEach((s, k) => {
      for (let p = 0; p < s.from.length; p++) {
        const f = s.from[p];
        s.frames[p] = f >= 0 ? results[f] : frames[-1 - f];
      }
      results[k] = s.step(s.frames);
    });
    const n = recorded[0].n;
    for (let k = 1; k < members.length; k++) {
      if (recorded[k].n !== n) throw new Error(`internal: the loop ${ids.join(', ')} joined ${n} and ${recorded[k].n} events`);
    }
    members.forEach((member, k) => {
      const plan = plans[k];
      plan.inFrom.length = plan.inTo.length = plan.outFrom.length = plan.outTo.length = plan.events.length = 0;
      for (const [port, value] of Object.entries(recorded[k].inputs)) {
        if (member.def.inputs[port]?.ownTimes) plan.events.push(port);
        else if (passThrough.has(value)) rowInputs[k][port] = value;
        else columnPairs(value, (rowInputs[k][port] ??= rowLike(value, passThrough)), plan.inFrom, plan.inTo, passThrough);
      }
      for (const [port, row] of Object.entries(rowOutputs[k])) columnPairs(row, recorded[k].outputs[port], plan.outFrom, plan.outTo);
    });
    for (const c of cursors) c.clear();
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < members.length; k++) {
        const r = recorded[k];
        const { inFrom, inTo, outFrom, outTo, events } = plans[k];
        rowT[0] = r.t[i];
        for (let j = 0; j < inFrom.length; j++) inTo[j][0] = inFrom[j][i];
        for (const port of events) rowInputs[k][port] = eventsAt(r.inputs[port], i, n, r.t, cursors[k]);
        try {
          kernels.get(members[k].id)!.step(1, rowT, rowInputs[k], rowOutputs[k] as never);
        } catch (e) {
          throw new NodeRunError(members[k].id, members[k].kind, e);
        }
        for (let j = 0; j < outFrom.length; j++) outTo[j][i] = outFrom[j][0];
      }
      for (let j = 0; j < prevFrom.length; j++) prevTo[j][0] = prevFrom[j][0];
    }
    return results;
  };
}

/** One-row output buffers of a node, shaped like the stepper's (a features output: one column per name). */
function rowBuffers(node: CompiledNode, kernel: Kernel): Record<string, PortColumns> {
  const out: Record<string, PortColumns> = {};
  for (const [name, spec] of Object.entries(node.def.outputs)) {
    if (spec.type === 'candles') out[name] = Object.fromEntries(CANDLE_FIELDS.map((f) => [f, new Float64Array(1).fill(NaN)])) as Candles;
    else if (spec.type === 'features') out[name] = { names: kernel.featureNames?.[name] ?? [], columns: (kernel.featureNames?.[name] ?? []).map(() => new Float64Array(1).fill(NaN)) };
    else out[name] = new Float64Array(1).fill(NaN);
  }
  return out;
}

/** One-row buffers shaped like an input's value (a column, a list of them, a record or feature bundle, texts); delayed values stay as they are. */
function rowLike(value: unknown, passThrough: Set<unknown>): unknown {
  if (passThrough.has(value)) return value;
  if (value instanceof Float64Array) return new Float64Array(1);
  if (Array.isArray(value)) return value.map((v) => rowLike(v, passThrough));
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.columns)) return { names: v.names, columns: (v.columns as Float64Array[]).map(() => new Float64Array(1)) };
  if (v.strings) return { index: new Float64Array(1), strings: v.strings };
  return Object.fromEntries(Object.keys(v).map((k) => [k, new Float64Array(1)]));
}

/** Pairs up the columns of two values of the same shape (`from[j]` feeds `to[j]`), skipping delayed values. */
function columnPairs(from: unknown, to: unknown, fromList: Float64Array[], toList: Float64Array[], passThrough?: Set<unknown>): void {
  if (passThrough?.has(from)) return;
  if (from instanceof Float64Array) {
    fromList.push(from);
    toList.push(to as Float64Array);
    return;
  }
  if (Array.isArray(from)) {
    from.forEach((v, w) => columnPairs(v, (to as unknown[])[w], fromList, toList, passThrough));
    return;
  }
  const f = from as Record<string, unknown>;
  const t = to as Record<string, unknown>;
  if (Array.isArray(f.columns)) {
    (f.columns as Float64Array[]).forEach((c, j) => columnPairs(c, (t.columns as Float64Array[])[j], fromList, toList));
    return;
  }
  if (f.strings) {
    t.strings = f.strings;
    columnPairs(f.index, t.index, fromList, toList);
    return;
  }
  for (const k of Object.keys(f)) columnPairs(f[k], t[k], fromList, toList);
}

/** An input read at its own events (ownTimes), cut for row `i`: its events at or before the row's time (the last row takes the rest). */
function eventsAt(value: unknown, i: number, n: number, t: Float64Array, cursors: Map<unknown, number>): unknown {
  if (Array.isArray(value)) return value.map((v) => eventsAt(v, i, n, t, cursors));
  const ev = value as Events<unknown>;
  const start = cursors.get(ev) ?? 0;
  let end = start;
  if (i === n - 1) end = ev.n;
  else while (end < ev.n && ev.t[end] <= t[i]) end++;
  cursors.set(ev, end);
  return { n: end - start, t: ev.t.subarray(start, end), value: sliceColumns(ev.value, start, end) };
}

function sliceColumns(value: unknown, start: number, end: number): unknown {
  if (value instanceof Float64Array) return value.subarray(start, end);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.columns)) return { names: v.names, columns: (v.columns as Float64Array[]).map((c) => c.subarray(start, end)) };
  if (v.strings) return { index: (v.index as Float64Array).subarray(start, end), strings: v.strings };
  return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, (c as Float64Array).subarray(start, end)]));
}

/** A source's events as columns by record field, with their times (a replay's history, or a live staging buffer). */
export interface SourceColumns {
  t: Float64Array;
  columns: Record<string, Float64Array>;
  /** A text source's texts, which its `text` column indexes (SourceData.strings). */
  strings?: readonly string[];
}

/**
 * Cuts a source's columns into frames of the wired ports only. Chunks are zero-copy views, but
 * with a chunk size under 64 (live mode: one event) they are copied into reused buffers, because
 * creating typed-array views costs more than copying a few numbers. The frame object is reused
 * too: everything downstream is synchronous and done with a chunk before the next one is emitted.
 */
export function sourceEmitter(node: CompiledNode, graph: CompiledGraph, data: SourceColumns, capacity: number): (from: number, to: number, seq: number) => Frame {
  const COPY_BELOW = 64;
  const wired = new Set(node.consumers.flatMap((id) => graph.byId.get(id)!.inputs.flatMap((input) => input.wires.filter((w) => w.node === node.id).map((w) => w.port))));
  // [port, column name] pairs; a record port (candles, trades, book) takes all its columns.
  const columns: [string, string][] = [['', 't']];
  const bundles: { port: string; names: readonly string[]; value: Record<string, unknown> }[] = [];
  for (const name of wired) {
    const fields = bundleFields(node.def.outputs[name].type, data);
    if (!fields) {
      columns.push([name, name]);
      continue;
    }
    for (const field of fields) columns.push([name, field]);
    const type = node.def.outputs[name].type;
    if (type === 'text' && !data.strings) throw new Error(`internal: text source ${node.id} was loaded without its strings`);
    // A text bundle carries the source's whole list of strings; only the chunk's indices change.
    const value = type === 'book' ? { names: fields, columns: [] } : type === 'text' ? { index: new Float64Array(0), strings: data.strings } : {};
    bundles.push({ port: name, names: fields, value });
  }
  // The source's columns, looked up once (a source's column arrays never change during a run).
  const sources = columns.map(([, column]) => (column === 't' ? data.t : data.columns[column]!));
  // Decided by the chunk size, not by each chunk's length: a chunked replay hands out views only,
  // which a history can keep without copying (frozenColumns.ts).
  const copy = capacity < COPY_BELOW;
  const small = columns.map(() => new Float64Array(copy ? capacity : 0));
  const frame: Frame = { seq: 0, n: 0, t: data.t, ports: {} };
  const names = columns.map(([, column]) => column);
  // Where each column goes: the frame's port (-1), or bundle b's field.
  const bundleOf = columns.map(([port]) => bundles.findIndex((b) => b.port === port));
  const slotOf = columns.map(([port, column]) => (bundles.find((b) => b.port === port)?.names.indexOf(column) ?? -1));
  const ports = columns.map(([port]) => port);
  return (from, to, seq) => {
    const n = to - from;
    frame.seq = seq;
    frame.n = n;
    for (let c = 0; c < names.length; c++) {
      const all = sources[c];
      let values: Float64Array;
      if (copy) {
        values = small[c];
        for (let i = 0; i < n; i++) values[i] = all[from + i];
      } else {
        values = all.subarray(from, to);
      }
      const b = bundleOf[c];
      if (c === 0) frame.t = values;
      else if (b < 0) frame.ports[ports[c]] = values;
      else if (bundles[b].value.columns) (bundles[b].value.columns as Float64Array[])[slotOf[c]] = values;
      else if (bundles[b].value.strings) bundles[b].value.index = values;
      else bundles[b].value[names[c]] = values;
    }
    for (let b = 0; b < bundles.length; b++) frame.ports[bundles[b].port] = bundles[b].value as unknown as Candles;
    return frame;
  };
}

/** The columns a record port carries (candles, trades: fixed fields; a book: its levels' columns; text: its index column), or undefined for one-column ports. */
function bundleFields(type: PortType, data: SourceColumns): readonly string[] | undefined {
  if (type === 'candles') return CANDLE_FIELDS;
  if (type === 'trades') return TRADE_FIELDS;
  if (type === 'text') return ['text'];
  if (type === 'book') return bookFields(Object.keys(data.columns).filter((name) => /^bidPrice[0-9]+$/.test(name)).length);
  return undefined;
}

interface InputPlan {
  port: string;
  many: boolean;
  /** This chunk's column (or bundle) per wire, reused between chunks. */
  values: PortColumns[];
  wires: { producer: number; port: string; type: PortType; sampler?: Sampler; events?: Events<PortColumns>; value?: PortColumns }[];
}

/** Builds the function that turns a node's producer frames into its output frame. */
function makeStepper(
  node: CompiledNode,
  producers: string[],
  graph: CompiledGraph,
  kernel: Kernel,
  capacity: number,
  samplers: { wire: string; sampler: Sampler }[],
  shared: Map<string, Sampler>,
  delayed?: Map<string, PortColumns>,
): (frames: Frame[]) => Frame {
  const domainKey = (id: string) => graph.byId.get(id)!.domain.join(',');
  const ownDomain = node.domain.join(',');
  // The timeline port's producers (a portfolio's several markets: the union of their events).
  const timelineWires = node.def.timeline ? (node.inputs.find((i) => i.port === node.def.timeline)?.wires ?? []) : [];
  const timelineProducers = [...new Set(timelineWires.map((w) => producers.indexOf(w.node)))];
  const timelineProducer = timelineProducers.length === 1 ? timelineProducers[0] : -1;
  const aligned = producers.every((id) => domainKey(id) === ownDomain);
  const fixed = (w: { node: string; port: string; delayed?: boolean }) => (w.delayed ? delayed?.get(`${w.node}.${w.port}`) : undefined);

  const plans: InputPlan[] = node.inputs.map((input) => ({
    port: input.port,
    many: Boolean(input.spec.many),
    values: [],
    wires: input.wires.map((w) => {
      // A delayed wire (in a loop): the broker's one-row buffer, as the previous event left it.
      const value = fixed(w);
      if (w.delayed) {
        if (!value) throw new Error(`internal: ${w.text} is delayed but ${node.id} is not in a loop with ${w.node}`);
        return { producer: -1, port: w.port, type: w.type, value };
      }
      const producer = producers.indexOf(w.node);
      // An input read at its own events is handed over as is, with its times (PortSpec.ownTimes).
      if (input.spec.ownTimes) return { producer, port: w.port, type: w.type, events: { n: 0, t: new Float64Array(0), value: new Float64Array(0) } };
      const needsSampling = !aligned && producer !== timelineProducer && domainKey(w.node) !== ownDomain;
      // A node's rows are a function of its domain (the union of its sources' event times), so the key is the domain.
      const key = `${w.node}.${w.port} -> ${ownDomain}`;
      const sampler = needsSampling ? (shared.get(key) ?? shared.set(key, new Sampler(w.type, capacity)).get(key)!) : undefined;
      if (sampler) samplers.push({ wire: `${w.text} -> ${node.id}.${input.port}`, sampler });
      return { producer, port: w.port, type: w.type, sampler };
    }),
  }));

  const outputs: Record<string, Float64Array | Features | Candles> = {};
  for (const [name, spec] of Object.entries(node.def.outputs)) {
    if (spec.type === 'candles') {
      // Candles a node makes (bars from trades): one buffer per field.
      outputs[name] = Object.fromEntries(CANDLE_FIELDS.map((field) => [field, new Float64Array(capacity)])) as Candles;
      continue;
    }
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
  const eventTimes = node.def.ownEvents ? new Float64Array(capacity) : undefined;
  let lastEvent = -Infinity;

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
    } else if (timelineProducers.length > 1) {
      n = unionTimes(timelineProducers.map((p) => frames[p]), rowTimes);
      t = rowTimes;
    } else {
      n = unionTimes(frames, rowTimes);
      t = rowTimes;
    }
    for (let p = 0; p < plans.length; p++) {
      const plan = plans[p];
      for (let w = 0; w < plan.wires.length; w++) {
        const wire = plan.wires[w];
        if (wire.value) {
          plan.values[w] = wire.value;
          continue;
        }
        const frame = frames[wire.producer];
        const column = frame.ports[wire.port];
        if (wire.events) {
          wire.events.n = frame.n;
          wire.events.t = frame.t;
          wire.events.value = column;
          plan.values[w] = wire.events as unknown as PortColumns;
        } else plan.values[w] = wire.sampler ? wire.sampler.sample(seq, frame.t, frame.n, column, t, n) : column;
      }
      inputs[plan.port] = plan.many ? plan.values : plan.values[0];
    }
    let made: void | number;
    try {
      made = kernel.step(n, t, inputs, outputs, eventTimes);
    } catch (e) {
      throw new NodeRunError(node.id, node.kind, e);
    }
    result.seq = seq;
    if (eventTimes) {
      // The kernel's own events: checked, because downstream joins rely on strictly increasing times no earlier than knowable.
      const m = typeof made === 'number' ? made : 0;
      if (!(Number.isInteger(m) && m >= 0 && m <= n)) throw new NodeRunError(node.id, node.kind, new Error(`internal: made ${m} events from ${n} rows`));
      for (let i = 0; i < m; i++) {
        if (!(eventTimes[i] > lastEvent) || (n > 0 && eventTimes[i] > t[n - 1])) throw new NodeRunError(node.id, node.kind, new Error(`internal: event time ${eventTimes[i]} is not after ${lastEvent} or lies beyond the chunk`));
        lastEvent = eventTimes[i];
      }
      result.n = m;
      result.t = eventTimes;
      return result;
    }
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
 * of" each row (the latest value at or before it). Pulses appear once, at the first row at or
 * after their own event; when several arrive before one row, the latest wins (it is the current
 * decision: a target, a stance) and the others are counted as superseded; pulses after the last
 * row are counted as undelivered. State carries across chunks.
 */
class Sampler {
  readonly pulse: boolean;
  private last: Float64Array | undefined;
  private out: Float64Array[] = [];
  /** A record's field names (candles, trades), in column order. */
  private fields: string[] | undefined;
  /** The sampled record or feature vector, reused between chunks (its columns are `out`). */
  private bundle: PortColumns | undefined;
  /** The chunk sampled last, and what it gave. */
  private seq = -1;
  private result: PortColumns | undefined;
  private delivered = 0;
  private superseded = 0;

  constructor(
    readonly type: PortType,
    private readonly capacity: number,
  ) {
    // Sampling would drop all but the latest text before each row; text inputs are ownTimes (the compiler refuses others).
    if (type === 'text') throw new Error('internal: a text wire cannot be sampled onto another timeline; text inputs must be read at their own events (ownTimes)');
    this.pulse = isPulse(type);
  }

  counts(): { delivered: number; superseded: number; undelivered: number } {
    const pending = this.last !== undefined && this.last[0] === this.last[0] ? 1 : 0;
    return { delivered: this.delivered, superseded: this.superseded, undelivered: this.pulse ? pending : 0 };
  }

  /** Samples chunk `seq` once: another node on the same timeline asking for the same chunk gets the same columns. */
  sample(seq: number, srcT: Float64Array, srcN: number, value: PortColumns, rowT: Float64Array, n: number): PortColumns {
    if (seq === this.seq) return this.result!;
    this.seq = seq;
    return (this.result = this.sampleChunk(srcT, srcN, value, rowT, n));
  }

  private sampleChunk(srcT: Float64Array, srcN: number, value: PortColumns, rowT: Float64Array, n: number): PortColumns {
    if (!this.fields) this.fields = value instanceof Float64Array || hasColumns(value) ? [] : Object.keys(value);
    const fields = this.fields;
    const columns = value instanceof Float64Array ? [value] : hasColumns(value) ? value.columns : fields.map((f) => (value as Record<string, Float64Array>)[f]);
    if (!this.last) {
      this.last = new Float64Array(columns.length).fill(NaN);
      this.out = columns.map(() => new Float64Array(this.capacity));
    }
    const pulse = this.pulse;
    for (let c = 0; c < columns.length; c++) {
      const src = columns[c];
      const out = this.out[c];
      let last = this.last[c];
      let k = 0;
      // Pulse accounting on the first column only (pulse ports carry one column).
      let superseded = 0;
      let delivered = 0;
      for (let r = 0; r < n; r++) {
        const time = rowT[r];
        while (k < srcN && srcT[k] <= time) {
          const v = src[k++];
          if (!pulse) last = v;
          else if (v === v) {
            if (last === last) superseded++;
            last = v;
          }
        }
        out[r] = last;
        if (pulse) {
          if (last === last) delivered++;
          last = NaN;
        }
      }
      while (k < srcN) {
        const v = src[k++];
        if (!pulse) last = v;
        else if (v === v) {
          if (last === last) superseded++;
          last = v;
        }
      }
      this.last[c] = last;
      if (c === 0) {
        this.superseded += superseded;
        this.delivered += delivered;
      }
    }
    if (value instanceof Float64Array) return this.out[0];
    if (hasColumns(value)) return (this.bundle ??= { names: value.names, columns: this.out });
    return (this.bundle ??= Object.fromEntries(fields.map((f, c) => [f, this.out[c]])) as Candles);
  }
}

/** Features and books carry `names` and `columns`; candles and trades are flat records of columns. */
function hasColumns(value: PortColumns): value is Features | Book {
  return Array.isArray((value as Features).columns);
}
