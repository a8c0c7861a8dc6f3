import { parse as parseYamlValue } from 'yaml';
import type { AnyNodeDefinition } from '../defineNode.js';
import { defaultOutputOf, familyOf, isSourceDefinition } from '../defineNode.js';
import { didYouMean, hasErrors, type Diagnostic, type Severity } from '../diagnostics.js';
import { clipText, quoteText } from '../quoteText.js';
import { ajv, compileParams } from '../params.js';
import { canConnect, type PortSpec, type PortType } from '../ports.js';
import type { NodeRegistry } from '../registry.js';
import { MODES, selectAdapter, sourceNeed, type Adapter, type AdapterRegistry, type Mode } from '../adapters/contract.js';
import { defaultAdapters } from '../adapters/index.js';
import { ajvDiagnostics } from './ajvDiagnostics.js';
import { GraphEnvelopeSchema, ID_PATTERN, NodeEntrySchema } from './graphSchema.js';
import { parseYaml, pointerJoin, pointerToPath, positionOf, type ParsedYaml, type Position } from './parseYaml.js';
import { isBrokerKind } from '../portfolio/simulatedBroker.js';


export interface CompiledWire {
  /** As written in the graph (`fast.value`). */
  text: string;
  node: string;
  port: string;
  type: PortType;
  /**
   * `broker.equity@prev`: the broker's output as of the previous event (NaN before the first).
   * The one cycle a graph may hold: the reader, the broker and the nodes between them form a
   * loop (`CompiledGraph.loops`) that runs event by event.
   */
  delayed?: boolean;
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
  /**
   * The same warm-up in bars of the sources feeding it: a node behind aggregate.resample waits a
   * whole higher bar per event (a daily EMA(20) on 1h bars: 480 bars; an upper bound, as the first
   * higher bar may close sooner).
   */
  warmupBars: number;
  /** Source bars per event of this node's timeline (1 unless behind a resample). */
  barsPerEvent: number;
  /** Adapter binding for the selected mode (sources and row sinks), checked against its adapter. */
  binding: Record<string, unknown>;
  /** Name of the adapter the binding selects (`file`, `redisStream`, `memory`). */
  adapter?: string;
  /** Keys of the binding the user gave on the command line rather than in the graph (outputs named there may go anywhere). */
  commandLine: ReadonlySet<string>;
  /** Ids of the nodes reading this node's outputs. */
  consumers: string[];
  /** Names of the columns of each features output, when the kind declares them statically (featureNames). */
  features: Record<string, readonly string[]>;
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
  /** The mode the bindings were selected for. */
  mode: Mode;
  /** Bars of the sources before every node has a value: the largest node warm-up in source bars (CompiledNode.warmupBars). */
  warmupBars: number;
  /** Nodes joined by a delayed wire (`@prev`) and the paths between them: each loop steps event by event. Members in topological order. */
  loops: { members: string[] }[];
}

export interface CompileOptions {
  /** --set name=value overrides of graph params (values already typed, or strings to parse). */
  set?: Record<string, unknown>;
  mode?: Mode;
  /** Bindings from the command line (--bind node.key=value, --data), by node id, for the selected mode. */
  bind?: Record<string, Record<string, unknown>>;
  /** Every source and row sink must be bound in the selected mode (a run; `validate` only checks what is written). */
  requireBindings?: boolean;
  adapters?: AdapterRegistry;
  /**
   * Run the kinds' checkWiring (default true). `hean dataset` turns them off: its export runs only
   * what the features need, and the model a graph will use may not be trained yet.
   */
  wiringChecks?: boolean;
}

export interface CompileResult {
  graph?: CompiledGraph;
  /** Every problem found, errors and warnings, unsorted. */
  diagnostics: Diagnostic[];
}

// Compiled on first use: commands that compile no graph (--version, nodes) start without it.
let validateEnvelope: ReturnType<typeof ajv.compile> | undefined;
const REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const NODE_KEYS = Object.keys(NodeEntrySchema.properties);
const ID = new RegExp(ID_PATTERN);
/** Parse errors after which the document's data is incomplete or a guess. */
const DOCUMENT_ERRORS = new Set(['yaml/syntax', 'yaml/too-large', 'yaml/too-deep', 'yaml/unknown-alias']);

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
  const parsed = parseOnce(text, file);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const report = (severity: Severity, pos: Position, code: string, pointer: string, message: string, hint?: string) =>
    diagnostics.push({ file, ...pos, severity, code, path: pointerToPath(pointer), message, hint });
  const error = (pointer: string, code: string, message: string, hint?: string, pos?: Position) =>
    report('error', pos ?? positionOf(parsed, pointer), code, pointer, message, hint);

  // After a syntax error the parser's recovery guesses at the structure, and a document cut
  // short (alias bomb, unknown alias) lacks parts; checking what is left would bury the real
  // problem under follow-on errors. Fix the document first.
  if (diagnostics.some((d) => DOCUMENT_ERRORS.has(d.code))) return { diagnostics };
  const doc = parsed.value;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    const found = doc === null ? 'an empty document' : Array.isArray(doc) ? 'a list' : `a single value (${typeof doc})`;
    error('', 'graph/type', `expected a map with version, name and nodes, found ${found}`, 'start from graphs/sma-cross.yaml');
    return { diagnostics };
  }
  validateEnvelope ??= ajv.compile(GraphEnvelopeSchema);
  if (!validateEnvelope(doc)) {
    diagnostics.push(...ajvDiagnostics(validateEnvelope.errors ?? [], { file, parsed, base: '', area: 'graph', noun: 'key', hints: envelopeHint }));
  }
  const graph = doc as Record<string, any>;
  // Own keys only: `$constructor` or `--set toString=1` must not find Object.prototype's members.
  const graphParams: Record<string, unknown> = Object.create(null);
  /** Where each graph param's value comes from, for messages about a bad `$param` value. */
  const paramOrigin = new Map<string, string>();
  if (isPlainMap(graph.params)) {
    for (const [name, value] of Object.entries(graph.params)) {
      graphParams[name] = value;
      const pos = positionOf(parsed, pointerJoin('/params', name));
      paramOrigin.set(name, `graph param ${name} at line ${pos.line}:${pos.col}`);
    }
  }
  for (const [name, value] of Object.entries(options.set ?? {})) {
    if (!Object.hasOwn(graphParams, name)) {
      const guess = didYouMean(name, Object.keys(graphParams));
      error('/params', 'params/unknown-set', `--set ${clipText(name)}: the graph has no param ${quoteText(name)}; it has ${Object.keys(graphParams).join(', ') || 'none'}`, guess ? `did you mean "${guess}"?` : 'declare it under params: first');
      continue;
    }
    graphParams[name] = typeof value === 'string' ? parseSetValue(value) : value;
    paramOrigin.set(name, `--set ${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  const refs: RefContext = { graphParams, paramOrigin, used: new Set(), unresolved: new Set(), meant: new Set() };

  const nodesMap: Record<string, any> = isPlainMap(graph.nodes) ? graph.nodes : {};
  const ids = Object.keys(nodesMap);
  const nodes = new Map<string, CompiledNode>();

  // Pass 1: kinds and params, per node, so one bad node does not hide the others' problems.
  for (const id of ids) {
    const pointer = pointerJoin('/nodes', id);
    const entry = nodesMap[id];
    if (!ID.test(id)) {
      error(pointer, 'graph/id', `node id "${id}" is not a valid name; expected letters, digits and _ (not starting with a digit)`, 'ids are used in wires as id.port', parsed.keyAt.get(pointer));
    }
    if (!isPlainMap(entry) || typeof entry.kind !== 'string') continue; // the envelope check reported it
    const def = registry.get(entry.kind);
    if (!def) {
      // Its `$param`s still count as used (and an unknown one is still reported).
      if (isPlainMap(entry.params)) substitute(entry.params, pointerJoin(pointer, 'params'), refs, new Map(), error);
      const guess = didYouMean(entry.kind, registry.keys());
      const family = entry.kind.includes('.') ? familyOf(entry.kind) : '';
      const known = new Set([...registry.keys()].map(familyOf));
      const list = known.has(family) ? `\`hean nodes ${family}\` lists the ${family} kinds` : `\`hean nodes\` lists the kinds (families: ${[...known].join(', ')})`;
      error(pointerJoin(pointer, 'kind'), 'node/unknown-kind', `unknown node kind ${quoteText(String(entry.kind))}`, guess ? `did you mean "${guess}"? (${list})` : list);
      continue;
    }
    const paramsAt = pointerJoin(pointer, 'params');
    const rawParams = isPlainMap(entry.params) ? entry.params : {};
    const via = new Map<string, string>();
    const params = substitute(rawParams, paramsAt, refs, via, error) as Record<string, unknown>;
    let valid = !entry.params || isPlainMap(entry.params);
    for (const bad of nonFinite(params, paramsAt)) {
      valid = false;
      error(bad.pointer, 'params/not-finite', `expected a finite number, found ${bad.value}${via.has(bad.pointer) ? ` (from ${via.get(bad.pointer)})` : ''}`, 'params take ordinary numbers, not .nan or .inf');
    }
    // An unknown $ref was reported once; the schema would report its text again as a bad value.
    const paramErrors = compileParams(def)
      .validate(params)
      .filter((e) => ![...refs.unresolved].some((p) => isAtOrUnder(paramsAt + e.instancePath, p)));
    if (paramErrors.length) {
      valid = false;
      diagnostics.push(...ajvDiagnostics(paramErrors, { file, parsed, base: paramsAt, area: 'params', noun: 'param', refs: via, help: `\`hean nodes ${def.kind}\` lists its params` }));
    }
    if (valid && ![...refs.unresolved].some((p) => isAtOrUnder(p, paramsAt)) && def.check) {
      const wiredInputs = new Set(isPlainMap(entry.in) ? Object.keys(entry.in) : []);
      for (const problem of guarded(() => def.check!(params, { wiredInputs }), [] as ReturnType<NonNullable<typeof def.check>>, (e) => error(paramsAt, 'node/check-failed', `${def.kind} could not check its params: ${e}`))) {
        const at = problem.path.reduce<string>((p, key) => pointerJoin(p, key), paramsAt);
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
      warmupBars: 0,
      barsPerEvent: 1,
      binding: {},
      commandLine: new Set(),
      consumers: [],
      features: {},
    });
  }

  // Pass 2: wires and port types.
  for (const node of nodes.values()) {
    const pointer = pointerJoin('/nodes', node.id);
    const entry = nodesMap[node.id];
    const wiresIn: Record<string, unknown> = isPlainMap(entry.in) ? entry.in : {};
    /** Required ports that an unknown input name probably meant: reported there, not twice. */
    const meant = new Set<string>();
    for (const [portName, value] of Object.entries(wiresIn)) {
      const at = pointerJoin(pointerJoin(pointer, 'in'), portName);
      const spec = Object.hasOwn(node.def.inputs, portName) ? node.def.inputs[portName] : undefined;
      if (!spec) {
        const known = Object.keys(node.def.inputs);
        const guess = didYouMean(portName, known.filter((k) => !Object.hasOwn(wiresIn, k)));
        if (guess) meant.add(guess);
        error(
          at,
          'input/unknown',
          known.length ? `${node.kind} has no input ${quoteText(portName)}; its inputs are ${known.join(', ')}` : `${node.kind} is a source and has no inputs, found ${quoteText(portName)}`,
          guess ? `did you mean "${guess}"?` : known.length ? `\`hean nodes ${node.kind}\` lists its inputs` : 'remove in:',
          parsed.keyAt.get(at),
        );
        continue;
      }
      const texts = Array.isArray(value) ? value : [value];
      if (Array.isArray(value) && !spec.many) {
        const first = value.find((v) => typeof v === 'string');
        error(at, 'input/many', `input "${portName}" of ${node.kind} takes one wire, found a list of ${value.length}`, `wire a single output${first ? `, e.g. ${portName}: ${first}` : ', e.g. bars.close'}`);
        continue;
      }
      const wires: CompiledWire[] = [];
      texts.forEach((text, i) => {
        const wireAt = Array.isArray(value) ? pointerJoin(at, i) : at;
        const wire = resolveWire(text, wireAt, node, portName, spec, nodes, ids, registry, error);
        if (wire) wires.push(wire);
      });
      if (wires.length === texts.length) node.inputs.push({ port: portName, spec, wires });
    }
    // `in:` that is not a map, or a misspelt key (`input:`) where `in:` should be, was reported
    // by the envelope check; "not connected" would say the same thing again.
    const misspelt = entry.in === undefined && Object.keys(entry).some((k) => !NODE_KEYS.includes(k));
    const missing = (entry.in !== undefined && !isPlainMap(entry.in)) || misspelt ? [] : Object.entries(node.def.inputs).filter(([name, spec]) => !spec.optional && !Object.hasOwn(wiresIn, name) && !meant.has(name));
    if (missing.length) {
      const list = missing.map(([name, spec]) => `${name} (${spec.type})`).join(', ');
      // At the `in:` key when there is one (where the wire goes), else at the node's id.
      const inAt = pointerJoin(pointer, 'in');
      const add = missing.map(([name]) => `${name}: <node>.<port>`).join(', ');
      error(
        isPlainMap(entry.in) ? inAt : pointer,
        'input/unconnected',
        `${node.kind} needs input${missing.length > 1 ? 's' : ''} ${list}, not connected`,
        isPlainMap(entry.in) ? `add ${add} to in:` : `add in: { ${add} }`,
        parsed.keyAt.get(isPlainMap(entry.in) ? inAt : pointer),
      );
    }
  }

  for (const name of Object.keys(graphParams)) {
    const value = graphParams[name];
    const scalar = typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
    if (scalar && !refs.used.has(name) && !refs.meant.has(name) && !(options.set && Object.hasOwn(options.set, name))) {
      const at = pointerJoin('/params', name);
      report('warning', parsed.keyAt.get(at) ?? positionOf(parsed, at), 'params/unused', at, `graph param "${name}" is not used by any node`, `refer to it as $${name} or remove it`);
    }
  }

  // Mode bindings: every mode written in the graph is checked, the selected one (with the
  // command line's --bind/--data merged in) is the one the run uses.
  const mode = options.mode ?? 'backtest';
  const adapters = options.adapters ?? defaultAdapters;
  const modes = isPlainMap(graph.modes) ? graph.modes : {};
  const cli = options.bind ?? {};
  for (const [id, binding] of Object.entries(cli)) {
    if (!Object.hasOwn(nodesMap, id)) {
      const guess = didYouMean(id, ids);
      error('', 'mode/unknown-node', `${describeCli(id, binding)} binds ${quoteText(id)}, which is not a node of this graph; the nodes are ${ids.join(', ') || 'none'}`, guess ? `did you mean "${guess}"?` : 'bind the id of a source or sink under nodes:');
    }
  }
  for (const modeName of MODES) {
    const written = isPlainMap(modes[modeName]) ? (modes[modeName] as Record<string, unknown>) : {};
    const selected = modeName === mode;
    const bound = new Set([...Object.keys(written), ...(selected ? Object.keys(cli) : [])]);
    for (const id of bound) {
      const at = pointerJoin(pointerJoin('/modes', modeName), id);
      const fromCli = selected && Object.hasOwn(cli, id);
      if (!Object.hasOwn(nodesMap, id)) {
        if (fromCli && !Object.hasOwn(written, id)) continue; // reported above
        const guess = didYouMean(id, ids);
        error(at, 'mode/unknown-node', `modes.${modeName} binds ${quoteText(id)}, which is not a node of this graph; the nodes are ${ids.join(', ') || 'none'}`, guess ? `did you mean "${guess}"?` : 'bind the id of a source or sink under nodes:', parsed.keyAt.get(at));
        continue;
      }
      const node = nodes.get(id);
      const yamlBinding = Object.hasOwn(written, id) ? written[id] : undefined;
      if (!node || (yamlBinding !== undefined && !isPlainMap(yamlBinding))) continue; // reported by the kind or envelope checks
      const role = node.def.source ? 'source' : node.def.sink ? 'sink' : isBrokerKind(node.kind) && (adapters.brokers ?? []).length ? 'broker' : undefined;
      if (!role) {
        const where = fromCli ? describeCli(id, cli[id]) : `modes.${modeName}.${id}`;
        error(fromCli && !yamlBinding ? pointerJoin('/nodes', id) : at, 'mode/not-bindable', `${where}: "${id}" is ${withArticle(node.kind)} node; only sources and sinks are bound to adapters`, `remove the binding; only sources and sinks take one (here: ${[...nodes.values()].filter((n) => n.def.source || n.def.sink).map((n) => n.id).join(', ') || 'none'})`, fromCli ? undefined : parsed.keyAt.get(at));
        continue;
      }
      let binding = yamlBinding ? (substitute(yamlBinding, at, refs, new Map(), error) as Record<string, unknown>) : {};
      const available: readonly Adapter[] = role === 'source' ? adapters.sources : role === 'sink' ? adapters.sinks : (adapters.brokers ?? []).filter((a) => a.kinds.includes(node.kind));
      if (!available.length) continue; // a broker kind no exchange adapter trades: the live check below says so
      if (fromCli) {
        const cliAdapter = selectAdapter(available, cli[id]);
        binding = cliAdapter && selectAdapter(available, binding) !== cliAdapter ? { ...cli[id] } : { ...binding, ...cli[id] };
      }
      const commandLine = new Set(fromCli ? Object.keys(cli[id]) : []);
      const checked = checkBinding(node, role, binding, modeName, at, fromCli ? describeCli(id, cli[id]) : undefined, commandLine, available, parsed, error, report, file, diagnostics);
      if (selected && checked) {
        node.binding = binding;
        node.adapter = checked;
        node.commandLine = commandLine;
      }
    }
  }
  if (options.requireBindings) {
    for (const node of nodes.values()) {
      const role = node.def.source ? 'source' : node.def.sink ? 'sink' : undefined;
      if (!role || node.adapter) continue;
      const isBound = Object.hasOwn(isPlainMap(modes[mode]) ? modes[mode] : {}, node.id) || Object.hasOwn(cli, node.id);
      if (isBound) continue; // its binding was invalid: reported
      const available = role === 'source' ? adapters.sources.filter((a) => (mode === 'backtest' ? a.replay : a.live)) : adapters.sinks;
      const at = pointerJoin('/nodes', node.id);
      error(
        at,
        'mode/unbound',
        `${role} "${node.id}" (${node.kind}) has no binding for mode ${mode}: where ${role === 'source' ? 'its events come from' : 'its rows go'} is not said`,
        `add modes.${mode}.${node.id}: ${available[0]?.example ?? '{ ... }'} to the graph, or pass --bind ${node.id}.${available[0]?.key ?? 'KEY'}=VALUE (adapters: ${available.map((a) => a.key).join(', ')})`,
        parsed.keyAt.get(at),
      );
    }
  }
  if (mode === 'live') {
    for (const node of nodes.values()) {
      if (!isBrokerKind(node.kind) || node.adapter) continue;
      const at = pointerJoin('/nodes', node.id);
      const brokers = (adapters.brokers ?? []).filter((a) => a.kinds.includes(node.kind));
      const bound = Object.hasOwn(isPlainMap(modes.live) ? modes.live : {}, node.id) || Object.hasOwn(cli, node.id);
      if (!brokers.length) error(at, 'mode/live-broker', `live mode needs an exchange broker adapter for ${node.kind} "${node.id}", and none trades ${node.kind} yet${adapters.brokers?.length ? ` (the exchange broker trades ${adapters.brokers.flatMap((a) => a.kinds).join(', ')})` : ''}`, 'run --mode paper: the same graph on live feeds with the simulated broker', parsed.keyAt.get(at));
      else if (!bound) error(at, 'mode/live-broker', `broker "${node.id}" has no binding for mode live: which exchange account its orders go to is not said`, `add modes.live.${node.id}: ${brokers[0].example} to the graph (API keys come from the environment, never the graph), or run --mode paper for the simulated broker`, parsed.keyAt.get(at));
    }
  }

  const order = topologicalOrder(ids, nodes, parsed, error);
  if (hasErrors(diagnostics) || !order) return { diagnostics };

  for (const node of order) {
    for (const input of node.inputs) for (const wire of input.wires) if (!wire.delayed) nodes.get(wire.node)!.consumers.push(node.id);
  }
  for (const node of order) {
    if (node.isSource) {
      node.domain = [node.id];
      continue;
    }
    const timeline = node.def.timeline;
    const feeding = node.inputs.filter((input) => !timeline || input.port === timeline).flatMap((input) => input.wires.filter((w) => !w.delayed));
    // A node that makes its own events (bars from trades) starts a timeline, like a source; its inputs' warm-up counts their events, not its own.
    node.domain = node.def.ownEvents ? [node.id] : [...new Set(feeding.flatMap((w) => nodes.get(w.node)!.domain))].sort();
    const upstream = node.def.ownEvents ? 0 : Math.max(0, ...node.inputs.flatMap((input) => input.wires.filter((w) => !w.delayed).map((w) => nodes.get(w.node)!.warmup)));
    const own = guarded(() => node.def.warmup?.(node.params) ?? 0, 0, (e) => error(pointerJoin(pointerJoin('/nodes', node.id), 'params'), 'node/check-failed', `${node.kind} could not compute its warm-up: ${e}`));
    node.warmup = node.def.warmupAfter ? guarded(() => node.def.warmupAfter!(node.params, upstream), upstream, () => undefined) : upstream + (Number.isFinite(own) && own > 0 ? own : 0);
    const feeders = node.inputs.flatMap((input) => input.wires.filter((w) => !w.delayed).map((w) => nodes.get(w.node)!));
    const upstreamBars = Math.max(0, ...feeders.map((f) => f.warmupBars));
    // The finest timeline among the inputs: the node steps on its events.
    const inputBarsPerEvent = feeders.length ? Math.min(...feeders.map((f) => f.barsPerEvent)) : 1;
    const span = node.def.ownEvents && node.def.eventSpan ? guarded(() => node.def.eventSpan!(node.params, Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => nodes.get(w.node)!)]))), undefined, () => undefined) : undefined;
    if (span !== undefined && Number.isFinite(span) && span >= 1) {
      node.barsPerEvent = inputBarsPerEvent * span;
      node.warmupBars = upstreamBars + node.barsPerEvent * (node.warmup + 1);
    } else if (node.def.ownEvents) {
      node.warmupBars = node.warmup;
    } else {
      node.barsPerEvent = inputBarsPerEvent;
      node.warmupBars = upstreamBars + (node.warmup - upstream) * inputBarsPerEvent;
    }
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const loops = feedbackLoops(order, nodes, error);
  if (hasErrors(diagnostics)) return { diagnostics };
  checkWiring(order, nodes, file, parsed, error, report, options.wiringChecks ?? true);
  if (hasErrors(diagnostics)) return { diagnostics };
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
    params: { ...graphParams },
    nodes: order,
    byId: nodes,
    warnings: diagnostics.filter((d) => d.severity === 'warning'),
    mode,
    loops,
    warmupBars: Math.max(0, ...order.map((n) => n.warmupBars)),
  };
  return { graph: compiled, diagnostics };
}

function isPlainMap(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type ErrorFn = (pointer: string, code: string, message: string, hint?: string, pos?: Position) => void;
type ReportFn = (severity: Severity, pos: Position, code: string, pointer: string, message: string, hint?: string) => void;

/** Hints for envelope values whose schema description alone does not say how to fix them. */
function envelopeHint(pointer: string): string | undefined {
  if (pointer === '/version') return 'this hean reads graph format version 1';
  if (pointer === '/name') return 'a short name for reports, e.g. sma-cross';
  if (pointer === '/nodes') return 'add a node, e.g. bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }';
  if (/^\/nodes\/[^/]+\/in\/[^/]+(\/\d+)?$/.test(pointer)) return 'a wire is node.port, e.g. bars.close; ports that take several wires take a list [a.value, b.value]';
  if (/^\/nodes\/[^/]+$/.test(pointer)) return 'a node is a map: { kind: family.name, in: { port: node.port }, params: { ... } }';
  if (/^\/modes\/[^/]+\/[^/]+$/.test(pointer)) return 'bind a node to a map, e.g. bars: { file: btcusdt_1h.csv.gz }';
  return undefined;
}

/** Is `pointer` the same as `base` or inside it? */
function isAtOrUnder(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(base + '/');
}

/** Runs node-supplied code (check, warmup) so that a bug there becomes a diagnostic, not a crash. */
function guarded<T>(fn: () => T, fallback: T, fail: (message: string) => void): T {
  try {
    return fn();
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
    return fallback;
  }
}

/** NaN and ±Infinity anywhere in params (YAML .nan, .inf): JSON Schema cannot bound them. */
function nonFinite(value: unknown, pointer: string): { pointer: string; value: string }[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [{ pointer, value: Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf' }];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinite(v, pointerJoin(pointer, i)));
  if (isPlainMap(value)) return Object.entries(value).flatMap(([k, v]) => nonFinite(v, pointerJoin(pointer, k)));
  return [];
}

interface RefContext {
  /** Graph params after --set, without a prototype. */
  graphParams: Record<string, unknown>;
  /** Where each param's value was written (`graph param fast at line 7:17`, `--set fast=ten`). */
  paramOrigin: Map<string, string>;
  /** Params referred to at least once. */
  used: Set<string>;
  /** Pointers of `$name` strings naming no graph param (reported once, then ignored). */
  unresolved: Set<string>;
  /** Params that an unknown `$name` probably meant (suggested there; not also "unused"). */
  meant: Set<string>;
}

/**
 * Replaces `$name` strings by graph params. `via` records, by pointer, where each substituted
 * value came from, so that a bad value is reported at its use and traced to its declaration.
 */
function substitute(value: unknown, pointer: string, refs: RefContext, via: Map<string, string>, error: ErrorFn): unknown {
  if (typeof value === 'string') {
    const match = REF.exec(value);
    if (!match) return value;
    const name = match[1];
    if (!Object.hasOwn(refs.graphParams, name)) {
      const declared = Object.keys(refs.graphParams);
      const guess = didYouMean(name, declared);
      refs.unresolved.add(pointer);
      if (guess) refs.meant.add(guess);
      error(
        pointer,
        'params/unknown-ref',
        `"${value}" refers to a graph param "${name}" that does not exist; the graph declares ${declared.map((k) => '$' + k).join(', ') || 'no params'}`,
        guess ? `did you mean "$${guess}"?` : `declare it under params: { ${name}: ... }`,
      );
      return value;
    }
    refs.used.add(name);
    via.set(pointer, `$${name}, ${refs.paramOrigin.get(name) ?? `graph param ${name}`}`);
    return refs.graphParams[name];
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, pointerJoin(pointer, i), refs, via, error));
  if (isPlainMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, pointerJoin(pointer, k), refs, via, error);
    return out;
  }
  return value;
}

/**
 * The YAML of the last graphs compiled, parsed once: a sweep compiles one text thousands of times
 * with different --set values. Each compile gets its own copy of the document (defaults are filled
 * into it); positions and diagnostics are only read.
 */
const parsedTexts = new Map<string, ParsedYaml>();
function parseOnce(text: string, file: string): ParsedYaml {
  const key = `${file}\u0000${text}`;
  let parsed = parsedTexts.get(key);
  if (!parsed) {
    parsed = parseYaml(text, file);
    if (parsedTexts.size >= 8) parsedTexts.delete(parsedTexts.keys().next().value!);
    parsedTexts.set(key, parsed);
  }
  return { ...parsed, value: structuredClone(parsed.value), diagnostics: [...parsed.diagnostics] };
}

const WIRE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?(@prev)?$/;
const PREV = '@prev';

function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

function resolveWire(
  text: unknown,
  at: string,
  node: CompiledNode,
  portName: string,
  spec: PortSpec,
  nodes: Map<string, CompiledNode>,
  ids: string[],
  registry: NodeRegistry,
  error: ErrorFn,
): CompiledWire | undefined {
  if (typeof text !== 'string') return undefined; // not a string: the envelope check reported it
  if (!WIRE.test(text)) {
    const cleaned = text.trim().split(/[^A-Za-z0-9_]+/).filter((part) => part).slice(0, 2).join('.');
    const guess = cleaned && cleaned !== text && WIRE.test(cleaned) ? cleaned : undefined;
    error(at, 'wire/syntax', `expected a wire "node.port" or "node", found ${JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text)}`, guess ? `did you mean "${guess}"?` : 'e.g. bars.close or fast.value');
    return undefined;
  }
  const delayed = text.endsWith(PREV);
  const [sourceId, portText] = (delayed ? text.slice(0, -PREV.length) : text).split('.') as [string, string | undefined];
  if (sourceId === node.id) {
    error(at, 'wire/self', `node "${node.id}" reads its own output ${text}`, 'a node cannot feed itself; use a separate node');
    return undefined;
  }
  const source = nodes.get(sourceId);
  if (!source) {
    if (!ids.includes(sourceId)) {
      const guess = didYouMean(sourceId, ids.filter((id) => id !== node.id));
      error(at, 'wire/unknown-node', `wire ${quoteText(text)} names node ${quoteText(sourceId)}, which does not exist; the nodes are ${ids.join(', ')}`, guess ? `did you mean "${guess}${portText ? '.' + portText : ''}"?` : 'wire the output of a node under nodes:');
    }
    return undefined; // exists but is itself broken: already reported
  }
  const outputs = source.def.outputs;
  const port = portText ?? defaultOutputOf(source.def);
  if (!port) {
    error(at, 'wire/ambiguous', `"${sourceId}" (${source.kind}) has several outputs; name one`, `one of ${Object.keys(outputs).map((o) => `${sourceId}.${o}`).join(', ')}`);
    return undefined;
  }
  const out = Object.hasOwn(outputs, port) ? outputs[port] : undefined;
  if (!out) {
    const known = Object.keys(outputs);
    const guess = didYouMean(port, known);
    error(
      at,
      'wire/unknown-port',
      known.length ? `${source.kind} "${sourceId}" has no output ${quoteText(port)}; its outputs are ${known.join(', ')}` : `${source.kind} "${sourceId}" has no outputs (it is a sink), found ${quoteText(port)}`,
      guess ? `did you mean "${sourceId}.${guess}"?` : known.length ? `wire one of ${known.map((o) => `${sourceId}.${o}`).join(', ')}` : 'wire the output of another node',
    );
    return undefined;
  }
  // Texts are read at their own events: sampled onto another timeline, all but the latest text before each row would be lost.
  if (out.type === 'text' && (spec.type === 'text' || spec.type === 'any') && !spec.ownTimes) {
    error(
      at,
      'wire/type-mismatch',
      `"${text}" is a text output, read only at its own events, but input "${portName}" of ${node.kind} ${spec.type === 'text' ? 'samples it onto its timeline (not ownTimes)' : 'takes columns of numbers'}`,
      'wire text into a node that reads text (an input declared port.text({ ownTimes: true })), e.g. a sentiment node',
    );
    return undefined;
  }
  if (!canConnect(out.type, spec.type)) {
    const candidates = Object.entries(outputs).filter(([, o]) => canConnect(o.type, spec.type)).map(([name]) => `${sourceId}.${name}`);
    // The family named after the type first (a signal input: "a signal or orderbook node").
    const producers = [...new Set([...registry.values()].filter((def) => Object.values(def.outputs).some((o) => canConnect(o.type, spec.type))).map((def) => familyOf(def.kind)))].sort((a, b) => Number(b === spec.type) - Number(a === spec.type));
    error(
      at,
      'wire/type-mismatch',
      `"${text}" is ${withArticle(out.type)} output but input "${portName}" of ${node.kind} expects ${spec.type}`,
      candidates.length
        ? `wire ${candidates.slice(0, 5).join(' or ')} instead`
        : `connect ${withArticle(spec.type)} output${producers.length ? `, e.g. of ${withArticle(joinOr(producers.slice(0, 3)))} node` : ''}`,
    );
    return undefined;
  }
  if (delayed && !isBrokerKind(source.kind)) {
    error(at, 'wire/delayed', `${quoteText(text)} reads ${source.kind} "${sourceId}" as of the previous event, and only a broker's outputs (sink.broker, sink.portfolio) can be read so`, `wire ${sourceId}.${port} without @prev; feedback goes through the broker`);
    return undefined;
  }
  return delayed ? { text, node: sourceId, port, type: out.type, delayed: true } : { text, node: sourceId, port, type: out.type };
}

/**
 * The loops that delayed wires (`broker.equity@prev`) close: the reader, the broker, and every
 * node on a path from the reader to the broker. Each loop runs event by event (the reader needs
 * the broker's state after the previous event), so its members share one timeline, and none
 * makes its own events. Loops that share a node are merged.
 */
function feedbackLoops(order: CompiledNode[], nodes: Map<string, CompiledNode>, error: ErrorFn): { members: string[] }[] {
  const rank = new Map(order.map((n, i) => [n.id, i]));
  const groups: Set<string>[] = [];
  for (const reader of order) {
    for (const input of reader.inputs) {
      input.wires.forEach((wire, w) => {
        if (!wire.delayed) return;
        const at = pointerJoin(pointerJoin(pointerJoin('/nodes', reader.id), 'in'), input.port);
        const wireAt = input.spec.many ? pointerJoin(at, w) : at;
        const broker = nodes.get(wire.node)!;
        if (broker.domain.join(',') !== reader.domain.join(',')) {
          error(wireAt, 'wire/delayed-timeline', `${quoteText(wire.text)}: "${reader.id}" steps on the events of ${reader.domain.join(', ')} and "${broker.id}" on those of ${broker.domain.join(', ')}; a node reading a broker as of the previous event must step on the broker's events`, `feed "${reader.id}" from the same sources as "${broker.id}"`);
          return;
        }
        // Downstream of the reader (through ordinary wires) and upstream of the broker.
        const down = new Set([reader.id]);
        for (const n of order) if (n.inputs.some((i) => i.wires.some((x) => !x.delayed && down.has(x.node)))) down.add(n.id);
        const up = new Set([broker.id]);
        for (const n of [...order].reverse()) if (up.has(n.id)) for (const i of n.inputs) for (const x of i.wires) if (!x.delayed) up.add(x.node);
        const members = new Set([...down].filter((id) => up.has(id) || id === reader.id));
        members.add(broker.id);
        for (const id of members) {
          const member = nodes.get(id)!;
          if (member.def.ownEvents) error(wireAt, 'wire/delayed-loop', `"${id}" (${member.kind}) makes its own events and lies on the loop ${quoteText(wire.text)} closes; a loop runs event by event on the broker's events`, 'move the bar-making node before the loop');
          else if (member.domain.join(',') !== broker.domain.join(',')) error(wireAt, 'wire/delayed-loop', `"${id}" lies on the loop ${quoteText(wire.text)} closes but steps on the events of ${member.domain.join(', ')}, not the broker's (${broker.domain.join(', ')})`, 'a loop runs event by event on one timeline');
        }
        const overlapping = groups.filter((g) => [...members].some((id) => g.has(id)));
        const merged = new Set([...members, ...overlapping.flatMap((g) => [...g])]);
        for (const g of overlapping) groups.splice(groups.indexOf(g), 1);
        groups.push(merged);
      });
    }
  }
  return groups.map((g) => ({ members: [...g].sort((a, b) => rank.get(a)! - rank.get(b)!) }));
}

/** Kahn's algorithm in file order; on a cycle, reports each one by name and returns undefined. */
function topologicalOrder(ids: string[], nodes: Map<string, CompiledNode>, parsed: ParsedYaml, error: ErrorFn): CompiledNode[] | undefined {
  const present = ids.filter((id) => nodes.has(id));
  // A delayed wire (@prev) reads the previous event's value: it orders nothing.
  const deps = new Map(present.map((id) => [id, [...new Set(nodes.get(id)!.inputs.flatMap((i) => i.wires.filter((w) => !w.delayed).map((w) => w.node)))]]));
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

  // Name every distinct cycle among the remaining nodes (DFS along "reads from" edges; each
  // back edge closes one). Iterative, so that a long chain cannot overflow the stack.
  const rank = new Map(ids.map((id, i) => [id, i]));
  const remaining = present.filter((id) => !done.has(id));
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'closed'>();
  const path: string[] = [];
  /** The node at the end of the DFS path reads from `dep`, which is on the path: a loop. */
  const closeCycle = (dep: string) => {
    // Each node on the path reads from the next one, and the last reads from `dep`: reversed,
    // the loop is in the order data flows.
    const cycle = path.slice(path.indexOf(dep)).reverse();
    const key = [...cycle].sort().join(',');
    if (reported.has(key)) return;
    reported.add(key);
    // Start the loop at the node written first in the file, so the message is stable.
    const first = cycle.reduce((a, b) => (rank.get(b)! < rank.get(a)! ? b : a));
    const start = cycle.indexOf(first);
    const flow = [...cycle.slice(start), ...cycle.slice(0, start), first];
    // Point at the wire that closes the loop: the input of `first` reading its predecessor.
    const previous = flow[flow.length - 2];
    const input = nodes.get(first)!.inputs.find((i) => i.wires.some((w) => w.node === previous));
    let at = pointerJoin('/nodes', first);
    if (input) {
      at = pointerJoin(pointerJoin(at, 'in'), input.port);
      if (input.spec.many) at = pointerJoin(at, input.wires.findIndex((w) => w.node === previous));
    }
    error(at, 'graph/cycle', `cycle: ${flow.join(' -> ')}`, 'break the loop: the only cycle a graph may hold reads a broker as of the previous event (risk: { in: { equity: broker.equity@prev } })', positionOf(parsed, at));
  };
  for (const root of remaining) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'open');
    path.push(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = deps.get(top.id)!;
      if (top.next < list.length) {
        const dep = list[top.next++];
        if (done.has(dep)) continue;
        if (state.get(dep) === 'open') closeCycle(dep);
        else if (!state.has(dep)) {
          state.set(dep, 'open');
          path.push(dep);
          stack.push({ id: dep, next: 0 });
        }
      } else {
        state.set(top.id, 'closed');
        path.pop();
        stack.pop();
      }
    }
  }
  return undefined;
}


/** `--bind bars.stream=KEY` as typed, for messages about a binding from the command line. */
function describeCli(id: string, binding: Record<string, unknown>): string {
  return Object.entries(binding).map(([k, v]) => `--bind ${id}.${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}

const bindingValidators = new WeakMap<Adapter, ReturnType<typeof ajv.compile>>();

/**
 * Checks one binding: it selects exactly one adapter of the node's role, that adapter carries
 * the node's records and serves the mode, and the binding fits the adapter's schema. Returns
 * the adapter's name when all is well.
 */
function checkBinding(
  node: CompiledNode,
  role: 'source' | 'sink' | 'broker',
  binding: Record<string, unknown>,
  mode: Mode,
  at: string,
  cli: string | undefined,
  commandLine: ReadonlySet<string>,
  available: readonly Adapter[],
  parsed: ParsedYaml,
  error: ErrorFn,
  report: (severity: Severity, pos: Position, code: string, pointer: string, message: string, hint?: string) => void,
  file: string,
  diagnostics: Diagnostic[],
): string | undefined {
  const where = cli ?? `modes.${mode}.${node.id}`;
  const keys = Object.keys(binding);
  const selected = available.filter((a) => keys.includes(a.key));
  const list = available.map((a) => a.key).join(', ');
  if (selected.length !== 1) {
    const unknown = keys.find((k) => !available.some((a) => Object.hasOwn((a.binding.properties ?? {}) as object, k)));
    const guess = unknown ? didYouMean(unknown, available.map((a) => a.key)) : undefined;
    const keyAt = unknown && !cli ? pointerJoin(at, unknown) : at;
    error(
      keyAt,
      'mode/adapter',
      selected.length
        ? `${where} names ${selected.length} adapters (${selected.map((a) => a.key).join(' and ')}); a binding selects one`
        : `${where} of ${role} "${node.id}" names no adapter${keys.length ? ` (found ${keys.map((k) => `"${k}"`).join(', ')})` : ''}; expected one of the keys ${list}`,
      `${guess ? `did you mean "${guess}"?` : selected.length ? `keep one of ${selected.map((a) => a.key).join(', ')}` : `e.g. ${node.id}: ${available[0]?.example}`} (\`hean adapters\` describes them)`,
      cli ? undefined : parsed.keyAt.get(keyAt),
    );
    return undefined;
  }
  const adapter = selected[0];
  if (adapter.role === 'source') {
    const spec = guarded(() => node.def.source!(node.params as never), undefined, () => {});
    if (spec && !adapter.records.includes(spec.record)) {
      error(at, 'mode/records', `${where}: the ${adapter.name} adapter carries ${adapter.records.join(', ')}, not ${spec.record} (what ${node.kind} emits)`, 'bind another adapter', cli ? undefined : parsed.keyAt.get(at));
      return undefined;
    }
    const need = sourceNeed(mode);
    if (!adapter[need]) {
      const alternatives = available.filter((a) => a.role === 'source' && a[need] && (!spec || a.records.includes(spec.record)));
      error(
        at,
        'mode/capability',
        `${cli ? `${cli}: ` : ''}the ${adapter.name} adapter cannot feed a ${mode} run: it ${need === 'live' ? 'has no live events (it replays a known history)' : 'serves live events only, no history to replay'}`,
        alternatives.length ? `bind ${alternatives.map((a) => `${node.id}: ${a.example}`).join(' or ')}` : `no adapter can serve ${mode} for ${node.kind} yet`,
        cli ? undefined : parsed.keyAt.get(at),
      );
      return undefined;
    }
  }
  let validate = bindingValidators.get(adapter);
  if (!validate) bindingValidators.set(adapter, (validate = ajv.compile(adapter.binding)));
  if (!validate(binding)) {
    if (cli) {
      const keys = Object.keys(adapter.binding.properties ?? {});
      for (const e of validate.errors ?? []) {
        const extra = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty?: string }).additionalProperty) : undefined;
        const guess = extra ? didYouMean(extra, keys) : undefined;
        error(
          at,
          extra ? 'binding/unknown' : 'binding/invalid',
          extra ? `${cli}: unknown key "${extra}" of the ${adapter.name} adapter; it takes ${keys.join(', ')}` : `${cli}: ${e.instancePath.slice(1) || 'binding'} ${e.message}`,
          guess ? `did you mean "${guess}"?` : `\`hean adapters\` lists the ${adapter.name} adapter's keys`,
        );
      }
    } else {
      diagnostics.push(...ajvDiagnostics(validate.errors ?? [], { file, parsed, base: at, area: 'binding', noun: 'key', help: `the ${adapter.name} adapter takes ${Object.keys(adapter.binding.properties ?? {}).join(', ')}` }));
    }
    return undefined;
  }
  let ok = true;
  const nodeProblems = adapter.role === 'broker' && adapter.checkNode ? guarded(() => adapter.checkNode!(binding, { params: node.params, wires: Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => w.text)])) }), [], () => undefined) : [];
  for (const problem of [...(adapter.check?.(binding, mode, commandLine) ?? []), ...nodeProblems]) {
    const pointer = problem.path.reduce<string>((p, key) => pointerJoin(p, key), at);
    if ((problem.severity ?? 'error') === 'error') ok = false;
    report(problem.severity ?? 'error', positionOf(parsed, pointer), problem.code ?? 'binding/check', pointer, cli ? `${cli}: ${problem.message}` : problem.message);
  }
  return ok ? adapter.name : undefined;
}

/**
 * The checks that need the graph wired, in data-flow order: each kind's static feature names
 * (featureNames) are computed from its producers', then its checkWiring sees them, so a model
 * that expects other features than the graph gives is an error before anything runs.
 */
function checkWiring(order: CompiledNode[], nodes: Map<string, CompiledNode>, file: string, parsed: ParsedYaml, error: ErrorFn, report: ReportFn, checks: boolean): void {
  for (const node of order) {
    const paramsAt = pointerJoin(pointerJoin('/nodes', node.id), 'params');
    const wires = Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => w.text)]));
    const features = Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => nodes.get(w.node)!.features[w.port])]));
    const producers = Object.fromEntries(node.inputs.map((input) => [input.port, input.wires.map((w) => nodes.get(w.node)!)]));
    if (node.def.featureNames) {
      node.features = guarded(() => node.def.featureNames!(node.params, { wires, features, producers, graphFile: file }), {}, (e) => error(paramsAt, 'node/check-failed', `${node.kind}: ${e}`));
    }
    if (!checks || !node.def.checkWiring) continue;
    const problems = guarded(() => node.def.checkWiring!(node.params, { wires, features, producers, graphFile: file }), [], (e) => error(paramsAt, 'node/check-failed', `${node.kind} could not check its wiring: ${e}`));
    for (const problem of problems) {
      const at = problem.path.reduce<string>((p, key) => pointerJoin(p, key), paramsAt);
      report(problem.severity ?? 'error', positionOf(parsed, at), problem.code ?? 'params/check', at, problem.message);
    }
  }
}
