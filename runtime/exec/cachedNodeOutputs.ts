import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { SourceData } from '../adapters/contract.js';
import type { CacheValue } from '../cache/cacheValue.js';
import { familyOf } from '../defineNode.js';
import type { CompiledGraph, CompiledNode } from '../graph/compileGraph.js';
import { isPulse } from '../ports.js';
import type { Recording } from './nodeOutputCache.js';
import type { PortColumns } from './pipeline.js';

/**
 * Node outputs in the value cache (`--cache`, runtime/cache/): a backtest stores the output
 * columns of its models (cache kind `predictions`) and feature sets (`features`), and a later
 * backtest, in this process or another one sharing the Redis cache, that meets the same subgraph
 * loads them instead of computing them, and skips whatever only fed them.
 *
 * The key is a Merkle hash: a node's key hashes its kind, the kind's version (NodeDefinition.version),
 * the running code's version, its params, the content of the files its params name (a model's
 * bytes), and the keys of the wires into it, recursively down to the sources, whose keys hash the
 * content of what they loaded (times and every column, bit for bit) and the run's chunking (every
 * source's times and the chunk size: a node's frames are cut by chunks across all sources). So a
 * changed param, data file, time range, model file or kind version anywhere upstream changes the
 * key, and two graphs that compute the same thing from the same data share it whatever their
 * nodes are called.
 *
 * Which nodes: those whose kind says `cacheAs` (models, feature vectors) and that the in-process
 * sharing would also replay: not sinks or brokers, not members of a feedback loop, no text
 * outputs, no readers of pulse wires (pulses are counted at their reader), and, once created, no
 * kernel with a report or snapshot (a walk-forward model's fold scores come from running it).
 * Pure indicators are not stored: loading a column costs more than computing one (README, Cache).
 */

/** Bump when the stored layout of a node output changes (older entries are then never read). */
export const NODE_OUTPUT_FORMAT = 1;

export type NodeCacheKind = 'features' | 'predictions';

export interface CachePlan {
  key: string;
  kind: NodeCacheKind;
  /** The files whose bytes are in the key, located as the run locates them. */
  files: string[];
}

export interface KeyOptions {
  /** Mixed into every key: the running code's version (the CLI: hean's version and a hash of its bundle). */
  code: string;
  /** Where a file a node names is read from (runGraph's rule: as given, else beside the graph). */
  locate: (path: string) => string;
}

const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('base64url');

/** The content keys of the nodes whose outputs may be cached, given what the sources loaded. */
export function cachePlans(graph: CompiledGraph, loaded: readonly SourceData[], chunkSize: number, options: KeyOptions): Map<string, CachePlan> {
  const sourceNodes = graph.nodes.filter((n) => n.isSource);
  const fingerprints = loaded.map(fingerprint);
  // The chunking: which times every source has (order-free: chunk boundaries depend on the set), and the chunk size.
  const chunking = sha([chunkSize, fingerprints.map((f) => f.times).sort()]);
  const inLoop = new Set(graph.loops.flatMap((l) => l.members));
  const keys = new Map<string, string>();
  const plans = new Map<string, CachePlan>();
  for (const node of graph.nodes) {
    if (node.isSource) {
      const s = sourceNodes.indexOf(node);
      keys.set(node.id, sha(['source', node.kind, node.def.version ?? 1, node.params, fingerprints[s].content, chunking]));
      continue;
    }
    if (excluded(node, inLoop)) continue;
    const upstream = node.inputs.map((input) => [input.port, input.wires.map((w) => [keys.get(w.node) ?? null, w.port, w.delayed === true])]);
    if (upstream.some(([, wires]) => (wires as unknown[][]).some(([key]) => key === null))) continue;
    let files: string[];
    let contents: string[];
    try {
      files = (node.def.files?.(node.params) ?? []).map(options.locate);
      contents = files.map(fileSha256);
    } catch {
      continue; // a missing file: the node fails when it is created, and says why
    }
    const key = sha(['node', NODE_OUTPUT_FORMAT, options.code, node.kind, node.def.version ?? 1, node.params, contents, upstream]);
    keys.set(node.id, key);
    const kind = node.def.cacheAs?.(node.params);
    if (kind) plans.set(node.id, { key, kind, files });
  }
  return plans;
}

function excluded(node: CompiledNode, inLoop: ReadonlySet<string>): boolean {
  return (
    node.def.sink !== undefined ||
    familyOf(node.kind) === 'sink' ||
    inLoop.has(node.id) ||
    Object.values(node.def.outputs).some((o) => o.type === 'text') ||
    node.inputs.some((input) => !input.spec.ownTimes && input.wires.some((w) => isPulse(w.type)))
  );
}

/** sha256 of what a source loaded: its times alone, and its times with every column (and a text source's strings). */
const fingerprints = new WeakMap<SourceData, { times: string; content: string }>();
function fingerprint(data: SourceData): { times: string; content: string } {
  let found = fingerprints.get(data);
  if (found) return found;
  const bytes = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const times = createHash('sha256').update(bytes(data.t)).digest('base64url');
  const content = createHash('sha256').update(times);
  for (const name of Object.keys(data.columns).sort()) content.update(`\0${name}\0`).update(bytes(data.columns[name]));
  if (data.strings) content.update(JSON.stringify(data.strings));
  found = { times, content: content.digest('base64url') };
  fingerprints.set(data, found);
  return found;
}

/** A file's sha256, remembered for its size and modification and change times (a model is read once per process). */
const fileHashes = new Map<string, { stamp: string; sha: string }>();
function fileSha256(path: string): string {
  const st = statSync(path, { bigint: true });
  const stamp = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
  const known = fileHashes.get(path);
  if (known?.stamp === stamp) return known.sha;
  const sha = createHash('sha256').update(readFileSync(path)).digest('base64url');
  fileHashes.set(path, { stamp, sha });
  return sha;
}

/** How a port's columns make its value: one column, named columns (features, book), or a record's fields (candles). */
type Form = 'column' | 'named' | 'record';

/** A recording as a cache value: typed arrays travel as raw bytes, so NaN payloads and -0 come back bit for bit. */
export function recordingValue(recording: Recording): CacheValue {
  return {
    format: NODE_OUTPUT_FORMAT,
    rows: recording.rows,
    t: recording.t,
    ports: recording.ports.map(({ port, columns, shape }) => {
      const value = shape(columns);
      const form: Form = value instanceof Float64Array ? 'column' : Array.isArray((value as { columns?: unknown }).columns) ? 'named' : 'record';
      const names = form === 'column' ? [] : form === 'named' ? [...(value as { names: readonly string[] }).names] : Object.keys(value);
      return { port, form, names, columns };
    }),
    warnings: recording.warnings,
  };
}

/**
 * The recording in a cache value, checked against the node and this run's chunking, or what is
 * wrong with it (then the entry is dropped and the node computed).
 */
export function recordingOf(value: CacheValue, node: CompiledNode, chunks: number): Recording | string {
  const v = value as Record<string, CacheValue> | null;
  if (!v || typeof v !== 'object' || v.format !== NODE_OUTPUT_FORMAT) return `not a node output of format ${NODE_OUTPUT_FORMAT}`;
  const { rows, t, ports, warnings } = v as { rows: unknown; t: unknown; ports: unknown; warnings: unknown };
  if (!(rows instanceof Int32Array) || !(t instanceof Float64Array) || !Array.isArray(ports) || !Array.isArray(warnings)) return 'fields missing or of the wrong type';
  if (rows.length !== chunks) return `${rows.length} chunks, this run has ${chunks}`;
  let total = 0;
  const starts = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    if (rows[k] < 0) return `chunk ${k} has ${rows[k]} rows`;
    starts[k] = total;
    total += rows[k];
  }
  if (total !== t.length) return `${total} rows in its chunks, ${t.length} times`;
  const expected = Object.keys(node.def.outputs).sort().join(',');
  const found = (ports as { port?: unknown }[]).map((p) => String(p?.port)).sort().join(',');
  if (found !== expected) return `ports ${found}, the kind has ${expected}`;
  const out: Recording['ports'] = [];
  let columnCount = 0;
  for (const p of ports as { port: string; form: Form; names: string[]; columns: unknown[] }[]) {
    if (!Array.isArray(p.columns) || !p.columns.every((c) => c instanceof Float64Array && c.length === t.length)) return `port ${p.port}: columns of the wrong type or length`;
    const columns = p.columns as Float64Array[];
    const declared = node.features[p.port];
    if (p.form === 'named' && declared && declared.join('\0') !== p.names.join('\0')) return `port ${p.port}: columns ${p.names.join(', ')}, the graph expects ${declared.join(', ')}`;
    if (p.form === 'column' ? columns.length !== 1 : columns.length !== p.names.length) return `port ${p.port}: ${columns.length} columns for ${p.names.length} names`;
    columnCount += columns.length;
    out.push({ port: p.port, columns, shape: shaper(p.form, p.names) });
  }
  const checkedWarnings = (warnings as unknown[]).filter((w): w is [string, string] => Array.isArray(w) && w.length === 2 && typeof w[0] === 'string' && typeof w[1] === 'string');
  return { bytes: (columnCount + 1) * t.length * 8 + rows.length * 8, rows, starts, t, ports: out, warnings: checkedWarnings, inputs: [] };
}

function shaper(form: Form, names: readonly string[]): (columns: Float64Array[]) => PortColumns {
  if (form === 'column') return (columns) => columns[0];
  if (form === 'named') return (columns) => ({ names, columns }) as unknown as PortColumns;
  return (columns) => Object.fromEntries(names.map((f, i) => [f, columns[i]])) as unknown as PortColumns;
}
