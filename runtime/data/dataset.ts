import type { RowWriter, SinkAdapter } from '../adapters/contract.js';
import { defaultAdapters } from '../adapters/index.js';
import { defaultOutputOf } from '../defineNode.js';
import { runGraph, type RunOptions } from '../exec/runGraph.js';
import type { CompiledGraph, CompiledNode, CompiledWire } from '../graph/compileGraph.js';
import { record } from '../../nodes/sink/record.js';
import { asOfIndex, barrierLabels, directionOf, forwardReturns, type Direction } from './labels.js';
import { Type } from '@sinclair/typebox';

/**
 * `hean dataset`: the graph's backtest, recording one features output (the very columns a model
 * sees live, so training and serving cannot drift apart) and a price, then labels from the
 * prices that follow each row (labels.ts). Labels exist only in this export.
 */

/** A choice on the command line that does not fit the graph (exit 2). */
export class DatasetUsageError extends Error {}

export interface DatasetOptions {
  /** `--features NODE[.PORT]`; default: the graph's only features output. */
  features?: string;
  /** `--price NODE[.PORT]`; default: the close of the graph's only source.candles. */
  price?: string;
  horizon: number;
  band: number;
  barrier?: { up: number; down: number };
  dropIncomplete: boolean;
}

export interface Dataset {
  /** Feature names, in the features output's order. */
  names: string[];
  /** Event times of the rows. */
  t: Float64Array;
  /** One column per feature. */
  features: Float64Array[];
  forwardReturn: Float64Array;
  direction: (Direction | undefined)[];
  barrier?: (Direction | undefined)[];
  /** Rows left out by dropIncomplete. */
  dropped: number;
}

/** The wires the export records: the features output, and the price (with high and low when the price node is candles-like). */
export interface DatasetWires {
  features: CompiledWire;
  price: CompiledWire;
  high?: CompiledWire;
  low?: CompiledWire;
}

const LABELS = ['forwardReturn', 'direction', 'barrier'];

/** Resolves --features and --price against the compiled graph; errors name what was asked and list what exists. */
export function datasetWires(graph: CompiledGraph, options: Pick<DatasetOptions, 'features' | 'price' | 'barrier'>): DatasetWires {
  const featureOutputs = graph.nodes.flatMap((n) => Object.entries(n.def.outputs).filter(([, o]) => o.type === 'features').map(([port]) => `${n.id}.${port}`));
  const listed = featureOutputs.length ? featureOutputs.join(', ') : 'none';
  let features: CompiledWire;
  if (options.features === undefined) {
    if (featureOutputs.length !== 1) {
      throw new DatasetUsageError(
        featureOutputs.length
          ? `the graph has ${featureOutputs.length} features outputs (${listed}); choose one with --features, e.g. --features ${featureOutputs[0]}`
          : `the graph has no features output (a features.vector, features.window or model.onnx node); add one, e.g. feats: { kind: features.vector, in: { series: [rsi.value] } }`,
      );
    }
    features = wireOf(graph, featureOutputs[0], '--features');
  } else {
    const node = nodeOf(graph, options.features, '--features', `the features outputs are ${listed}`);
    const own = Object.entries(node.def.outputs).filter(([, o]) => o.type === 'features').map(([port]) => port);
    const port = portOf(options.features) ?? (own.length === 1 ? own[0] : undefined);
    if (port === undefined || !Object.hasOwn(node.def.outputs, port) || node.def.outputs[port].type !== 'features') {
      const found = port === undefined ? `"${node.id}" (${node.kind}) has no features output` : !Object.hasOwn(node.def.outputs, port) ? `${node.kind} "${node.id}" has no output "${port}"` : `${node.id}.${port} is ${node.def.outputs[port].type === 'any' ? 'an' : 'a'} ${node.def.outputs[port].type} output, not features`;
      throw new DatasetUsageError(`--features ${options.features}: ${found}; the features outputs are ${listed}`);
    }
    features = wireOf(graph, `${node.id}.${port}`, '--features');
  }

  let priceNode: CompiledNode;
  let pricePort: string | undefined;
  if (options.price === undefined) {
    const candles = graph.nodes.filter((n) => n.kind === 'source.candles');
    if (candles.length !== 1) {
      throw new DatasetUsageError(
        candles.length
          ? `the graph has ${candles.length} candles sources (${candles.map((n) => n.id).join(', ')}); choose the prices of the labels with --price, e.g. --price ${candles[0].id}`
          : 'the graph has no source.candles node; name the prices of the labels with --price NODE.PORT (a number output)',
      );
    }
    priceNode = candles[0];
  } else {
    const numbers = graph.nodes.filter((n) => Object.values(n.def.outputs).some((o) => o.type === 'number' || o.type === 'candles')).map((n) => n.id);
    priceNode = nodeOf(graph, options.price, '--price', `nodes with prices: ${numbers.join(', ') || 'none'}`);
    pricePort = portOf(options.price);
  }
  const outputs = priceNode.def.outputs;
  const isNumber = (port: string) => Object.hasOwn(outputs, port) && outputs[port].type === 'number';
  const candleLike = isNumber('close') && isNumber('high') && isNumber('low');
  // A candles node gives its close (and high and low for barriers); another node its number output.
  if (pricePort === undefined || (candleLike && Object.hasOwn(outputs, pricePort) && outputs[pricePort].type === 'candles')) {
    pricePort = candleLike ? 'close' : defaultOutputOf(priceNode.def);
  }
  if (pricePort === undefined || !isNumber(pricePort)) {
    const choices = Object.entries(outputs).filter(([, o]) => o.type === 'number').map(([p]) => `${priceNode.id}.${p}`);
    const found = pricePort === undefined ? `"${priceNode.id}" (${priceNode.kind}) has several outputs` : !Object.hasOwn(outputs, pricePort) ? `${priceNode.kind} "${priceNode.id}" has no output "${pricePort}"` : `${priceNode.id}.${pricePort} is a ${outputs[pricePort].type} output, not a number`;
    throw new DatasetUsageError(`--price ${options.price ?? priceNode.id}: ${found}; expected a candles source or a number output${choices.length ? ` such as ${choices.slice(0, 5).join(', ')}` : ''}`);
  }
  if (options.barrier && !candleLike) {
    throw new DatasetUsageError(`--barrier needs the high and low of each bar, and ${priceNode.id} (${priceNode.kind}) has no high and low outputs; give a candles source with --price, e.g. --price ${graph.nodes.find((n) => n.kind === 'source.candles')?.id ?? 'bars'}`);
  }
  return {
    features,
    price: wireOf(graph, `${priceNode.id}.${pricePort}`, '--price'),
    ...(options.barrier ? { high: wireOf(graph, `${priceNode.id}.high`, '--price'), low: wireOf(graph, `${priceNode.id}.low`, '--price') } : {}),
  };
}

function portOf(text: string): string | undefined {
  const dot = text.indexOf('.');
  return dot < 0 ? undefined : text.slice(dot + 1);
}

function nodeOf(graph: CompiledGraph, text: string, flag: string, alternatives: string): CompiledNode {
  const id = text.split('.')[0];
  const node = graph.byId.get(id);
  if (!node) throw new DatasetUsageError(`${flag} ${text}: the graph has no node "${id}"; ${alternatives}`);
  return node;
}

function wireOf(graph: CompiledGraph, text: string, flag: string): CompiledWire {
  const [node, port] = text.split('.');
  const spec = graph.byId.get(node)?.def.outputs[port];
  if (!spec) throw new DatasetUsageError(`${flag} ${text}: no such output`);
  return { text, node, port, type: spec.type };
}

/** Rows a recording collected: column names as the record sink names them, event times, columns. */
interface Captured {
  columns: string[];
  t: Float64Array;
  values: Float64Array[];
}

const CAPTURE = 'datasetCapture';

/**
 * Runs the graph's backtest with two recordings added (features; price, high, low), each on its
 * producer's own timeline, and only the nodes they need: the graph's sinks, broker and anything
 * else downstream do not run. `graph` is changed: compile a fresh one for each export.
 */
export async function buildDataset(graph: CompiledGraph, options: DatasetOptions, run: Omit<RunOptions, 'adapters'> = {}): Promise<Dataset> {
  if (graph.mode !== 'backtest') throw new DatasetUsageError(`a dataset is made from a backtest; the graph was compiled for ${graph.mode}`);
  const wires = datasetWires(graph, options);
  const captures = new Map<string, Captured>();
  const capture: SinkAdapter = {
    role: 'sink',
    name: CAPTURE,
    key: CAPTURE,
    summary: 'hean dataset: rows kept in memory for the export (internal).',
    binding: Type.Object({}),
    example: '{}',
    open: (_binding, io) => collector(io.node, captures),
  };
  const featuresId = addRecorder(graph, 'dataset_record_features', [wires.features]);
  const priceId = addRecorder(graph, 'dataset_record_price', [wires.price, ...(wires.high && wires.low ? [wires.high, wires.low] : [])]);
  keepOnlyAncestors(graph, [featuresId, priceId]);
  await runGraph(graph, { ...run, adapters: { sources: defaultAdapters.sources, sinks: [...defaultAdapters.sinks, capture] } });

  const f = captures.get(featuresId) ?? { columns: [], t: new Float64Array(0), values: [] };
  const p = captures.get(priceId) ?? { columns: [], t: new Float64Array(0), values: [] };
  const prefix = `${wires.features.text}.`;
  const names = f.columns.map((c) => (c.startsWith(prefix) ? c.slice(prefix.length) : c));
  const clash = names.find((n) => n === 'time' || LABELS.includes(n));
  if (clash) throw new DatasetUsageError(`${wires.features.text} has a feature named "${clash}", which is also a column the dataset adds (time, ${LABELS.join(', ')}); rename it (features.vector names:)`);

  const [close, high, low] = p.values;
  const at = asOfIndex(p.t, f.t);
  const returns = forwardReturns(close ?? new Float64Array(0), options.horizon);
  const barriers = options.barrier ? barrierLabels(close, high, low, options.horizon, options.barrier.up, options.barrier.down) : undefined;
  let keep = Array.from(f.t.keys());
  if (options.dropIncomplete) keep = keep.filter((i) => f.values.every((c) => !Number.isNaN(c[i])));
  const forwardReturn = Float64Array.from(keep, (i) => (at[i] < 0 ? NaN : returns[at[i]]));
  return {
    names,
    t: Float64Array.from(keep, (i) => f.t[i]),
    features: f.values.map((c) => Float64Array.from(keep, (i) => c[i])),
    forwardReturn,
    direction: Array.from(forwardReturn, (r) => directionOf(r, options.band)),
    ...(barriers ? { barrier: keep.map((i) => (at[i] < 0 ? undefined : barriers[at[i]])) } : {}),
    dropped: f.t.length - keep.length,
  };
}

/** A sink.record node reading `wires`, appended to the compiled graph (its timeline: the wires' producers'). */
function addRecorder(graph: CompiledGraph, base: string, wires: CompiledWire[]): string {
  let id = base;
  for (let k = 2; graph.byId.has(id); k++) id = `${base}${k}`;
  const producers = [...new Set(wires.map((w) => w.node))].map((p) => graph.byId.get(p)!);
  const node: CompiledNode = {
    id,
    kind: record.kind,
    def: record,
    params: { skipEmpty: false },
    inputs: [{ port: 'series', spec: record.inputs.series, wires }],
    isSource: false,
    domain: [...new Set(producers.flatMap((p) => p.domain))].sort(),
    warmup: Math.max(0, ...producers.map((p) => p.warmup)),
    warmupBars: Math.max(0, ...producers.map((p) => p.warmupBars)),
    barsPerEvent: Math.min(...producers.map((p) => p.barsPerEvent)),
    binding: {},
    adapter: CAPTURE,
    commandLine: new Set(),
    consumers: [],
    features: {},
  };
  for (const p of producers) p.consumers.push(id);
  graph.nodes.push(node);
  graph.byId.set(id, node);
  return id;
}

/**
 * Drops every node the recordings do not need (a broker, a model trained on this very dataset
 * that does not exist yet): the export runs the features' and the price's upstream only.
 */
function keepOnlyAncestors(graph: CompiledGraph, ids: string[]): void {
  const keep = new Set<string>();
  const visit = (id: string) => {
    if (keep.has(id)) return;
    keep.add(id);
    for (const input of graph.byId.get(id)!.inputs) for (const w of input.wires) visit(w.node);
  };
  ids.forEach(visit);
  graph.nodes = graph.nodes.filter((n) => keep.has(n.id));
  for (const id of [...graph.byId.keys()]) if (!keep.has(id)) graph.byId.delete(id);
  for (const node of graph.nodes) node.consumers = node.consumers.filter((c) => keep.has(c));
}


function collector(node: string, captures: Map<string, Captured>): RowWriter {
  const chunks: { t: Float64Array; values: Float64Array[] }[] = [];
  let columns: string[] = [];
  const join = (parts: Float64Array[]) => {
    const out = new Float64Array(parts.reduce((s, a) => s + a.length, 0));
    let at = 0;
    for (const a of parts) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  return {
    start(names) {
      columns = [...names];
    },
    write(n, t, values) {
      if (n > 0) chunks.push({ t: t.slice(0, n), values: values.map((c) => c.slice(0, n)) });
    },
    async close() {
      captures.set(node, { columns, t: join(chunks.map((c) => c.t)), values: columns.map((_, j) => join(chunks.map((c) => c.values[j]))) });
    },
    describe: () => `memory (${node})`,
  };
}

/** The dataset as CSV: time (ISO-8601 UTC), the features, the labels; numbers as the shortest round-trip text, NaN as an empty cell. */
export function datasetCsv(data: Dataset): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const header = ['time', ...data.names, 'forwardReturn', 'direction', ...(data.barrier ? ['barrier'] : [])];
  const lines = [header.map(field).join(',')];
  const num = (v: number) => (v === v ? String(v) : '');
  for (let i = 0; i < data.t.length; i++) {
    let line = new Date(data.t[i]).toISOString();
    for (const c of data.features) line += ',' + num(c[i]);
    line += ',' + num(data.forwardReturn[i]) + ',' + (data.direction[i] ?? '');
    if (data.barrier) line += ',' + (data.barrier[i] ?? '');
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** `UP 6,100 (48.6 %), DOWN 6,000 (47.8 %), NEUTRAL 452 (3.6 %), unlabelled 4`: the class balance of a label column. */
export function classBalance(labels: readonly (Direction | undefined)[]): string {
  const count = (d: Direction) => labels.filter((l) => l === d).length;
  const labelled = labels.filter((l) => l !== undefined).length;
  const part = (d: Direction) => `${d} ${count(d).toLocaleString('en-US')}${labelled ? ` (${((100 * count(d)) / labelled).toFixed(1)} %)` : ''}`;
  return `${part('UP')}, ${part('DOWN')}, ${part('NEUTRAL')}, unlabelled ${(labels.length - labelled).toLocaleString('en-US')}`;
}
