import type { RunResult } from '../runtime/exec/runGraph.js';
import type { DepthGrid, TradeMarks } from '../runtime/exec/depthGrid.js';
import type { RecordReport } from '../nodes/sink/record.js';
import { DISPLAY_BUCKETS, downsampleIndices, roundSignificant } from './downsample.js';
import { escapeHtml as esc, formatNumber, formatTime } from './page.js';

/**
 * The order-book part of a run report: per book source a depth heatmap (price × time, colour =
 * time-averaged resting size on a log scale, bids in blues and asks in oranges, both
 * lightness-ordered ColorBrewer ramps), the best bid and ask, the trades of the same instrument
 * as dots sized by trade size and coloured by aggressor side; then every sink.record column as
 * a line chart on the same time axis (zoom one, all follow). The grid comes from runGraph
 * (`depth`, runtime/exec/depthGrid.ts); here it is only quantised to one byte per cell and
 * packed (sparse when most cells are empty, as with a top-10 book), so the page stays small.
 */

/** Recorded columns drawn at most (a features wire can record dozens). */
export const MAX_SERIES_CHARTS = 12;

/** Blues and Oranges (ColorBrewer, sequential, light to dark): bids and asks. */
export const BID_RAMP = ['#deebf7', '#9ecae1', '#4292c6', '#2171b5', '#08306b'];
export const ASK_RAMP = ['#fee6ce', '#fdae6b', '#f16913', '#d94801', '#7f2704'];
export const BUY_COLOR = '#16a34a';
export const SELL_COLOR = '#c026d3';

export interface BookSectionData {
  books: ReturnType<typeof bookData>[];
  series: ReturnType<typeof seriesData>[];
  /** Recorded columns not drawn (beyond MAX_SERIES_CHARTS). */
  seriesLeftOut: number;
}

/** What the page gets, or undefined when the run has neither a book grid nor recorded series. */
export function bookSectionData(result: RunResult, buckets = DISPLAY_BUCKETS): BookSectionData | undefined {
  const depth = result.depth ?? {};
  const grids = Object.entries(depth).filter(([, d]) => d.kind === 'book') as [string, DepthGrid][];
  const trades = Object.entries(depth).filter(([, d]) => d.kind === 'trades') as [string, TradeMarks][];
  const symbolOf = (id: string) => String(result.graph.byId.get(id)?.params.symbol ?? '').toUpperCase();
  const books = grids.map(([id, grid]) => bookData(id, symbolOf(id), grid, trades.filter(([tid]) => symbolOf(tid) === symbolOf(id))));
  const records = Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'record') as [string, RecordReport][];
  const all = records.flatMap(([id, r]) => r.columns.map((name, j) => ({ id, name, r, j })));
  const series = all.slice(0, MAX_SERIES_CHARTS).map(({ id, name, r, j }) => seriesData(id, name, r, j, buckets));
  if (!books.length && !series.length) return undefined;
  return { books, series, seriesLeftOut: all.length - series.length };
}

/** Quantiles of the non-empty cells: the colour scale runs from the 1 % to the 99 % one (log), beyond saturates. */
function sizeScale(grid: DepthGrid): { lo: number; hi: number; cells: number } {
  const values: number[] = [];
  for (const side of [grid.bid, grid.ask]) for (let k = 0; k < side.length; k++) if (side[k] > 0) values.push(side[k]);
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  if (!m) return { lo: 1, hi: 1, cells: 0 };
  return { lo: sorted[Math.floor(0.01 * (m - 1))], hi: sorted[Math.ceil(0.99 * (m - 1))], cells: m };
}

/** One byte per cell, 0 = nothing resting, 1..255 = log(size) from lo to hi (clamped). */
function quantise(values: Float64Array, lo: number, hi: number): Uint8Array {
  const out = new Uint8Array(values.length);
  const span = Math.log(hi) - Math.log(lo);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v > 0)) continue;
    const x = span > 0 ? (Math.log(v) - Math.log(lo)) / span : 1;
    out[k] = 1 + Math.round(254 * Math.min(1, Math.max(0, x)));
  }
  return out;
}

/** Dense (a byte per cell) or, when under a quarter of the cells are set, sparse (3-byte index + value): base64. */
function pack(bytes: Uint8Array): { encoding: 'dense' | 'sparse'; data: string } {
  let set = 0;
  for (let k = 0; k < bytes.length; k++) if (bytes[k]) set++;
  if (set * 4 >= bytes.length || bytes.length >= 2 ** 24) return { encoding: 'dense', data: Buffer.from(bytes).toString('base64') };
  const out = new Uint8Array(set * 4);
  let at = 0;
  for (let k = 0; k < bytes.length; k++) {
    if (!bytes[k]) continue;
    out[at++] = k & 255;
    out[at++] = (k >> 8) & 255;
    out[at++] = (k >> 16) & 255;
    out[at++] = bytes[k];
  }
  return { encoding: 'sparse', data: Buffer.from(out).toString('base64') };
}

function bookData(id: string, symbol: string, grid: DepthGrid, trades: [string, TradeMarks][]) {
  const { lo, hi, cells } = sizeScale(grid);
  const width = (grid.end - grid.start) / grid.columns;
  const t = Array.from({ length: grid.columns }, (_, c) => Math.round(grid.start + (c + 0.5) * width) / 1000);
  // Legend ticks: five sizes evenly spaced on the log scale.
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((x) => roundSignificant(lo * (hi / lo) ** x, 3));
  const marks = trades.map(([tid, m]) => ({
    id: tid,
    total: m.total,
    kept: m.kept,
    minKeptSize: roundSignificant(m.minKeptSize, 6),
    t: Array.from(m.time, (v) => Math.round(v) / 1000),
    price: Array.from(m.price, (v) => roundSignificant(v, 10)),
    size: Array.from(m.size, (v) => roundSignificant(v, 6)),
    side: Array.from(m.side, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)),
  }));
  let maxTrade = 0;
  for (const m of marks) for (const s of m.size) if (s !== null && s > maxTrade) maxTrade = s;
  return {
    id,
    symbol,
    levels: grid.levels,
    snapshots: grid.snapshots,
    columns: grid.columns,
    rows: grid.rows,
    start: grid.start / 1000,
    end: grid.end / 1000,
    priceLow: roundSignificant(grid.priceLow, 10),
    priceHigh: roundSignificant(grid.priceHigh, 10),
    clipped: grid.clipped,
    cells,
    scale: { lo: roundSignificant(lo, 6), hi: roundSignificant(hi, 6), ticks },
    bid: pack(quantise(grid.bid, lo, hi)),
    ask: pack(quantise(grid.ask, lo, hi)),
    t,
    bestBid: Array.from(grid.bestBid, (v) => roundSignificant(v, 10)),
    bestAsk: Array.from(grid.bestAsk, (v) => roundSignificant(v, 10)),
    trades: marks,
    maxTrade,
  };
}

/** One recorded column: its rows with a value (a pulse is NaN between its events), downsampled for display. */
function seriesData(id: string, name: string, r: RecordReport, j: number, buckets: number) {
  const column = r.values[j];
  const rows: number[] = [];
  for (let i = 0; i < column.length; i++) if (column[i] === column[i]) rows.push(i);
  const values = Float64Array.from(rows, (i) => column[i]);
  const idx = downsampleIndices(values.length, [values], buckets);
  return {
    sink: id,
    name,
    rows: r.rows,
    truncated: r.truncated,
    points: idx.length,
    valued: values.length,
    t: Array.from(idx, (k) => Math.round(r.t[rows[k]]) / 1000),
    v: Array.from(idx, (k) => roundSignificant(values[k], 8)),
  };
}

/** The section's HTML (the script draws into it). `mode`: a paper session has no grid (no history to grid). */
export function bookSection(data: BookSectionData | undefined, result: RunResult): string {
  const out: string[] = [];
  const bookNodes = result.graph.nodes.filter((n) => n.kind === 'source.book');
  if (bookNodes.length && !data?.books.length) {
    out.push('<h2 id="order-book">order book</h2>');
    out.push(
      `<p class="muted">${result.mode === 'backtest' ? 'No depth grid was computed for this run (runGraph without report: true).' : `A ${esc(result.mode)} session has no replayed history to grid: the depth heatmap is drawn for backtests only.`}</p>`,
    );
  }
  for (const b of data?.books ?? []) {
    const step = (Number(b.priceHigh) - Number(b.priceLow)) / b.rows;
    out.push(`<section class="book" id="book-${esc(b.id)}" data-book="${esc(b.id)}">`);
    out.push(`<h2 id="order-book-${esc(b.id)}">order book <span class="muted small">${esc(b.id)}${b.symbol ? ` · ${esc(b.symbol)}` : ''} · ${esc(formatTime(b.start * 1000))} .. ${esc(formatTime(b.end * 1000))} UTC</span></h2>`);
    const trades = b.trades.map((m) => (m.kept < m.total ? `the ${m.kept.toLocaleString('en-US')} largest of ${m.total.toLocaleString('en-US')} trades of source ${m.id} (size ≥ ${m.minKeptSize}), the smaller ones not drawn` : `all ${m.total.toLocaleString('en-US')} trades of source ${m.id}`));
    out.push(
      `<p class="muted small">Price × time; colour = resting size (top ${b.levels} levels per side, averaged over the time of each cell): ${b.snapshots.toLocaleString('en-US')} snapshots in ${b.columns} columns of ${esc(formatDuration((b.end - b.start) / b.columns))} × ${b.rows} rows of ${esc(formatNumber(step, 4))}. Log colour scale from the 1 % to the 99 % quantile of the non-empty cells (beyond: the end colours).${b.clipped > 0 ? ` ${esc(formatNumber(b.clipped * 100, 2))} % of the resting size × time lies outside the price range shown (0.1 % .. 99.9 % quantiles of the level prices).` : ''} ${trades.length ? `Trades: ${esc(trades.join('; '))}; dot area ∝ size.` : 'No trades source of this instrument.'} Drag across to zoom in time (the charts below follow), double-click to reset.</p>`,
    );
    out.push(`<div class="depth-legend" data-legend="${esc(b.id)}">${legendHtml(b)}</div>`);
    out.push(`<div class="chart depth" id="depth-${esc(b.id)}" data-chart="depth"></div>`);
    out.push('</section>');
  }
  if (data?.series.length) {
    out.push('<h2 id="recorded">recorded series <span class="muted small">sink.record columns, on the same time axis</span></h2>');
    for (const [k, s] of data.series.entries()) {
      const note = [s.points < s.valued ? `${s.points.toLocaleString('en-US')} of ${s.valued.toLocaleString('en-US')} points shown (first, last, min and max of each slice)` : `${s.valued.toLocaleString('en-US')} points`, s.truncated ? `only the first ${s.valued.toLocaleString('en-US')} rows were kept (memory bound)` : ''].filter(Boolean).join('; ');
      out.push(`<h3>${esc(s.name)} <span class="muted small">sink ${esc(s.sink)} · ${esc(note)}</span></h3><div class="chart series" id="series-${k}" data-chart="series"></div>`);
    }
    if (data.seriesLeftOut) out.push(`<p class="muted small">${data.seriesLeftOut} more recorded column(s) not drawn (at most ${MAX_SERIES_CHARTS} charts).</p>`);
  }
  return out.join('\n');
}

function formatDuration(seconds: number): string {
  if (seconds < 1) return `${formatNumber(seconds * 1000, 0)} ms`;
  if (seconds < 120) return `${formatNumber(seconds, 2)} s`;
  return `${formatNumber(seconds / 60, 1)} min`;
}

function legendHtml(b: ReturnType<typeof bookData>): string {
  const gradient = (ramp: string[]) => `linear-gradient(to right, ${ramp.join(', ')})`;
  const ticks = b.scale.ticks.map((v) => `<span>${esc(String(v))}</span>`).join('');
  const dot = (px: number, color: string) => `<svg width="${2 * px + 2}" height="${2 * px + 2}"><circle cx="${px + 1}" cy="${px + 1}" r="${px}" fill="${color}" fill-opacity="0.9" stroke="#fff" stroke-width="0.5"/></svg>`;
  const sizes = b.maxTrade > 0 ? [b.maxTrade / 16, b.maxTrade / 4, b.maxTrade].map((s) => `${dot(tradeRadius(s, b.maxTrade), '#6b7280')} ${esc(String(roundSignificant(s, 3)))}`).join(' ') : '';
  return [
    `<div class="ramp"><span class="ramp-label">bids</span><span class="bar" style="background:${gradient(BID_RAMP)}"></span></div>`,
    `<div class="ramp"><span class="ramp-label">asks</span><span class="bar" style="background:${gradient(ASK_RAMP)}"></span></div>`,
    `<div class="ramp"><span class="ramp-label">resting size (log)</span><span class="ticks">${ticks}</span></div>`,
    b.trades.length ? `<div class="trade-key">${dot(5, BUY_COLOR)} buy (aggressor) ${dot(5, SELL_COLOR)} sell (aggressor) · size ${sizes}</div>` : '',
  ].join('');
}

/** Dot radius in CSS px for a trade of `size`: area ∝ size, the largest 6 px (the script draws the same). */
export function tradeRadius(size: number, maxSize: number): number {
  return Math.max(1.2, 6 * Math.sqrt(size / maxSize));
}

export const BOOK_CSS = `
.depth-legend { display: flex; flex-wrap: wrap; gap: 4px 18px; align-items: center; font-size: 12px; color: var(--muted); margin: 4px 0; }
.depth-legend .ramp { display: flex; align-items: center; gap: 6px; }
.depth-legend .bar { display: inline-block; width: 160px; height: 10px; border: 1px solid var(--line); }
.depth-legend .ticks { display: inline-flex; gap: 10px; }
.depth-legend svg { vertical-align: middle; }
.chart.depth { min-height: 380px; }
`;

/**
 * The section's script: the heatmap is a uPlot chart (time and price axes, cursor, zoom) whose
 * grid image is painted under the axes' grid on every redraw (drawClear), the best bid and ask
 * are its two series, and the trades are dots drawn over it (draw). Recorded series are uPlot
 * line charts; all of them share the x scale. `window.heanReport.book` exposes counts (tests).
 */
export const BOOK_JS = String.raw`
(function () {
  'use strict';
  var el = document.getElementById('book-data');
  if (!el) return;
  var data = JSON.parse(el.textContent);
  var api = window.heanReport = window.heanReport || {};
  api.book = {};
  api.series = [];
  var BID = ${JSON.stringify(BID_RAMP)}, ASK = ${JSON.stringify(ASK_RAMP)};
  var BUY = '${BUY_COLOR}', SELL = '${SELL_COLOR}';
  var fmtPrice = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
  var fmtShort = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
  function axisNumber(v) { var a = Math.abs(v); return a >= 1000 ? fmtShort.format(v) : a >= 1 || a === 0 ? String(Number(v.toPrecision(6))) : String(Number(v.toPrecision(3))); }
  function isoMs(s) { return s === null ? '' : new Date(s * 1000).toISOString().slice(11, 23); }
  function utc(ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); }
  // Time ticks in UTC, 24 h, as fine as the tick step needs; the date on the first tick and where it changes.
  function timeTicks(u, splits, axis, space, incr) {
    var day = '';
    return splits.map(function (s) {
      var iso = new Date(s * 1000).toISOString();
      var time = incr < 1 ? iso.slice(11, 23) : incr < 60 ? iso.slice(11, 19) : iso.slice(11, 16);
      var d = iso.slice(0, 10);
      var label = d !== day ? time + '\n' + d : time;
      day = d;
      return label;
    });
  }
  var xAxis = { values: timeTicks, size: 56, space: 90 };
  function hex(c) { return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)]; }
  // 256 colours per ramp, interpolated in RGB between the ramp's stops (index 0 unused: empty).
  function lut(stops) {
    var rgb = stops.map(hex), out = new Uint8Array(256 * 3);
    for (var q = 1; q < 256; q++) {
      var x = (q - 1) / 254 * (rgb.length - 1), i = Math.min(rgb.length - 2, Math.floor(x)), f = x - i;
      for (var k = 0; k < 3; k++) out[q * 3 + k] = Math.round(rgb[i][k] + (rgb[i + 1][k] - rgb[i][k]) * f);
    }
    return out;
  }
  function unpack(p, n) {
    var s = atob(p.data), out = new Uint8Array(n);
    if (p.encoding === 'dense') { for (var i = 0; i < n; i++) out[i] = s.charCodeAt(i); return out; }
    for (var j = 0; j < s.length; j += 4) out[s.charCodeAt(j) | (s.charCodeAt(j + 1) << 8) | (s.charCodeAt(j + 2) << 16)] = s.charCodeAt(j + 3);
    return out;
  }
  var charts = [];
  var syncing = false;
  function syncX(u) {
    if (syncing) return;
    syncing = true;
    var min = u.scales.x.min, max = u.scales.x.max;
    charts.forEach(function (c) { if (c !== u) c.setScale('x', { min: min, max: max }); });
    syncing = false;
  }
  function width(node) { return Math.max(300, node.clientWidth || 800); }
  var range = null;

  data.books.forEach(function (b) {
    var n = b.columns * b.rows;
    var bid = unpack(b.bid, n), ask = unpack(b.ask, n);
    var bl = lut(BID), al = lut(ASK);
    // The grid as an image, a pixel per cell: x = column, y = row from the top (highest price).
    var off = document.createElement('canvas');
    off.width = b.columns; off.height = b.rows;
    var octx = off.getContext('2d'), img = octx.createImageData(b.columns, b.rows), painted = 0;
    for (var c = 0; c < b.columns; c++) {
      for (var r = 0; r < b.rows; r++) {
        var k = c * b.rows + r, qb = bid[k], qa = ask[k];
        if (!qb && !qa) continue;
        var table = qb >= qa ? bl : al, q = qb >= qa ? qb : qa, p = ((b.rows - 1 - r) * b.columns + c) * 4;
        img.data[p] = table[q * 3]; img.data[p + 1] = table[q * 3 + 1]; img.data[p + 2] = table[q * 3 + 2]; img.data[p + 3] = 255;
        painted++;
      }
    }
    octx.putImageData(img, 0, 0);
    var drawn = 0;
    var overlay = {
      hooks: {
        drawClear: [function (u) {
          var ctx = u.ctx, bb = u.bbox;
          ctx.save();
          ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
          ctx.imageSmoothingEnabled = false;
          var x0 = u.valToPos(b.start, 'x', true), x1 = u.valToPos(b.end, 'x', true);
          var y0 = u.valToPos(b.priceHigh, 'y', true), y1 = u.valToPos(b.priceLow, 'y', true);
          ctx.drawImage(off, x0, y0, x1 - x0, y1 - y0);
          ctx.restore();
        }],
        draw: [function (u) {
          var ctx = u.ctx, bb = u.bbox, pr = uPlot.pxRatio;
          var xmin = u.scales.x.min, xmax = u.scales.x.max;
          ctx.save();
          ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
          ctx.lineWidth = 0.5 * pr;
          ctx.strokeStyle = 'rgba(255,255,255,0.9)';
          drawn = 0;
          b.trades.forEach(function (m) {
            for (var i = 0; i < m.t.length; i++) {
              if (m.t[i] < xmin || m.t[i] > xmax || m.price[i] === null) continue;
              var x = u.valToPos(m.t[i], 'x', true), y = u.valToPos(m.price[i], 'y', true);
              var rad = Math.max(1.2, 6 * Math.sqrt(m.size[i] / b.maxTrade)) * pr;
              ctx.globalAlpha = 0.9;
              ctx.fillStyle = m.side[i] > 0 ? BUY : m.side[i] < 0 ? SELL : '#6b7280';
              ctx.beginPath(); ctx.arc(x, y, rad, 0, 2 * Math.PI); ctx.fill();
              ctx.globalAlpha = 1;
              ctx.stroke();
              drawn++;
            }
          });
          ctx.restore();
          api.book[b.id].tradesDrawn = drawn;
        }],
      },
    };
    // How far the drawn book reaches beyond the best bid and ask: the 95th percentile over columns, plus a row.
    var step = (b.priceHigh - b.priceLow) / b.rows, reach = [];
    for (var cc = 0; cc < b.columns; cc++) {
      var lowest = -1, highest = -1;
      for (var rr = 0; rr < b.rows; rr++) if (bid[cc * b.rows + rr] || ask[cc * b.rows + rr]) { if (lowest < 0) lowest = rr; highest = rr; }
      if (lowest < 0 || b.bestBid[cc] === null || b.bestAsk[cc] === null) continue;
      reach.push(Math.max(b.bestBid[cc] - (b.priceLow + lowest * step), b.priceLow + (highest + 1) * step - b.bestAsk[cc]));
    }
    reach.sort(function (x, y) { return x - y; });
    var depthPad = (reach.length ? reach[Math.floor(0.95 * (reach.length - 1))] : 0) + step;
    api.book[b.id] = { painted: painted, tradesDrawn: 0 };
    var node = document.getElementById('depth-' + b.id);
    var money = function (u, v) { return v === null ? '' : fmtPrice.format(v); };
    var u = new uPlot({
      width: width(node),
      height: 380,
      cursor: { drag: { x: true, y: false } },
      // y follows the visible best bid and ask (uPlot's min and max of the window), with room for the book's depth.
      scales: { x: { time: true }, y: { range: function (u, min, max) { if (min === null || max === null) return [b.priceLow, b.priceHigh]; return [Math.max(b.priceLow, min - depthPad), Math.min(b.priceHigh, max + depthPad)]; } } },
      tzDate: utc,
      axes: [xAxis, { size: 72, values: function (u, vals) { return vals.map(function (v) { return v === null || v === undefined ? null : fmtPrice.format(v); }); } }],
      series: [
        { label: 'time (UTC)', value: function (u, v) { return v === null ? '' : isoMs(v); } },
        { label: 'best bid', stroke: '#1e3a8a', width: 1, value: money },
        { label: 'best ask', stroke: '#7c2d12', width: 1, value: money },
      ],
      legend: { live: true },
      hooks: { setScale: [function (u, key) { if (key === 'x') syncX(u); }] },
      plugins: [overlay],
    }, [b.t, b.bestBid, b.bestAsk], node);
    charts.push(u);
    if (!range) range = [b.start, b.end];
    api.book[b.id].chart = u;
  });

  data.series.forEach(function (s, k) {
    var node = document.getElementById('series-' + k);
    var u = new uPlot({
      width: width(node),
      height: 180,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      tzDate: utc,
      axes: [xAxis, { size: 72, values: function (u, vals) { return vals.map(function (v) { return v === null || v === undefined ? null : axisNumber(v); }); } }],
      series: [
        { label: 'time (UTC)', value: function (u, v) { return v === null ? '' : isoMs(v); } },
        { label: s.name, stroke: '#334155', width: 1, spanGaps: true, value: function (u, v) { return v === null ? '' : fmtPrice.format(v); } },
      ],
      legend: { live: true },
      hooks: { setScale: [function (u, key) { if (key === 'x') syncX(u); }] },
    }, [s.t, s.v], node);
    node.setAttribute('data-points', String(s.t.length));
    charts.push(u);
    api.series.push(u);
  });
  // Aligned on the book's time range, when there is a book.
  if (range) charts.forEach(function (c) { c.setScale('x', { min: range[0], max: range[1] }); });
  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.setSize({ width: width(c.root.parentNode), height: c.height }); });
  });
})();
`;
