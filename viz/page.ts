import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The shared HTML shell of every page hean writes (graph drawings, backtest reports, heatmaps):
 * one self-contained file, no network. A Content-Security-Policy forbids every fetch (scripts,
 * styles, images, fonts, connections), so a page that tried to load anything would fail loudly
 * in the browser console instead of silently depending on a CDN. Nothing in a page depends on
 * when or where it was generated: the same inputs give the same bytes.
 */

export interface PageOptions {
  title: string;
  /** Page-specific CSS, after the shared base styles. */
  css?: string;
  /** The body's HTML, already escaped. */
  body: string;
  /** Inline scripts, in order, run at the end of the body. */
  scripts?: string[];
  /** Libraries to inline (their JS before `scripts`, their CSS in the head). */
  uplot?: boolean;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:";

export function htmlPage(options: PageOptions): string {
  const uplot = options.uplot ? uplotAssets() : undefined;
  const styles = [BASE_CSS, uplot?.css, options.css].filter(Boolean).join('\n');
  const scripts = [uplot?.js, ...(options.scripts ?? [])].filter((s): s is string => Boolean(s));
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="hean">',
    `<title>${escapeHtml(options.title)}</title>`,
    // An empty icon: without it a browser asks the server for /favicon.ico.
    '<link rel="icon" href="data:,">',
    `<style>\n${styles}\n</style>`,
    '</head>',
    '<body>',
    options.body,
    ...scripts.map((s) => `<script>\n${inlineScript(s)}\n</script>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or a quoted attribute value (also fine inside SVG). */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Data for a page as a `<script type="application/json">` element. `<`, `>` and `&` are escaped
 * as \u003c etc., so no string in the data (a graph description, a file name) can close the
 * element or open a comment; U+2028/2029 too, for older parsers.
 */
export function jsonScript(id: string, data: unknown): string {
  const json = JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>`;
}

/** A script's text made safe to inline: `</script` cannot end the element early. */
function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

let uplotCache: { js: string; css: string } | undefined;

/**
 * uPlot's minified JS and CSS, read from the installed package (node_modules/uplot/dist). The
 * package is found through Node's resolution from this module's location, which works from
 * dist/viz/ and from the bundled CLI (dist/cli/) alike; a directory walk from here is the
 * fallback for layouts where resolution fails.
 */
export function uplotAssets(): { js: string; css: string } {
  if (uplotCache) return uplotCache;
  const dist = uplotDistDir();
  uplotCache = { js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8') };
  return uplotCache;
}

function uplotDistDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));
  } catch {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (;;) {
      const candidate = join(dir, 'node_modules', 'uplot', 'dist');
      if (existsSync(join(candidate, 'uPlot.iife.min.js'))) return candidate;
      if (dirname(dir) === dir) break;
      dir = dirname(dir);
    }
    throw new Error('uPlot is not installed (node_modules/uplot/dist not found); run npm ci');
  }
}

/** Colours by node family (DESIGN.md's families, plus signal and features). */
export const FAMILY_COLORS: Readonly<Record<string, string>> = {
  source: '#2563eb',
  indicator: '#7c3aed',
  features: '#0d9488',
  model: '#db2777',
  orderbook: '#0891b2',
  sentiment: '#b45309',
  signal: '#ea580c',
  stacker: '#4f46e5',
  sizer: '#16a34a',
  sink: '#475569',
};
export const OTHER_FAMILY_COLOR = '#6b7280';

export function familyColor(family: string): string {
  return Object.hasOwn(FAMILY_COLORS, family) ? FAMILY_COLORS[family] : OTHER_FAMILY_COLOR;
}

/** Numbers as a page shows them: fixed digits with thousands separators, n/a when undefined. */
export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `2024-04-21 14:00` (UTC). */
export function formatTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : 'n/a';
}

const BASE_CSS = `
:root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #ffffff; --panel: #f9fafb; --accent: #2563eb; --bad: #dc2626; --warn: #d97706; --good: #16a34a; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: var(--bg); color: var(--fg); }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 24px 48px; }
main.wide { max-width: none; }
h1 { font-size: 22px; margin: 8px 0 2px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.sub { color: var(--muted); margin: 0 0 8px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
table { border-collapse: collapse; }
th, td { padding: 3px 8px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-weight: 600; background: var(--panel); }
td.l, th.l { text-align: left; }
.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; }
.diagnostics { list-style: none; padding: 0; margin: 8px 0; }
.diagnostics li { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; padding: 2px 6px; border-left: 3px solid var(--bad); margin: 2px 0; white-space: pre-wrap; word-break: break-word; }
.diagnostics li.warning { border-left-color: var(--warn); }
.muted { color: var(--muted); }
.pos { color: var(--good); }
.neg { color: var(--bad); }
button { font: inherit; padding: 2px 10px; border: 1px solid var(--line); background: var(--panel); border-radius: 4px; cursor: pointer; }
button:disabled { opacity: 0.5; cursor: default; }
`;
