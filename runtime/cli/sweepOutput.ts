import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import type { HeatmapCell, HeatmapData } from '../../viz/heatmapPage.js';
import type { TunePageData } from '../../viz/tunePage.js';
import type { WalkForwardPageData } from '../../viz/walkForwardPage.js';
import type { GridValue } from './grid.js';
import type { SweepCell, SweepResult, SweepSelection } from '../sweep/runSweep.js';
import type { TuneResult } from '../sweep/runTune.js';
import type { WalkForwardResult } from '../sweep/runWalkForward.js';

/** A sweep's summary, its results table (CSV or Parquet: one row per combination, every metric) and its heatmap. */

const METRIC_ORDER = ['sharpe', 'sortino', 'calmar', 'totalReturnPct', 'cagrPct', 'maxDrawdownPct', 'volatilityPct', 'winRatePct', 'profitFactor', 'avgTradePnl', 'trades', 'closedTrades', 'exposurePct', 'feesPaid', 'finalEquity', 'bars'];

/** The cells ranked by the metric (best first; no value last, in order). */
export function ranked(sweep: SweepResult): SweepCell[] {
  const sign = sweep.metric.higherIsBetter ? -1 : 1;
  return sweep.cells
    .filter((c) => c.value !== null)
    .sort((a, b) => sign * (a.value! - b.value!) || a.index - b.index);
}

const paramText = (params: Record<string, GridValue>) => Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ');

export function sweepText(sweep: SweepResult, top = 10): string {
  const m = sweep.metric;
  const axes = sweep.axes.map((a) => `${a.name} (${a.values.length})`).join(' x ');
  const rate = sweep.elapsedMs > 0 ? (sweep.cells.length / (sweep.elapsedMs / 1000)).toFixed(1) : 'n/a';
  const out = [
    `sweep of ${sweep.graphName} (${sweep.file}): ${sweep.cells.length.toLocaleString('en-US')} combinations of ${axes}${sweep.excluded ? `, ${sweep.excluded.toLocaleString('en-US')} more excluded by --where '${sweep.where}'` : ''}`,
    `  ran on ${sweep.queue ? `the queue ${sweep.queue} (hean worker processes)` : `${sweep.workers} worker${sweep.workers === 1 ? '' : 's'}`} in ${(sweep.elapsedMs / 1000).toFixed(1)} s (${rate} combinations/s)`,
  ];
  const sh = sweep.sharing;
  if (sh) out.push(`  ${sh.shareable.toLocaleString('en-US')} node outputs are common to several combinations: computed ${sh.recorded.toLocaleString('en-US')} times (once per worker), reused ${sh.replayed.toLocaleString('en-US')} times (${sh.peakMiB} MiB held at most)`);
  const best = ranked(sweep);
  if (best.length) {
    out.push('', `best ${m.key}: ${best[0].value!.toFixed(m.digits)} at ${paramText(best[0].params)} (the best of ${sweep.cells.length.toLocaleString('en-US')} tries: expect it to overstate what the params will do next)`);
    const names = sweep.axes.map((a) => a.name);
    const cols = [...names, m.key, ...['totalReturnPct', 'maxDrawdownPct', 'trades'].filter((k) => k !== m.key)];
    const rows = best.slice(0, top).map((c, r) => [String(r + 1), ...names.map((n) => String(c.params[n])), ...cols.slice(names.length).map((k) => fmt(c.metrics?.[k] ?? null, k === 'trades' ? 0 : m.digits))]);
    const header = ['rank', ...cols];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    out.push(`top ${Math.min(top, best.length)} by ${m.key}:`, '  ' + header.map((h, i) => h.padStart(widths[i])).join('  '), ...rows.map((row) => '  ' + row.map((v, i) => v.padStart(widths[i])).join('  ')));
  } else out.push('', `no combination has a ${m.key} (no trades, or none ran)`);
  if (sweep.selection) out.push(...selectionText(sweep.selection, 'combinations'));
  const invalid = sweep.cells.filter((c) => c.status === 'invalid');
  if (invalid.length) {
    out.push('', `${invalid.length} invalid combination${invalid.length === 1 ? '' : 's'} (the graph does not compile with these values):`);
    for (const c of invalid.slice(0, 5)) out.push(`  ${paramText(c.params)}: ${c.message!.split('\n')[0]}`);
    if (invalid.length > 5) out.push(`  ... and ${invalid.length - 5} more (see the results file or --json)`);
  }
  const failed = sweep.cells.filter((c) => c.status === 'failed').length;
  if (failed) out.push('', `${failed} combination${failed === 1 ? '' : 's'} failed: ${sweep.failures.join('; ')}`);
  return out.join('\n');
}

/** How much of the best is luck (SweepSelection), for sweeps and tunes. */
function selectionText(sel: SweepSelection, tries: string): string[] {
  return [
    '',
    `selection luck (${sel.trials.toLocaleString('en-US')} ${tries} tried, ${sel.days.toLocaleString('en-US')} daily returns each):`,
    `  deflated Sharpe ratio of the best: ${sel.deflatedSharpe.toFixed(3)} (its daily Sharpe, annualised ${sel.sharpe.toFixed(2)}, against ${sel.expectedMaxSharpe.toFixed(2)} expected from the best of ${sel.trials.toLocaleString('en-US')} worthless tries; below 0.95 the best is not distinguishable from luck)`,
    sel.pbo === null ? '  probability of backtest overfitting: n/a (too few days or tries)' : `  probability of backtest overfitting (CSCV, ${sel.splits.toLocaleString('en-US')} splits of 16 day-blocks): ${sel.pbo.toFixed(3)} (how often the in-sample best is below the median out of sample)`,
  ];
}

/** `hean tune`'s summary: the best trial (or the Pareto front), the best ones, when the best was found, what matters, and the selection luck. */
export function tuneText(tune: TuneResult, top = 10): string {
  const m = tune.metric;
  const names = Object.keys(tune.space);
  const goal = tune.objectives.map((o) => `${o.key} ${o.higherIsBetter ? 'maximised' : 'minimised'}`).join(', ');
  const extra = [
    tune.rejected ? `${tune.rejected} samples rejected by --where '${tune.where}'` : '',
    tune.pruned ? `${tune.pruned} pruned` : '',
    tune.resumed ? `${tune.resumed} taken from the study ${tune.study}` : tune.study ? `recorded in the study ${tune.study}` : '',
  ].filter(Boolean);
  const out = [
    `tune of ${tune.graphName} (${tune.file}): ${tune.trials.length} trials of ${tune.sampler === 'tpe' ? `${tune.objectives.length > 1 ? 'MOTPE' : 'TPE'} (Optuna's algorithm)` : 'random search'}, seed ${tune.seed}, ${goal} over ${names.join(', ')}${extra.length ? ` (${extra.join('; ')})` : ''}, ${(tune.elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (!tune.best) return [...out, '', `no trial has a ${m.key} (no trades, or none ran)`].join('\n');
  const keys: string[] = tune.objectives.map((o) => o.key);
  const cols = [...names, ...keys, ...['totalReturnPct', 'maxDrawdownPct', 'trades'].filter((k) => !keys.includes(k))];
  const table = (cells: SweepCell[]) => {
    const rows = cells.map((c) => [String(c.index + 1), ...names.map((n) => String(c.params[n])), ...cols.slice(names.length).map((k) => fmt(c.metrics?.[k] ?? null, k === 'trades' ? 0 : m.digits))]);
    const header = ['trial', ...cols];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    return ['  ' + header.map((h, i) => h.padStart(widths[i])).join('  '), ...rows.map((row) => '  ' + row.map((v, i) => v.padStart(widths[i])).join('  '))];
  };
  const sign = m.higherIsBetter ? -1 : 1;
  if (tune.front) {
    const front = [...tune.front].sort((a, b) => sign * (a.value! - b.value!) || a.index - b.index);
    out.push('', `Pareto front: ${front.length} trial${front.length === 1 ? '' : 's'} no other trial beats on every objective (by ${m.key}):`, ...table(front.slice(0, 2 * top)));
    if (front.length > 2 * top) out.push(`  ... and ${front.length - 2 * top} more (--json or -o has them all)`);
  } else {
    out.push('', `best ${m.key}: ${tune.best.value!.toFixed(m.digits)} at ${paramText(tune.best.params)} (trial ${tune.best.index + 1})`);
    const ok = tune.trials.filter((t) => t.status === 'ok' && t.value !== null);
    const rankedTrials = [...ok].sort((a, b) => sign * (a.value! - b.value!) || a.index - b.index).slice(0, top);
    out.push(`top ${rankedTrials.length} by ${m.key}:`, ...table(rankedTrials));
    // The best so far after each share of the budget: how the search converged.
    const steps = [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * tune.trials.length)));
    const bestAt = steps.map((k) => {
      const seen = tune.trials.slice(0, k).filter((t) => t.status === 'ok' && t.value !== null);
      return seen.length ? seen.reduce((b, t) => (sign * (t.value! - b) < 0 ? t.value! : b), seen[0].value!) : null;
    });
    out.push(`best so far: ${steps.map((k, i) => `after ${k}: ${fmt(bestAt[i], m.digits)}`).join(', ')}`);
  }
  if (tune.importance) out.push(`param importance for ${m.key} (fANOVA on a random forest of the complete trials): ${tune.importance.map((p) => `${p.name} ${(100 * p.importance).toFixed(1)} %`).join(', ')}`);
  if (tune.selection) out.push(...selectionText(tune.selection, tune.pruned ? 'complete trials (pruned ones have no full returns)' : 'trials'));
  return out.join('\n');
}

export function tuneJson(tune: TuneResult): Record<string, unknown> {
  return {
    graph: tune.graphName,
    file: tune.file,
    metric: tune.metric.key,
    objectives: tune.objectives.map((o) => ({ key: o.key, direction: o.higherIsBetter ? 'maximize' : 'minimize' })),
    sampler: tune.sampler,
    seed: tune.seed,
    space: tune.space,
    where: tune.where ?? null,
    rejected: tune.rejected,
    pruned: tune.pruned,
    resumed: tune.resumed,
    study: tune.study ?? null,
    elapsedMs: Math.round(tune.elapsedMs),
    best: tune.best ? { trial: tune.best.index + 1, params: tune.best.params, value: tune.best.value } : null,
    front: tune.front ? tune.front.map((t) => t.index + 1) : null,
    importance: tune.importance ?? null,
    selection: tune.selection ?? null,
    trials: tune.trials,
  };
}

/** The tune page's data (viz/tunePage.ts): every trial with its objectives, the front, the importance. */
export function tunePageData(tune: TuneResult): TunePageData {
  const goal = tune.objectives.map((o) => `${o.key} ${o.higherIsBetter ? 'maximised' : 'minimised'}`).join(', ');
  return {
    title: `tune: ${tune.graphName}`,
    subtitle: `${tune.file} · ${tune.trials.length} trials of ${tune.sampler === 'tpe' ? (tune.objectives.length > 1 ? 'MOTPE' : 'TPE') : 'random search'} (seed ${tune.seed}) · ${goal}${tune.where ? ` · --where ${tune.where}` : ''}${tune.pruned ? ` · ${tune.pruned} pruned` : ''}`,
    objectives: tune.objectives.map((o) => ({ key: o.key, label: o.label, higherIsBetter: o.higherIsBetter, digits: o.digits })),
    params: Object.entries(tune.space).map(([name, p]) =>
      p.type === 'categorical' ? { name, type: 'categorical' as const, choices: [...p.choices] } : { name, type: p.type, low: p.low, high: p.high, ...(p.log ? { log: true } : {}) },
    ),
    trials: tune.trials.map((t) => ({
      number: t.index + 1,
      params: t.params,
      // A pruned trial's values are those of a part of the data, not comparable with full backtests': not drawn.
      values: t.status === 'pruned' ? tune.objectives.map(() => null) : (t.values ?? [t.value]),
      state: t.status === 'ok' ? 'complete' : t.status === 'pruned' ? 'pruned' : 'failed',
      ...(t.status === 'pruned' && t.intermediate?.length ? { prunedAtStep: t.intermediate.at(-1)![0] + 1 } : {}),
      ...(t.metrics ? { metrics: t.metrics } : {}),
    })),
    ...(tune.front ? { paretoFront: tune.front.map((t) => t.index + 1) } : {}),
    ...(tune.importance ? { importance: tune.importance } : {}),
    ...(tune.selection ? { selection: tune.selection } : {}),
  };
}

const fmt = (v: number | null, digits: number) => (v === null ? 'n/a' : v.toFixed(digits));

export function sweepJson(sweep: SweepResult): Record<string, unknown> {
  const best = ranked(sweep)[0];
  return {
    graph: sweep.graphName,
    file: sweep.file,
    metric: sweep.metric.key,
    axes: sweep.axes.map((a) => ({ name: a.name, values: a.values })),
    where: sweep.where ?? null,
    set: sweep.sets,
    combinations: sweep.combinations,
    excluded: sweep.excluded,
    workers: sweep.workers,
    elapsedMs: Math.round(sweep.elapsedMs),
    best: best ? { params: best.params, value: best.value } : null,
    selection: sweep.selection ?? null,
    sharing: sweep.sharing ?? null,
    cells: sweep.cells,
  };
}

/** The columns of the results table: each param, status, every metric, the message. */
/** A results table: the param names and one row per combination (a sweep's) or trial (a tune's). */
export interface ResultsTable {
  params: string[];
  cells: SweepCell[];
}

function tableColumns(table: ResultsTable): { params: string[]; metrics: string[] } {
  const seen = new Set<string>();
  for (const c of table.cells) for (const k of Object.keys(c.metrics ?? {})) seen.add(k);
  const metrics = [...METRIC_ORDER.filter((k) => seen.has(k)), ...[...seen].filter((k) => !METRIC_ORDER.includes(k) && k !== 'initialCash' && k !== 'periodsPerYear' && k !== 'startTime' && k !== 'endTime').sort()];
  return { params: table.params, metrics };
}

const csvField = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function resultsCsv(table: ResultsTable): string {
  const { params, metrics } = tableColumns(table);
  const lines = [[...params, 'status', ...metrics, 'message'].join(',')];
  for (const c of table.cells) lines.push([...params.map((p) => csvField(c.params[p])), c.status, ...metrics.map((k) => csvField(c.metrics?.[k] ?? null)), csvField(c.message?.split('\n')[0])].join(','));
  return lines.join('\n') + '\n';
}

/** The same table as Parquet: numeric params and metrics DOUBLE (null: no value), text params, status and message STRING. */
export function resultsParquet(table: ResultsTable, createdBy = 'hean'): Uint8Array {
  const { params, metrics } = tableColumns(table);
  const numeric = (p: string) => table.cells.every((c) => typeof c.params[p] === 'number');
  const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
  const double = (name: string): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
  const schema: SchemaElement[] = [{ name: 'root', num_children: params.length + metrics.length + 2 }, ...params.map((p) => (numeric(p) ? double(p) : text(p))), text('status'), ...metrics.map(double), text('message')];
  const buffer = parquetWriteBuffer({
    schema,
    createdBy,
    columnData: [
      ...params.map((p) => ({ name: p, data: table.cells.map((c) => (numeric(p) ? (c.params[p] as number) : String(c.params[p]))) })),
      { name: 'status', data: table.cells.map((c) => c.status) },
      ...metrics.map((k) => ({ name: k, data: table.cells.map((c) => c.metrics?.[k] ?? null) })),
      { name: 'message', data: table.cells.map((c) => c.message?.split('\n')[0] ?? null) },
    ],
  });
  return new Uint8Array(buffer);
}

/**
 * The heatmap of a sweep over two of its params (`view.axes`, default the first two; one param
 * gives one column). Params in `view.at` are held at those values; each cell reduces the
 * remaining ones (`view.others`): `best` shows the best combination over them (its params in the
 * cell's note), `mean` the mean metric of those with a value. The subtitle says which; a pair
 * --where excluded everywhere is marked so.
 */
export interface HeatmapView {
  axes?: string[];
  at?: Record<string, GridValue>;
  others?: 'best' | 'mean';
}

export function sweepHeatmap(sweep: SweepResult, view: HeatmapView = {}): HeatmapData {
  const byName = (name: string) => {
    const axis = sweep.axes.find((a) => a.name === name);
    if (!axis) throw new RangeError(`--heatmap-axes ${name}: not a swept param (${sweep.axes.map((a) => a.name).join(', ')})`);
    return axis;
  };
  const [rows, columns] = view.axes ? view.axes.map(byName) : sweep.axes;
  const at = view.at ?? {};
  for (const [name, value] of Object.entries(at)) {
    const axis = byName(name);
    if (axis === rows || axis === columns) throw new RangeError(`--heatmap-at ${name}: it is an axis of the heatmap`);
    if (!axis.values.some((v) => v === value)) throw new RangeError(`--heatmap-at ${name}=${value}: not one of its values (${axis.values.join(', ')})`);
  }
  const reduced = sweep.axes.filter((a) => a !== rows && a !== columns && !Object.hasOwn(at, a.name));
  const mean = view.others === 'mean';
  const m = sweep.metric;
  const better = (a: number, b: number) => (m.higherIsBetter ? a > b : a < b);
  const key = (r: GridValue, col: GridValue | undefined) => `${JSON.stringify(r)}|${columns ? JSON.stringify(col) : ''}`;
  const groups = new Map<string, SweepCell[]>();
  for (const c of sweep.cells) {
    if (Object.entries(at).some(([name, value]) => c.params[name] !== value)) continue;
    const k = key(c.params[rows.name], columns && c.params[columns.name]);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  const grid: HeatmapCell[][] = rows.values.map((r) =>
    (columns ? columns.values : [undefined]).map((col) => {
      const group = groups.get(key(r, col));
      if (!group) return { status: 'excluded', value: null, message: `excluded by --where '${sweep.where}'` };
      if (mean) {
        const values = group.map((c) => c.value).filter((v): v is number => v !== null && Number.isFinite(v));
        const ran = group.filter((c) => c.status === 'ok').length;
        return { status: ran ? 'ok' : (group[0].status as HeatmapCell['status']), value: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null, message: `mean of ${values.length} of ${group.length} combinations over ${reduced.map((a) => a.name).join(', ')}` };
      }
      const c = group.reduce((held, c) => (c.value !== null && (held.value === null || better(c.value, held.value)) ? c : held));
      const details = Object.fromEntries(Object.entries(c.metrics ?? {}).filter(([k]) => !['initialCash', 'periodsPerYear', 'startTime', 'endTime'].includes(k)));
      const others = reduced.map((a) => `${a.name}=${c.params[a.name]}`).join(', ');
      // A sweep runs every combination to its end: no cell of it is pruned.
      return { status: c.status as HeatmapCell['status'], value: c.value, ...(c.message || others ? { message: [others && `best at ${others}`, c.message].filter(Boolean).join('; ') } : {}), ...(c.metrics ? { details } : {}) };
    }),
  );
  const fixed = [...Object.entries(sweep.sets), ...Object.entries(at)].map(([k, v]) => `${k}=${v}`);
  return {
    title: sweep.graphName,
    subtitle: `${sweep.file}${fixed.length ? ` · ${fixed.join(' ')}` : ''}${sweep.where ? ` · --where ${sweep.where}` : ''} · ${sweep.cells.length} backtests${reduced.length ? ` · each cell the ${mean ? 'mean' : 'best'} over ${reduced.map((a) => a.name).join(', ')}` : ''}`,
    metric: { key: m.key, label: m.label, higherIsBetter: m.higherIsBetter, digits: m.digits },
    rows: { name: rows.name, values: rows.values },
    columns: columns ? { name: columns.name, values: columns.values } : undefined,
    cells: grid,
  };
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The folds (train and test windows, chosen params, in-sample against out-of-sample), then the stitched out-of-sample result, which is the one to believe. */
export function walkForwardText(wf: WalkForwardResult): string {
  const m = wf.metric;
  const names = wf.tune ? Object.keys(wf.tune.space) : wf.axes.map((a) => a.name);
  const search = wf.tune ? `${wf.tune.trials} trials of ${wf.tune.sampler === 'tpe' ? 'TPE' : 'random search'} (seed ${wf.tune.seed})` : `${wf.folds[0]?.combinations ?? 0} combinations`;
  const out = [`walk-forward of ${wf.graphName} (${wf.file}): train ${wf.train.text}${wf.anchored ? ' (anchored: from the start of the data)' : ' (rolling)'}, test ${wf.test.text}${wf.purge ? `, purge ${wf.purge.text}` : ''}; each train window: ${search} over ${names.join(', ')}${wf.where ? ` where ${wf.where}` : ''}, best by ${m.key}; ${(wf.elapsedMs / 1000).toFixed(1)} s`, ''];
  const header = ['fold', 'train', 'test', ...names, `IS ${m.key}`, `OOS ${m.key}`, 'OOS return %', 'OOS max DD %', 'OOS trades'];
  const rows = wf.folds.map((f) => [
    String(f.index + 1),
    `${day(f.trainFrom)}..${day(f.trainTo)}`,
    `${day(f.testFrom)}..${day(f.testTo)}`,
    ...names.map((n) => (f.params ? String(f.params[n]) : '-')),
    fmt(f.inSample, m.digits),
    fmt(finite(f.outOfSample?.[m.key as keyof typeof f.outOfSample] as number | undefined), m.digits),
    fmt(finite(f.outOfSample?.totalReturnPct), 2),
    fmt(finite(f.outOfSample?.maxDrawdownPct), 2),
    fmt(finite(f.outOfSample?.trades), 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  out.push('  ' + header.map((h, i) => h.padStart(widths[i])).join('  '), ...rows.map((r) => '  ' + r.map((v, i) => v.padStart(widths[i])).join('  ')));
  const s = wf.stitched;
  if (s) {
    const is = wf.folds.map((f) => f.inSample).filter((v): v is number => v !== null);
    const mean = is.length ? is.reduce((a, b) => a + b, 0) / is.length : NaN;
    out.push(
      '',
      `out of sample, the ${wf.folds.length} test windows stitched (${day(s.metrics.startTime)} .. ${day(s.metrics.endTime)}, ${s.metrics.bars.toLocaleString('en-US')} bars):`,
      `  ${m.key} ${fmt(finite(s.metrics[m.key as keyof typeof s.metrics] as number), m.digits)} against ${fmt(finite(mean), m.digits)} in sample (mean of the folds' best): the in-sample figure is what the optimiser chose, the out-of-sample one what it would have earned`,
      `  total return ${fmt(finite(s.metrics.totalReturnPct), 2)} %, CAGR ${fmt(finite(s.metrics.cagrPct), 2)} %, Sharpe ${fmt(finite(s.metrics.sharpe), 2)}, max drawdown ${fmt(finite(s.metrics.maxDrawdownPct), 2)} %, ${s.metrics.trades} trades (trade figures at each fold's starting cash)`,
      `  params chosen per fold: ${names.map((n) => `${n} ${wf.folds.map((f) => (f.params ? String(f.params[n]) : '-')).join(', ')}`).join('; ')}`,
    );
  }
  const f = wf.fixed;
  if (f) {
    out.push(`  against the graph's own ${paramText(f.params)} over the same span, never re-optimised: ${m.key} ${fmt(finite(f.metrics[m.key as keyof typeof f.metrics] as number), m.digits)}, total return ${fmt(finite(f.metrics.totalReturnPct), 2)} %, max drawdown ${fmt(finite(f.metrics.maxDrawdownPct), 2)} %, ${f.metrics.trades} trades`);
  }
  return out.join('\n');
}

const finite = (v: number | undefined | null) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);

export function walkForwardJson(wf: WalkForwardResult): Record<string, unknown> {
  const clean = (m: object | null) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v === 'number' && !Number.isFinite(v) ? null : v])) : null);
  return {
    graph: wf.graphName,
    file: wf.file,
    metric: wf.metric.key,
    train: wf.train.text,
    test: wf.test.text,
    anchored: wf.anchored,
    purge: wf.purge?.text ?? null,
    folds: wf.folds.map((f) => ({ ...f, trainFrom: day(f.trainFrom), trainTo: day(f.trainTo), testFrom: day(f.testFrom), testTo: day(f.testTo), outOfSample: clean(f.outOfSample) })),
    tune: wf.tune ?? null,
    stitched: wf.stitched ? clean(wf.stitched.metrics) : null,
    fixed: wf.fixed ? { params: wf.fixed.params, metrics: clean(wf.fixed.metrics) } : null,
    elapsedMs: Math.round(wf.elapsedMs),
  };
}

/** The walk-forward page's data (viz/walkForwardPage.ts): folds, the stitched equity beside the graph's own params, the params per fold. */
export function walkForwardPageData(wf: WalkForwardResult): WalkForwardPageData {
  const m = wf.metric;
  const names = wf.tune ? Object.keys(wf.tune.space) : wf.axes.map((a) => a.name);
  const ranges = wf.tune
    ? Object.fromEntries(Object.entries(wf.tune.space).map(([n, p]) => [n, p.type === 'categorical' ? p.choices.filter((c): c is string | number | boolean => c !== null) : [p.low, p.high]]))
    : Object.fromEntries(wf.axes.map((a) => [a.name, a.values]));
  const s = wf.stitched;
  const of = (metrics: Record<string, unknown> | null | undefined, key: string) => finite(metrics?.[key] as number | undefined);
  const is = wf.folds.map((f) => f.inSample).filter((v): v is number => v !== null);
  const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(2)} %`);
  const search = wf.tune ? `${wf.tune.trials} trials of ${wf.tune.sampler === 'tpe' ? 'TPE' : 'random search'} (seed ${wf.tune.seed})` : `${wf.folds[0]?.combinations ?? 0} combinations`;
  const fixedLabel = wf.fixed ? `the graph's own ${paramText(wf.fixed.params)}, never re-optimised` : '';
  return {
    title: `walk-forward: ${wf.graphName}`,
    subtitle: `${wf.file} · train ${wf.train.text}${wf.anchored ? ' anchored' : ' rolling'}, test ${wf.test.text}${wf.purge ? `, purge ${wf.purge.text}` : ''} · each train window: ${search} over ${names.join(', ')}${wf.where ? ` where ${wf.where}` : ''}, best by ${m.key}`,
    metric: { key: m.key, label: m.label, higherIsBetter: m.higherIsBetter, digits: m.digits },
    params: names,
    ranges,
    folds: wf.folds.map((f) => ({
      index: f.index + 1,
      trainFrom: f.trainFrom,
      trainTo: f.trainTo,
      testFrom: f.testFrom,
      testTo: f.testTo,
      params: f.params,
      inSample: f.inSample,
      outOfSample: of(f.outOfSample as unknown as Record<string, unknown>, m.key),
      returnPct: of(f.outOfSample as unknown as Record<string, unknown>, 'totalReturnPct'),
      trades: of(f.outOfSample as unknown as Record<string, unknown>, 'trades'),
    })),
    stitched: s ? { t: Array.from(s.eventTimes), equity: Array.from(s.equity) } : { t: [], equity: [] },
    ...(wf.fixed ? { comparisons: [{ label: fixedLabel, t: Array.from(wf.fixed.eventTimes), equity: Array.from(wf.fixed.equity) }] } : {}),
    summary: [
      { label: `${m.label} (in sample: mean of the folds' best)`, inSample: fmt(is.length ? is.reduce((a, b) => a + b, 0) / is.length : null, m.digits), outOfSample: fmt(of(s?.metrics as unknown as Record<string, unknown>, m.key), m.digits) },
      { label: 'Total return', inSample: '', outOfSample: pct(of(s?.metrics as unknown as Record<string, unknown>, 'totalReturnPct')) },
      { label: 'Max drawdown', inSample: '', outOfSample: pct(of(s?.metrics as unknown as Record<string, unknown>, 'maxDrawdownPct')) },
      { label: 'Trades', inSample: '', outOfSample: fmt(of(s?.metrics as unknown as Record<string, unknown>, 'trades'), 0) },
      ...(wf.fixed
        ? [
            { label: `${m.label}, ${fixedLabel}`, inSample: '', outOfSample: fmt(of(wf.fixed.metrics as unknown as Record<string, unknown>, m.key), m.digits) },
            { label: `Total return, ${fixedLabel}`, inSample: '', outOfSample: pct(of(wf.fixed.metrics as unknown as Record<string, unknown>, 'totalReturnPct')) },
          ]
        : []),
    ],
  };
}
