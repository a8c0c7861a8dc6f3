import type { VizGraph } from './graphModel.js';
import { diagnosticLines } from './graphModel.js';
import type { EdgePath, GraphLayout, NodeBox } from './layoutGraph.js';
import { METRICS } from './layoutGraph.js';
import { escapeHtml as esc, familyColor } from './page.js';

/**
 * Renders a laid-out graph as SVG. Nodes are `<g class="node" data-node-id>` boxes coloured by
 * family (header band: id; then kind and key params; then port rows, inputs left, outputs
 * right), edges `<g class="edge" data-from data-to>` orthogonal paths with an arrow and a label
 * "out → in: type". Problems: a node or port with an error is outlined red (a warning amber),
 * a wrong wire is a red dashed line, a node that a wire names but that does not exist is a
 * dashed ghost box. Colours are attributes (not only CSS), so the file looks the same as an
 * `<img>` in a README as inline in a page.
 *
 * `standalone` adds a title band (name, params, file), a legend of the families drawn and the
 * list of diagnostics under the drawing: what `hean viz -o x.svg` writes.
 */

export interface SvgOptions {
  standalone?: boolean;
}

export const MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace";
const ERROR = '#dc2626';
const WARNING = '#d97706';
const EDGE = '#64748b';

export function graphSvg(model: VizGraph, layout: GraphLayout, options: SvgOptions = {}): string {
  const standalone = options.standalone ?? false;
  const families = [...new Set(layout.nodes.filter((b) => !b.node.ghost).map((b) => b.node.family))];
  const top = standalone ? 52 : 0;
  const diagnostics = standalone ? diagnosticLines(model) : [];
  const width = Math.max(layout.width, standalone ? 560 : 0);
  const wrapAt = Math.max(60, Math.floor((width - 32) / (METRICS.font * METRICS.em)));
  const diagnosticRows = diagnostics.map((d) => ({ severity: d.severity, rows: wrap(d.text, wrapAt) }));
  const bottom = diagnostics.length ? 28 + diagnosticRows.reduce((s, d) => s + d.rows.length, 0) * 15 + diagnosticRows.length * 3 : 0;
  const height = top + layout.height + bottom;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="hean-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${MONO}" font-size="${METRICS.font}" role="img" aria-label="${esc(`graph ${model.name}`)}">`,
  );
  out.push(`<title>${esc(`${model.name} — ${model.file}`)}</title>`);
  out.push(
    '<defs>',
    `<marker id="hean-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="${EDGE}"/></marker>`,
    `<marker id="hean-arrow-error" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="${ERROR}"/></marker>`,
    `<marker id="hean-arrow-warning" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,1 L10,5 L0,9 z" fill="${WARNING}"/></marker>`,
    '</defs>',
  );
  out.push(`<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (standalone) out.push(titleBand(model, families, width));
  out.push(`<g class="drawing" transform="translate(0,${top})">`);
  out.push('<g class="edges">', ...layout.edges.map(edgeSvg), '</g>');
  out.push('<g class="edge-labels">', ...layout.edges.map(edgeLabelSvg), '</g>');
  out.push('<g class="nodes">', ...layout.nodes.map(nodeSvg), '</g>');
  out.push('</g>');
  if (diagnostics.length) {
    let y = top + layout.height + 20;
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    out.push(`<g class="diagnostics" transform="translate(16,0)">`);
    out.push(`<text x="0" y="${y}" font-weight="bold" fill="${errors ? ERROR : WARNING}">${esc(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`)}</text>`);
    y += 6;
    for (const d of diagnosticRows) {
      for (const row of d.rows) {
        y += 15;
        out.push(`<text class="diagnostic ${d.severity}" x="0" y="${y}" fill="${d.severity === 'error' ? ERROR : WARNING}" xml:space="preserve">${esc(row)}</text>`);
      }
      y += 3;
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function titleBand(model: VizGraph, families: string[], width: number): string {
  const params = Object.entries(model.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  const parts = [`<g class="title-band" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif">`];
  parts.push(`<text x="16" y="22" font-size="15" font-weight="bold" fill="#111827">${esc(model.name)}${params ? `<tspan font-weight="normal" fill="#4b5563"> (${esc(params)})</tspan>` : ''}</text>`);
  parts.push(`<text x="16" y="40" font-size="11" fill="#6b7280">${esc(model.file)}</text>`);
  // Legend, right-aligned on the second line.
  let x = width - 16;
  const items: string[] = [];
  for (const family of [...families].reverse()) {
    const w = Math.ceil(family.length * 11 * 0.6) + 18;
    x -= w;
    items.push(`<g transform="translate(${x},31)"><rect width="10" height="10" rx="2" fill="${familyColor(family)}"/><text x="14" y="9" font-size="11" fill="#374151">${esc(family)}</text></g>`);
  }
  parts.push(...items.reverse(), '</g>');
  return parts.join('');
}

function edgeSvg(path: EdgePath): string {
  const e = path.edge;
  const stroke = e.status === 'error' ? ERROR : e.status === 'warning' ? WARNING : EDGE;
  const marker = e.status === 'ok' ? 'hean-arrow' : `hean-arrow-${e.status}`;
  const d = path.points.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
  const dash = e.status === 'error' ? ' stroke-dasharray="5 3"' : '';
  return (
    `<g class="edge ${e.status}" data-edge-id="${esc(e.id)}" data-from="${esc(e.from)}" data-from-port="${esc(e.fromPort)}" data-to="${esc(e.to)}" data-to-port="${esc(e.toPort)}" data-type="${esc(e.type)}">` +
    `<path d="${d}" fill="none" stroke="${stroke}" stroke-width="${e.status === 'ok' ? 1.4 : 2}"${dash} marker-end="url(#${marker})"/>` +
    `<title>${esc(`${e.from}.${e.fromPort} → ${e.to}.${e.toPort} (${e.type})`)}</title></g>`
  );
}

function edgeLabelSvg(path: EdgePath): string {
  const l = path.label;
  if (!l) return '';
  const e = path.edge;
  const color = e.status === 'error' ? ERROR : e.status === 'warning' ? WARNING : '#475569';
  return (
    `<g class="edge-label" data-edge-id="${esc(e.id)}"><rect x="${l.x}" y="${l.y}" width="${l.width}" height="${l.height}" rx="3" fill="#ffffff" fill-opacity="0.9"/>` +
    l.lines.map((line, i) => `<text x="${round(l.x + l.width / 2)}" y="${round(l.y + (i + 1) * (METRICS.labelFont + 2) - 1)}" text-anchor="middle" font-size="${METRICS.labelFont}" fill="${color}"${i ? ' font-style="italic" fill-opacity="0.8"' : ''}>${esc(line)}</text>`).join('') +
    '</g>'
  );
}

function nodeSvg(box: NodeBox): string {
  const M = METRICS;
  const n = box.node;
  const color = n.ghost ? '#9ca3af' : familyColor(n.family);
  const stroke = n.status === 'error' ? ERROR : n.status === 'warning' ? WARNING : color;
  const strokeWidth = n.status === 'ok' ? 1.2 : 2.4;
  const dash = n.ghost ? ' stroke-dasharray="6 3"' : '';
  const w = box.width;
  const h = box.height;
  const r = 6;
  const parts: string[] = [];
  parts.push(`<g class="node fam-${esc(n.family)} ${n.status}${n.ghost ? ' ghost' : ''}" data-node-id="${esc(n.id)}" data-kind="${esc(n.kind)}" data-family="${esc(n.family)}" transform="translate(${box.x},${box.y})" tabindex="0">`);
  parts.push(`<title>${esc(`${n.id} (${n.kind})${n.summary ? `: ${n.summary}` : ''}${n.problems.length ? `\n${n.problems.join('\n')}` : ''}`)}</title>`);
  parts.push(`<rect class="body" width="${w}" height="${h}" rx="${r}" fill="${n.ghost ? '#f9fafb' : tint(color, 0.92)}" stroke="${stroke}" stroke-width="${strokeWidth}"${dash}/>`);
  // Header band: rounded top corners, square bottom.
  parts.push(`<path class="header" d="M0,${M.header} V${r} A${r},${r} 0 0 1 ${r},0 H${w - r} A${r},${r} 0 0 1 ${w},${r} V${M.header} Z" fill="${n.ghost ? '#e5e7eb' : color}"/>`);
  parts.push(`<text class="title" x="${M.padX}" y="15" font-size="${M.titleFont}" font-weight="bold" fill="${n.ghost ? '#374151' : '#ffffff'}">${esc(box.title)}</text>`);
  if (n.status !== 'ok') {
    parts.push(`<g class="badge"><circle cx="${w - 11}" cy="11" r="7" fill="#ffffff" stroke="${stroke}" stroke-width="1.5"/><text x="${w - 11}" y="15" text-anchor="middle" font-size="11" font-weight="bold" fill="${stroke}">!</text></g>`);
  }
  let y = M.header + M.line - 3;
  parts.push(`<text class="kind" x="${M.padX}" y="${y}" fill="#374151" font-style="italic">${esc(box.kind)}</text>`);
  for (const line of box.lines) {
    y += M.line;
    parts.push(`<text class="param" x="${M.padX}" y="${y}" fill="#111827">${esc(line)}</text>`);
  }
  for (const p of box.ports) {
    const pColor = p.status === 'error' ? ERROR : p.status === 'warning' ? WARNING : color;
    const s = M.port;
    parts.push(`<rect class="port ${p.side}" data-port="${esc(p.name)}" x="${round(p.cx - s / 2)}" y="${round(p.cy - s / 2)}" width="${s}" height="${s}" rx="1.5" fill="${p.status === 'ok' ? '#ffffff' : pColor}" stroke="${pColor}" stroke-width="1.4"/>`);
    const tx = p.side === 'in' ? 6 : w - 6;
    parts.push(`<text class="port-label" x="${tx}" y="${round(p.cy + 3.5)}" font-size="${M.labelFont}" text-anchor="${p.side === 'in' ? 'start' : 'end'}" fill="${p.status === 'ok' ? '#4b5563' : pColor}">${esc(p.name)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

/** `color` mixed with white: 0 = the colour, 1 = white. */
export function tint(color: string, amount: number): string {
  const n = parseInt(color.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * amount);
  const rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix);
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Splits a line into rows of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const rows: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut < width / 2) cut = width;
    rows.push(rest.slice(0, cut));
    rest = '    ' + rest.slice(cut).trimStart();
  }
  rows.push(rest);
  return rows;
}
