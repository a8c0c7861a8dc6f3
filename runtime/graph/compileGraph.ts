import { parse as parseYamlValue } from 'yaml';
import type { AnyNodeDefinition } from '../defineNode.js';
import { defaultOutputOf, familyOf, isSourceDefinition } from '../defineNode.js';
import { didYouMean, hasErrors, type Diagnostic, type Severity } from '../diagnostics.js';
import { ajv, compileParams } from '../params.js';
import { canConnect, type PortSpec, type PortType } from '../ports.js';
import type { NodeRegistry } from '../registry.js';
import { ajvDiagnostics } from './ajvDiagnostics.js';
import { GraphEnvelopeSchema, ID_PATTERN } from './graphSchema.js';
import { parseYaml, pointerJoin, pointerToPath, positionOf, type ParsedYaml, type Position } from './parseYaml.js';

export type Mode = 'backtest' | 'paper' | 'live';

export interface CompiledWire {
  /** As written in the graph (`fast.value`). */
  text: string;
  node: string;
  port: string;
  type: PortType;
}

export interface CompiledInput {
  port: string;
  spec: PortSpec;
  wires: CompiledWire[];
}

export interface CompiledNode {
  id: string;
  kind: string;
  def: AnyNodeDefinition;
  /** Params after `$ref` substitution, validated, with defaults filled in. */
  params: Record<string, unknown>;
  inputs: CompiledInput[];
  isSource: boolean;
  /** Sources whose events make up this node's timeline (sorted). */
  domain: string[];
  /** Leading events of this node's timeline without output, counting its upstream warm-ups. */
  warmup: number;
  /** Adapter binding for the selected mode. */
  binding: Record<string, unknown>;
  /** Ids of the nodes reading this node's outputs. */
  consumers: string[];
}

export interface CompiledGraph {
  file: string;
  name: string;
  description?: string;
  /** Graph params after --set overrides. */
  params: Record<string, unknown>;
  /** Topological order; ties keep the order of the YAML file. */
  nodes: CompiledNode[];
  byId: Map<string, CompiledNode>;
  warnings: Diagnostic[];
}

export interface CompileOptions {
  /** --set name=value overrides of graph params (values already typed, or strings to parse). */
  set?: Record<string, unknown>;
  mode?: Mode;
}

export interface CompileResult {
  graph?: CompiledGraph;
  /** Every problem found, errors and warnings, unsorted. */
  diagnostics: Diagnostic[];
}

const validateEnvelope = ajv.compile(GraphEnvelopeSchema);
const REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/** Parses a --set value the way YAML would read it (10 -> number, true -> boolean). */
export function parseSetValue(text: string): unknown {
  try {
    const value = parseYamlValue(text);
    return value === null || typeof value === 'object' ? text : value;
  } catch {
    return text;
  }
}

/**
 * Validates and compiles a graph: envelope, kinds, params, wires, port types, cycles, required
 * inputs, `$param` references, mode bindings. Collects every problem; never throws on bad input.
 */
export function compileGraph(text: string, file: string, registry: NodeRegistry, options: CompileOptions = {}): CompileResult {
  const parsed = parseYaml(text, file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const report = (severity: Severity, pos: Position, code: string, pointer: string, message: string, hint?: string) =>
    diagnostics.push({ file, ...pos, severity, code, path: pointerToPath(pointer), message, hint });
  const error = (pointer: string, code: string, message: string, hint?: string, pos?: Position) =>
    report('error', pos ?? positionOf(parsed, pointer), code, pointer, message, hint);

  const doc = parsed.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    if (!diagnostics.some((d) => d.code === 'yaml/syntax')) {
      error('', 'graph/type', `expected a map with version, name and nodes, found ${doc === null ? 'an empty document' : typeof doc}`, 'start from graphs/sma-cross.yaml');
    }
    return { diagnostics };
  }
  if (!validateEnvelope(doc)) {
    diagnostics.push(...ajvDiagnostics(validateEnvelope.errors ?? [], { file, parsed, base: '', area: 'graph', noun: 'key' }));
  }
  const graph = doc as Record<string, any>;
  const graphParams: Record<string, unknown> = isPlainMap(graph.params) ? { ...graph.params } : {};
  for (const [name, value] of Object.entries(options.set ?? {})) {
    if (!(name in graphParams)) {
      const guess = didYouMean(name, Object.keys(graphParams));
      error('/params', 'params/unknown-set', `--set ${name}: the graph has no param "${name}"; it has ${Object.keys(graphParams).join(', ') || 'none'}`, guess ? `did you mean "${guess}"?` : 'declare it under params: first');
      continue;
    }
    graphParams[name] = typeof value === 'string' ? parseSetValue(value) : value;
  }

  const nodesMap: Record<string, any> = isPlainMap(graph.nodes) ? graph.nodes : {};
  const ids = Object.keys(nodesMap);
  const nodes = new Map<string, CompiledNode>();
  const usedRefs = new Set<string>();

  // Pass 1: kinds and params, per node, so one bad node does not hide the others' problems.
  for (const id of ids) {
    const pointer = pointerJoin('/nodes', id);
    const entry = nodesMap[id];
    if (!new RegExp(ID_PATTERN).test(id)) {
      error(pointer, 'graph/id', `node id "${id}" is not a valid name; expected letters, digits and _ (not starting with a digit)`, 'ids are used in wires as id.port', parsed.keyAt.get(pointer));
    }
    if (!isPlainMap(entry) || typeof entry.kind !== 'string') continue; // the envelope check reported it
    const def = registry.get(entry.kind);
    if (!def) {
      const guess = didYouMean(entry.kind, registry.keys());
      error(pointerJoin(pointer, 'kind'), 'node/unknown-kind', `unknown node kind "${entry.kind}"`, guess ? `did you mean "${guess}"? (hean nodes lists all kinds)` : 'run `hean nodes` to list the kinds');
      continue;
    }
    const refs = new Map<string, string>();
    const rawParams = isPlainMap(entry.params) ? entry.params : {};
    const params = substitute(rawParams, pointerJoin(pointer, 'params'), graphParams, refs, usedRefs, error) as Record<string, unknown>;
    const paramErrors = compileParams(def).validate(params);
    if (paramErrors.length) {
      diagnostics.push(...ajvDiagnostics(paramErrors, { file, parsed, base: pointerJoin(pointer, 'params'), area: 'params', noun: 'param', refs }));
    } else if (def.check) {
      for (const problem of def.check(params)) {
        const at = problem.path.reduce<string>((p, key) => pointerJoin(p, key), pointerJoin(pointer, 'params'));
        report(problem.severity ?? 'error', positionOf(parsed, at), problem.code ?? 'params/check', at, problem.message);
      }
    }
    nodes.set(id, {
      id,
      kind: def.kind,
      def,
      params,
      inputs: [],
      isSource: isSourceDefinition(def),
      domain: [],
      warmup: 0,
      binding: {},
      consumers: [],
    });
  }

  // Pass 2: wires and port types.
  for (const node of nodes.values()) {
    const pointer = pointerJoin('/nodes', node.id);
    const entry = nodesMap[node.id];
    const wiresIn: Record<string, unknown> = isPlainMap(entry.in) ? entry.in : {};
    for (const [portName, value] of Object.entries(wiresIn)) {
      const at = pointerJoin(pointerJoin(pointer, 'in'), portName);
      const spec = node.def.inputs[portName];
      if (!spec) {
        const known = Object.keys(node.def.inputs);
        const guess = didYouMean(portName, known);
        error(at, 'input/unknown', `${node.kind} has no input "${portName}"; its inputs are ${known.join(', ') || 'none (it is a source)'}`, guess ? `did you mean "${guess}"?` : undefined, parsed.keyAt.get(at));
        continue;
      }
      const texts = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && !spec.many) {
        error(at, 'input/many', `input "${portName}" of ${node.kind} takes one wire, found a list of ${value.length}`, 'wire a single output, e.g. fast.value');
        continue;
      }
      const wires: CompiledWire[] = [];
      texts.forEach((text, i) => {
        const wireAt = Array.isArray(value) ? pointerJoin(at, i) : at;
        const wire = resolveWire(text, wireAt, node, spec, nodes, ids, error);
        if (wire) wires.push(wire);
      });
      if (wires.length === texts.length) node.inputs.push({ port: portName, spec, wires });
    }
    const missing = Object.entries(node.def.inputs).filter(([name, spec]) => !spec.optional && !(name in wiresIn));
    if (missing.length) {
      const list = missing.map(([name, spec]) => `${name} (${spec.type})`).join(', ');
      error(pointer, 'input/unconnected', `${node.kind} needs input${missing.length > 1 ? 's' : ''} ${list}, not connected`, `add in: { ${missing.map(([name]) => `${name}: <node>.<port>`).join(', ')} }`, parsed.keyAt.get(pointer));
    }
  }

  for (const name of Object.keys(graphParams)) {
    if (!usedRefs.has(name) && !(options.set && name in options.set)) {
      const at = pointerJoin('/params', name);
      report('warning', parsed.keyAt.get(at) ?? positionOf(parsed, at), 'params/unused', at, `graph param "${name}" is not used by any node`, `refer to it as $${name} or remove it`);
    }
  }

  // Mode bindings (sources' files, sinks' targets) for the selected mode.
  const mode = options.mode ?? 'backtest';
  const modes = isPlainMap(graph.modes) ? graph.modes : {};
  for (const [modeName, bindings] of Object.entries(modes)) {
    if (!isPlainMap(bindings)) continue;
    for (const [id, binding] of Object.entries(bindings)) {
      const at = pointerJoin(pointerJoin('/modes', modeName), id);
      if (!nodesMap[id]) {
        const guess = didYouMean(id, ids);
        error(at, 'mode/unknown-node', `modes.${modeName} binds "${id}", which is not a node of this graph`, guess ? `did you mean "${guess}"?` : undefined, parsed.keyAt.get(at));
        continue;
      }
      const node = nodes.get(id);
      if (node && modeName === mode && isPlainMap(binding)) {
        node.binding = substitute(binding, at, graphParams, new Map(), usedRefs, error) as Record<string, unknown>;
      }
    }
  }

  const order = topologicalOrder(ids, nodes, parsed, error);
  if (hasErrors(diagnostics) || !order) return { diagnostics };

  for (const node of order) {
    for (const input of node.inputs) for (const wire of input.wires) nodes.get(wire.node)!.consumers.push(node.id);
  }
  for (const node of order) {
    if (node.isSource) {
      node.domain = [node.id];
      continue;
    }
    const timeline = node.def.timeline;
    const feeding = node.inputs.filter((input) => !timeline || input.port === timeline).flatMap((input) => input.wires);
    node.domain = [...new Set(feeding.flatMap((w) => nodes.get(w.node)!.domain))].sort();
    const upstream = Math.max(0, ...node.inputs.flatMap((input) => input.wires.map((w) => nodes.get(w.node)!.warmup)));
    node.warmup = upstream + (node.def.warmup?.(node.params) ?? 0);
  }
  for (const node of order) {
    if (node.consumers.length === 0 && familyOf(node.kind) !== 'sink') {
      const at = pointerJoin('/nodes', node.id);
      report('warning', parsed.keyAt.get(at) ?? positionOf(parsed, at), 'node/unused', at, `the outputs of "${node.id}" (${node.kind}) are not used`, 'wire them into another node or a sink, or remove the node');
    }
  }

  const compiled: CompiledGraph = {
    file,
    name: String(graph.name),
    description: typeof graph.description === 'string' ? graph.description : undefined,
    params: graphParams,
    nodes: order,
    byId: nodes,
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
  };
  return { graph: compiled, diagnostics };
}

function isPlainMap(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type ErrorFn = (pointer: string, code: string, message: string, hint?: string, pos?: Position) => void;

/** Replaces `$name` strings by graph params, recording where each substituted value came from. */
function substitute(value: unknown, pointer: string, graphParams: Record<string, unknown>, refs: Map<string, string>, used: Set<string>, error: ErrorFn): unknown {
  if (typeof value === 'string') {
    const match = REF.exec(value);
    if (!match) return value;
    const name = match[1];
    if (!(name in graphParams)) {
      const guess = didYouMean(name, Object.keys(graphParams));
      error(pointer, 'params/unknown-ref', `"${value}" refers to a graph param "${name}" that does not exist; the graph declares ${Object.keys(graphParams).map((k) => '$' + k).join(', ') || 'no params'}`, guess ? `did you mean "$${guess}"?` : `declare it under params: { ${name}: ... }`);
      return value;
    }
    used.add(name);
    refs.set(pointer, value);
    return graphParams[name];
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, pointerJoin(pointer, i), graphParams, refs, used, error));
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, pointerJoin(pointer, k), graphParams, refs, used, error);
    return out;
  }
  return value;
}

function resolveWire(text: unknown, at: string, node: CompiledNode, spec: PortSpec, nodes: Map<string, CompiledNode>, ids: string[], error: ErrorFn): CompiledWire | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(text)) {
    error(at, 'wire/syntax', `expected a wire "node.port" or "node", found ${JSON.stringify(text)}`, 'e.g. bars.close or fast.value');
    return undefined;
  }
  const [sourceId, portName] = text.split('.') as [string, string | undefined];
  if (sourceId === node.id) {
    error(at, 'wire/self', `node "${node.id}" reads its own output ${text}`, 'a node cannot feed itself; use a separate node');
    return undefined;
  }
  const source = nodes.get(sourceId);
  if (!source) {
    if (!ids.includes(sourceId)) {
      const guess = didYouMean(sourceId, ids);
      error(at, 'wire/unknown-node', `wire "${text}" names node "${sourceId}", which does not exist`, guess ? `did you mean "${guess}"?` : `nodes are ${ids.join(', ')}`);
    }
    return undefined; // exists but is itself broken: already reported
  }
  const outputs = source.def.outputs;
  const port = portName ?? defaultOutputOf(source.def);
  if (!port) {
    error(at, 'wire/ambiguous', `"${sourceId}" (${source.kind}) has several outputs; name one`, `one of ${Object.keys(outputs).map((o) => `${sourceId}.${o}`).join(', ')}`);
    return undefined;
  }
  const out = outputs[port];
  if (!out) {
    const guess = didYouMean(port, Object.keys(outputs));
    error(at, 'wire/unknown-port', `${source.kind} "${sourceId}" has no output "${port}"; its outputs are ${Object.keys(outputs).join(', ')}`, guess ? `did you mean "${sourceId}.${guess}"?` : undefined);
    return undefined;
  }
  if (!canConnect(out.type, spec.type)) {
    const candidates = Object.entries(outputs).filter(([, o]) => canConnect(o.type, spec.type)).map(([name]) => `${sourceId}.${name}`);
    error(at, 'wire/type-mismatch', `"${text}" is a ${out.type} output but input "${Object.keys(node.def.inputs).find((k) => node.def.inputs[k] === spec)}" of ${node.kind} expects ${spec.type}`, candidates.length ? `wire ${candidates.slice(0, 5).join(' or ')} instead` : `connect a ${spec.type} output`);
    return undefined;
  }
  return { text, node: sourceId, port, type: out.type };
}

/** Kahn's algorithm in file order; on a cycle, reports each one by name and returns undefined. */
function topologicalOrder(ids: string[], nodes: Map<string, CompiledNode>, parsed: ParsedYaml, error: ErrorFn): CompiledNode[] | undefined {
  const present = ids.filter((id) => nodes.has(id));
  const deps = new Map(present.map((id) => [id, [...new Set(nodes.get(id)!.inputs.flatMap((i) => i.wires.map((w) => w.node)))]]));
  const done = new Set<string>();
  const order: CompiledNode[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const id of present) {
      if (!done.has(id) && deps.get(id)!.every((d) => done.has(d))) {
        done.add(id);
        order.push(nodes.get(id)!);
        progress = true;
      }
    }
  }
  if (order.length === present.length) return order;

  // Name every distinct cycle among the remaining nodes (DFS; each back edge closes one).
  const remaining = present.filter((id) => !done.has(id));
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'closed'>();
  const stack: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    for (const dep of deps.get(id)!) {
      if (done.has(dep)) continue;
      if (state.get(dep) === 'open') {
        const cycle = stack.slice(stack.indexOf(dep));
        const key = [...cycle].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          // data flows dep -> ... -> id -> dep; print it in flow order
          const flow = [...cycle, dep].join(' -> ');
          const wire = nodes.get(dep)!.inputs.find((i) => i.wires.some((w) => w.node === id));
          const at = wire ? pointerJoin(pointerJoin(pointerJoin('/nodes', dep), 'in'), wire.port) : pointerJoin('/nodes', dep);
          error(at, 'graph/cycle', `cycle: ${flow}`, 'a graph must be acyclic: break the loop (feedback goes through the broker, not wires)', positionOf(parsed, at));
        }
      } else if (!state.has(dep)) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(id, 'closed');
  };
  for (const id of remaining) if (!state.has(id)) visit(id);
  return undefined;
}
