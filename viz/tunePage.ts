import { escapeHtml as esc, formatNumber, htmlPage, jsonScript } from './page.js';
import { viridis } from './heatmapPage.js';
import { CHART_CSS, ITEMS_JS, extent, linearScale, linearTicks, numberAxis, padded, plotArea, px, svgChart, type Axis, type Frame } from './svgChart.js';

/**
 * The page of `hean tune --page out.html`: how the search went (each trial's first objective by
 * trial number, with the best so far), the Pareto front when there are several objectives, which
 * params mattered, each param's slice (its value against the objective), and the best trials.
 * The charts are SVG computed here, so the page reads without JavaScript (every point has a
 * tooltip) and the same study gives the same bytes; the script only adds the details panel and
 * links a trial's marks across charts and tables.
 */

export type TuneParamValue = string | number | boolean | null;

export interface TuneObjective {
  key: string;
  label: string;
  higherIsBetter: boolean;
  digits: number;
}

export interface TuneParam {
  name: string;
  type: 'int' | 'float' | 'categorical';
  log?: boolean;
  low?: number;
  high?: number;
  choices?: TuneParamValue[];
}

export interface TuneTrial {
  number: number;
  params: Record<string, TuneParamValue>;
  /** One per objective; null when the run gave no value (e.g. a Sharpe without trades). */
  values: (number | null)[];
  state: 'complete' | 'pruned' | 'failed';
  prunedAtStep?: number;
  metrics?: Record<string, number | null>;
}

export interface TunePageData {
  /** e.g. 'tune: sma-cross'. */
  title: string;
  /** e.g. '100 trials of TPE (seed 0), sharpe maximised'. */
  subtitle?: string;
  /** One or more; the first drives the history, slices, importance and best-trials table. */
  objectives: TuneObjective[];
  params: TuneParam[];
  trials: TuneTrial[];
  /** Trial numbers on the Pareto front (several objectives). */
  paretoFront?: number[];
  /** Parameter importance for the first objective, sums to 1, descending. */
  importance?: { name: string; importance: number }[];
  /** Selection-luck figures shown as a note (how many trials; deflated Sharpe; PBO). */
  selection?: { trials: number; sharpe: number; expectedMaxSharpe: number; deflatedSharpe: number; pbo: number | null };
}

/** Rows in the best-trials table when there is no front to list. */
export const BEST_TRIALS = 10;

const WIDE: Frame = { width: 1200, height: 340, left: 70, right: 16, top: 14, bottom: 42 };
const PARETO: Frame = { width: 760, height: 420, left: 70, right: 16, top: 14, bottom: 42 };
const SLICE: Frame = { width: 392, height: 260, left: 60, right: 12, top: 10, bottom: 42 };

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** A param value as text: integers as they are, other numbers to 5 significant digits. */
export function paramText(v: TuneParamValue | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? formatNumber(v, 0).replace(/,/g, '') : String(Number(v.toPrecision(5)));
  return String(v);
}

function metricText(v: number | null): string {
  if (!finite(v)) return formatNumber(v);
  return Math.abs(v) >= 1e6 ? formatNumber(v, 0) : String(Number(v.toPrecision(6)));
}

/** Trial numbers as a short list: the first dozen, then how many more. */
function trialList(numbers: number[]): string {
  const shown = numbers.slice(0, 12).map((n) => `#${n}`).join(', ');
  return numbers.length > 12 ? `${shown} and ${numbers.length - 12} more` : shown;
}

function direction(o: TuneObjective): string {
  return o.higherIsBetter ? 'higher is better' : 'lower is better';
}

export function tunePage(data: TunePageData): string {
  const objective = data.objectives[0];
  if (!objective) throw new Error('tunePage: at least one objective is needed');
  const trials = [...data.trials].sort((a, b) => a.number - b.number);
  const fmt = (v: number | null, o: TuneObjective = objective) => formatNumber(v, o.digits);
  const better = (a: number, b: number) => (objective.higherIsBetter ? a > b : a < b);
  const complete = trials.filter((t) => t.state === 'complete');
  const ranked = complete.filter((t) => finite(t.values[0])).sort((a, b) => (better(a.values[0]!, b.values[0]!) ? -1 : better(b.values[0]!, a.values[0]!) ? 1 : a.number - b.number));
  const best = ranked[0];
  const count = (s: TuneTrial['state']) => trials.filter((t) => t.state === s).length;
  const paramLine = (t: TuneTrial) => data.params.map((p) => `${p.name}=${paramText(t.params[p.name])}`).join(', ');

  const body: string[] = ['<main class="tune-page hean-items" data-source="tune-details">'];
  body.push(`<h1>${esc(data.title)}</h1>`);
  if (data.subtitle) body.push(`<p class="sub">${esc(data.subtitle)}</p>`);
  const counts = `${trials.length} trial${trials.length === 1 ? '' : 's'}: ${count('complete')} complete, ${count('pruned')} pruned, ${count('failed')} failed`;
  body.push(
    `<p class="summary">${esc(counts)}${best ? ` · best ${esc(objective.label)} <strong>${esc(fmt(best.values[0]))}</strong> at trial #${best.number} <span class="muted">(${esc(paramLine(best))})</span>` : ` · <span class="neg">no complete trial has a value of ${esc(objective.label)}</span>`}</p>`,
  );
  if (data.selection) body.push(selectionNote(data.selection));

  body.push(`<h2>optimisation history <span class="muted small">${esc(objective.label)} by trial number, ${esc(direction(objective))}</span></h2>`);
  body.push(historyChart(trials, objective));

  if (data.objectives.length >= 2) {
    const [a, b] = data.objectives;
    body.push(`<h2>Pareto front <span class="muted small">${esc(a.label)} against ${esc(b.label)}; the front is the trials no other trial beats on both</span></h2>`);
    body.push(paretoChart(complete, a, b, data.paretoFront));
  }

  if (data.importance?.length) {
    body.push(`<h2>parameter importance <span class="muted small">for ${esc(objective.label)}; shares sum to 1</span></h2>`);
    body.push(importanceBars(data.importance));
  }

  if (data.params.length) {
    body.push(`<h2>slices <span class="muted small">each param's value against ${esc(objective.label)} (complete trials); colour is trial order, early <i class="swatch" style="background:${viridis(0)}"></i> to late <i class="swatch" style="background:${viridis(1)}"></i></span></h2>`);
    body.push(`<div class="slices">${data.params.map((p) => sliceChart(p, complete, objective)).join('\n')}</div>`);
  }

  const front = data.objectives.length >= 2 && data.paretoFront ? new Set(data.paretoFront) : undefined;
  const listed = front ? ranked.filter((t) => front.has(t.number)) : ranked.slice(0, BEST_TRIALS);
  body.push(
    front
      ? `<h2>Pareto front trials <span class="muted small">${listed.length}, by ${esc(objective.label)}</span></h2>`
      : `<h2>best trials <span class="muted small">the top ${Math.min(BEST_TRIALS, ranked.length)} of ${ranked.length} complete trials with a value, by ${esc(objective.label)}</span></h2>`,
  );
  body.push(listed.length ? trialTable(listed, data, 'best') : '<p class="note">No complete trial has a value to rank.</p>');
  if (trials.length) body.push(`<details class="all-trials"><summary>all ${trials.length} trials</summary>${trialTable(trials, data, 'all')}</details>`);

  body.push('<footer class="muted">made by hean · point at a trial (a dot or a row) for its params and metrics; click to pin</footer>');
  body.push(jsonScript('tune-details', trialDetails(trials, data)));
  body.push('</main>');
  return htmlPage({ title: data.title, css: CHART_CSS + TUNE_CSS, body: body.join('\n'), scripts: [ITEMS_JS] });
}

function selectionNote(s: NonNullable<TunePageData['selection']>): string {
  const text =
    `Selection luck: the best of ${s.trials} trials has a Sharpe of ${formatNumber(s.sharpe, 2)}, while the best of ${s.trials} worthless trials would reach ${formatNumber(s.expectedMaxSharpe, 2)} by luck alone (expected maximum). ` +
    `Deflated Sharpe ratio ${formatNumber(s.deflatedSharpe, 2)}: the probability that the true Sharpe beats that.` +
    (s.pbo === null ? '' : ` Probability of backtest overfitting (CSCV) ${formatNumber(s.pbo, 2)}: how often the in-sample best lands in the bottom half out of sample.`);
  const cls = s.deflatedSharpe < 0.5 || (s.pbo !== null && s.pbo > 0.5) ? ' warn' : '';
  return `<p class="callout selection${cls}">${esc(text)}</p>`;
}

/** The x axis of trial numbers (integer ticks only). */
function trialAxis(numbers: number[], range: [number, number]): Axis {
  const domain = padded(extent(numbers) ?? [0, 1], 0.02);
  const ticks = linearTicks(domain[0], domain[1], 10).filter((v) => Number.isInteger(v));
  return { scale: linearScale(domain, range), ticks: ticks.map((v) => ({ v, label: String(v) })), title: 'trial' };
}

function historyChart(trials: TuneTrial[], o: TuneObjective): string {
  const drawn = trials.filter((t) => t.state !== 'failed' && finite(t.values[0]));
  const failed = trials.filter((t) => t.state === 'failed').map((t) => t.number);
  const infinite = trials.filter((t) => t.state !== 'failed' && t.values[0] !== null && t.values[0] !== undefined && !Number.isFinite(t.values[0])).map((t) => t.number);
  const noValue = trials.filter((t) => t.state !== 'failed' && (t.values[0] === null || t.values[0] === undefined));
  const notes: string[] = [];
  if (failed.length) notes.push(`${failed.length} failed (${trialList(failed)})`);
  const noValueComplete = noValue.filter((t) => t.state === 'complete').map((t) => t.number);
  const noValuePruned = noValue.filter((t) => t.state === 'pruned').map((t) => t.number);
  if (noValueComplete.length) notes.push(`${noValueComplete.length} complete without a value (${trialList(noValueComplete)})`);
  if (noValuePruned.length) notes.push(`${noValuePruned.length} pruned before a value (${trialList(noValuePruned)})`);
  if (infinite.length) notes.push(`${infinite.length} with an infinite value (${trialList(infinite)})`);
  const note = notes.length ? `<p class="note">Not drawn: ${esc(notes.join('; '))}.</p>` : '';
  if (!drawn.length) return `<p class="note">No trial has a finite ${esc(o.label)} to draw.</p>${note}`;

  const area = plotArea(WIDE);
  const x = trialAxis(trials.map((t) => t.number), area.x);
  const y = numberAxis(padded(extent(drawn.map((t) => t.values[0]!))!, 0.06), area.y, { title: o.label });
  const marks: string[] = [];
  // Best so far: a step line through the complete trials, flat until a trial beats it.
  let bestValue: number | undefined;
  let path = '';
  for (const t of drawn) {
    if (t.state !== 'complete') continue;
    const v = t.values[0]!;
    if (bestValue === undefined) {
      bestValue = v;
      path = `M${px(x.scale(t.number))} ${px(y.scale(v))}`;
    } else if (o.higherIsBetter ? v > bestValue : v < bestValue) {
      bestValue = v;
      path += `H${px(x.scale(t.number))}V${px(y.scale(v))}`;
    }
  }
  const last = trials[trials.length - 1].number;
  if (path) marks.push(`<path class="best-line" d="${path}H${px(x.scale(last))}"/>`);
  for (const t of drawn) {
    const title = `trial #${t.number} (${t.state}${t.prunedAtStep !== undefined ? ` at step ${t.prunedAtStep}` : ''}): ${o.label} ${formatNumber(t.values[0], o.digits)}`;
    const r = t.state === 'complete' ? 4 : 3.5;
    marks.push(`<circle class="trial ${t.state}" data-item="${t.number}" cx="${px(x.scale(t.number))}" cy="${px(y.scale(t.values[0]!))}" r="${r}"><title>${esc(title)}</title></circle>`);
  }
  const legend = `<div class="legend"><span><i class="dot complete"></i>complete</span><span><i class="dot pruned"></i>pruned</span>${path ? '<span><i class="best"></i>best so far</span>' : ''}</div>`;
  return `${legend}${svgChart(WIDE, x, y, marks, { cls: 'history', label: `${o.label} by trial` })}${note}`;
}

function paretoChart(complete: TuneTrial[], a: TuneObjective, b: TuneObjective, paretoFront: number[] | undefined): string {
  const drawn = complete.filter((t) => finite(t.values[0]) && finite(t.values[1]));
  const skipped = complete.length - drawn.length;
  const note = skipped ? `<p class="note">${skipped} complete trial${skipped === 1 ? '' : 's'} without finite values of both objectives not drawn.</p>` : '';
  if (!drawn.length) return `<p class="note">No complete trial has finite values of both ${esc(a.label)} and ${esc(b.label)}.</p>`;
  const front = new Set(paretoFront ?? []);
  const area = plotArea(PARETO);
  const x = numberAxis(padded(extent(drawn.map((t) => t.values[0]!))!, 0.05), area.x, { title: `${a.label} (${direction(a)})`, count: 8 });
  const y = numberAxis(padded(extent(drawn.map((t) => t.values[1]!))!, 0.06), area.y, { title: `${b.label} (${direction(b)})` });
  const onFront = drawn.filter((t) => front.has(t.number)).sort((p, q) => p.values[0]! - q.values[0]! || p.values[1]! - q.values[1]!);
  const marks: string[] = [];
  if (onFront.length > 1) marks.push(`<polyline class="front-line" points="${onFront.map((t) => `${px(x.scale(t.values[0]!))},${px(y.scale(t.values[1]!))}`).join(' ')}"/>`);
  // The front last, so its points are on top.
  for (const t of [...drawn.filter((t) => !front.has(t.number)), ...onFront]) {
    const isFront = front.has(t.number);
    const title = `trial #${t.number}${isFront ? ' (on the front)' : ''}: ${a.label} ${formatNumber(t.values[0], a.digits)}, ${b.label} ${formatNumber(t.values[1], b.digits)}`;
    marks.push(`<circle class="trial${isFront ? ' front' : ''}" data-item="${t.number}" cx="${px(x.scale(t.values[0]!))}" cy="${px(y.scale(t.values[1]!))}" r="${isFront ? 5 : 3.5}"><title>${esc(title)}</title></circle>`);
  }
  const legend = `<div class="legend"><span><i class="dot front"></i>on the front (${onFront.length})</span><span><i class="dot other"></i>dominated (${drawn.length - onFront.length})</span></div>`;
  const missing = paretoFront ? '' : '<p class="note">No front was given.</p>';
  return `${legend}${svgChart(PARETO, x, y, marks, { cls: 'pareto', label: `${a.label} against ${b.label}` })}${note}${missing}`;
}

function importanceBars(importance: { name: string; importance: number }[]): string {
  const top = Math.max(...importance.map((i) => (Number.isFinite(i.importance) ? i.importance : 0)), 0) || 1;
  const rows = importance.map((i) => {
    const width = Number.isFinite(i.importance) ? Math.max(0, (i.importance / top) * 100) : 0;
    return `<div class="imp-row"><span class="name">${esc(i.name)}</span><span class="bar"><i style="width:${px(width)}%"></i></span><span class="val">${esc(formatNumber(i.importance, 2))}</span></div>`;
  });
  return `<div class="importance">${rows.join('')}</div>`;
}

/** A param's value on a numeric axis: its [low, high] when given, else the values' extent; log when asked and positive. */
function sliceAxis(p: TuneParam, values: number[], range: [number, number]): Axis {
  const given = finite(p.low) && finite(p.high) && p.high > p.low ? ([p.low, p.high] as [number, number]) : undefined;
  const base = given ?? extent(values) ?? [0, 1];
  const lo = Math.min(base[0], ...values);
  const hi = Math.max(base[1], ...values);
  if (p.log && lo > 0) {
    const pad = (hi / lo) ** 0.04;
    return numberAxis([lo / pad, hi * pad], range, { log: true, title: `${p.name} (log)` });
  }
  const axis = numberAxis(padded(hi > lo ? [lo, hi] : extent([lo])!, 0.04), range, { title: p.name, count: 4 });
  return p.type === 'int' ? { ...axis, ticks: axis.ticks.filter((t) => Number.isInteger(t.v)) } : axis;
}

function sliceChart(p: TuneParam, complete: TuneTrial[], o: TuneObjective): string {
  const area = plotArea(SLICE);
  const withValue = complete.filter((t) => finite(t.values[0]));
  const categorical = p.type === 'categorical';
  const categories: string[] = (p.choices ?? []).map((c) => paramText(c));
  const points: { t: TuneTrial; x: number }[] = [];
  let x: Axis;
  if (categorical) {
    for (const t of withValue) if (Object.hasOwn(t.params, p.name) && !categories.includes(paramText(t.params[p.name]))) categories.push(paramText(t.params[p.name]));
    const band = (area.x[1] - area.x[0]) / Math.max(1, categories.length);
    const every = Math.ceil(categories.length / 10);
    x = {
      scale: (k) => area.x[0] + band * (k + 0.5),
      ticks: categories.map((c, k) => ({ v: k, label: c.length > 14 ? `${c.slice(0, 13)}…` : c })).filter((_, k) => k % every === 0),
      title: p.name,
    };
    for (const t of withValue) {
      if (!Object.hasOwn(t.params, p.name)) continue;
      // A fixed spread inside the category (by trial number), so equal values do not hide each other.
      const jitter = (((t.number * 0.6180339887) % 1) - 0.5) * band * 0.5;
      points.push({ t, x: x.scale(categories.indexOf(paramText(t.params[p.name]))) + jitter });
    }
  } else {
    const numeric = withValue.filter((t) => finite(t.params[p.name] as number | null) && typeof t.params[p.name] === 'number');
    x = sliceAxis(p, numeric.map((t) => t.params[p.name] as number), area.x);
    for (const t of numeric) points.push({ t, x: x.scale(t.params[p.name] as number) });
  }
  const skipped = withValue.length - points.length;
  const head = `<figure class="slice"><figcaption>${esc(p.name)} <span class="muted">${esc(p.type)}${p.log ? ', log' : ''}${!categorical && finite(p.low) && finite(p.high) ? ` in [${paramText(p.low!)}, ${paramText(p.high!)}]` : ''}</span></figcaption>`;
  const skippedNote = skipped ? `<p class="note">${skipped} trial${skipped === 1 ? '' : 's'} without a value of ${esc(p.name)}.</p>` : '';
  if (!points.length) return `${head}<p class="note">No complete trial with a value of ${esc(o.label)}.</p>${skippedNote}</figure>`;
  const y = numberAxis(padded(extent(points.map((q) => q.t.values[0]!))!, 0.06), area.y, { title: o.label, count: 6 });
  const order = [...points].sort((a, b) => a.t.number - b.t.number);
  const rank = new Map(order.map((q, k) => [q.t.number, order.length > 1 ? k / (order.length - 1) : 1]));
  const marks = order.map(({ t, x: cx }) => {
    const title = `trial #${t.number}: ${p.name}=${paramText(t.params[p.name])}, ${o.label} ${formatNumber(t.values[0], o.digits)}`;
    return `<circle class="trial" data-item="${t.number}" cx="${px(cx)}" cy="${px(y.scale(t.values[0]!))}" r="3.5" style="fill:${viridis(rank.get(t.number)!)}"><title>${esc(title)}</title></circle>`;
  });
  return `${head}${svgChart(SLICE, x, y, marks, { cls: 'slice-chart', label: `${p.name} against ${o.label}` })}${skippedNote}</figure>`;
}

function trialTable(rows: TuneTrial[], data: TunePageData, cls: string): string {
  const head = [
    '<th>trial</th>',
    ...data.objectives.map((o) => `<th>${esc(o.label)}</th>`),
    ...data.params.map((p) => `<th class="l">${esc(p.name)}</th>`),
    '<th class="l">state</th>',
  ].join('');
  const body = rows.map((t) => {
    const cells = [
      `<td>#${t.number}</td>`,
      ...data.objectives.map((o, k) => `<td>${esc(formatNumber(t.values[k] ?? null, o.digits))}</td>`),
      ...data.params.map((p) => `<td class="l mono">${esc(paramText(t.params[p.name]))}</td>`),
      `<td class="l${t.state === 'failed' ? ' neg' : t.state === 'pruned' ? ' muted' : ''}">${esc(t.state)}${t.prunedAtStep !== undefined ? ` at step ${t.prunedAtStep}` : ''}</td>`,
    ];
    return `<tr data-item="${t.number}">${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="data trials ${esc(cls)}"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`;
}

/** What the details panel shows for each trial, formatted here so the script only places text. */
function trialDetails(trials: TuneTrial[], data: TunePageData): Record<string, { title: string; rows: [string, string][] }> {
  const out: Record<string, { title: string; rows: [string, string][] }> = {};
  for (const t of trials) {
    const rows: [string, string][] = [
      ...data.objectives.map((o, k): [string, string] => [o.label, formatNumber(t.values[k] ?? null, o.digits)]),
      ...data.params.map((p): [string, string] => [p.name, paramText(t.params[p.name])]),
      // The objectives are shown above under their labels.
      ...Object.entries(t.metrics ?? {})
        .filter(([k]) => !data.objectives.some((o) => o.key === k))
        .map(([k, v]): [string, string] => [k, metricText(v)]),
    ];
    out[String(t.number)] = { title: `trial #${t.number} · ${t.state}${t.prunedAtStep !== undefined ? ` at step ${t.prunedAtStep}` : ''}`, rows };
  }
  return out;
}

export const TUNE_CSS = `
.summary { margin: 4px 0 8px; }
.callout { border-left: 3px solid var(--accent); background: var(--panel); padding: 6px 10px; margin: 8px 0; font-size: 13px; max-width: 980px; }
.callout.warn { border-left-color: var(--warn); }
i.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: middle; margin: 0 2px; }
svg.chart circle.trial.complete { fill: #2563eb; fill-opacity: 0.8; stroke: #fff; stroke-width: 0.8; }
svg.chart circle.trial.pruned { fill: #fff; stroke: #9ca3af; stroke-width: 1.4; }
svg.chart .best-line { pointer-events: none; fill: none; stroke: #ea580c; stroke-width: 2; stroke-linejoin: round; }
svg.chart circle.trial { stroke: #fff; stroke-width: 0.6; }
svg.pareto circle.trial { fill: #9ca3af; fill-opacity: 0.7; }
svg.pareto circle.trial.front { fill: #2563eb; fill-opacity: 1; stroke: #1e3a8a; stroke-width: 1.2; }
svg.pareto .front-line { pointer-events: none; fill: none; stroke: #2563eb; stroke-width: 1.5; stroke-dasharray: 4 3; }
svg.chart circle.trial.hl { stroke: #111827; stroke-width: 2.5; }
.legend i.dot.complete { background: #2563eb; border-color: #2563eb; }
.legend i.dot.pruned { background: #fff; border-color: #9ca3af; }
.legend i.best { border-color: #ea580c; }
.legend i.dot.front { background: #2563eb; border-color: #1e3a8a; }
.legend i.dot.other { background: #9ca3af; border-color: #9ca3af; }
.importance { display: grid; grid-template-columns: max-content minmax(200px, 560px) max-content; gap: 4px 12px; align-items: center; font-size: 13px; }
.imp-row { display: contents; }
.imp-row .name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.imp-row .bar { background: var(--panel); border-radius: 3px; height: 14px; }
.imp-row .bar i { display: block; height: 100%; background: #2563eb; border-radius: 3px; }
.imp-row .val { font-variant-numeric: tabular-nums; color: var(--muted); }
.slices { display: grid; grid-template-columns: repeat(auto-fill, minmax(392px, 1fr)); gap: 12px 16px; }
figure.slice { margin: 0; }
figure.slice figcaption { font-weight: 600; font-size: 13px; margin-bottom: 2px; }
figure.slice figcaption .muted { font-weight: normal; }
details.all-trials { margin-top: 12px; }
details.all-trials summary { cursor: pointer; color: var(--accent); }
`;
