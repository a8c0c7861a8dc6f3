import { createHash } from 'node:crypto';
import { familyOf } from '../defineNode.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import { isPulse } from '../ports.js';
import type { Frame, PortColumns } from './pipeline.js';

/**
 * Node outputs shared between backtests of one process (a sweep: 1,675 combinations of
 * sma-cross have 46 distinct fast SMAs and 46 distinct slow ones). A node's output is a function
 * of its kind, its params, what its inputs carry and how the run is cut into chunks, so its key
 * hashes exactly those, recursively up to the sources (whose key is what the source cache loads:
 * adapter, binding, record spec, data directory). The first run that meets a shareable key
 * records the node's frames; later runs replay them instead of creating and stepping the kernel,
 * and skip whatever upstream only fed it.
 *
 * Shared: replayed nodes that are neither sources, sinks, members of a feedback loop, nor kinds
 * with a report or snapshot (a broker, a model's training report: replaying frames would lose
 * them), and that read no pulse wire (crossing timelines, pulses are counted at the reader).
 * Which keys are worth recording, and when each can go, the caller says (`shared`: key -> the
 * index of the last backtest that uses it); a byte budget bounds the rest (least recently used first).
 */

/** A node's frames as one run made them: per chunk its row count, the rows' times and each output's columns. */
export interface Recording {
  bytes: number;
  rows: Int32Array;
  starts: Int32Array;
  t: Float64Array;
  /** Per output port: its columns, and how to shape views of them like the port's value. */
  ports: { port: string; columns: Float64Array[]; shape: (columns: Float64Array[]) => PortColumns }[];
  /** Warnings the node gave while it was created and ran, and the input files it registered: repeated on replay. */
  warnings: [string, string][];
  inputs: [string, string][];
}

export interface NodeCacheStats {
  /** Node outputs computed and recorded, and replayed. */
  recorded: number;
  replayed: number;
  evicted: number;
  /** Bytes held now, and at most. */
  bytes: number;
  peakBytes: number;
}

export class NodeOutputCache {
  private readonly recordings = new Map<string, Recording>();
  private readonly counts: NodeCacheStats = { recorded: 0, replayed: 0, evicted: 0, bytes: 0, peakBytes: 0 };

  /**
   * @param shared the keys worth recording, each with the index of the last backtest needing it.
   * @param budgetBytes recordings beyond this are dropped, least recently used first.
   */
  constructor(
    private readonly shared: ReadonlyMap<string, number>,
    private readonly budgetBytes = 256 * 2 ** 20,
  ) {}

  shareable(key: string): boolean {
    return this.shared.has(key);
  }

  /** The recording of `key`, marked as just used. */
  take(key: string): Recording | undefined {
    const found = this.recordings.get(key);
    if (!found) return undefined;
    this.recordings.delete(key);
    this.recordings.set(key, found);
    this.counts.replayed++;
    return found;
  }

  store(key: string, recording: Recording): void {
    if (this.recordings.has(key) || recording.bytes > this.budgetBytes) return;
    this.recordings.set(key, recording);
    this.counts.recorded++;
    this.counts.bytes += recording.bytes;
    for (const [old, r] of this.recordings) {
      if (this.counts.bytes <= this.budgetBytes) break;
      this.drop(old, r);
    }
    this.counts.peakBytes = Math.max(this.counts.peakBytes, this.counts.bytes);
  }

  /** Drops what no backtest after `index` needs (the caller runs its backtests in increasing index order). */
  release(index: number): void {
    for (const [key, r] of this.recordings) if ((this.shared.get(key) ?? -1) <= index) this.drop(key, r);
  }

  stats(): NodeCacheStats {
    return { ...this.counts };
  }

  private drop(key: string, r: Recording): void {
    this.recordings.delete(key);
    this.counts.bytes -= r.bytes;
    this.counts.evicted++;
  }
}

/** What a source loads: the key of the source cache (RunOptions.sourceCache) and the root of the node keys behind it. */
export function sourceKey(node: CompiledNode, spec: unknown, env: NodeJS.ProcessEnv): string {
  return JSON.stringify([node.adapter, node.binding, spec, env.HEAN_DATA_DIR ?? '']);
}

/** Each shareable node's key (see the module comment), in a backtest cut into chunks of `chunkSize`. */
export function nodeKeys(graph: CompiledGraph, chunkSize: number, env: NodeJS.ProcessEnv): Map<string, string> {
  const inLoop = new Set(graph.loops.flatMap((l) => l.members));
  const keys = new Map<string, string>();
  const sources = new Set<string>();
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');
  for (const node of graph.nodes) {
    if (node.isSource) {
      keys.set(node.id, hash(['source', sourceKey(node, node.def.source!(node.params as never), env)]));
      sources.add(node.id);
      continue;
    }
    const upstream = node.inputs.map((input) => [input.port, input.wires.map((w) => [keys.get(w.node), w.port, w.delayed === true])]);
    const excluded =
      node.def.sink !== undefined ||
      familyOf(node.kind) === 'sink' ||
      inLoop.has(node.id) ||
      Object.values(node.def.outputs).some((o) => o.type === 'text') ||
      node.inputs.some((input) => !input.spec.ownTimes && input.wires.some((w) => isPulse(w.type))) ||
      upstream.some(([, wires]) => (wires as unknown[][]).some(([key]) => key === undefined));
    if (!excluded) keys.set(node.id, hash([node.kind, node.params, upstream, node.domain.length, chunkSize]));
  }
  for (const id of sources) keys.delete(id);
  return keys;
}

/** Collects a node's frames during a run; `finish` turns them into a Recording. */
export class Recorder {
  private rows: number[] = [];
  private length = 0;
  private t = new Float64Array(1024);
  private columns: Float64Array[] = [];
  private ports: { port: string; count: number; shape: (columns: Float64Array[]) => PortColumns }[] | undefined;
  readonly warnings: [string, string][] = [];
  readonly inputs: [string, string][] = [];

  add(frame: Frame): void {
    const n = frame.n;
    if (!this.ports) {
      this.ports = Object.entries(frame.ports).map(([port, value]) => {
        const flat = flatten(value);
        for (const c of flat) this.columns.push(new Float64Array(this.t.length));
        return { port, count: flat.length, shape: shaper(value) };
      });
    }
    if (this.length + n > this.t.length) this.grow(Math.max(this.t.length * 2, this.length + n));
    this.t.set(frame.t.subarray(0, n), this.length);
    let c = 0;
    for (const { port } of this.ports) for (const column of flatten(frame.ports[port])) this.columns[c++].set(column.subarray(0, n), this.length);
    this.rows.push(n);
    this.length += n;
  }

  finish(): Recording {
    const rows = Int32Array.from(this.rows);
    const starts = new Int32Array(rows.length);
    for (let k = 1; k < rows.length; k++) starts[k] = starts[k - 1] + rows[k - 1];
    const t = this.t.slice(0, this.length);
    const columns = this.columns.map((c) => c.slice(0, this.length));
    let c = 0;
    const ports = (this.ports ?? []).map(({ port, count, shape }) => ({ port, columns: columns.slice(c, (c += count)), shape }));
    return { bytes: (columns.length + 1) * this.length * 8 + rows.length * 8, rows, starts, t, ports, warnings: this.warnings, inputs: this.inputs };
  }

  private grow(capacity: number): void {
    const grown = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.t = grown(this.t);
    this.columns = this.columns.map(grown);
  }
}

/** Replays a recording: chunk `seq`'s frame, as views into the recorded columns. */
export function replayer(recording: Recording): (seq: number) => Frame {
  const frame: Frame = { seq: 0, n: 0, t: recording.t, ports: {} };
  return (seq) => {
    if (seq >= recording.rows.length) throw new Error(`internal: a replayed node was asked for chunk ${seq} of ${recording.rows.length}`);
    const from = recording.starts[seq];
    const to = from + recording.rows[seq];
    frame.seq = seq;
    frame.n = to - from;
    frame.t = recording.t.subarray(from, to);
    for (const { port, columns, shape } of recording.ports) frame.ports[port] = shape(columns.map((c) => c.subarray(from, to)));
    return frame;
  };
}

/** A port value's columns in a fixed order: a column, a record's fields, a bundle's columns. */
function flatten(value: PortColumns): Float64Array[] {
  if (value instanceof Float64Array) return [value];
  const v = value as unknown as Record<string, unknown>;
  if (Array.isArray(v.columns)) return v.columns as Float64Array[];
  return Object.values(v) as Float64Array[];
}

/** Builds values shaped like `value` from columns in flatten's order. */
function shaper(value: PortColumns): (columns: Float64Array[]) => PortColumns {
  if (value instanceof Float64Array) return (columns) => columns[0];
  const v = value as unknown as Record<string, unknown>;
  if (Array.isArray(v.columns)) {
    const names = v.names;
    return (columns) => ({ names, columns }) as unknown as PortColumns;
  }
  const fields = Object.keys(v);
  return (columns) => Object.fromEntries(fields.map((f, i) => [f, columns[i]])) as unknown as PortColumns;
}
