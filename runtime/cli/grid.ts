import type { Cache } from '../cache/Cache.js';
import type { BrokerReport } from '../portfolio/simulatedBroker.js';
import type { HeatmapCell, HeatmapData } from '../../viz/heatmapPage.js';
import { didYouMean, formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import type { Metrics } from '../portfolio/metrics.js';
import { runGraph } from '../exec/runGraph.js';
import { OutputError, OutputGuard, type OutputRules } from '../adapters/outputGuard.js';
import { parseSetValue } from '../graph/compileGraph.js';
import { loadGraph } from '../loadGraph.js';

/**
 * The small built-in parameter grid of `hean run --grid`: every combination of one or two
 * swept graph params is an independent backtest of the same graph compiled with those values
 * (as --set would give them). Cells run one after the other; the optimisation work to come will
 * spread them over workers and add search strategies on top of the same cell results.
 */

export class GridSpecError extends Error {}

export type GridValue = number | string | boolean;

export interface GridAxis {
  name: string;
  values: GridValue[];
  /** As given on the command line. */
  spec: string;
}

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(${NUMBER}))?$`);
const MAX_AXIS_VALUES = 1000;

/** `name=FROM..TO[:STEP]` (inclusive, step 1 by default) or `name=V1,V2,...` (values as --set reads them). */
export function parseGridSpec(spec: string): GridAxis {
  const eq = spec.indexOf('=');
  const usage = `--grid ${spec}: expected name=FROM..TO[:STEP] (e.g. fast=5..20:5) or name=V1,V2,... (e.g. fill=nextOpen,close)`;
  if (eq <= 0 || eq === spec.length - 1) throw new GridSpecError(usage);
  const name = spec.slice(0, eq);
  const text = spec.slice(eq + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new GridSpecError(`--grid ${spec}: "${name}" is not a param name`);
  const range = RANGE.exec(text);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    const step = range[3] === undefined ? 1 : Number(range[3]);
    const huge = [from, to, step].findIndex((v) => !Number.isFinite(v));
    if (huge >= 0) throw new GridSpecError(`--grid ${spec}: ${range[huge + 1]} is beyond the range of numbers (about 1.8e308); expected finite FROM, TO and STEP`);
    if (!(step > 0)) throw new GridSpecError(`--grid ${spec}: the step must be positive, found ${range[3]}`);
    if (to < from) throw new GridSpecError(`--grid ${spec}: the range runs from ${from} down to ${to}; write it as ${name}=${to}..${from}${range[3] ? `:${range[3]}` : ''}`);
    const count = Math.floor((to - from) / step + 1e-9) + 1;
    if (count > MAX_AXIS_VALUES) {
      const many = count < 1e15 ? count.toLocaleString('en-US') : `about ${count.toExponential(1)}`;
      throw new GridSpecError(`--grid ${spec}: ${many} values; at most ${MAX_AXIS_VALUES} per param (raise the step)`);
    }
    // Values are from + i * step, rounded to the decimals written, so 0.1 steps give 0.3, not 0.30000000000000004.
    const decimals = Math.max(...[range[1], range[2], range[3] ?? '1'].map(decimalsOf));
    const values = Array.from({ length: count }, (_, i) => Number((from + i * step).toFixed(Math.min(decimals, 15))));
    return { name, values, spec };
  }
  if (text.includes('..')) throw new GridSpecError(usage);
  const values = text.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new GridSpecError(`--grid ${spec}: an empty value in the list`);
  const parsed = values.map((v) => parseSetValue(v) as GridValue);
  const seen = new Set(parsed.map((v) => JSON.stringify(v)));
  if (seen.size !== parsed.length) throw new GridSpecError(`--grid ${spec}: a value is listed twice`);
  return { name, values: parsed, spec };
}

function decimalsOf(text: string): number {
  const m = /\.(\d*)/.exec(text.replace(/[eE].*$/, ''));
  const exp = /[eE]([-+]?\d+)$/.exec(text);
  return Math.max(0, (m ? m[1].length : 0) - (exp ? Number(exp[1]) : 0));
}

export interface GridMetric {
  key: keyof Metrics;
  label: string;
  higherIsBetter: boolean;
  digits: number;
}

/** The metrics a grid can rank by (`--metric`), with how to read them. */
export const GRID_METRICS: readonly GridMetric[] = [
  { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 },
  { key: 'sortino', label: 'Sortino', higherIsBetter: true, digits: 2 },
  { key: 'calmar', label: 'Calmar', higherIsBetter: true, digits: 2 },
  { key: 'totalReturnPct', label: 'total return %', higherIsBetter: true, digits: 2 },
  { key: 'cagrPct', label: 'CAGR %', higherIsBetter: true, digits: 2 },
  { key: 'maxDrawdownPct', label: 'max drawdown %', higherIsBetter: false, digits: 2 },
  { key: 'volatilityPct', label: 'volatility %', higherIsBetter: false, digits: 2 },
  { key: 'winRatePct', label: 'win rate %', higherIsBetter: true, digits: 2 },
  { key: 'profitFactor', label: 'profit factor', higherIsBetter: true, digits: 2 },
  { key: 'avgTradePnl', label: 'average trade', higherIsBetter: true, digits: 2 },
  { key: 'finalEquity', label: 'final equity', higherIsBetter: true, digits: 2 },
  { key: 'exposurePct', label: 'exposure %', higherIsBetter: true, digits: 2 },
  { key: 'trades', label: 'trades', higherIsBetter: true, digits: 0 },
  { key: 'feesPaid', label: 'fees paid', higherIsBetter: false, digits: 2 },
];

export function gridMetric(name: string): GridMetric {
  const found = GRID_METRICS.find((m) => m.key === name || m.key.toLowerCase() === name.toLowerCase());
  if (found) return found;
  const keys = GRID_METRICS.map((m) => m.key);
  const guess = didYouMean(name, keys);
  throw new GridSpecError(`--metric ${name}: unknown metric${guess ? `; did you mean "${guess}"?` : ''} (one of ${keys.join(', ')})`);
}

export interface GridCellResult {
  params: Record<string, GridValue>;
  status: 'ok' | 'invalid' | 'failed';
  /** The chosen metric; null when undefined (no trades) or the cell did not run. */
  value: number | null;
  metrics?: Record<string, number | null>;
  /** Why the cell is invalid (its compile errors) or failed. */
  message?: string;
  /** What the cell's row sinks wrote, by node id. */
  outputs?: Record<string, string>;
}

export interface GridRun {
  graphName: string;
  file: string;
  metric: GridMetric;
  axes: GridAxis[];
  sets: Record<string, string>;
  /** Row-major: the first axis outer, the second inner. */
  cells: GridCellResult[];
  /** Distinct run failures (bad data, missing file), each once. */
  failures: string[];
  /** Set when a grid param is not a graph param: nothing was run. */
  unknownParams?: Diagnostic[];
  heatmap: HeatmapData;
}

export interface GridOptions {
  file: string;
  axes: GridAxis[];
  metric: GridMetric;
  sets: Record<string, string>;
  chunkSize: number;
  /** Command-line bindings (--bind, --data), the same for every cell. */
  bind: Record<string, Record<string, unknown>>;
  /** --out-dir and --overwrite; each cell's file outputs carry its combination in their names. */
  outputs?: Omit<OutputRules, 'variant'>;
  onCell?: (done: number, total: number) => void;
  /** `--cache`: the cells' models and feature sets are stored there and loaded by the cells (and later runs) with the same subgraph (runGraph, cachedNodeOutputs.ts). */
  cache?: Cache;
  codeVersion?: string;
}

export async function runGrid(options: GridOptions): Promise<GridRun> {
  const { axes, metric, sets } = options;
  const combos: Record<string, GridValue>[] = axes.reduce<Record<string, GridValue>[]>((acc, axis) => acc.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.name]: v }))), [{}]);
  const cells: GridCellResult[] = [];
  const failures: string[] = [];
  let graphName = options.file;
  for (const params of combos) {
    const { graph, diagnostics } = loadGraph(options.file, { set: { ...sets, ...params }, bind: options.bind, requireBindings: true });
    const unknown = diagnostics.filter((d) => d.code === 'params/unknown-set' || d.code === 'graph/read');
    if (unknown.length) {
      return { graphName, file: options.file, metric, axes, sets, cells: [], failures: [], unknownParams: unknown, heatmap: heatmapData(graphName, options, []) };
    }
    if (!graph || hasErrors(diagnostics)) {
      const errors = sortDiagnostics(diagnostics.filter((d) => d.severity === 'error'));
      cells.push({ params, status: 'invalid', value: null, message: errors.map(formatDiagnostic).join('\n') });
    } else {
      graphName = graph.name;
      try {
        const variant = Object.entries(params).map(([k, v]) => `${k}=${String(v).replace(/[^\w.+-]/g, '_')}`).join(',');
        const result = await runGraph(graph, { chunkSize: options.chunkSize, outputs: new OutputGuard({ ...options.outputs, variant }), cache: options.cache, codeVersion: options.codeVersion });
        const broker = Object.values(result.reports).find((r) => (r as { kind?: string })?.kind === 'broker') as BrokerReport | undefined;
        if (!broker) throw new Error(`${options.file} has no sink.broker: a grid ranks runs by their broker's metrics`);
        const metrics = Object.fromEntries(Object.entries(broker.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
        cells.push({ params, status: 'ok', value: metrics[metric.key] ?? null, metrics, outputs: result.outputs });
      } catch (e) {
        if (e instanceof OutputError) throw e; // where to write is the command's problem, not one cell's
        const message = e instanceof Error ? e.message : String(e);
        if (!failures.includes(message)) failures.push(message);
        cells.push({ params, status: 'failed', value: null, message });
      }
    }
    options.onCell?.(cells.length, combos.length);
  }
  return { graphName, file: options.file, metric, axes, sets, cells, failures, heatmap: heatmapData(graphName, options, cells) };
}

/** Metrics that say nothing about a cell (the same everywhere, or times). */
const NOT_DETAILS = new Set(['initialCash', 'periodsPerYear', 'startTime', 'endTime']);

function heatmapData(graphName: string, options: GridOptions, cells: GridCellResult[]): HeatmapData {
  const [rows, columns] = options.axes;
  const width = columns ? columns.values.length : 1;
  const grid: HeatmapCell[][] = [];
  for (let r = 0; r < rows.values.length; r++) {
    grid.push(
      cells.slice(r * width, (r + 1) * width).map((c) => ({
        status: c.status,
        value: c.value,
        ...(c.message ? { message: c.message } : {}),
        ...(c.metrics ? { details: Object.fromEntries(Object.entries(c.metrics).filter(([k]) => !NOT_DETAILS.has(k))) } : {}),
      })),
    );
  }
  const fixed = Object.entries(options.sets).map(([k, v]) => `${k}=${v}`);
  return {
    title: graphName,
    subtitle: `${options.file}${fixed.length ? ` · --set ${fixed.join(' ')}` : ''} · ${cells.length} backtests`,
    metric: { key: options.metric.key, label: options.metric.label, higherIsBetter: options.metric.higherIsBetter, digits: options.metric.digits },
    rows: { name: rows.name, values: rows.values },
    columns: columns ? { name: columns.name, values: columns.values } : undefined,
    cells: grid,
  };
}

/** The best cell by the metric (ties: the first), or undefined when no cell has a value. */
export function bestCell(grid: GridRun): GridCellResult | undefined {
  let best: GridCellResult | undefined;
  for (const c of grid.cells) {
    if (c.value === null) continue;
    if (!best || (grid.metric.higherIsBetter ? c.value > best.value! : c.value < best.value!)) best = c;
  }
  return best;
}

/** The grid as text: rows the first param, columns the second; then the best cell and the problems. */
export function gridTable(grid: GridRun): string {
  const [rows, columns] = grid.axes;
  const m = grid.metric;
  const fmt = (c: GridCellResult) => (c.status === 'invalid' ? 'invalid' : c.status === 'failed' ? 'failed' : c.value === null ? 'n/a' : c.value.toFixed(m.digits));
  const text = (v: GridValue) => String(v);
  const header = [columns ? `${rows.name} \\ ${columns.name}` : rows.name, ...(columns ? columns.values.map(text) : [m.key])];
  const width = columns ? columns.values.length : 1;
  const body = rows.values.map((v, r) => [text(v), ...grid.cells.slice(r * width, (r + 1) * width).map(fmt)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]) : c.padStart(widths[i]))).join('  ');
  const out: string[] = [];
  out.push(`${m.key} of ${grid.graphName} (${grid.file}) over ${rows.name}${columns ? ` (rows) and ${columns.name} (columns)` : ''}, ${grid.cells.length} backtests`);
  out.push(line(header), ...body.map(line));
  const best = bestCell(grid);
  if (best) out.push('', `best ${m.key}: ${best.value!.toFixed(m.digits)} at ${Object.entries(best.params).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const invalid = grid.cells.filter((c) => c.status === 'invalid');
  if (invalid.length) {
    out.push('', `${invalid.length} invalid cell${invalid.length === 1 ? '' : 's'} (the graph does not compile with these values):`);
    for (const c of invalid.slice(0, 10)) out.push(`  ${Object.entries(c.params).map(([k, v]) => `${k}=${v}`).join(', ')}: ${c.message!.split('\n')[0]}`);
    if (invalid.length > 10) out.push(`  ... and ${invalid.length - 10} more (see --json)`);
  }
  return out.join('\n');
}

export function gridJson(grid: GridRun): Record<string, unknown> {
  const best = bestCell(grid);
  return {
    graph: grid.graphName,
    file: grid.file,
    metric: grid.metric.key,
    axes: grid.axes.map((a) => ({ name: a.name, values: a.values })),
    set: grid.sets,
    best: best ? { params: best.params, value: best.value } : null,
    cells: grid.cells,
  };
}
