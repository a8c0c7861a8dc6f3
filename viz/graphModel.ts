import { defaultOutputOf, familyOf, type AnyNodeDefinition } from '../runtime/defineNode.js';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../runtime/diagnostics.js';
import type { CompiledGraph } from '../runtime/graph/compileGraph.js';
import { parseSetValue } from '../runtime/graph/compileGraph.js';
import { parseYaml } from '../runtime/graph/parseYaml.js';
import type { NodeRegistry } from '../runtime/registry.js';

/**
 * What a drawing shows of a graph: nodes with their ports and key params, wires, and the
 * problems found. Built from a compiled graph (params with defaults, resolved wires) or, when
 * the graph does not compile, from its YAML as written, with the offending nodes and wires
 * marked so that the drawing shows where the errors are.
 */

export type Status = 'ok' | 'warning' | 'error';

export interface VizPort {
  name: string;
  /** Port type (`number`, `candles`, ...); `?` when unknown (unknown kind or port). */
  type: string;
  many?: boolean;
  optional?: boolean;
  status: Status;
}

export interface VizNode {
  id: string;
  kind: string;
  family: string;
  /** The kind's one-line summary; undefined for an unknown kind. */
  summary?: string;
  /** Params as the node gets them (compiled: defaults filled in; otherwise as written, $refs resolved). */
  params: Record<string, unknown>;
  /** `name=value` lines for the box: non-default params first, at most a few. */
  keyParams: string[];
  /** Every declared input (drawn on the left), plus unknown ones that the graph wires. */
  inputs: VizPort[];
  /** Outputs drawn on the right: the wired ones (a node with none wired shows its default). */
  outputs: VizPort[];
  /** Every declared output, with the wires reading it (for the details panel). */
  allOutputs: { name: string; type: string; readers: string[] }[];
  /** The wires feeding each input, as written. */
  wiresIn: { port: string; wires: string[] }[];
  warmup?: number;
  status: Status;
  /** A node that does not exist but that a wire names (drawn dashed). */
  ghost?: boolean;
  /** Diagnostics about this node or its inputs, formatted. */
  problems: string[];
}

export interface VizEdge {
  id: string;
  from: string;
  fromPort: string;
  to: string;
  toPort: string;
  type: string;
  label: string;
  status: Status;
}

export interface VizGraph {
  name: string;
  file: string;
  description?: string;
  params: Record<string, unknown>;
  nodes: VizNode[];
  edges: VizEdge[];
  /** Every diagnostic, sorted by position. */
  diagnostics: Diagnostic[];
}

const KEY_PARAM_LINES = 3;
const KEY_PARAM_CHARS = 30;

/** The model of a graph that compiled (its warnings mark the nodes they are about). */
export function vizFromCompiled(graph: CompiledGraph, diagnostics: Diagnostic[] = graph.warnings): VizGraph {
  const nodes: VizNode[] = graph.nodes.map((node) => {
    const wired = new Set<string>();
    for (const reader of graph.nodes) for (const input of reader.inputs) for (const w of input.wires) if (w.node === node.id) wired.add(w.port);
    return {
      id: node.id,
      kind: node.kind,
      family: familyOf(node.kind),
      summary: node.def.summary,
      params: node.params,
      keyParams: keyParams(node.params, node.def),
      inputs: Object.entries(node.def.inputs).map(([name, spec]) => ({ name, type: spec.type, many: spec.many, optional: spec.optional, status: 'ok' as Status })),
      outputs: drawnOutputs(node.def, wired),
      allOutputs: Object.entries(node.def.outputs).map(([name, spec]) => ({ name, type: spec.type, readers: readersOf(graph, node.id, name) })),
      wiresIn: node.inputs.map((input) => ({ port: input.port, wires: input.wires.map((w) => w.text) })),
      warmup: node.warmup,
      status: 'ok',
      problems: [],
    };
  });
  const edges: VizEdge[] = [];
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      for (const w of input.wires) edges.push(makeEdge(edges.length, w.node, w.port, node.id, input.port, w.type, 'ok'));
    }
  }
  const model: VizGraph = { name: graph.name, file: graph.file, description: graph.description, params: { ...graph.params }, nodes, edges, diagnostics: sortDiagnostics(diagnostics) };
  markProblems(model);
  return model;
}

/**
 * The model of a graph as written, for a graph that does not compile: every node that parses
 * is drawn (an unknown kind as a box of its own), every wire that names a node is drawn (a wire
 * to a missing node ends at a dashed ghost box), and the diagnostics mark what they are about.
 */
export function vizFromSource(text: string, file: string, registry: NodeRegistry, diagnostics: Diagnostic[], set: Record<string, unknown> = {}): VizGraph {
  const doc = parseYaml(text, file).value;
  const root = isMap(doc) ? doc : {};
  const graphParams: Record<string, unknown> = Object.create(null);
  if (isMap(root.params)) for (const [k, v] of Object.entries(root.params)) graphParams[k] = v;
  for (const [k, v] of Object.entries(set)) if (Object.hasOwn(graphParams, k)) graphParams[k] = typeof v === 'string' ? parseSetValue(v) : v;
  const entries = isMap(root.nodes) ? Object.entries(root.nodes).filter(([, e]) => isMap(e)) as [string, Record<string, unknown>][] : [];

  const nodes = new Map<string, VizNode>();
  const defs = new Map<string, AnyNodeDefinition | undefined>();
  for (const [id, entry] of entries) {
    const kind = typeof entry.kind === 'string' ? entry.kind : '?';
    const def = registry.get(kind);
    defs.set(id, def);
    const params = isMap(entry.params) ? (resolveRefs(entry.params, graphParams) as Record<string, unknown>) : {};
    const wiresIn = isMap(entry.in) ? Object.entries(entry.in).map(([port, v]) => ({ port, wires: (Array.isArray(v) ? v : [v]).map((w) => (typeof w === 'string' ? w : JSON.stringify(w))) })) : [];
    const declared = def ? Object.entries(def.inputs).map(([name, spec]) => ({ name, type: spec.type, many: spec.many, optional: spec.optional, status: 'ok' as Status })) : [];
    const extra = wiresIn.filter((w) => !declared.some((p) => p.name === w.port)).map((w) => ({ name: w.port, type: '?', status: (def ? 'error' : 'ok') as Status }));
    nodes.set(id, {
      id,
      kind,
      family: kind.includes('.') ? familyOf(kind) : '?',
      summary: def?.summary,
      params,
      keyParams: keyParams(params, def),
      inputs: [...declared, ...extra],
      outputs: [],
      allOutputs: def ? Object.entries(def.outputs).map(([name, spec]) => ({ name, type: spec.type, readers: [] })) : [],
      wiresIn,
      status: def ? 'ok' : 'error',
      problems: [],
    });
  }

  const edges: VizEdge[] = [];
  const wiredOut = new Map<string, Set<string>>();
  for (const [id] of entries) {
    const target = nodes.get(id)!;
    for (const { port, wires } of target.wiresIn) {
      for (const text of wires) {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?$/.exec(text);
        if (!match || match[1] === id) continue; // a malformed or self wire has nothing to draw; its diagnostic is listed
        const [, sourceId, portText] = match;
        let source = nodes.get(sourceId);
        if (!source) {
          source = ghostNode(sourceId);
          nodes.set(sourceId, source);
        }
        const def = defs.get(sourceId);
        const outPort = portText ?? (def ? defaultOutputOf(def) : undefined) ?? 'value';
        const type = def && Object.hasOwn(def.outputs, outPort) ? def.outputs[outPort].type : '?';
        if (!wiredOut.has(sourceId)) wiredOut.set(sourceId, new Set());
        wiredOut.get(sourceId)!.add(outPort);
        source.allOutputs.find((o) => o.name === outPort)?.readers.push(`${id}.${port}`);
        edges.push(makeEdge(edges.length, sourceId, outPort, id, port, type, 'ok'));
      }
    }
  }
  for (const node of nodes.values()) {
    const def = defs.get(node.id);
    const wired = wiredOut.get(node.id) ?? new Set<string>();
    if (def) {
      node.outputs = drawnOutputs(def, wired);
      for (const name of wired) if (!Object.hasOwn(def.outputs, name)) node.outputs.push({ name, type: '?', status: 'error' });
    } else {
      node.outputs = [...wired].map((name) => ({ name, type: '?', status: node.ghost ? 'error' : 'ok' }));
    }
  }
  const name = typeof root.name === 'string' ? root.name : file;
  const description = typeof root.description === 'string' ? root.description : undefined;
  const model: VizGraph = { name, file, description, params: { ...graphParams }, nodes: [...nodes.values()], edges, diagnostics: sortDiagnostics(diagnostics) };
  markProblems(model);
  return model;
}

function ghostNode(id: string): VizNode {
  return { id, kind: '(missing)', family: '?', params: {}, keyParams: [], inputs: [], outputs: [], allOutputs: [], wiresIn: [], status: 'error', ghost: true, problems: [`no node "${id}" in the graph`] };
}

function makeEdge(index: number, from: string, fromPort: string, to: string, toPort: string, type: string, status: Status): VizEdge {
  return { id: `e${index}`, from, fromPort, to, toPort, type, label: `${fromPort} → ${toPort}: ${type}`, status };
}

function readersOf(graph: CompiledGraph, id: string, port: string): string[] {
  const readers: string[] = [];
  for (const node of graph.nodes) for (const input of node.inputs) for (const w of input.wires) if (w.node === id && w.port === port) readers.push(`${node.id}.${input.port}`);
  return readers;
}

/** Wired outputs in declaration order; a node with none wired shows its default output (if any). */
function drawnOutputs(def: AnyNodeDefinition, wired: Set<string>): VizPort[] {
  let names = Object.keys(def.outputs).filter((name) => wired.has(name));
  if (!names.length) {
    const dflt = defaultOutputOf(def);
    names = dflt ? [dflt] : [];
  }
  return names.map((name) => ({ name, type: def.outputs[name].type, many: def.outputs[name].many, status: 'ok' }));
}

/**
 * Attaches each diagnostic to what it is about, from its path: `nodes.X.in.P[.i]` marks the
 * wires into port P of X (and the port), any other `nodes.X...` or `modes.M.X` marks node X.
 */
function markProblems(model: VizGraph): void {
  const byId = new Map(model.nodes.map((n) => [n.id, n]));
  const worse = (a: Status, b: Status): Status => (a === 'error' || b === 'error' ? 'error' : a === 'warning' || b === 'warning' ? 'warning' : 'ok');
  for (const d of model.diagnostics) {
    const parts = d.path.split('.');
    const id = parts[0] === 'nodes' ? parts[1] : parts[0] === 'modes' ? parts[2] : undefined;
    const node = id === undefined ? undefined : byId.get(id);
    if (!node) continue;
    const severity: Status = d.severity;
    node.problems.push(`${d.severity} ${d.code}: ${d.message}${d.hint ? `; ${d.hint}` : ''}`);
    if (parts[0] === 'nodes' && parts[2] === 'in' && parts[3] !== undefined) {
      const port = parts[3];
      const index = parts[4] === undefined ? undefined : Number(parts[4]);
      const into = model.edges.filter((e) => e.to === node.id && e.toPort === port);
      const marked = index === undefined ? into : into.filter((_, i) => i === index);
      for (const e of marked) e.status = worse(e.status, severity);
      const p = node.inputs.find((x) => x.name === port);
      if (p) p.status = worse(p.status, severity);
      if (!marked.length) node.status = worse(node.status, severity);
    } else {
      node.status = worse(node.status, severity);
      if (d.code === 'input/unconnected') {
        for (const p of node.inputs) if (!p.optional && !node.wiresIn.some((w) => w.port === p.name)) p.status = 'error';
      }
    }
  }
}

/** `name=value` lines: params that differ from their default (or have none) first, then defaults. */
export function keyParams(params: Record<string, unknown>, def: AnyNodeDefinition | undefined): string[] {
  const schema = (def?.params as { properties?: Record<string, { default?: unknown }> } | undefined)?.properties ?? {};
  const lines: { text: string; set: boolean }[] = [];
  const names = [...Object.keys(schema).filter((k) => Object.hasOwn(params, k)), ...Object.keys(params).filter((k) => !Object.hasOwn(schema, k))];
  for (const name of names) {
    const value = params[name];
    const dflt = Object.hasOwn(schema, name) ? schema[name].default : undefined;
    const set = dflt === undefined || JSON.stringify(dflt) !== JSON.stringify(value);
    for (const [path, v] of flatten(name, value)) lines.push({ text: shorten(`${path}=${typeof v === 'string' ? v : JSON.stringify(v)}`, KEY_PARAM_CHARS), set });
  }
  const ordered = [...lines.filter((l) => l.set), ...lines.filter((l) => !l.set)].map((l) => l.text);
  if (ordered.length <= KEY_PARAM_LINES) return ordered;
  return [...ordered.slice(0, KEY_PARAM_LINES - 1), `+${ordered.length - KEY_PARAM_LINES + 1} more`];
}

function flatten(path: string, value: unknown): [string, unknown][] {
  if (isMap(value) && Object.keys(value).length) return Object.entries(value).flatMap(([k, v]) => flatten(`${path}.${k}`, v));
  return [[path, value]];
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function resolveRefs(value: unknown, graphParams: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
    return m && Object.hasOwn(graphParams, m[1]) ? graphParams[m[1]] : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, graphParams));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, graphParams)]));
  return value;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** One line per diagnostic, as the CLI prints them. */
export function diagnosticLines(model: VizGraph): { severity: string; text: string }[] {
  return model.diagnostics.map((d) => ({ severity: d.severity, text: formatDiagnostic(d) }));
}
