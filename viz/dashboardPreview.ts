/**
 * A stand-in for Grafana (not installable here), for the README's picture of
 * docs/grafana/hean-dashboard.json: each panel's PromQL is evaluated over scrapes recorded from a
 * real run, and drawn as SVG lines in the panel's place. Only the query shapes the dashboard
 * uses are understood (a selector; rate/increase, optionally summed by labels;
 * histogram_quantile over summed bucket rates; time() minus a selector); anything else is drawn
 * as "not evaluated here". Rates divide the change by the time actually covered (no
 * extrapolation), and the single graph's {graph=~"$graph"} selector is dropped.
 */

export interface Scrape {
  /** Wall time of the scrape, epoch seconds. */
  at: number;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

interface Panel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { expr: string; legendFormat?: string }[];
}

type Series = Map<string, { labels: Record<string, string>; points: [number, number][] }>;

export function parseExposition(text: string): Scrape['samples'] {
  const out: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

const seconds = (w: string) => Number(w.slice(0, -1)) * ({ s: 1, m: 60, h: 3600 } as Record<string, number>)[w.at(-1)!];
const keyOf = (labels: Record<string, string>, by?: string[]) => JSON.stringify(by ? by.map((l) => labels[l] ?? '') : Object.entries(labels).filter(([k]) => k !== 'graph').sort());

/** Per scrape index, the samples of `name` (graph label dropped), keyed by their labels. */
function instant(scrapes: Scrape[], i: number, name: string): Map<string, { labels: Record<string, string>; value: number }> {
  const out = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const s of scrapes[i].samples) if (s.name === name) out.set(keyOf(s.labels), { labels: s.labels, value: s.value });
  return out;
}

/** rate() (per second) or increase() over `window` seconds at scrape i: change over the covered span. */
function rangeFn(scrapes: Scrape[], i: number, name: string, window: number, fn: 'rate' | 'increase') {
  let j = i;
  while (j > 0 && scrapes[i].at - scrapes[j - 1].at <= window) j--;
  if (j === i) return new Map<string, { labels: Record<string, string>; value: number }>();
  const now = instant(scrapes, i, name);
  const then = instant(scrapes, j, name);
  const span = scrapes[i].at - scrapes[j].at;
  const out = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const [k, v] of now) {
    const delta = v.value - (then.get(k)?.value ?? 0);
    out.set(k, { labels: v.labels, value: fn === 'rate' ? delta / span : delta });
  }
  return out;
}

function sumBy(values: Map<string, { labels: Record<string, string>; value: number }>, by: string[]) {
  const out = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const v of values.values()) {
    const labels = Object.fromEntries(by.map((l) => [l, v.labels[l] ?? '']));
    const k = keyOf(labels, by);
    const e = out.get(k);
    if (e) e.value += v.value;
    else out.set(k, { labels, value: v.value });
  }
  return out;
}

/** Prometheus's histogram_quantile: linear interpolation inside the bucket holding the rank; the +Inf bucket gives the highest finite bound. */
function quantile(q: number, buckets: { le: number; value: number }[]): number {
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.value ?? 0;
  if (!(total > 0)) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of buckets) {
    if (b.value >= rank) {
      if (b.le === Infinity) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCount)) / Math.max(b.value - prevCount, 1e-300);
    }
    prevLe = b.le;
    prevCount = b.value;
  }
  return prevLe;
}

/** One expression over every scrape: series by label set, or undefined when the shape is not understood. */
export function evaluate(expr: string, scrapes: Scrape[]): Series | undefined {
  const e = expr.replace(/\{graph=~"\$graph"\}/g, '').replace(/\s+/g, ' ').trim();
  const series: Series = new Map();
  const add = (i: number, values: Map<string, { labels: Record<string, string>; value: number }>) => {
    for (const [k, v] of values) {
      if (!Number.isFinite(v.value)) continue;
      let s = series.get(k);
      if (!s) series.set(k, (s = { labels: v.labels, points: [] }));
      s.points.push([scrapes[i].at, v.value]);
    }
  };
  let m: RegExpExecArray | null;
  for (let i = 0; i < scrapes.length; i++) {
    if ((m = /^histogram_quantile\(([0-9.]+), sum by \(([^)]*)\) \(rate\((\w+)\[(\w+)\]\)\)\)$/.exec(e))) {
      const by = m[2].split(',').map((s) => s.trim()).filter((l) => l !== 'le');
      const rates = rangeFn(scrapes, i, m[3], seconds(m[4]), 'rate');
      const groups = new Map<string, { labels: Record<string, string>; buckets: { le: number; value: number }[] }>();
      for (const v of sumBy(rates, [...by, 'le']).values()) {
        const labels = Object.fromEntries(by.map((l) => [l, v.labels[l]]));
        const k = keyOf(labels, by);
        if (!groups.has(k)) groups.set(k, { labels, buckets: [] });
        groups.get(k)!.buckets.push({ le: v.labels.le === '+Inf' ? Infinity : Number(v.labels.le), value: v.value });
      }
      add(i, new Map([...groups].map(([k, g]) => [k, { labels: g.labels, value: quantile(Number(m![1]), g.buckets) }])));
    } else if ((m = /^sum by \(([^)]*)\) \((rate|increase)\((\w+)\[(\w+)\]\)\)$/.exec(e))) {
      add(i, sumBy(rangeFn(scrapes, i, m[3], seconds(m[4]), m[2] as 'rate'), m[1].split(',').map((s) => s.trim())));
    } else if ((m = /^(rate|increase)\((\w+)\[(\w+)\]\)$/.exec(e))) {
      add(i, rangeFn(scrapes, i, m[2], seconds(m[3]), m[1] as 'rate'));
    } else if ((m = /^time\(\) - (\w+)$/.exec(e))) {
      const at = scrapes[i].at;
      add(i, new Map([...instant(scrapes, i, m[1])].map(([k, v]) => [k, { labels: v.labels, value: at - v.value }])));
    } else if ((m = /^(\w+)$/.exec(e))) {
      add(i, instant(scrapes, i, m[1]));
    } else return undefined;
  }
  return series;
}

const COLOURS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff780a', '#b877d9', '#f2495c', '#8ab8ff', '#96d98d'];

function format(v: number, unit: string | undefined): string {
  if (!Number.isFinite(v)) return '';
  if (unit === 'percentunit') return `${(v * 100).toFixed(Math.abs(v) < 0.1 ? 1 : 0)}%`;
  if (unit === 'currencyUSD') return `$${Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}K` : v.toFixed(0)}`;
  if (unit === 'bytes') return `${(v / 2 ** 20).toFixed(0)} MiB`;
  if (unit === 's') return v === 0 ? '0' : v < 1e-3 ? `${(v * 1e6).toFixed(v < 1e-5 ? 1 : 0)} µs` : v < 1 ? `${(v * 1e3).toFixed(1)} ms` : v < 120 ? `${v.toFixed(1)} s` : `${(v / 60).toFixed(0)} min`;
  if (unit === 'ops') return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)}/s`;
  return Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(1)}K` : `${+v.toPrecision(3)}`;
}

function panelSvg(panel: Panel, scrapes: Scrape[], width: number, height: number): string {
  const unit = panel.fieldConfig?.defaults?.unit;
  const lines: { name: string; points: [number, number][] }[] = [];
  let unknown = false;
  for (const target of panel.targets ?? []) {
    const series = evaluate(target.expr, scrapes);
    if (!series) {
      unknown = true;
      continue;
    }
    for (const s of series.values()) lines.push({ name: (target.legendFormat ?? '').replace(/\{\{(\w+)\}\}/g, (_, l) => s.labels[l] ?? ''), points: s.points });
  }
  const pad = { l: 58, r: 10, t: 8, b: 20 };
  const w = width - pad.l - pad.r;
  const h = height - pad.t - pad.b - 18;
  const all = lines.flatMap((l) => l.points);
  if (!all.length) return `<text x="${width / 2}" y="${height / 2}" class="none">${unknown ? 'not evaluated here' : 'No data'}</text>`;
  const t0 = scrapes[0].at;
  const t1 = scrapes.at(-1)!.at;
  let lo = Math.min(0, ...all.map((p) => p[1]));
  let hi = Math.max(...all.map((p) => p[1]));
  if (lo === hi) hi = lo + 1;
  if (lo > 0) lo = 0;
  const x = (t: number) => pad.l + ((t - t0) / (t1 - t0)) * w;
  const y = (v: number) => pad.t + h - ((v - lo) / (hi - lo)) * h;
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    parts.push(`<line x1="${pad.l}" x2="${pad.l + w}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${pad.l - 4}" y="${y(v) + 3}" class="tick" text-anchor="end">${format(v, unit)}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const t = t0 + ((t1 - t0) * k) / 4;
    parts.push(`<text x="${x(t)}" y="${pad.t + h + 13}" class="tick" text-anchor="middle">${new Date(t * 1000).toISOString().slice(11, 19)}</text>`);
  }
  lines.forEach((l, k) => {
    const c = COLOURS[k % COLOURS.length];
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${l.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
    const slot = pad.l + k * (w / Math.max(lines.length, 3));
    parts.push(`<rect x="${slot}" y="${height - 12}" width="10" height="3" fill="${c}"/><text x="${slot + 14}" y="${height - 8}" class="legend">${escape(l.name)}</text>`);
  });
  return parts.join('');
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The dashboard as one HTML page (dark, Grafana-like): rows as headings, panels at their gridPos. */
export function dashboardPage(dashboard: { title: string; panels: Panel[] }, scrapes: Scrape[], note: string): string {
  const COL = 52;
  const ROW = 30;
  const panels = dashboard.panels.map((p) => {
    const { x, y, w, h } = p.gridPos;
    const width = w * COL - 8;
    const height = (p.type === 'row' ? 1 : h) * ROW - 8;
    const style = `left:${x * COL + 4}px;top:${y * ROW + 4}px;width:${width}px;height:${height}px`;
    if (p.type === 'row') return `<div class="row" style="${style}">${escape(p.title)}</div>`;
    return `<div class="panel" style="${style}"><div class="title">${escape(p.title)}</div><svg width="${width}" height="${height - 22}">${panelSvg(p, scrapes, width, height - 22)}</svg></div>`;
  });
  const bottom = Math.max(...dashboard.panels.map((p) => (p.gridPos.y + (p.type === 'row' ? 1 : p.gridPos.h)) * ROW));
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(dashboard.title)}</title><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px system-ui,sans-serif}
.head{padding:8px 12px;font-size:15px}.head small{color:#8e8e9e;font-size:11px;margin-left:10px}
.board{position:relative;width:${24 * COL}px;height:${bottom}px;margin:0 4px}
.panel{position:absolute;background:#181b1f;border:1px solid #2a2d33;border-radius:3px;overflow:hidden}
.title{padding:4px 8px;font-weight:600;height:14px}.row{position:absolute;font-weight:600;font-size:13px;padding-top:8px}
.grid{stroke:#2a2d33}.tick{fill:#8e8e9e;font-size:9px}.legend{fill:#ccccdc;font-size:9px}.none{fill:#8e8e9e;text-anchor:middle}
</style></head><body><div class="head">${escape(dashboard.title)}<small>${escape(note)}</small></div><div class="board">${panels.join('')}</div></body></html>`;
}
