import { escapeHtml as esc, formatNumber, htmlPage, jsonScript } from './page.js';

/**
 * A heatmap of one metric over two swept params (rows x columns; one param gives one column),
 * as an HTML table whose cell colours are computed here (viridis, best = yellow), so the page
 * reads without JavaScript and the same data gives the same bytes. A cell whose params make the
 * graph invalid is hatched and says "invalid" (its compile errors on hover); a failed run says
 * "failed". The script adds the details panel: point at a cell to see all its metrics. Used by
 * `hean run --grid ... --heatmap out.html`, and meant for the optimiser's results too.
 */

export type HeatmapValue = number | string | boolean;

export interface HeatmapCell {
  /** excluded: a sweep's --where left the combination out (not run). */
  status: 'ok' | 'invalid' | 'failed' | 'excluded';
  /** The metric; null when undefined (e.g. a Sharpe without trades) or the cell did not run. */
  value: number | null;
  /** Why the cell is invalid or failed. */
  message?: string;
  /** Other figures of the cell (all metrics), shown in the details panel. */
  details?: Record<string, number | null>;
}

export interface HeatmapData {
  title: string;
  subtitle?: string;
  metric: { key: string; label: string; higherIsBetter: boolean; digits: number };
  rows: { name: string; values: HeatmapValue[] };
  /** Absent for a one-param grid (a single column: the metric). */
  columns?: { name: string; values: HeatmapValue[] };
  /** [row][column]. */
  cells: HeatmapCell[][];
}

/** Viridis, sampled at 9 stops (matplotlib's values). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** The colour of t in [0, 1] on the viridis scale (linear between stops). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = parseInt(VIRIDIS[i].slice(1), 16);
  const b = parseInt(VIRIDIS[i + 1].slice(1), 16);
  const mix = (shift: number) => Math.round(((a >> shift) & 255) * (1 - f) + ((b >> shift) & 255) * f);
  return `#${[16, 8, 0].map((s) => mix(s).toString(16).padStart(2, '0')).join('')}`;
}

export function heatmapSection(data: HeatmapData, id = 'heatmap'): string {
  const values = data.cells.flat().map((c) => c.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 0;
  const better = (v: number) => (max === min ? 1 : data.metric.higherIsBetter ? (v - min) / (max - min) : (max - v) / (max - min));
  let best: [number, number] | undefined;
  data.cells.forEach((row, r) =>
    row.forEach((c, k) => {
      if (c.value === null || !Number.isFinite(c.value)) return;
      const current = best ? data.cells[best[0]][best[1]].value! : undefined;
      if (current === undefined || (data.metric.higherIsBetter ? c.value > current : c.value < current)) best = [r, k];
    }),
  );
  const fmt = (v: number) => formatNumber(v, data.metric.digits);
  const paramText = (r: number, k: number) =>
    [`${data.rows.name}=${data.rows.values[r]}`, ...(data.columns ? [`${data.columns.name}=${data.columns.values[k]}`] : [])].join(', ');
  const columns = data.columns?.values ?? [data.metric.key];

  const out: string[] = [`<section class="hean-heatmap" id="${esc(id)}" data-source="${esc(id)}-data">`];
  out.push('<div class="heatmap-body"><div class="heatmap-grid">');
  if (data.columns) out.push(`<div class="axis-x">${esc(data.columns.name)} →</div>`);
  out.push(`<table class="heatmap"><thead><tr><th class="corner">${esc(data.rows.name)} ↓</th>${columns.map((v) => `<th>${esc(v)}</th>`).join('')}</tr></thead><tbody>`);
  data.cells.forEach((row, r) => {
    out.push(`<tr><th>${esc(data.rows.values[r])}</th>`);
    row.forEach((c, k) => {
      const isBest = best !== undefined && best[0] === r && best[1] === k;
      const attrs = `data-row="${r}" data-col="${k}" data-status="${c.status}"`;
      if (c.status !== 'ok') {
        const title = `${paramText(r, k)}: ${c.status}${c.message ? `\n${c.message}` : ''}`;
        out.push(`<td class="cell ${c.status}" ${attrs} title="${esc(title)}">${c.status === 'excluded' ? '' : c.status}</td>`);
      } else if (c.value === null || !Number.isFinite(c.value)) {
        out.push(`<td class="cell na" ${attrs} title="${esc(`${paramText(r, k)}: ${data.metric.key} n/a`)}">n/a</td>`);
      } else {
        const t = better(c.value);
        const color = viridis(t);
        const ink = t > 0.55 ? '#111827' : '#ffffff';
        out.push(
          `<td class="cell ok${isBest ? ' best' : ''}" ${attrs} data-value="${c.value}" style="background:${color};color:${ink}" title="${esc(`${paramText(r, k)}: ${data.metric.key} ${fmt(c.value)}`)}">${esc(fmt(c.value))}</td>`,
        );
      }
    });
    out.push('</tr>');
  });
  out.push('</tbody></table>');
  const invalid = data.cells.flat().filter((c) => c.status === 'invalid').length;
  const failed = data.cells.flat().filter((c) => c.status === 'failed').length;
  const excluded = data.cells.flat().filter((c) => c.status === 'excluded').length;
  out.push(
    `<div class="scale"><span>${values.length ? esc(fmt(data.metric.higherIsBetter ? min : max)) : ''}</span><i style="background:linear-gradient(90deg, ${VIRIDIS.join(', ')})"></i><span>${values.length ? esc(fmt(data.metric.higherIsBetter ? max : min)) : ''}</span><span class="muted">${data.metric.higherIsBetter ? 'higher is better' : 'lower is better'}${invalid ? ` · ${invalid} invalid` : ''}${failed ? ` · ${failed} failed` : ''}${excluded ? ` · ${excluded} excluded by --where (blank)` : ''}</span></div>`,
  );
  out.push('</div>');
  const bestText = best ? `best ${data.metric.key} ${fmt(data.cells[best[0]][best[1]].value!)} at ${paramText(best[0], best[1])}` : 'no cell has a value';
  out.push(`<aside class="cell-panel" aria-live="polite"><p><strong>${esc(bestText)}</strong></p><p class="muted">Point at a cell to see all its figures.</p></aside>`);
  out.push('</div>');
  out.push(jsonScript(`${id}-data`, data));
  out.push('</section>');
  return out.join('\n');
}

export function heatmapPage(data: HeatmapData): string {
  const body = [
    '<main class="heatmap-page">',
    `<h1>${esc(data.title)} <span class="muted">— ${esc(data.metric.label)}${data.columns ? ` over ${esc(data.rows.name)} × ${esc(data.columns.name)}` : ` over ${esc(data.rows.name)}`}</span></h1>`,
    data.subtitle ? `<p class="sub">${esc(data.subtitle)}</p>` : '',
    heatmapSection(data),
    '</main>',
  ].join('\n');
  return htmlPage({ title: `${data.title} — ${data.metric.key} heatmap`, css: HEATMAP_CSS, body, scripts: [HEATMAP_JS] });
}

export const HEATMAP_CSS = `
.heatmap-body { display: grid; grid-template-columns: max-content minmax(260px, 1fr); gap: 20px; align-items: start; }
.axis-x { text-align: center; color: var(--muted); font-size: 13px; margin-left: 80px; }
table.heatmap { font-variant-numeric: tabular-nums; }
table.heatmap th { background: none; color: var(--muted); font-weight: 600; padding: 4px 8px; }
table.heatmap th.corner { text-align: left; }
table.heatmap td.cell { min-width: 64px; height: 38px; text-align: center; border: 2px solid #fff; font-weight: 600; cursor: pointer; }
table.heatmap td.cell.best { outline: 3px solid #111827; outline-offset: -3px; }
table.heatmap td.cell.excluded { background: #f9fafb; }
table.heatmap td.cell.invalid, table.heatmap td.cell.failed { color: #7f1d1d; font-weight: normal; font-style: italic; background: repeating-linear-gradient(45deg, #f3f4f6 0 6px, #e5e7eb 6px 12px); }
table.heatmap td.cell.failed { color: var(--bad); }
table.heatmap td.cell.na { color: var(--muted); background: #f9fafb; font-weight: normal; }
table.heatmap td.cell.selected { outline: 3px solid var(--accent); outline-offset: -3px; }
.scale { display: flex; align-items: center; gap: 8px; margin-top: 10px; font-size: 12px; }
.scale i { display: inline-block; width: 180px; height: 10px; border-radius: 2px; }
.cell-panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--panel); font-size: 13px; }
.cell-panel table td { text-align: left; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.cell-panel table td:first-child { color: var(--muted); }
.cell-panel pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; color: var(--bad); }
@media (max-width: 900px) { .heatmap-body { grid-template-columns: 1fr; } }
`;

export const HEATMAP_JS = String.raw`
(function () {
  'use strict';
  document.querySelectorAll('.hean-heatmap').forEach(function (root) {
    var data = JSON.parse(document.getElementById(root.getAttribute('data-source')).textContent);
    var panel = root.querySelector('.cell-panel');
    var initial = Array.prototype.slice.call(panel.childNodes).map(function (n) { return n.cloneNode(true); });
    var pinned = null;
    function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
    function show(td) {
      panel.textContent = '';
      if (!td) { initial.forEach(function (n) { panel.appendChild(n.cloneNode(true)); }); panel.removeAttribute('data-cell'); return; }
      var r = Number(td.getAttribute('data-row')), k = Number(td.getAttribute('data-col'));
      var c = data.cells[r][k];
      panel.setAttribute('data-cell', r + ',' + k);
      var title = data.rows.name + '=' + data.rows.values[r] + (data.columns ? ', ' + data.columns.name + '=' + data.columns.values[k] : '');
      panel.appendChild(el('h3', title));
      panel.appendChild(el('p', c.status === 'ok' ? data.metric.key + ': ' + (c.value === null ? 'n/a' : c.value.toFixed(data.metric.digits)) : c.status, c.status === 'ok' ? '' : 'neg'));
      if (c.message) panel.appendChild(el('pre', c.message));
      if (c.details) {
        var t = el('table');
        Object.keys(c.details).forEach(function (key) {
          var v = c.details[key];
          var tr = el('tr');
          tr.appendChild(el('td', key));
          tr.appendChild(el('td', v === null ? 'n/a' : Number(v.toFixed(4)).toLocaleString('en-US')));
          t.appendChild(tr);
        });
        panel.appendChild(t);
      }
    }
    root.querySelectorAll('td.cell').forEach(function (td) {
      td.addEventListener('pointerenter', function () { show(td); });
      td.addEventListener('pointerleave', function () { show(pinned); });
      td.addEventListener('click', function () {
        if (pinned) pinned.classList.remove('selected');
        pinned = pinned === td ? null : td;
        if (pinned) pinned.classList.add('selected');
        show(pinned);
      });
    });
  });
})();
`;
