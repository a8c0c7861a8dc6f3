/**
 * The pages hean writes, opened in a real browser (Debian's chromium, headless, driven by
 * playwright-core): each loads from a file with no console error and no network request, shows
 * what it is for (nodes and wires; equity, drawdown and price charts with their data drawn;
 * trades; heatmap cells), and reacts (clicking a node shows its params). A screenshot of each
 * page type is written under the test's temp directory (printed as a diagnostic).
 *
 * The pages are made by the CLI as a user would (bin/hean.js, the bundled build), except the
 * million-bar report, which is made from a synthetic run through the same library call, and the
 * tune and walk-forward pages, made from synthetic studies (viz/testing.ts) whose marks are known:
 * one per trial or fold in each chart, and pointing at one shows that trial's params (or that
 * fold's details) and highlights it in every chart and table.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { drawCompiled } from '../viz/drawGraph.js';
import { reportPage } from '../viz/reportPage.js';
import { syntheticRun, syntheticStudy, syntheticWalkForward } from '../viz/testing.js';
import { tunePage } from '../viz/tunePage.js';
import { walkForwardPage } from '../viz/walkForwardPage.js';

const CHROMIUM = process.env.HEAN_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const out = mkdtempSync(join(tmpdir(), 'hean-viz-browser-'));
const shots = join(out, 'screenshots');
mkdirSync(shots);
let context: BrowserContext;

function hean(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env: { ...process.env, HEAN_DATA_DIR: dataDir() }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set HEAN_CHROMIUM`);
  // A fresh profile (--user-data-dir) per run; playwright passes it for a persistent context.
  context = await chromium.launchPersistentContext(join(out, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
});

after(async () => {
  await context?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  warnings: string[];
  requests: string[];
  loadMs: number;
}

/** Opens a file, recording console errors, uncaught exceptions and every request but the file itself. */
async function open(file: string): Promise<Opened> {
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const warnings: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  const start = performance.now();
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, warnings, requests, loadMs: performance.now() - start };
}

async function clean(t: TestContext, o: Opened, name: string, fullPage = true): Promise<void> {
  // Let late work (a chart drawn on the next frame, a failing script) show up first.
  await o.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.deepEqual(o.errors, [], 'no console errors');
  // Warnings are listed, not failed: reading canvas pixels back (pixelsNear) makes Chromium warn.
  for (const w of o.warnings) t.diagnostic(`console warning: ${w}`);
  assert.deepEqual(o.requests, [], 'no network requests');
  const path = join(shots, `${name}.png`);
  await o.page.screenshot({ path, fullPage });
  t.diagnostic(`screenshot: ${path} (page loaded in ${o.loadMs.toFixed(0)} ms)`);
}

/** Pixels of a canvas close to a colour: proof that a series was drawn, not just an empty frame. */
async function pixelsNear(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.evaluate(
    ({ selector, rgb }) => {
      const canvas = document.querySelector(selector) as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3] > 128 && Math.abs(data[i] - rgb[0]) < 40 && Math.abs(data[i + 1] - rgb[1]) < 40 && Math.abs(data[i + 2] - rgb[2]) < 40) n++;
      }
      return n;
    },
    { selector, rgb },
  );
}

test('graph page: nodes and wires drawn, click a node to see its params, zoom and pan', async (t) => {
  const file = join(out, 'g.html');
  const r = hean(['viz', 'graphs/sma-cross.yaml', '-o', file]);
  assert.equal(r.code, 0, r.err);
  const o = await open(file);
  const { page } = o;
  assert.equal(await page.locator('svg.hean-graph .node').count(), 6);
  assert.equal(await page.locator('svg.hean-graph .edge').count(), 7);
  assert.equal(await page.locator('svg.hean-graph .edge-label').count(), 7);
  assert.equal(await page.locator('.node[data-node-id="fast"] text.kind').textContent(), 'indicator.sma');

  await page.click('.node[data-node-id="fast"]');
  const panel = page.locator('.node-panel');
  assert.equal(await panel.getAttribute('data-node'), 'fast');
  const text = await panel.innerText();
  assert.match(text, /indicator\.sma/);
  assert.match(text, /timePeriod\s+10/);
  assert.match(text, /value: number\s+→ cross\.a/);
  assert.match(text, /Simple moving average|moving average/i);
  assert.equal(await page.locator('.node.selected').getAttribute('data-node-id'), 'fast');
  assert.equal(await page.locator('.edge.hl').count(), 2, 'the wires in and out of fast are highlighted');

  // Hover shows another node; leaving it goes back to the one clicked.
  await page.hover('.node[data-node-id="broker"]');
  assert.equal(await panel.getAttribute('data-node'), 'broker');
  assert.match(await panel.innerText(), /fees\s+\{"taker":0\.001\}/);
  await page.mouse.move(5, 5);
  assert.equal(await panel.getAttribute('data-node'), 'fast');

  const svg = page.locator('.graph-canvas svg');
  const home = await svg.getAttribute('viewBox');
  await page.click('button[data-zoom="in"]');
  const zoomed = await svg.getAttribute('viewBox');
  assert.notEqual(zoomed, home);
  const box = (await svg.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 - 120, box.y + 40, { steps: 4 });
  await page.mouse.up();
  assert.notEqual(await svg.getAttribute('viewBox'), zoomed, 'dragging pans');
  await page.click('button[data-zoom="fit"]');
  assert.equal(await svg.getAttribute('viewBox'), home);
  await clean(t, o, 'graph');
  await page.close();
});

test('graph SVG file: opens on its own, same drawing', async (t) => {
  const file = join(out, 'g.svg');
  assert.equal(hean(['viz', 'graphs/sma-cross.yaml', '-o', file]).code, 0);
  const o = await open(file);
  assert.equal(await o.page.locator('.node').count(), 6);
  assert.equal(await o.page.locator('.edge').count(), 7);
  await clean(t, o, 'graph-svg', false); // a full-page screenshot of a bare SVG document never settles
  await o.page.close();
});

test('graph with errors: drawn anyway, offending nodes and wires marked, diagnostics listed and linked', async (t) => {
  const graph = join(out, 'broken.yaml');
  writeFileSync(
    graph,
    `version: 1
name: broken
params: { fast: 10 }
nodes:
  bars:   { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  fast:   { kind: indicator.smaa, in: { series: bars.close }, params: { timePeriod: $fast } }
  cross:  { kind: signal.crossover, in: { a: fast.value, b: slwo.value } }
  size:   { kind: sizer.fixedFraction, in: { signal: bars } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars } }
`,
  );
  const file = join(out, 'broken.html');
  const r = hean(['viz', graph, '-o', file]);
  assert.equal(r.code, 2, 'an invalid graph exits 2, but is drawn');
  assert.ok(statSync(file).size > 0);
  const o = await open(file);
  const { page } = o;
  assert.equal(await page.locator('.node.error[data-node-id="fast"]').count(), 1);
  assert.equal(await page.locator('.node.ghost[data-node-id="slwo"]').count(), 1);
  assert.equal(await page.locator('.edge.error').count(), 2, 'the wire from the missing node and the mistyped wire');
  const items = page.locator('.diagnostics li');
  assert.equal(await items.count(), (r.err.match(/^\S+:\d+:\d+ (error|warning) /gm) ?? []).length);
  await page.click('.diagnostics li[data-node="size"]');
  assert.equal(await page.locator('.node-panel').getAttribute('data-node'), 'size');
  assert.match(await page.locator('.node-panel').innerText(), /wire\/type-mismatch/);
  await clean(t, o, 'graph-errors');
  await page.close();
});

test('backtest report: metrics, equity against buy-and-hold, drawdown, price with trade markers, trades, graph', async (t) => {
  const file = join(out, 'r.html');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--report', file]);
  assert.equal(r.code, 0, r.err);
  const trades = Number(/trades\s+(\d+)/.exec(r.out)![1]);
  const o = await open(file);
  const { page } = o;
  assert.equal(await page.locator('td[data-metric="sharpe"]').textContent(), /Sharpe\s+([\d.]+)/.exec(r.out)![1]);
  const charts = await page.evaluate(() => {
    const c = (window as unknown as { heanReport: { charts: Record<string, Record<string, { data: (number | null)[][] }>>; markers: Record<string, number> } }).heanReport;
    const b = c.charts.broker;
    const count = (a: (number | null)[]) => a.filter((v) => v !== null).length;
    return { equity: b.equity.data.map(count), drawdown: b.drawdown.data.map(count), price: b.price.data.map(count), markers: c.markers.broker, minDrawdown: Math.min(...(b.drawdown.data[1] as number[])) };
  });
  assert.ok(charts.equity[0] > 1000 && charts.equity[1] === charts.equity[0] && charts.equity[2] === charts.equity[0], `equity and buy-and-hold: ${charts.equity}`);
  assert.ok(charts.drawdown[1] > 1000 && charts.price[1] > 1000);
  assert.equal(charts.markers, 2 * trades - 1, 'an entry per trade, an exit per closed trade (one is open)');
  assert.ok(Math.abs(charts.minDrawdown + Number(/max drawdown\s+([\d.]+)/.exec(r.out)![1])) < 0.01, 'the deepest drawdown is drawn');
  // The series are really on the canvases.
  assert.ok((await pixelsNear(page, '#equity-broker canvas', [37, 99, 235])) > 500, 'equity curve drawn');
  assert.ok((await pixelsNear(page, '#equity-broker canvas', [156, 163, 175])) > 300, 'buy-and-hold drawn');
  assert.ok((await pixelsNear(page, '#drawdown-broker canvas', [220, 38, 38])) > 500, 'drawdown drawn');
  assert.ok((await pixelsNear(page, '#price-broker canvas', [22, 163, 74])) > 200, 'entry markers drawn');

  const rows = page.locator('#trades-broker tbody tr');
  assert.equal(await rows.count(), 50);
  assert.equal(await rows.first().locator('td').first().textContent(), '1');
  await page.click('#trades-broker .pager button:has-text("next")');
  assert.equal(await rows.first().locator('td').first().textContent(), '51');
  await page.click('#trades-broker .pager button:has-text("last")');
  assert.equal(await rows.last().locator('td').nth(4).textContent(), 'open');
  assert.equal(await page.locator('table.monthly tbody tr').count(), 8, '2017 to 2024');
  assert.match(await page.locator('#data').evaluate((h) => h.nextElementSibling!.nextElementSibling!.textContent!), /btcusdt_1h_binance_2017-08_2024-04\.csv\.gz.*28 \(128 missing bars/s);

  assert.equal(await page.locator('#graph .node').count(), 6);
  await page.click('#graph .node[data-node-id="slow"]');
  assert.match(await page.locator('#graph .node-panel').innerText(), /timePeriod\s+30/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await clean(t, o, 'report');
  await page.close();
});

test('walk-forward report: every model\'s folds scored out of sample, the strategy per fold, the stacker\'s weights', async (t) => {
  const file = join(out, 'ml.html');
  const r = hean(['run', 'graphs/ml-ensemble.yaml', '--report', file, '--json']);
  assert.equal(r.code, 0, r.err);
  const models = JSON.parse(r.out).models as Record<string, { folds: { scored: number; strategyPct?: number | null }[]; total: { scored: number; accuracy: number } }>;
  assert.deepEqual(Object.keys(models), ['gbdt', 'logit', 'stack']);
  const o = await open(file);
  const { page } = o;
  assert.equal(await page.locator('nav.toc a[href="#models"]').count(), 1);
  for (const [id, m] of Object.entries(models)) {
    const table = page.locator(`#model-${id} + div table.folds`);
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), m.folds.length + 1, `${id}: a row per fold and the total`);
    const total = rows.last().locator('td');
    assert.equal(await total.nth(1).textContent(), m.total.scored.toLocaleString('en-US'));
    assert.equal(await total.nth(2).textContent(), m.total.accuracy.toFixed(3));
    // The strategy's return per fold sits with the model nearest the broker: the stacker.
    assert.equal((await table.locator('thead th').allTextContents()).includes('strategy'), id === 'stack', id);
  }
  const weights = page.locator('#models table.folds').last();
  assert.deepEqual((await weights.locator('thead th').allTextContents()).slice(1), ['gbdt.DOWN', 'gbdt.NEUTRAL', 'gbdt.UP', 'logit.DOWN', 'logit.NEUTRAL', 'logit.UP']);
  assert.equal(await weights.locator('tbody tr').count(), models.stack.folds.length);
  await page.locator('#models').scrollIntoViewIfNeeded();
  await clean(t, o, 'report-models', false);
  await page.close();
});

test('heatmap: one cell per combination, invalid params shown as invalid, a cell shows its figures', async (t) => {
  const file = join(out, 'h.html');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--grid', 'fast=1..16:5', '--grid', 'slow=20..40:10', '--heatmap', file]);
  assert.equal(r.code, 0, r.err);
  const o = await open(file);
  const { page } = o;
  assert.equal(await page.locator('td.cell').count(), 12);
  assert.equal(await page.locator('td.cell.invalid').count(), 3, 'fast=1 is below the SMA minimum');
  assert.equal(await page.locator('td.cell.ok').count(), 9);
  assert.equal(await page.locator('td.cell.best').count(), 1);
  await page.click('td.cell[data-row="2"][data-col="1"]');
  const panel = page.locator('.cell-panel');
  assert.equal(await panel.getAttribute('data-cell'), '2,1');
  assert.match(await panel.innerText(), /fast=11, slow=30.*sharpe: [\d.]+.*totalReturnPct/s);
  await page.hover('td.cell.invalid >> nth=0');
  assert.match(await panel.innerText(), /invalid.*params\/range/s);
  await clean(t, o, 'heatmap');
  await page.close();
});

test('a million-bar report: a few hundred KB that loads and draws within a few seconds', async (t) => {
  const result = syntheticRun(1_000_000);
  const html = reportPage({ result, drawing: await drawCompiled(result.graph), settings: { chunkSize: 1024, set: {} } });
  const file = join(out, 'r-1m.html');
  writeFileSync(file, html);
  t.diagnostic(`1,000,000 bars: ${(html.length / 1024).toFixed(0)} KB`);
  const o = await open(file);
  const points = await o.page.locator('#equity-broker').getAttribute('data-points');
  assert.ok(Number(points) > 1000 && Number(points) < 6000, `${points} display points`);
  assert.ok((await pixelsNear(o.page, '#equity-broker canvas', [37, 99, 235])) > 500);
  assert.ok(o.loadMs < 10_000, `${o.loadMs.toFixed(0)} ms`);
  await clean(t, o, 'report-1m', false);
  await o.page.close();
});

test('order book report: depth heatmap (bids below asks), best bid/ask, trade dots, legend, recorded series following the zoom; no broker needed', async (t) => {
  const file = join(out, 'book.html');
  const r = hean(['run', 'test/book-report.yaml', '--report', file]);
  assert.equal(r.code, 0, r.err);
  t.diagnostic(`the real 11-minute book: ${(statSync(file).size / 1024).toFixed(0)} KB`);
  const o = await open(file);
  const { page } = o;
  const legend = await page.locator('.depth-legend').innerText();
  for (const word of ['bids', 'asks', 'resting size', 'buy (aggressor)', 'sell (aggressor)']) assert.ok(legend.includes(word), `legend: ${word}`);
  assert.match(await page.locator('#book-book').innerText(), /the 3,000 largest of 19,904 trades/);

  // Cells painted = cells of the grid with resting size (decoded from the page's data, here in the test).
  const expected = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('book-data')!.textContent!).books[0];
    const set = new Set<number>();
    for (const side of [d.bid, d.ask]) {
      const s = atob(side.data);
      if (side.encoding === 'dense') for (let k = 0; k < s.length; k++) s.charCodeAt(k) && set.add(k);
      else for (let j = 0; j < s.length; j += 4) set.add(s.charCodeAt(j) | (s.charCodeAt(j + 1) << 8) | (s.charCodeAt(j + 2) << 16));
    }
    return { cells: set.size, trades: d.trades[0].t as number[] };
  });
  const book = () => page.evaluate(() => {
    const b = (window as unknown as { heanReport: { book: Record<string, { painted: number; tradesDrawn: number; chart: { scales: Record<string, { min: number; max: number }> } }>; series: { scales: Record<string, { min: number; max: number }> }[] } }).heanReport;
    const c = b.book.book;
    return { painted: c.painted, tradesDrawn: c.tradesDrawn, x: [c.chart.scales.x.min, c.chart.scales.x.max], y: [c.chart.scales.y.min, c.chart.scales.y.max], seriesX: b.series.map((s) => [s.scales.x.min, s.scales.x.max]) };
  });
  const full = await book();
  assert.ok(expected.cells > 3000, `${expected.cells} cells`);
  assert.equal(full.painted, expected.cells);
  assert.equal(full.tradesDrawn, 3000);
  for (const x of full.seriesX) assert.deepEqual(x, full.x, 'the recorded series start on the book\'s time range');
  assert.ok((await pixelsNear(page, '#depth-book canvas', [192, 38, 211])) > 100, 'sell trades drawn');
  assert.ok((await pixelsNear(page, '#depth-book canvas', [22, 163, 74])) > 100, 'buy trades drawn');

  // Zoom to 30 s: the recorded series follow, the price axis narrows to the book, the trades in view are drawn.
  await page.evaluate(() => {
    const u = (window as unknown as { heanReport: { book: Record<string, { chart: { scales: Record<string, { min: number }>; setScale: (k: string, r: { min: number; max: number }) => void } }> } }).heanReport.book.book.chart;
    const s = u.scales.x.min;
    u.setScale('x', { min: s + 360, max: s + 390 });
  });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const zoomed = await book();
  assert.ok(Math.abs(zoomed.x[1] - zoomed.x[0] - 30) < 1e-6);
  for (const x of zoomed.seriesX) assert.deepEqual(x, zoomed.x, 'the recorded series follow the zoom');
  assert.ok(zoomed.y[1] - zoomed.y[0] < (full.y[1] - full.y[0]) / 2, `price axis ${zoomed.y} (full ${full.y})`);
  assert.equal(zoomed.tradesDrawn, expected.trades.filter((s) => s >= zoomed.x[0] && s <= zoomed.x[1]).length);

  // The heatmap is on the canvas: blue (bid) pixels under orange (ask) pixels in nearly every pixel column that has both.
  const sides = await page.evaluate(() => {
    const canvas = document.querySelector('#depth-book canvas') as HTMLCanvasElement;
    const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let columns = 0;
    let bidsBelow = 0;
    let blue = 0;
    let orange = 0;
    for (let x = 0; x < width; x++) {
      let by = 0, bn = 0, oy = 0, on = 0;
      for (let y = 0; y < height; y++) {
        const p = (y * width + x) * 4;
        const [r, g, b] = [data[p], data[p + 1], data[p + 2]];
        if (b > r + 60 && b > g) { by += y; bn++; }
        if (r > 200 && r > b + 100 && g < 200 && g > 60) { oy += y; on++; }
      }
      blue += bn;
      orange += on;
      if (bn && on) {
        columns++;
        if (by / bn > oy / on) bidsBelow++;
      }
    }
    return { columns, bidsBelow, blue, orange };
  });
  assert.ok(sides.blue > 5000 && sides.orange > 5000, JSON.stringify(sides));
  assert.ok(sides.columns > 500 && sides.bidsBelow / sides.columns > 0.9, JSON.stringify(sides));
  assert.equal(await page.locator('[data-chart="series"]').count(), 3);
  assert.ok((await pixelsNear(page, '#series-0 canvas', [51, 65, 85])) > 200, 'trades.price drawn');
  await page.evaluate(() => window.scrollTo(0, 0));
  await clean(t, o, 'report-book');
  await page.close();
});

/** Writes a page made in the test to the temp directory, for open(). */
function written(name: string, html: string): string {
  const file = join(out, `${name}.html`);
  writeFileSync(file, html);
  return file;
}

test('tune page: a mark per trial in each chart; pointing at a trial shows its params and highlights it everywhere', async (t) => {
  const data = syntheticStudy(120);
  const o = await open(written('tune', tunePage(data)));
  const { page } = o;
  const complete = data.trials.filter((x) => x.state === 'complete');
  const pruned = data.trials.filter((x) => x.state === 'pruned');
  assert.equal(await page.locator('svg.history circle.trial.complete').count(), complete.length);
  assert.equal(await page.locator('svg.history circle.trial.pruned').count(), pruned.length);
  assert.equal(await page.locator('svg.history path.best-line').count(), 1);
  assert.equal(await page.locator('svg.pareto circle.trial.front').count(), data.paretoFront!.length);
  assert.equal(await page.locator('svg.pareto circle.trial').count(), complete.length);
  assert.equal(await page.locator('svg.slice-chart').count(), data.params.length);
  assert.equal(await page.locator('svg.slice-chart circle.trial').count(), data.params.length * complete.length);
  assert.equal(await page.locator('.imp-row').count(), 4);

  // The best trial (on the front too): its dot in the history.
  const best = [...complete].sort((a, b) => b.values[0]! - a.values[0]!)[0];
  const panel = page.locator('.item-panel');
  assert.equal(await panel.isVisible(), false, 'no panel until a trial is pointed at');
  await page.hover(`svg.history circle[data-item="${best.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(best.number));
  assert.ok(await panel.isVisible());
  const text = await panel.innerText();
  assert.match(text, new RegExp(`trial #${best.number} · complete`));
  for (const name of ['fast', 'slow', 'kind']) assert.match(text, new RegExp(`${name}\\s+${best.params[name]}`));
  assert.match(text, new RegExp(`Sharpe\\s+${best.values[0]!.toFixed(2)}`));
  assert.match(text, /trades\s+\d+/, 'metrics too');
  // One dot in the history, the front, each slice; its rows in the front table and in all trials.
  assert.equal(await page.locator('circle.hl').count(), 2 + data.params.length);
  assert.equal(await page.locator('tr.hl').count(), 2);

  // Click pins it: pointing elsewhere and away comes back to it; Escape closes it.
  await page.click(`svg.history circle[data-item="${best.number}"]`);
  const other = complete.find((x) => x.number !== best.number && data.paretoFront!.includes(x.number))!;
  await page.hover(`svg.pareto circle[data-item="${other.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(other.number));
  await page.mouse.move(5, 5);
  assert.equal(await panel.getAttribute('data-item'), String(best.number));
  assert.match(await panel.innerText(), /pinned/);
  await page.keyboard.press('Escape');
  assert.equal(await panel.isVisible(), false);

  // A row of the best-trials table works the same way.
  await page.hover(`table.best tr[data-item="${other.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(other.number));
  await page.mouse.move(5, 5);
  await clean(t, o, 'tune');
  await page.close();
});

test('walk-forward page: bands, curves and choices per fold; pointing at a fold shows its details', async (t) => {
  const data = syntheticWalkForward(12);
  const o = await open(written('walkforward', walkForwardPage(data)));
  const { page } = o;
  assert.equal(await page.locator('svg.equity-chart .fold-band').count(), 12);
  assert.equal(await page.locator('svg.equity-chart path.equity').count(), 2, 'stitched and one comparison');
  assert.equal(await page.locator('svg.equity-chart path.equity.stitched').getAttribute('data-points'), String(data.stitched.t.length));
  assert.equal(await page.locator('table.folds tbody tr').count(), 12);
  assert.equal(await page.locator('svg.stability-chart').count(), 3);
  assert.equal(await page.locator('svg.stability-chart circle.choice').count(), 3 * 11, 'fold 3 has no params');

  const panel = page.locator('.item-panel');
  await page.hover('svg.equity-chart .fold-band[data-item="4"] rect');
  assert.equal(await panel.getAttribute('data-item'), '4');
  const text = await panel.innerText();
  assert.match(text, /fold 4/);
  assert.match(text, /fast\s+15/);
  assert.match(text, /test\s+2021-09-30 \.\. 2021-12-30/);
  assert.equal(await page.locator('table.folds tr.hl').getAttribute('data-item'), '4', 'its row is highlighted');
  assert.equal(await page.locator('svg.stability-chart circle.choice.hl').count(), 3);

  await page.hover('table.folds tr[data-item="3"]');
  assert.match(await panel.innerText(), /params\s+none/);
  await page.hover('svg.stability-chart circle.choice[data-item="5"] >> nth=0');
  assert.match(await panel.innerText(), /fast\s+20/);
  await page.mouse.move(5, 5);
  await clean(t, o, 'walkforward');
  await page.close();
});
