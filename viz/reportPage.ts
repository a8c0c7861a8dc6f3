import { isBrokerKind, type BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import type { PortfolioReport } from '../runtime/portfolio/portfolioBroker.js';
import type { RiskReport } from '../nodes/risk/limits.js';
import type { Metrics } from '../runtime/portfolio/metrics.js';
import type { RunResult } from '../runtime/exec/runGraph.js';
import { DISPLAY_BUCKETS, downsampleIndices, pick, roundSignificant } from './downsample.js';
import type { VizGraph } from './graphModel.js';
import { GRAPH_CSS, GRAPH_JS, graphSection } from './graphPage.js';
import type { GraphLayout } from './layoutGraph.js';
import { escapeHtml as esc, formatNumber, formatTime, htmlPage, jsonScript } from './page.js';
import { BOOK_CSS, BOOK_JS, bookSection, bookSectionData } from './bookSection.js';
import { MODEL_CSS, modelSection } from './modelSection.js';
import { buyAndHold, drawdownPct, monthlyReturns, type YearReturns } from './reportData.js';

/**
 * `hean run --report r.html`: one self-contained page per run. Per broker: the headline numbers
 * and the full metrics table, the equity curve against buy-and-hold, the drawdown (underwater)
 * chart, the price with entry and exit markers (uPlot, inlined; the three charts share the
 * cursor and the zoom), monthly returns and the trade list. Then the run's settings, the data's
 * provenance (file, range, gaps) and the drawing of the graph.
 *
 * Metrics, drawdown and monthly returns come from the full per-bar history; only the chart
 * points are downsampled (min/max per bucket, downsample.ts), so a million-bar run makes a page
 * of a few hundred KB that draws at once. Nothing depends on when the page was made. A broker
 * with bounded history (a long paper run) reports the bars it kept instead, with their exact
 * drawdown, each month's last bar and its latest trades: the same page, exact numbers.
 */

export interface ReportSettings {
  /** The command line as given (`hean run graphs/sma-cross.yaml --report r.html`), to re-run it. */
  command?: string;
  chunkSize: number;
  /** --set overrides as given. */
  set: Record<string, string>;
}

/** The drawing of the graph, or why there is none (the report is written all the same). */
export type ReportDrawing = { model: VizGraph; layout: GraphLayout } | { error: string };

export interface ReportInput {
  result: RunResult;
  drawing: ReportDrawing;
  settings: ReportSettings;
  /** Buckets of the chart downsampling (default DISPLAY_BUCKETS). */
  buckets?: number;
}

const METRIC_ROWS: [keyof Metrics, string, (m: Metrics) => string][] = [
  ['bars', 'bars', (m) => m.bars.toLocaleString('en-US')],
  ['trades', 'trades', (m) => `${m.trades}${m.trades - m.closedTrades ? ` (${m.trades - m.closedTrades} open)` : ''}`],
  ['initialCash', 'initial cash', (m) => formatNumber(m.initialCash)],
  ['finalEquity', 'final equity', (m) => formatNumber(m.finalEquity)],
  ['totalReturnPct', 'total return', (m) => `${formatNumber(m.totalReturnPct)} %`],
  ['cagrPct', 'CAGR', (m) => `${formatNumber(m.cagrPct)} %`],
  ['volatilityPct', 'volatility (ann.)', (m) => `${formatNumber(m.volatilityPct)} %`],
  ['sharpe', 'Sharpe', (m) => formatNumber(m.sharpe)],
  ['sortino', 'Sortino', (m) => formatNumber(m.sortino)],
  ['maxDrawdownPct', 'max drawdown', (m) => `${formatNumber(m.maxDrawdownPct)} %`],
  ['calmar', 'Calmar', (m) => formatNumber(m.calmar)],
  ['winRatePct', 'win rate', (m) => `${formatNumber(m.winRatePct)} %`],
  ['profitFactor', 'profit factor', (m) => formatNumber(m.profitFactor)],
  ['avgTradePnl', 'average trade', (m) => formatNumber(m.avgTradePnl)],
  ['exposurePct', 'exposure', (m) => `${formatNumber(m.exposurePct)} %`],
  ['feesPaid', 'fees paid', (m) => formatNumber(m.feesPaid)],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function reportPage(input: ReportInput): string {
  const { result, drawing, settings } = input;
  const graph = result.graph;
  const brokers = Object.entries(result.reports).filter(([, r]) => (r as { kind?: string })?.kind === 'broker') as [string, BrokerReport][];
  const params = Object.entries(graph.params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
  const sourceLine = Object.values(result.sources)
    .map((info) => {
      const i = info as Record<string, unknown>;
      return `${i.symbol ?? ''} ${i.timeframe ?? ''}`.trim();
    })
    .filter((text) => text)
    .join(', ');

  const book = bookSectionData(result, input.buckets ?? DISPLAY_BUCKETS);
  const models = modelSection(result);
  const range = brokers[0] ? [brokers[0][1].metrics.startTime, brokers[0][1].metrics.endTime] : sourcesRange(result);
  const body: string[] = ['<main class="report">'];
  body.push(`<h1>${esc(graph.name)}${params ? ` <span class="muted">(${esc(params)})</span>` : ''}</h1>`);
  const run = result.mode === 'backtest' ? 'backtest' : `${result.mode} session`;
  body.push(`<p class="sub">${run} of <code>${esc(graph.file)}</code>${sourceLine ? ` · ${esc(sourceLine)}` : ''}${range ? ` · ${esc(formatTime(range[0]))} .. ${esc(formatTime(range[1]))} UTC` : ''}</p>`);
  if (graph.description) body.push(`<p>${esc(graph.description)}</p>`);
  const bookLinks = [...(book?.books ?? []).map((b) => `<a href="#order-book-${esc(b.id)}">${(book?.books.length ?? 0) > 1 ? `order book ${esc(b.id)}` : 'order book'}</a>`), ...(book?.series.length ? ['<a href="#recorded">recorded series</a>'] : [])];
  body.push(`<nav class="toc">${[...brokers.map(([id]) => `<a href="#broker-${esc(id)}">${brokers.length > 1 ? `broker ${esc(id)}` : 'results'}</a>`), ...bookLinks, ...(models ? ['<a href="#models">models</a>'] : []), '<a href="#settings">settings</a>', '<a href="#data">data</a>', '<a href="#graph">graph</a>'].join(' · ')}</nav>`);
  if (!brokers.length) body.push(`<p class="muted">This graph has no sink.broker: there are no metrics, equity or trades to show${book ? '; what it recorded and read is below' : ''}.</p>`);

  const chartData = brokers.map(([id, report]) => brokerChartData(id, report, input.buckets ?? DISPLAY_BUCKETS));
  brokers.forEach(([id, report], k) => body.push(brokerSection(id, report, chartData[k].points, brokers.length > 1)));
  for (const [id, risk] of Object.entries(result.reports)) if ((risk as { kind?: string })?.kind === 'risk') body.push(riskSection(id, risk as RiskReport));
  body.push(bookSection(book, result));
  body.push(models);
  body.push(settingsSection(result, settings));
  body.push(dataSection(result));
  body.push('<h2 id="graph-title">graph</h2>');
  if ('error' in drawing) body.push(noDrawingSection(result, drawing.error));
  else {
    if (drawing.layout.note) body.push(`<p class="muted small">${esc(drawing.layout.note)}</p>`);
    body.push(graphSection(drawing.model, drawing.layout, 'graph'));
  }
  if (result.warnings.length) {
    body.push(`<h2>warnings</h2><ul class="diagnostics">${result.warnings.map((w) => `<li class="warning">${esc(`${w.node}: ${w.code}: ${w.message}`)}</li>`).join('')}</ul>`);
  }
  const layout = 'error' in drawing ? '' : drawing.layout.engine === 'elk' ? ' · layout: elkjs' : ' · layout: hean layered';
  body.push(`<footer class="muted">made by hean · charts: uPlot${layout}</footer>`);
  body.push('</main>');
  body.push(jsonScript('report-data', { brokers: chartData }));
  if (book) body.push(jsonScript('book-data', book));
  return htmlPage({ title: `${graph.name} — ${run} report`, css: GRAPH_CSS + REPORT_CSS + (book ? BOOK_CSS : '') + (models ? MODEL_CSS : ''), body: body.join('\n'), scripts: [GRAPH_JS, REPORT_JS, ...(book ? [BOOK_JS] : [])], uplot: true });
}

/** The span of the run's data when there is no broker to give it: the earliest first time to the latest last time of its sources. */
function sourcesRange(result: RunResult): [number, number] | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const info of Object.values(result.sources)) {
    const a = Number(info.firstTime ?? info.firstOpenTime);
    const b = Number(info.lastTime ?? info.lastOpenTime);
    if (a < first) first = a;
    if (b > last) last = b;
  }
  return first <= last ? [first, last] : undefined;
}

/**
 * What the charts and the trade list of one broker get: display points and all trades. A broker
 * run with bounded history (historyDownsampled) hands over the bars it kept, with their exact
 * drawdown (a running peak cannot be recomputed from kept bars alone); the charts downsample
 * those the same way.
 */
function brokerChartData(id: string, report: BrokerReport, buckets: number) {
  const m = report.metrics;
  const dd = report.drawdownPct ?? drawdownPct(report.equity, m.initialCash);
  const hold = buyAndHold(report.closes, m.initialCash);
  const idx = downsampleIndices(report.equity.length, [report.equity, report.closes, dd], buckets);
  const seconds = new Array<number>(idx.length);
  for (let k = 0; k < idx.length; k++) seconds[k] = Math.round(report.eventTimes[idx[k]] / 1000);
  // A log scale when everything is positive and spans more than a factor of 3: over a narrower
  // range (an intraday run) uPlot's log axis snaps to whole decades and flattens the line.
  const logScale = (...series: ArrayLike<number>[]) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const a of series) {
      if (a.length === 0) return false;
      for (let i = 0; i < a.length; i++) {
        if (!(a[i] > 0)) return false;
        if (a[i] < lo) lo = a[i];
        if (a[i] > hi) hi = a[i];
      }
    }
    return hi / lo > 3;
  };
  const s = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
  const trades = report.trades;
  return {
    id,
    bars: m.bars,
    points: idx.length,
    initialCash: m.initialCash,
    // Log scales for long runs (a ruined account, or a range within a factor of 3, is drawn linearly).
    logEquity: logScale(report.equity, hold),
    logPrice: logScale(report.closes),
    t: seconds,
    equity: pick(report.equity, idx, 8),
    hold: pick(hold, idx, 8),
    drawdown: pick(dd, idx, 5),
    close: pick(report.closes, idx, 8),
    trades: {
      entryTime: trades.map((t) => s(t.entryTime)),
      entryPrice: trades.map((t) => roundSignificant(t.entryPrice, 10)),
      exitTime: trades.map((t) => s(t.exitTime)),
      exitPrice: trades.map((t) => roundSignificant(t.exitPrice, 10)),
      qty: trades.map((t) => roundSignificant(t.qty, 8)),
      fees: trades.map((t) => roundSignificant(t.fees, 8)),
      pnl: trades.map((t) => roundSignificant(t.pnl, 10)),
      instrument: trades.map((t) => t.instrument ?? null),
      exitReason: trades.map((t) => t.exitReason ?? null),
    },
    // A portfolio's price chart shows its first instrument: only that instrument's trades are marked on it.
    priceOf: report.portfolio?.instruments[0]?.name ?? null,
  };
}

function brokerSection(id: string, report: BrokerReport, points: number, several: boolean): string {
  const m = report.metrics;
  const out: string[] = [`<section class="broker" id="broker-${esc(id)}" data-broker="${esc(id)}">`];
  out.push(`<h2>${several ? `broker ${esc(id)}` : 'results'} <span class="muted small">${esc(formatTime(m.startTime))} .. ${esc(formatTime(m.endTime))} UTC</span></h2>`);
  const cls = (v: number) => (v > 0 ? 'pos' : v < 0 ? 'neg' : '');
  out.push('<div class="headline">');
  for (const [label, value, c] of [
    ['total return', `${formatNumber(m.totalReturnPct)} %`, cls(m.totalReturnPct)],
    ['CAGR', `${formatNumber(m.cagrPct)} %`, cls(m.cagrPct)],
    ['Sharpe', formatNumber(m.sharpe), cls(m.sharpe)],
    ['max drawdown', `${formatNumber(m.maxDrawdownPct)} %`, m.maxDrawdownPct > 0 ? 'neg' : ''],
    ['trades', String(m.trades), ''],
    ['win rate', `${formatNumber(m.winRatePct)} %`, ''],
  ] as const) {
    out.push(`<div class="card"><div class="label">${esc(label)}</div><div class="value ${c}">${esc(value)}</div></div>`);
  }
  out.push('</div>');
  out.push(metricsTable(m));
  if (report.portfolio) out.push(portfolioTable(report.portfolio));
  if (report.ruined) out.push('<p class="neg">Equity reached 0: the broker stopped trading.</p>');
  if (report.unfilledOrders) out.push(`<p class="muted">${report.unfilledOrders} order(s) decided on the last bar(s) were not filled.</p>`);
  const kept = report.historyDownsampled ? ' kept by the run\'s bounded history' : '';
  const downsampled = points < m.bars ? ` Charts show ${points.toLocaleString('en-US')} of ${m.bars.toLocaleString('en-US')} bars${kept} (the first, last, lowest and highest of each slice, so no spike is lost); metrics use every bar.` : '';
  out.push(`<p class="muted small">Drag across a chart to zoom (all three follow), double-click to reset.${downsampled}</p>`);
  out.push(`<h3>equity <span class="muted small">against buy and hold (the starting cash in the ${report.portfolio ? `first instrument, ${esc(report.portfolio.instruments[0]?.name ?? '')},` : 'instrument'} from the first close, no fees)</span></h3><div class="chart" id="equity-${esc(id)}" data-chart="equity"></div>`);
  out.push(`<h3>drawdown <span class="muted small">% below the running peak of equity</span></h3><div class="chart" id="drawdown-${esc(id)}" data-chart="drawdown"></div>`);
  const first = report.portfolio?.instruments[0]?.name;
  out.push(`<h3>price${first ? ` ${esc(first)}` : ''} <span class="muted small">close, with ${first ? 'its ' : ''}entries <span class="mk entry">▲</span> and exits <span class="mk exit">▼</span> at their fill price</span></h3><div class="chart" id="price-${esc(id)}" data-chart="price"></div>`);
  // bounded history: each month's last bar was kept apart, which is all monthly returns need
  const months = report.monthEnds ?? report;
  out.push(monthlyTable(monthlyReturns(months.equity, months.eventTimes, m.initialCash)));
  const count = report.tradesDropped ? `the latest ${report.trades.length.toLocaleString('en-US')} of ${(report.trades.length + report.tradesDropped).toLocaleString('en-US')} (bounded history)` : report.trades.length.toLocaleString('en-US');
  out.push(`<h3>trades <span class="muted small">${count}; times are the fill bar's open (UTC)</span></h3>`);
  out.push(`<div class="trades" id="trades-${esc(id)}"><table class="trade-list"><thead><tr><th>#</th><th class="l">side</th><th class="l">entry</th><th>entry price</th><th class="l">exit</th><th>exit price</th><th>qty</th><th>fees</th><th>pnl</th><th>return</th></tr></thead><tbody></tbody></table><div class="pager"></div></div>`);
  out.push('</section>');
  return out.join('\n');
}

/** A risk node's breaches: counts by rule, then each (the first 1,000 are kept). */
function riskSection(id: string, r: RiskReport): string {
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  const byRule = Object.entries(r.counts).filter(([, n]) => n).map(([rule, n]) => `${rule} ${n}`).join(', ');
  const order = (v: number) => (Number.isFinite(v) ? String(roundSignificant(v, 6)) : 'none');
  const rows = r.breaches.map((b) => `<tr><td class="l">${esc(formatTime(b.time))}</td><td class="l">${esc(b.rule)}</td><td class="l">${esc(b.detail)}</td><td>${esc(order(b.order))}</td><td>${esc(order(b.sent))}</td></tr>`);
  const summary = `${total ? `${total} breach${total === 1 ? '' : 'es'} (${byRule})` : 'no breach'}${r.ordersBlocked ? `; ${r.ordersBlocked} order(s) held back while blocked` : ''}${r.ordersCut ? `; ${r.ordersCut} cut to maxPosition` : ''}`;
  return `<section class="risk" id="risk-${esc(id)}"><h2>risk ${esc(id)} <span class="muted small">${esc(summary)}</span></h2>${rows.length ? `<div class="scroll"><table class="trade-list"><thead><tr><th class="l">time (UTC)</th><th class="l">rule</th><th class="l">what it saw</th><th>order</th><th>sent</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>` : ''}${r.breachesDropped ? `<p class="muted small">${r.breachesDropped} later breaches are counted but not listed.</p>` : ''}</section>`;
}

/** A portfolio's instruments (per-leg results), then its liquidations. */
function portfolioTable(p: PortfolioReport): string {
  const head = ['instrument', 'trades', 'win rate', 'pnl', 'fees', 'funding', 'borrow', 'position', 'exits by the broker', 'events without a bar'];
  const rows = p.instruments.map((i) => {
    const exits = Object.entries(i.exits).map(([reason, n]) => `${reason} ${n}`).join(', ') || '-';
    const cls = i.pnl > 0 ? 'pos' : i.pnl < 0 ? 'neg' : '';
    return `<tr><td class="l">${esc(`${i.name} (${i.type})`)}</td><td>${i.trades}</td><td>${esc(`${formatNumber(i.winRatePct)} %`)}</td><td class="${cls}">${esc(formatNumber(i.pnl))}</td><td>${esc(formatNumber(i.fees))}</td><td>${esc(formatNumber(i.funding))}</td><td>${esc(formatNumber(i.borrow))}</td><td>${esc(String(roundSignificant(i.finalPosition, 8)))}</td><td class="l">${esc(exits)}</td><td>${i.eventsWithoutBar}</td></tr>`;
  });
  const out = [`<h3>instruments <span class="muted small">one account; pnl net of fees, funding and borrow</span></h3><table class="instruments"><thead><tr>${head.map((h, k) => `<th${k === 0 || k === 8 ? ' class="l"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`];
  if (p.liquidations.length) {
    out.push(`<p class="neg">${p.liquidations.length} liquidation(s): ${p.liquidations.slice(0, 10).map((l) => esc(`${formatTime(l.time)} UTC (equity ${formatNumber(l.equity)} < maintenance ${formatNumber(l.maintenance)}, fee ${formatNumber(l.fee)})`)).join('; ')}</p>`);
  }
  return out.join('\n');
}

function metricsTable(m: Metrics): string {
  const half = Math.ceil(METRIC_ROWS.length / 2);
  const rows: string[] = [];
  for (let r = 0; r < half; r++) {
    const cells = [METRIC_ROWS[r], METRIC_ROWS[r + half]].map((row) => (row ? `<td class="l">${esc(row[1])}</td><td data-metric="${row[0]}">${esc(row[2](m))}</td>` : '<td></td><td></td>'));
    rows.push(`<tr>${cells.join('')}</tr>`);
  }
  return `<table class="metrics">${rows.join('')}</table>`;
}

/** Green for gains, red for losses; stronger with size, saturating at 20 %. */
function returnColor(pct: number): string {
  const a = Math.min(1, Math.abs(pct) / 20);
  const [r, g, b] = pct >= 0 ? [22, 163, 74] : [220, 38, 38];
  return `rgba(${r},${g},${b},${(0.08 + 0.5 * a).toFixed(3)})`;
}

function monthlyTable(years: YearReturns[]): string {
  if (!years.length) return '';
  const cell = (v: number | null) => (v === null ? '<td></td>' : `<td style="background:${returnColor(v)}">${esc(formatNumber(v, 1))}</td>`);
  const rows = years.map((y) => `<tr><th>${y.year}</th>${y.months.map(cell).join('')}<td class="year" style="background:${returnColor(y.total)}">${esc(formatNumber(y.total, 1))}</td></tr>`);
  return `<h3>monthly returns <span class="muted small">% of equity, calendar months (UTC)</span></h3><div class="scroll"><table class="monthly"><thead><tr><th></th>${MONTHS.map((mo) => `<th>${mo}</th>`).join('')}<th>year</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** In place of the drawing: why there is none, and the graph as a list (what reads what). */
function noDrawingSection(result: RunResult, error: string): string {
  const items = result.graph.nodes.map((n) => {
    const inputs = n.inputs.map((i) => `${i.port} ← ${i.wires.map((w) => w.text).join(', ')}`).join('; ');
    return `<li><code>${esc(n.id)}</code> ${esc(n.kind)}${inputs ? ` <span class="muted">${esc(inputs)}</span>` : ''}</li>`;
  });
  return [
    '<section id="graph" class="no-drawing">',
    `<p class="neg">No drawing of the graph: ${esc(error)}.</p>`,
    '<p class="muted">The run is complete and every other section of this report is as usual. Its nodes, with the wires into each:</p>',
    `<ul class="node-list">${items.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function settingsSection(result: RunResult, settings: ReportSettings): string {
  const graph = result.graph;
  const kv = (rows: [string, string][]) => `<dl class="kv">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const json = (v: unknown) => `<code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code>`;
  const rows: [string, string][] = [];
  if (settings.command) rows.push(['command', `<code>${esc(settings.command)}</code>`]);
  rows.push(['graph', `<code>${esc(graph.file)}</code> (${esc(graph.name)})`]);
  rows.push(['graph params', Object.keys(graph.params).length ? Object.entries(graph.params).map(([k, v]) => json(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)).join(' ') : 'none']);
  rows.push(['--set', Object.keys(settings.set).length ? Object.entries(settings.set).map(([k, v]) => json(`${k}=${v}`)).join(' ') : 'none']);
  rows.push(['mode', result.mode]);
  const bound = graph.nodes.filter((n) => n.adapter);
  rows.push(['bindings', bound.length ? bound.map((n) => json(`${n.id}: ${JSON.stringify(n.binding)}`)).join(' ') : 'none']);
  rows.push(['chunk size', String(settings.chunkSize)]);
  rows.push(['warm-up', `${graph.warmupBars} bars`]);
  rows.push(['events', `${result.events.toLocaleString('en-US')} in ${result.chunks.toLocaleString('en-US')} chunks`]);
  for (const node of graph.nodes.filter((n) => isBrokerKind(n.kind))) {
    rows.push([`${node.id} (${node.kind})`, Object.entries(node.params).map(([k, v]) => json(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)).join(' ')]);
  }
  return `<h2 id="settings">settings</h2>${kv(rows)}`;
}

function dataSection(result: RunResult): string {
  const out: string[] = ['<h2 id="data">data</h2>'];
  for (const [id, info] of Object.entries(result.sources)) {
    const i = info as Record<string, unknown>;
    const gapList = Array.isArray(i.gapList) ? (i.gapList as { from: number; to: number; missingBars: number }[]) : [];
    const rows: [string, string][] = [
      ['file', `<code>${esc(i.file ?? 'n/a')}</code>`],
      ['instrument', esc(`${i.symbol ?? ''} ${i.timeframe ?? ''}`.trim() || 'n/a')],
      i.firstOpenTime !== undefined || i.firstTime === undefined
        ? ['range (open times, UTC)', esc(`${formatTime(Number(i.firstOpenTime))} .. ${formatTime(Number(i.lastOpenTime))}`)]
        : ['range (UTC)', esc(`${formatTime(Number(i.firstTime))} .. ${formatTime(Number(i.lastTime))}`)],
      [i.record === 'book' ? 'snapshots' : i.record === 'trades' ? 'trades' : 'bars', esc(Number(i.rows).toLocaleString('en-US'))],
      ['gaps', i.gaps ? esc(`${i.gaps} (${Number(i.missingBars).toLocaleString('en-US')} missing bars, kept as gaps: no synthetic bars)`) : 'none'],
      ['bad rows dropped', esc(String(i.rowsDropped ?? 0))],
    ];
    // Anything else the source reports, as it is.
    const known = new Set(['file', 'symbol', 'timeframe', 'firstOpenTime', 'lastOpenTime', 'firstTime', 'lastTime', 'rows', 'gaps', 'missingBars', 'gapList', 'rowsDropped']);
    for (const [k, v] of Object.entries(i)) if (!known.has(k)) rows.push([k, `<code>${esc(typeof v === 'string' ? v : JSON.stringify(v))}</code>`]);
    out.push(`<h3>source ${esc(id)}</h3><dl class="kv">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`);
    if (gapList.length) {
      const shown = gapList.slice(0, 200);
      out.push(
        `<details class="gaps"><summary>${gapList.length} gap${gapList.length === 1 ? '' : 's'}${gapList.length > shown.length ? ` (the first ${shown.length} listed)` : ''}</summary><table><thead><tr><th class="l">last bar before (open)</th><th class="l">next bar (open)</th><th>missing bars</th></tr></thead><tbody>${shown
          .map((g) => `<tr><td class="l">${esc(formatTime(g.from))}</td><td class="l">${esc(formatTime(g.to))}</td><td>${esc(g.missingBars.toLocaleString('en-US'))}</td></tr>`)
          .join('')}</tbody></table></details>`,
      );
    }
  }
  return out.join('\n');
}

export const REPORT_CSS = `
.small { font-size: 12px; font-weight: normal; }
.toc { margin: 4px 0 8px; font-size: 13px; }
.toc a { color: var(--accent); text-decoration: none; }
.headline { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 8px 0 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: var(--panel); }
.card .label { color: var(--muted); font-size: 12px; }
.card .value { font-size: 20px; font-weight: 600; }
table.metrics td { padding: 3px 14px 3px 8px; }
table.metrics td.l { color: var(--muted); padding-left: 16px; }
.chart { width: 100%; min-height: 120px; margin: 4px 0 8px; }
.mk.entry { color: #16a34a; }
.mk.exit { color: #dc2626; }
.scroll { overflow-x: auto; }
table.monthly td, table.monthly th { min-width: 52px; font-variant-numeric: tabular-nums; }
table.monthly td.year { font-weight: 600; }
table.trade-list { width: 100%; font-variant-numeric: tabular-nums; font-size: 13px; }
table.instruments { font-variant-numeric: tabular-nums; font-size: 13px; margin-bottom: 8px; }
.pager { margin: 6px 0; display: flex; gap: 8px; align-items: center; }
details.gaps { margin: 6px 0 12px; }
details.gaps table { margin-top: 4px; }
footer { margin-top: 32px; font-size: 12px; }
.u-legend { font-size: 12px; }
.u-legend .u-marker { width: 10px; height: 10px; }
`;

/**
 * The report script: three uPlot charts per broker (equity and buy-and-hold, drawdown, price
 * with trade markers drawn by a small plugin at their exact times and prices), cursor and zoom
 * shared between them, and a paged trade list. `window.heanReport` exposes the charts (tests).
 */
export const REPORT_JS = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var api = { charts: {}, markers: {} };
  window.heanReport = api;
  var fmt2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var fmtPrice = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });
  var fmtShort = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 2 });
  // Axis labels: 12K, 1.5M; small values (a log axis near ruin) keep two significant digits.
  function axisNumber(v) { var a = Math.abs(v); return a >= 1 || a === 0 ? fmtShort.format(v) : String(Number(v.toPrecision(2))); }
  function n2(v) { return v === null || v === undefined ? 'n/a' : fmt2.format(v); }
  function iso(s) { return s === null ? '' : new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' '); }

  data.brokers.forEach(function (b) {
    var charts = [];
    var syncing = false;
    function width(el) { return Math.max(300, el.clientWidth || 800); }
    function syncX(u) {
      if (syncing) return;
      syncing = true;
      var min = u.scales.x.min, max = u.scales.x.max;
      charts.forEach(function (c) { if (c !== u) c.setScale('x', { min: min, max: max }); });
      syncing = false;
    }
    function make(kind, series, values, opts) {
      var el = document.getElementById(kind + '-' + b.id);
      var o = {
        width: width(el),
        height: opts.height || 260,
        cursor: { sync: { key: 'hean-' + b.id }, drag: { x: true, y: false } },
        scales: { x: { time: true }, y: opts.y || {} },
        axes: [{}, { size: 72, values: function (u, vals) { return vals.map(function (v) { return v === null || v === undefined ? null : opts.pct ? v + ' %' : axisNumber(v); }); } }],
        series: [{ label: 'time (UTC)', value: function (u, v) { return v === null ? '' : iso(v); } }].concat(series),
        legend: { live: true },
        hooks: { setScale: [function (u, key) { if (key === 'x') syncX(u); }] },
        plugins: opts.plugins || [],
      };
      var u = new uPlot(o, [b.t].concat(values), el);
      el.setAttribute('data-points', String(b.t.length));
      charts.push(u);
      return u;
    }
    var pct = function (u, v) { return v === null ? '' : fmt2.format(v) + ' %'; };
    var money = function (u, v) { return v === null ? '' : fmt2.format(v); };
    var equity = make('equity', [
      { label: 'equity', stroke: '#2563eb', width: 1.5, value: money },
      { label: 'buy and hold', stroke: '#9ca3af', width: 1, value: money },
    ], [b.equity, b.hold], { y: b.logEquity ? { distr: 3 } : {} });
    var drawdown = make('drawdown', [
      { label: 'drawdown', stroke: '#dc2626', width: 1, fill: 'rgba(220,38,38,0.15)', value: pct },
    ], [b.drawdown], { pct: true, height: 180, y: { range: function (u, min) { return [Math.min(min, -1), 0]; } } });
    var tr = b.trades;
    var markerCount = 0;
    for (var i = 0; i < tr.entryTime.length; i++) if (b.priceOf === null || tr.instrument[i] === b.priceOf) markerCount += 1 + (tr.exitTime[i] === null ? 0 : 1);
    api.markers[b.id] = markerCount;
    var markers = {
      hooks: {
        draw: [function (u) {
          var ctx = u.ctx, r = uPlot.pxRatio, bb = u.bbox;
          var xmin = u.scales.x.min, xmax = u.scales.x.max;
          ctx.save();
          ctx.beginPath();
          ctx.rect(bb.left, bb.top, bb.width, bb.height);
          ctx.clip();
          // Smaller markers when many are in view, so the price line stays readable.
          var visible = 0;
          for (var j = 0; j < tr.entryTime.length; j++) if (tr.entryTime[j] >= xmin && tr.entryTime[j] <= xmax) visible++;
          var s = (visible > 400 ? 2.5 : visible > 100 ? 3.5 : 5) * r;
          function tri(t, p, up, color) {
            if (t === null || p === null || t < xmin || t > xmax) return;
            var x = u.valToPos(t, 'x', true), y = u.valToPos(p, 'y', true);
            ctx.fillStyle = color;
            ctx.beginPath();
            if (up) { ctx.moveTo(x, y - s); ctx.lineTo(x + s, y + s); ctx.lineTo(x - s, y + s); }
            else { ctx.moveTo(x, y + s); ctx.lineTo(x + s, y - s); ctx.lineTo(x - s, y - s); }
            ctx.closePath();
            ctx.fill();
          }
          for (var k = 0; k < tr.entryTime.length; k++) {
            if (b.priceOf !== null && tr.instrument[k] !== b.priceOf) continue;
            var long = tr.qty[k] >= 0;
            tri(tr.entryTime[k], tr.entryPrice[k], long, long ? '#16a34a' : '#9333ea');
            tri(tr.exitTime[k], tr.exitPrice[k], !long, '#dc2626');
          }
          ctx.restore();
        }],
      },
    };
    var price = make('price', [
      { label: 'close', stroke: '#334155', width: 1, value: money },
    ], [b.close], { y: b.logPrice ? { distr: 3 } : {}, plugins: [markers], height: 300 });
    api.charts[b.id] = { equity: equity, drawdown: drawdown, price: price };
    window.addEventListener('resize', function () {
      charts.forEach(function (c) { c.setSize({ width: width(c.root.parentNode), height: c.height }); });
    });

    // The trade list, a page at a time (a long run has tens of thousands of trades).
    var box = document.getElementById('trades-' + b.id);
    var tbody = box.querySelector('tbody');
    var pager = box.querySelector('.pager');
    var per = 50, page = 0, total = tr.entryTime.length, pages = Math.max(1, Math.ceil(total / per));
    function cell(text, cls) { var td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; return td; }
    function render() {
      tbody.textContent = '';
      for (var k = page * per; k < Math.min(total, (page + 1) * per); k++) {
        var row = document.createElement('tr');
        var cost = Math.abs(tr.qty[k] * tr.entryPrice[k]);
        var ret = cost > 0 ? (tr.pnl[k] / cost) * 100 : null;
        row.appendChild(cell(String(k + 1)));
        row.appendChild(cell((tr.qty[k] >= 0 ? 'long' : 'short') + (tr.instrument[k] === null ? '' : ' ' + tr.instrument[k]), 'l'));
        row.appendChild(cell(iso(tr.entryTime[k]), 'l'));
        row.appendChild(cell(fmtPrice.format(tr.entryPrice[k])));
        row.appendChild(cell(tr.exitTime[k] === null ? 'open' : iso(tr.exitTime[k]) + (tr.exitReason[k] && tr.exitReason[k] !== 'signal' ? ' (' + tr.exitReason[k] + ')' : ''), 'l'));
        row.appendChild(cell(fmtPrice.format(tr.exitPrice[k])));
        row.appendChild(cell(fmtPrice.format(tr.qty[k])));
        row.appendChild(cell(n2(tr.fees[k])));
        row.appendChild(cell(n2(tr.pnl[k]), tr.pnl[k] > 0 ? 'pos' : tr.pnl[k] < 0 ? 'neg' : ''));
        row.appendChild(cell(ret === null ? 'n/a' : n2(ret) + ' %', ret > 0 ? 'pos' : ret < 0 ? 'neg' : ''));
        tbody.appendChild(row);
      }
      pager.textContent = '';
      if (pages <= 1) return;
      function btn(label, to, disabled) {
        var x = document.createElement('button');
        x.type = 'button';
        x.textContent = label;
        x.disabled = disabled;
        x.addEventListener('click', function () { page = to; render(); });
        pager.appendChild(x);
      }
      btn('\u00AB first', 0, page === 0);
      btn('\u2039 previous', page - 1, page === 0);
      var label = document.createElement('span');
      label.textContent = 'page ' + (page + 1) + ' of ' + pages + ' (trades ' + (page * per + 1) + '\u2013' + Math.min(total, (page + 1) * per) + ' of ' + total + ')';
      pager.appendChild(label);
      btn('next \u203A', page + 1, page >= pages - 1);
      btn('last \u00BB', pages - 1, page >= pages - 1);
    }
    render();
  });
})();
`;
