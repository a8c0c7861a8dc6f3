import type { VizGraph } from './graphModel.js';
import { diagnosticLines } from './graphModel.js';
import { graphSvg } from './graphSvg.js';
import type { GraphLayout } from './layoutGraph.js';
import { escapeHtml as esc, familyColor, htmlPage, jsonScript } from './page.js';

/**
 * The interactive drawing of a graph: the SVG of graphSvg.ts in a pan/zoom viewport (wheel or
 * +/- to zoom, drag to pan, "fit" to reset), and a panel that shows a node's summary, all its
 * params, its inputs and its outputs when the pointer is over it (click to keep it). Used on its
 * own (`hean viz -o g.html`) and inside backtest reports.
 */

/** The details of each node the panel shows, keyed by id (the page's JSON data). */
export function nodeDetails(model: VizGraph): Record<string, unknown> {
  return Object.fromEntries(
    model.nodes.map((n) => [
      n.id,
      {
        kind: n.kind,
        family: n.family,
        summary: n.summary ?? null,
        params: n.params,
        inputs: n.inputs.map((p) => ({ name: p.name, type: p.type, many: Boolean(p.many), optional: Boolean(p.optional), wires: n.wiresIn.find((w) => w.port === p.name)?.wires ?? [], status: p.status })),
        outputs: n.allOutputs,
        warmup: n.warmup ?? null,
        status: n.status,
        ghost: Boolean(n.ghost),
        problems: n.problems,
      },
    ]),
  );
}

/** The drawing, its toolbar, the node panel and the diagnostics list, for a page's body. */
export function graphSection(model: VizGraph, layout: GraphLayout, id = 'graph'): string {
  const families = [...new Set(model.nodes.filter((n) => !n.ghost).map((n) => n.family))];
  // The canvas keeps the drawing's aspect ratio, so "fit" fills its width (within 220 px..78vh).
  const width = Math.max(1, layout.width);
  const height = Math.max(1, layout.height);
  const diagnostics = diagnosticLines(model);
  const nodeOf = (i: number) => {
    const parts = model.diagnostics[i].path.split('.');
    const nodeId = parts[0] === 'nodes' ? parts[1] : parts[0] === 'modes' ? parts[2] : undefined;
    return nodeId !== undefined && model.nodes.some((n) => n.id === nodeId) ? nodeId : undefined;
  };
  return [
    `<section class="hean-graph-view" id="${esc(id)}" data-source="${esc(id)}-data">`,
    `<div class="graph-legend">${families.map((f) => `<span class="chip"><i style="background:${familyColor(f)}"></i>${esc(f)}</span>`).join('')}<span class="muted hint">wheel or +/− to zoom, drag to pan, click a node to keep its details</span>`,
    '<span class="graph-toolbar"><button type="button" data-zoom="in" title="zoom in">+</button><button type="button" data-zoom="out" title="zoom out">−</button><button type="button" data-zoom="fit" title="fit the whole graph">fit</button></span></div>',
    '<div class="graph-body">',
    `<div class="graph-canvas" style="aspect-ratio:${width} / ${height}">`,
    graphSvg(model, layout),
    '</div>',
    `<aside class="node-panel" aria-live="polite"><p class="muted">Point at a node to see its summary, params and outputs; click it to keep them here.</p></aside>`,
    '</div>',
    diagnostics.length
      ? `<h3>${diagnosticsTitle(model)}</h3><ul class="diagnostics">${diagnostics.map((d, i) => `<li class="${d.severity}"${nodeOf(i) ? ` data-node="${esc(nodeOf(i))}"` : ''}>${esc(d.text)}</li>`).join('')}</ul>`
      : '',
    jsonScript(`${id}-data`, { name: model.name, nodes: nodeDetails(model) }),
    '</section>',
  ].join('\n');
}

function diagnosticsTitle(model: VizGraph): string {
  const errors = model.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = model.diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** `hean viz -o g.html`: the graph alone on a page. */
export function graphPage(model: VizGraph, layout: GraphLayout): string {
  const params = Object.entries(model.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  const errors = model.diagnostics.some((d) => d.severity === 'error');
  const body = [
    '<main class="graph-page wide">',
    `<h1>${esc(model.name)}${params ? ` <span class="muted">(${esc(params)})</span>` : ''}</h1>`,
    `<p class="sub"><code>${esc(model.file)}</code> · ${model.nodes.filter((n) => !n.ghost).length} nodes, ${model.edges.length} wires${errors ? ' · <strong class="neg">does not compile</strong>' : ''}</p>`,
    model.description ? `<p>${esc(model.description)}</p>` : '',
    graphSection(model, layout),
    '</main>',
  ].join('\n');
  return htmlPage({ title: `${model.name} — graph`, css: GRAPH_CSS, body, scripts: [GRAPH_JS] });
}

export const GRAPH_CSS = `
.graph-legend { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; margin: 6px 0; font-size: 13px; }
.graph-legend .chip i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.graph-legend .hint { margin-left: auto; font-size: 12px; }
.graph-body { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 12px; align-items: start; }
.graph-canvas { position: relative; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; background: #fff; cursor: grab; width: 100%; min-height: 220px; max-height: 78vh; }
.graph-canvas.dragging { cursor: grabbing; }
.graph-canvas svg { display: block; width: 100%; height: 100%; user-select: none; touch-action: none; }
.graph-toolbar { display: inline-flex; gap: 4px; }
.graph-toolbar button { min-width: 30px; padding: 0 8px; background: #fff; }
.node { cursor: pointer; outline: none; }
.node:hover .body, .node:focus .body { stroke-width: 3; }
.node.selected .body { stroke-width: 3.5; stroke: #111827; }
.edge.hl path { stroke: #111827; stroke-width: 2.4; }
.node-panel { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; background: var(--panel); overflow: auto; font-size: 13px; min-height: 220px; max-height: 78vh; }
.node-panel h3 { margin: 0 0 2px; font-size: 16px; }
.node-panel h4 { margin: 10px 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.node-panel .kind { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.node-panel table { width: 100%; }
.node-panel td { white-space: normal; word-break: break-word; text-align: left; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; vertical-align: top; }
.node-panel td:first-child { color: var(--muted); width: 40%; }
.node-panel .problem { color: var(--bad); font-size: 12.5px; margin: 4px 0; }
.node-panel .problem.warning { color: var(--warn); }
.diagnostics li[data-node] { cursor: pointer; }
@media (max-width: 900px) { .graph-body { grid-template-columns: 1fr; } }
`;

/**
 * The page script: pan/zoom by rewriting the SVG viewBox, the node panel (built with DOM calls
 * and textContent, never innerHTML, so nothing in a graph can inject markup).
 */
export const GRAPH_JS = String.raw`
(function () {
  'use strict';
  var views = document.querySelectorAll('.hean-graph-view');
  for (var v = 0; v < views.length; v++) initGraphView(views[v]);

  function initGraphView(root) {
    var data = JSON.parse(document.getElementById(root.getAttribute('data-source')).textContent);
    var canvas = root.querySelector('.graph-canvas');
    var svg = canvas.querySelector('svg');
    var panel = root.querySelector('.node-panel');
    var box = svg.viewBox.baseVal;
    var home = [box.x, box.y, box.width, box.height];
    var view = home.slice();
    var pinned = null;

    function apply() { svg.setAttribute('viewBox', view.map(function (n) { return Math.round(n * 100) / 100; }).join(' ')); }
    function toSvg(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return { x: view[0] + view[2] / 2, y: view[1] + view[3] / 2 };
      var p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
      return { x: p.x, y: p.y };
    }
    function zoom(factor, cx, cy) {
      var w = view[2] * factor, h = view[3] * factor;
      if (w < home[2] / 20 || w > home[2] * 8) return;
      view = [cx - (cx - view[0]) * factor, cy - (cy - view[1]) * factor, w, h];
      apply();
    }
    svg.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = toSvg(e.clientX, e.clientY);
      zoom(e.deltaY < 0 ? 1 / 1.15 : 1.15, p.x, p.y);
    }, { passive: false });
    root.querySelectorAll('.graph-toolbar button').forEach(function (b) {
      b.addEventListener('click', function () {
        var what = b.getAttribute('data-zoom');
        if (what === 'fit') { view = home.slice(); apply(); return; }
        zoom(what === 'in' ? 1 / 1.3 : 1.3, view[0] + view[2] / 2, view[1] + view[3] / 2);
      });
    });

    // Drag to pan; a press that hardly moves is a click.
    var drag = null;
    svg.addEventListener('pointerdown', function (e) {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, start: toSvg(e.clientX, e.clientY), view: view.slice(), moved: false, id: e.pointerId };
    });
    svg.addEventListener('pointermove', function (e) {
      if (!drag) return;
      if (!drag.moved && Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) < 4) return;
      if (!drag.moved) { drag.moved = true; canvas.classList.add('dragging'); try { svg.setPointerCapture(drag.id); } catch (err) { /* capture is a nicety */ } }
      var m = svg.getScreenCTM();
      if (!m) return;
      view = [drag.view[0] - (e.clientX - drag.x) / m.a, drag.view[1] - (e.clientY - drag.y) / m.d, view[2], view[3]];
      apply();
    });
    function endDrag(e) {
      if (!drag) return;
      var moved = drag.moved;
      drag = null;
      canvas.classList.remove('dragging');
      if (moved) return;
      var node = e.target.closest ? e.target.closest('.node') : null;
      select(node ? node.getAttribute('data-node-id') : null);
    }
    svg.addEventListener('pointerup', endDrag);
    svg.addEventListener('pointercancel', function () { drag = null; canvas.classList.remove('dragging'); });

    var nodes = svg.querySelectorAll('.node');
    nodes.forEach(function (g) {
      var id = g.getAttribute('data-node-id');
      g.addEventListener('pointerenter', function () { if (!drag) { show(id); highlight(id); } });
      g.addEventListener('pointerleave', function () { show(pinned); highlight(pinned); });
      g.addEventListener('focus', function () { show(id); highlight(id); });
      g.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); select(id); } });
    });
    root.querySelectorAll('.diagnostics li[data-node]').forEach(function (li) {
      li.addEventListener('click', function () { select(li.getAttribute('data-node')); });
    });

    function select(id) {
      pinned = id;
      nodes.forEach(function (g) { g.classList.toggle('selected', g.getAttribute('data-node-id') === id); });
      show(id);
      highlight(id);
    }
    function highlight(id) {
      svg.querySelectorAll('.edge').forEach(function (e) {
        e.classList.toggle('hl', id !== null && (e.getAttribute('data-from') === id || e.getAttribute('data-to') === id));
      });
    }
    function el(tag, text, cls) {
      var e = document.createElement(tag);
      if (text !== undefined && text !== null) e.textContent = String(text);
      if (cls) e.className = cls;
      return e;
    }
    function row(table, key, value) {
      var tr = el('tr');
      tr.appendChild(el('td', key));
      tr.appendChild(el('td', value));
      table.appendChild(tr);
    }
    function valueText(v) { return typeof v === 'string' ? v : JSON.stringify(v); }
    function show(id) {
      panel.textContent = '';
      if (id === null || !Object.prototype.hasOwnProperty.call(data.nodes, id)) {
        panel.removeAttribute('data-node');
        panel.appendChild(el('p', 'Point at a node to see its summary, params and outputs; click it to keep them here.', 'muted'));
        return;
      }
      var n = data.nodes[id];
      panel.setAttribute('data-node', id);
      panel.appendChild(el('h3', id));
      panel.appendChild(el('div', n.kind, 'kind'));
      if (n.summary) panel.appendChild(el('p', n.summary));
      n.problems.forEach(function (p) { panel.appendChild(el('p', p, 'problem' + (p.indexOf('warning') === 0 ? ' warning' : ''))); });
      var keys = Object.keys(n.params);
      panel.appendChild(el('h4', 'params'));
      if (keys.length) {
        var t = el('table', null, 'params');
        keys.forEach(function (k) { row(t, k, valueText(n.params[k])); });
        panel.appendChild(t);
      } else panel.appendChild(el('p', 'none', 'muted'));
      if (n.inputs.length) {
        panel.appendChild(el('h4', 'inputs'));
        var ti = el('table', null, 'inputs');
        n.inputs.forEach(function (p) {
          row(ti, p.name + ': ' + p.type + (p.many ? ' (list)' : '') + (p.optional ? ' (optional)' : ''), p.wires.length ? '\u2190 ' + p.wires.join(', ') : 'not connected');
        });
        panel.appendChild(ti);
      }
      panel.appendChild(el('h4', 'outputs'));
      if (n.outputs.length) {
        var to = el('table', null, 'outputs');
        n.outputs.forEach(function (p) { row(to, p.name + ': ' + p.type, p.readers.length ? '\u2192 ' + p.readers.join(', ') : 'not wired'); });
        panel.appendChild(to);
      } else panel.appendChild(el('p', 'none (a sink)', 'muted'));
      if (n.warmup !== null) panel.appendChild(el('p', 'warm-up: ' + n.warmup + ' events', 'muted'));
    }
  }
})();
`;
