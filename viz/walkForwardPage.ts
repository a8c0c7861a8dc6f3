import { escapeHtml as esc, formatNumber, htmlPage, jsonScript } from './page.js';
import { downsampleIndices } from './downsample.js';
import { CHART_CSS, ITEMS_JS, extent, formatDate, linearScale, numberAxis, padded, plotArea, px, svgChart, timeTicks, type Axis, type Frame } from './svgChart.js';

/**
 * The page of `hean walkforward --page out.html`: the headline figures in and out of sample, the
 * stitched out-of-sample equity (each fold's test window shaded and numbered, comparison curves
 * on the same axes), the folds one by one, and how the chosen params moved from fold to fold.
 * The charts are SVG computed here (same data, same bytes; readable without JavaScript); the
 * script only adds a details panel and links a fold's band, points and table row.
 */

export type WalkForwardParamValue = string | number | boolean;

export interface WalkForwardFold {
  index: number;
  /** Epoch ms. */
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
  /** The params chosen in sample; null when no trial of the fold gave a value. */
  params: Record<string, WalkForwardParamValue> | null;
  inSample: number | null;
  outOfSample: number | null;
  returnPct: number | null;
  trades: number | null;
}

export interface WalkForwardPageData {
  title: string;
  subtitle?: string;
  metric: { key: string; label: string; higherIsBetter: boolean; digits: number };
  params: string[];
  /** Each param's grid, to scale the stability chart (numbers or categories). */
  ranges?: Record<string, WalkForwardParamValue[]>;
  folds: WalkForwardFold[];
  /** The stitched out-of-sample equity (epoch ms, equity), the headline. */
  stitched: { t: number[]; equity: number[] };
  /** Optional comparison curves on the same axes (e.g. fixed default params over the same span). */
  comparisons?: { label: string; t: number[]; equity: number[] }[];
  /** Headline rows: label, in-sample, out-of-sample (already formatted strings). */
  summary: { label: string; inSample: string; outOfSample: string }[];
}

/** Points per equity curve at most about 4 × this (downsampleIndices' buckets). */
export const EQUITY_BUCKETS = 400;

/**
 * The equity axis is logarithmic when every value drawn is positive and the largest is at least
 * this many times the smallest: over a range that wide equal percentage moves should look equal;
 * over a narrower one a linear axis reads more easily and differs little.
 */
export const LOG_EQUITY_RATIO = 2;

const EQUITY: Frame = { width: 1200, height: 380, left: 72, right: 16, top: 22, bottom: 36 };
const STABILITY: Frame = { width: 592, height: 220, left: 90, right: 14, top: 10, bottom: 40 };
const DAY = 86_400_000;
const COMPARISON_COLORS = ['#6b7280', '#b45309', '#7c3aed', '#0d9488', '#db2777'];

const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

function valueText(v: WalkForwardParamValue | undefined): string {
  if (v === undefined) return '—';
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(5)));
  return String(v);
}

export function walkForwardPage(data: WalkForwardPageData): string {
  const body: string[] = ['<main class="walkforward-page hean-items" data-source="walkforward-details">'];
  body.push(`<h1>${esc(data.title)} <span class="muted">— ${esc(data.metric.label)}</span></h1>`);
  if (data.subtitle) body.push(`<p class="sub">${esc(data.subtitle)}</p>`);

  if (data.summary.length) {
    const rows = data.summary.map((s) => `<tr><td class="l">${esc(s.label)}</td><td>${esc(s.inSample)}</td><td class="oos">${esc(s.outOfSample)}</td></tr>`);
    body.push(`<table class="data headline"><thead><tr><th class="l"></th><th>in sample</th><th>out of sample</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
  }

  body.push(equitySection(data));

  body.push(`<h2>folds <span class="muted small">${data.folds.length}; dates UTC; params chosen on the train window by ${esc(data.metric.label)} (${data.metric.higherIsBetter ? 'higher' : 'lower'} is better), then run on the test window</span></h2>`);
  body.push(data.folds.length ? foldTable(data) : '<p class="note">No folds.</p>');

  if (data.params.length && data.folds.length) {
    body.push('<h2>parameter stability <span class="muted small">the value chosen in each fold; a stable strategy keeps its params</span></h2>');
    body.push(`<div class="stability">${data.params.map((p) => stabilityChart(p, data)).join('\n')}</div>`);
  }

  body.push('<footer class="muted">made by hean · point at a fold (a band, a point or a row) for its details; click to pin</footer>');
  body.push(jsonScript('walkforward-details', foldDetails(data)));
  body.push('</main>');
  return htmlPage({ title: `${data.title} — walk-forward`, css: CHART_CSS + WALK_FORWARD_CSS, body: body.join('\n'), scripts: [ITEMS_JS] });
}

interface Curve {
  label: string;
  cls: string;
  color: string;
  points: [number, number][];
  dropped: number;
}

/** A curve's finite points, downsampled for display (every kept point is a point of the data). */
function curve(label: string, cls: string, color: string, t: number[], equity: number[]): Curve {
  const kept: [number, number][] = [];
  const n = Math.min(t.length, equity.length);
  const ts: number[] = [];
  const es: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(t[i]) && Number.isFinite(equity[i])) {
      ts.push(t[i]);
      es.push(equity[i]);
    }
  }
  for (const i of downsampleIndices(ts.length, [es], EQUITY_BUCKETS)) kept.push([ts[i], es[i]]);
  return { label, cls, color, points: kept, dropped: n - ts.length };
}

function equitySection(data: WalkForwardPageData): string {
  const curves = [
    curve('walk-forward, out of sample (stitched)', 'stitched', '#2563eb', data.stitched.t, data.stitched.equity),
    ...(data.comparisons ?? []).map((c, k) => curve(c.label, 'comparison', COMPARISON_COLORS[k % COMPARISON_COLORS.length], c.t, c.equity)),
  ];
  const values = curves.flatMap((c) => c.points.map((p) => p[1]));
  const bounds = extent(values);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const log = values.length > 0 && lo > 0 && hi / lo >= LOG_EQUITY_RATIO;
  const out: string[] = [`<h2>out-of-sample equity <span class="muted small">the test windows stitched, ${log ? 'log' : 'linear'} scale; shaded bands are the folds' test windows</span></h2>`];
  const notes = curves.filter((c) => c.dropped).map((c) => `${c.dropped} non-finite point${c.dropped === 1 ? '' : 's'} of ${c.label} not drawn`);
  const noteText = notes.length ? `<p class="note">${esc(notes.join('; '))}.</p>` : '';
  if (!bounds) return `${out.join('')}<p class="note">No stitched out-of-sample equity to draw.</p>${noteText}`;

  const folds = data.folds.filter((f) => Number.isFinite(f.testFrom) && Number.isFinite(f.testTo));
  const times = [...curves.flatMap((c) => c.points.map((p) => p[0])), ...folds.flatMap((f) => [f.testFrom, f.testTo])];
  // One instant still gets a day's width (extent's ±10 % of an epoch time would be years).
  const [t0, t1] = Math.min(...times) < Math.max(...times) ? extent(times)! : [times[0] - DAY, times[0] + DAY];
  const area = plotArea(EQUITY);
  const x: Axis = { scale: linearScale([t0, t1], area.x), ticks: timeTicks(t0, t1, 10) };
  const y = log ? numberAxis([lo / (hi / lo) ** 0.03, hi * (hi / lo) ** 0.03], area.y, { log: true, title: 'equity' }) : numberAxis(padded(bounds, 0.05), area.y, { title: 'equity' });

  // Bands under the gridlines' labels: the frame draws them right after its background.
  const bands = folds.map((f, k) => {
    const x0 = x.scale(f.testFrom);
    const x1 = x.scale(f.testTo);
    const title = `fold ${f.index}: test ${formatDate(f.testFrom)} .. ${formatDate(f.testTo)}, ${data.metric.label} out of sample ${formatNumber(f.outOfSample, data.metric.digits)}`;
    return `<g class="fold-band ${k % 2 ? 'odd' : 'even'}" data-item="${f.index}"><rect x="${px(x0)}" y="${px(area.y[1])}" width="${px(Math.max(0, x1 - x0))}" height="${px(area.y[0] - area.y[1])}"/><text x="${px((x0 + x1) / 2)}" y="${px(area.y[1] - 6)}" text-anchor="middle">${f.index}</text><title>${esc(title)}</title></g>`;
  });
  const lines = [...curves.slice(1), curves[0]]
    .filter((c) => c.points.length)
    .map((c) => {
      const d = c.points.map(([t, v], i) => `${i ? 'L' : 'M'}${px(x.scale(t))} ${px(y.scale(v))}`).join('');
      const marker = c.points.length === 1 ? `<circle class="equity-point ${c.cls}" cx="${px(x.scale(c.points[0][0]))}" cy="${px(y.scale(c.points[0][1]))}" r="3" style="fill:${c.color}"/>` : '';
      return `<path class="equity ${c.cls}" data-points="${c.points.length}" d="${d}" style="stroke:${c.color}"><title>${esc(c.label)}</title></path>${marker}`;
    });
  const legend = `<div class="legend">${curves.map((c) => `<span><i class="${c.cls}" style="border-color:${c.color}"></i>${esc(c.label)}</span>`).join('')}<span><i class="band"></i>fold test window</span></div>`;
  out.push(legend, svgChart(EQUITY, x, y, lines, { cls: 'equity-chart', label: 'stitched out-of-sample equity', underlay: bands }), noteText);
  return out.join('');
}

function foldTable(data: WalkForwardPageData): string {
  const m = data.metric;
  const head = `<tr><th>fold</th><th class="l">train</th><th class="l">test</th>${data.params.map((p) => `<th class="l">${esc(p)}</th>`).join('')}<th>${esc(m.label)} in sample</th><th>${esc(m.label)} out of sample</th><th>return %</th><th>trades</th></tr>`;
  const rows = data.folds.map((f) => {
    const params = f.params
      ? data.params.map((p) => `<td class="l mono">${esc(valueText(f.params![p]))}</td>`).join('')
      : `<td class="l muted" colspan="${data.params.length}">no params: no trial had a value in sample</td>`;
    const ret = f.returnPct;
    const cells = [
      `<td>${f.index}</td>`,
      `<td class="l">${esc(`${formatDate(f.trainFrom)} .. ${formatDate(f.trainTo)}`)}</td>`,
      `<td class="l">${esc(`${formatDate(f.testFrom)} .. ${formatDate(f.testTo)}`)}</td>`,
      data.params.length ? params : '',
      `<td>${esc(formatNumber(f.inSample, m.digits))}</td>`,
      `<td class="oos">${esc(formatNumber(f.outOfSample, m.digits))}</td>`,
      `<td class="${finite(ret) ? (ret > 0 ? 'pos' : ret < 0 ? 'neg' : '') : 'muted'}">${esc(formatNumber(ret, 2))}</td>`,
      `<td>${f.trades === null ? 'n/a' : esc(formatNumber(f.trades, 0))}</td>`,
    ];
    return `<tr data-item="${f.index}"${f.params ? '' : ' class="no-params"'}>${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="data folds"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/**
 * One param's chosen value per fold: x is the fold (in order), y the param's range (its grid when
 * given, else the values seen); numbers on a linear axis, anything else as ordered categories.
 */
function stabilityChart(param: string, data: WalkForwardPageData): string {
  const area = plotArea(STABILITY);
  const folds = data.folds;
  const chosen = folds.map((f) => (f.params && Object.hasOwn(f.params, param) ? f.params[param] : undefined));
  const grid = data.ranges?.[param] ?? [];
  const numeric = [...grid, ...chosen.filter((v) => v !== undefined)].every((v) => typeof v === 'number' && Number.isFinite(v));
  const band = (area.x[1] - area.x[0]) / folds.length;
  const x: Axis = {
    scale: (k) => area.x[0] + band * (k + 0.5),
    ticks: folds.map((f, k) => ({ v: k, label: String(f.index) })).filter((_, k) => k % Math.ceil(folds.length / 24) === 0),
    title: 'fold',
  };
  let y: Axis;
  let position: (v: WalkForwardParamValue) => number;
  if (numeric) {
    const values = [...grid, ...chosen.filter((v) => v !== undefined)] as number[];
    const axis = numberAxis(padded(extent(values) ?? [0, 1], 0.08), area.y, { count: 4 });
    // A small grid is its own set of ticks: every value the search could choose has a line.
    const gridTicks = [...new Set(grid as number[])].sort((a, b) => a - b).map((v) => ({ v, label: valueText(v) }));
    y = gridTicks.length >= 2 && gridTicks.length <= 10 ? { ...axis, ticks: gridTicks } : axis;
    position = (v) => y.scale(v as number);
  } else {
    const categories = grid.map(valueText);
    for (const v of chosen) if (v !== undefined && !categories.includes(valueText(v))) categories.push(valueText(v));
    const scale = linearScale([-0.5, Math.max(0.5, categories.length - 0.5)], area.y);
    const every = Math.ceil(categories.length / 8);
    y = { scale, ticks: categories.map((c, k) => ({ v: k, label: c.length > 12 ? `${c.slice(0, 11)}…` : c })).filter((_, k) => k % every === 0) };
    position = (v) => scale(categories.indexOf(valueText(v)));
  }
  // Steps: a value holds until the next fold's; a fold without params breaks the line.
  let d = '';
  let previous: number | undefined;
  const marks: string[] = [];
  chosen.forEach((v, k) => {
    if (v === undefined) {
      previous = undefined;
      return;
    }
    const cx = x.scale(k);
    const cy = position(v);
    d += previous === undefined ? `M${px(cx)} ${px(cy)}` : `H${px(cx)}V${px(cy)}`;
    previous = cy;
    marks.push(`<circle class="choice" data-item="${folds[k].index}" cx="${px(cx)}" cy="${px(cy)}" r="4"><title>${esc(`fold ${folds[k].index}: ${param}=${valueText(v)}`)}</title></circle>`);
  });
  const missing = chosen.filter((v) => v === undefined).length;
  const head = `<figure class="stability-param"><figcaption>${esc(param)}${missing ? ` <span class="muted">(${missing} fold${missing === 1 ? '' : 's'} without a choice)</span>` : ''}</figcaption>`;
  return `${head}${svgChart(STABILITY, x, y, [...(d ? [`<path class="steps" d="${d}"/>`] : []), ...marks], { cls: 'stability-chart', label: `${param} by fold` })}</figure>`;
}

function foldDetails(data: WalkForwardPageData): Record<string, { title: string; rows: [string, string][] }> {
  const m = data.metric;
  const out: Record<string, { title: string; rows: [string, string][] }> = {};
  for (const f of data.folds) {
    const rows: [string, string][] = [
      ['train', `${formatDate(f.trainFrom)} .. ${formatDate(f.trainTo)}`],
      ['test', `${formatDate(f.testFrom)} .. ${formatDate(f.testTo)}`],
      ...(f.params ? data.params.map((p): [string, string] => [p, valueText(f.params![p])]) : [['params', 'none (no trial had a value in sample)'] as [string, string]]),
      [`${m.label} in sample`, formatNumber(f.inSample, m.digits)],
      [`${m.label} out of sample`, formatNumber(f.outOfSample, m.digits)],
      ['return %', formatNumber(f.returnPct, 2)],
      ['trades', f.trades === null ? 'n/a' : formatNumber(f.trades, 0)],
    ];
    out[String(f.index)] = { title: `fold ${f.index}`, rows };
  }
  return out;
}

export const WALK_FORWARD_CSS = `
table.headline { margin: 8px 0 4px; font-size: 14px; }
table.headline td.l { color: var(--muted); }
table.headline td.oos, table.folds td.oos { font-weight: 600; }
svg.chart .fold-band rect { fill: #f3f4f6; }
svg.chart .fold-band.odd rect { fill: #e9edf3; }
svg.chart .fold-band text { fill: var(--muted); font-size: 10.5px; }
svg.chart .fold-band.hl rect { fill: #dbeafe; }
svg.chart path.equity { fill: none; stroke-width: 1.2; stroke-linejoin: round; pointer-events: none; }
svg.chart path.equity.stitched { stroke-width: 2; }
svg.chart path.steps { pointer-events: none; fill: none; stroke: #2563eb; stroke-width: 1.6; }
svg.chart circle.choice { fill: #2563eb; stroke: #fff; stroke-width: 1; }
svg.chart circle.choice.hl { stroke: #111827; stroke-width: 2.5; }
.legend i.stitched { border-top-width: 3px; }
.legend i.band { height: 10px; border: 0; background: #e9edf3; }
table.folds tr.no-params td { background: #fffbeb; }
.stability { display: grid; grid-template-columns: repeat(auto-fill, minmax(592px, 1fr)); gap: 12px 24px; }
figure.stability-param { margin: 0; }
figure.stability-param figcaption { font-weight: 600; font-size: 13px; margin-bottom: 2px; }
figure.stability-param figcaption .muted { font-weight: normal; }
`;
