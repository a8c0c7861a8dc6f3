import { escapeHtml as esc, formatNumber } from './page.js';

/**
 * Small static SVG charts for pages that must read without JavaScript (the tune and walk-forward
 * pages): scales, "nice" ticks, a frame with gridlines and labelled axes, and the details script
 * they share. Everything is computed here, every coordinate rounded to 0.1 px, so the same data
 * gives the same bytes.
 */

export interface Axis {
  /** Data value to pixels (already inside the frame). */
  scale: (v: number) => number;
  ticks: { v: number; label: string }[];
  title?: string;
}

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The plotting area's pixel ranges: x left to right, y bottom to top. */
export function plotArea(f: Frame): { x: [number, number]; y: [number, number] } {
  return { x: [f.left, f.width - f.right], y: [f.height - f.bottom, f.top] };
}

/** A pixel coordinate as SVG text: 0.1 px is finer than any screen, and rounding keeps the bytes stable. */
export function px(v: number): string {
  const r = Math.round(v * 10) / 10;
  return String(r === 0 ? 0 : r);
}

/** [min, max] of the finite values, widened when they are equal (one point still gets an axis); undefined when none. */
export function extent(values: readonly number[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return undefined;
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    return [lo - pad, hi + pad];
  }
  return [lo, hi];
}

/** A domain widened by `fraction` of its span on each side, so points at the ends are not cut by the frame. */
export function padded([lo, hi]: [number, number], fraction = 0.05): [number, number] {
  const pad = (hi - lo) * fraction;
  return [lo - pad, hi + pad];
}

export function linearScale([d0, d1]: [number, number], [r0, r1]: [number, number]): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A log10 scale; the domain must be positive. */
export function logScale([d0, d1]: [number, number], range: [number, number]): (v: number) => number {
  const inner = linearScale([Math.log10(d0), Math.log10(d1)], range);
  return (v) => inner(Math.log10(v));
}

/** Ticks at multiples of 1, 2 or 5 × 10^k inside [lo, hi], about `count` of them (Heckbert's "nice numbers"). */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return Number.isFinite(lo) ? [lo] : [];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks for a log axis: 1, 2 and 5 × 10^k (only powers of ten when the span is wide); linear ticks inside one short span. */
export function logTicks(lo: number, hi: number): number[] {
  const decades = Math.log10(hi / lo);
  const mantissas = decades > 4 ? [1] : decades > 1.5 ? [1, 3] : [1, 2, 5];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= lo && v <= hi) out.push(v);
    }
  }
  return out.length >= 3 ? out : linearTicks(lo, hi, 4).filter((v) => v > 0);
}

/** Tick labels with as many decimals as the step between ticks needs; large values as 12K, 1.5M. */
export function tickLabels(ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? Math.min(...ticks.slice(1).map((v, k) => v - ticks[k])) : Math.abs(ticks[0] ?? 1) || 1;
  const magnitude = Math.floor(Math.log10(step) + 1e-9);
  const largest = Math.max(0, ...ticks.map(Math.abs));
  if (largest >= 1e6 && magnitude >= 5) return ticks.map((v) => `${formatNumber(v / 1e6, Math.max(0, 6 - magnitude))}M`.replace(/^0M$/, '0'));
  if (largest >= 1e4 && magnitude >= 3) return ticks.map((v) => `${formatNumber(v / 1e3, Math.max(0, 3 - magnitude))}K`.replace(/^0K$/, '0'));
  return ticks.map((v) => formatNumber(v, Math.max(0, Math.min(8, -magnitude))));
}

/** A log axis's tick as its own shortest text (0.003, 0.01; 20K; 1.5M): the steps between ticks vary. */
export function logTickLabel(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(6))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(6))}K`;
  return Number(v.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 12 });
}

export function numberAxis(domain: [number, number], range: [number, number], options: { log?: boolean; count?: number; title?: string } = {}): Axis {
  const ticks = options.log ? logTicks(domain[0], domain[1]) : linearTicks(domain[0], domain[1], options.count ?? 5);
  const labels = options.log ? ticks.map(logTickLabel) : tickLabels(ticks);
  return {
    scale: options.log ? logScale(domain, range) : linearScale(domain, range),
    ticks: ticks.map((v, k) => ({ v, label: labels[k] })),
    title: options.title,
  };
}

const DAY = 86_400_000;

/** Calendar ticks (UTC) for a time axis in epoch ms: years, months or days, at most about `max`. */
export function timeTicks(lo: number, hi: number, max = 8): { v: number; label: string }[] {
  const span = hi - lo;
  const iso = (t: number) => new Date(t).toISOString();
  if (span > 5 * 365 * DAY) {
    const y0 = new Date(lo).getUTCFullYear();
    const y1 = new Date(hi).getUTCFullYear();
    const step = [1, 2, 5, 10, 20, 50].find((s) => (y1 - y0) / s <= max) ?? 100;
    const out: { v: number; label: string }[] = [];
    for (let y = Math.ceil(y0 / step) * step; y <= y1; y += step) {
      const t = Date.UTC(y, 0, 1);
      if (t >= lo && t <= hi) out.push({ v: t, label: String(y) });
    }
    return out;
  }
  if (span > 60 * DAY) {
    const start = new Date(lo);
    const months = Math.round(span / (30.44 * DAY));
    const step = [1, 2, 3, 6, 12].find((s) => months / s <= max) ?? 12;
    // Month numbers divisible by the step: every January and July for 6, each quarter's first month for 3.
    const out: { v: number; label: string }[] = [];
    for (let m = start.getUTCFullYear() * 12 + start.getUTCMonth(); ; m++) {
      const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
      if (t > hi) break;
      if (t >= lo && m % step === 0) out.push({ v: t, label: iso(t).slice(0, 7) });
    }
    return out;
  }
  if (span >= 2 * DAY) {
    const days = span / DAY;
    const step = [1, 2, 7, 14].find((s) => days / s <= max) ?? 14;
    const out: { v: number; label: string }[] = [];
    for (let t = Math.ceil(lo / DAY) * DAY; t <= hi; t += DAY) {
      if (Math.round(t / DAY) % step === 0) out.push({ v: t, label: iso(t).slice(0, 10) });
    }
    return out;
  }
  return linearTicks(lo, hi, Math.min(max, 5)).map((t) => ({ v: t, label: iso(t).slice(0, 16).replace('T', ' ') }));
}

/** `2024-04-21` (UTC). */
export function formatDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : 'n/a';
}

/**
 * An SVG chart: the frame's gridlines, axes and tick labels, then `marks` (already in pixels) on
 * top. `label` is the chart's accessible name.
 */
export function svgChart(f: Frame, x: Axis, y: Axis, marks: string[], options: { cls?: string; label: string; underlay?: string[] }): string {
  const area = plotArea(f);
  const out: string[] = [
    `<svg class="chart${options.cls ? ` ${esc(options.cls)}` : ''}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${esc(options.label)}">`,
    `<rect class="plot-bg" x="${px(area.x[0])}" y="${px(area.y[1])}" width="${px(area.x[1] - area.x[0])}" height="${px(area.y[0] - area.y[1])}"/>`,
    ...(options.underlay ?? []),
    '<g class="axis y">',
  ];
  for (const t of y.ticks) {
    const py = px(y.scale(t.v));
    out.push(`<line class="grid" x1="${px(area.x[0])}" x2="${px(area.x[1])}" y1="${py}" y2="${py}"/><text x="${px(area.x[0] - 6)}" y="${py}" dy="0.32em" text-anchor="end">${esc(t.label)}</text>`);
  }
  if (y.title) out.push(`<text class="title" transform="translate(${px(14)} ${px((area.y[0] + area.y[1]) / 2)}) rotate(-90)" text-anchor="middle">${esc(y.title)}</text>`);
  out.push('</g>', '<g class="axis x">');
  for (const t of x.ticks) {
    const pxx = px(x.scale(t.v));
    out.push(`<line class="tick" x1="${pxx}" x2="${pxx}" y1="${px(area.y[0])}" y2="${px(area.y[0] + 4)}"/><text x="${pxx}" y="${px(area.y[0] + 16)}" text-anchor="middle">${esc(t.label)}</text>`);
  }
  out.push(`<line class="base" x1="${px(area.x[0])}" x2="${px(area.x[1])}" y1="${px(area.y[0])}" y2="${px(area.y[0])}"/>`);
  if (x.title) out.push(`<text class="title" x="${px((area.x[0] + area.x[1]) / 2)}" y="${px(f.height - 4)}" text-anchor="middle">${esc(x.title)}</text>`);
  out.push('</g>', ...marks, '</svg>');
  return out.join('\n');
}

export const CHART_CSS = `
.small { font-size: 12px; font-weight: normal; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; font-variant-numeric: tabular-nums; overflow: visible; }
svg.chart .plot-bg { fill: #fff; }
svg.chart .grid { stroke: #eef0f3; }
svg.chart .base, svg.chart .tick { stroke: #9ca3af; }
svg.chart .axis text { fill: var(--muted); }
svg.chart .axis text.title { fill: var(--fg); font-size: 12px; }
svg.chart [data-item] { cursor: pointer; }
svg.chart .axis { pointer-events: none; }
.note { color: var(--muted); font-size: 12.5px; margin: 4px 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12.5px; margin: 4px 0; }
.legend i { display: inline-block; width: 18px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 6px; }
.legend i.dot { width: 9px; height: 9px; border: 1.5px solid; border-radius: 50%; margin-right: 5px; }
.scroll { overflow-x: auto; }
table.data { font-variant-numeric: tabular-nums; font-size: 13px; }
table.data tr[data-item]:hover td, table.data tr.hl td { background: #eff6ff; }
.item-panel { position: fixed; z-index: 10; min-width: 220px; max-width: 380px; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; box-shadow: 0 4px 16px rgba(17, 24, 39, 0.14); font-size: 12.5px; pointer-events: none; }
.item-panel.pinned { border-color: var(--accent); }
.item-panel h3 { margin: 0 0 4px; font-size: 13px; }
.item-panel table { border-collapse: collapse; }
.item-panel td { text-align: left; padding: 1px 10px 1px 0; border: 0; white-space: normal; word-break: break-word; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.item-panel td:first-child { color: var(--muted); white-space: nowrap; }
.item-panel p { margin: 4px 0 0; color: var(--muted); font-size: 11.5px; }
footer { margin-top: 32px; font-size: 12px; }
`;

/**
 * Details on hover: every element with `data-item="key"` inside a `.hean-items` root shows the
 * details of `key` (from the root's JSON: { key: { title, rows: [[label, text]] } }) in a panel
 * by the pointer, and highlights every element of the same key (a trial's dot in each chart and
 * its table row). A click pins the panel; another click, or Escape, unpins it. Text is set with
 * textContent, never parsed as HTML.
 */
export const ITEMS_JS = String.raw`
(function () {
  'use strict';
  document.querySelectorAll('.hean-items').forEach(function (root) {
    var details = JSON.parse(document.getElementById(root.getAttribute('data-source')).textContent);
    var panel = document.createElement('aside');
    panel.className = 'item-panel';
    panel.hidden = true;
    panel.setAttribute('aria-live', 'polite');
    document.body.appendChild(panel);
    var pinned = null, pinnedAt = null, shown = null;
    function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = String(text); return e; }
    function highlight(key, on) {
      if (key === null) return;
      root.querySelectorAll('[data-item]').forEach(function (e) { if (e.getAttribute('data-item') === key) e.classList.toggle('hl', on); });
    }
    function place(x, y) {
      var w = panel.offsetWidth, h = panel.offsetHeight;
      var left = x + 14 + w > window.innerWidth ? Math.max(4, x - 14 - w) : x + 14;
      var top = y + 14 + h > window.innerHeight ? Math.max(4, y - 14 - h) : y + 14;
      panel.style.left = left + 'px';
      panel.style.top = top + 'px';
    }
    function show(key, x, y) {
      highlight(shown, false);
      shown = key;
      if (key === null || !details[key]) { panel.hidden = true; panel.removeAttribute('data-item'); shown = null; return; }
      highlight(key, true);
      var d = details[key];
      panel.textContent = '';
      panel.appendChild(el('h3', d.title));
      var t = el('table');
      d.rows.forEach(function (r) { var tr = el('tr'); tr.appendChild(el('td', r[0])); tr.appendChild(el('td', r[1])); t.appendChild(tr); });
      panel.appendChild(t);
      if (key === pinned) panel.appendChild(el('p', 'pinned: click again or press Escape to close'));
      panel.classList.toggle('pinned', key === pinned);
      panel.setAttribute('data-item', key);
      panel.hidden = false;
      place(x, y);
    }
    function restore() { if (pinned !== null) show(pinned, pinnedAt[0], pinnedAt[1]); else show(null); }
    root.querySelectorAll('[data-item]').forEach(function (e) {
      var key = e.getAttribute('data-item');
      // The panel replaces the browser's own tooltip (a mark's <title>, there for pages read without scripts).
      var title = e.querySelector(':scope > title');
      if (title) { e.setAttribute('aria-label', title.textContent); title.remove(); }
      e.addEventListener('pointerenter', function (ev) { show(key, ev.clientX, ev.clientY); });
      e.addEventListener('pointerleave', restore);
      e.addEventListener('click', function (ev) {
        pinned = pinned === key ? null : key;
        pinnedAt = [ev.clientX, ev.clientY];
        if (pinned !== null) show(key, ev.clientX, ev.clientY); else show(null);
      });
    });
    document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') { pinned = null; show(null); } });
  });
})();
`;
