import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedHistory, type BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { drawCompiled, reportDrawing } from './drawGraph.js';
import { reportPage } from './reportPage.js';
import { exampleRun, syntheticRun } from './testing.js';

const settings = { chunkSize: 1024, set: {} };

test('the report of the example run: metrics, charts data, monthly returns, trades, settings, provenance, graph', async () => {
  const result = await exampleRun();
  const report = result.reports.broker as BrokerReport;
  const html = reportPage({ result, drawing: await drawCompiled(result.graph), settings: { ...settings, command: 'hean run graphs/sma-cross.yaml --report r.html' } });
  assert.match(html, /<td data-metric="sharpe">0\.84<\/td>/);
  assert.match(html, /<td data-metric="trades">1180 \(1 open\)<\/td>/);
  assert.match(html, /<td data-metric="maxDrawdownPct">66\.46 %<\/td>/);
  for (const id of ['equity-broker', 'drawdown-broker', 'price-broker', 'trades-broker']) assert.ok(html.includes(`id="${id}"`), id);
  assert.match(html, /<table class="monthly">.*<th>2017<\/th>.*<th>2024<\/th>/s);
  assert.match(html, /28 \(128 missing bars, kept as gaps/);
  assert.match(html, /btcusdt_1h_binance_2017-08_2024-04\.csv\.gz/);
  assert.match(html, /hean run graphs\/sma-cross\.yaml --report r\.html/);
  assert.match(html, /data-node-id="cross"/);
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]);
  const b = data.brokers[0];
  assert.equal(b.trades.entryTime.length, report.trades.length);
  assert.ok(b.t.length > 1000 && b.t.length < 6000, `${b.t.length} display points`);
  assert.equal(b.t[b.t.length - 1], report.eventTimes[report.eventTimes.length - 1] / 1000);
  assert.ok(Math.abs(Math.min(...b.drawdown) + report.metrics.maxDrawdownPct) < 1e-3, 'the deepest drawdown survives downsampling');
  const again = reportPage({ result: await exampleRun(), drawing: await drawCompiled(result.graph), settings: { ...settings, command: 'hean run graphs/sma-cross.yaml --report r.html' } });
  assert.equal(html, again, 'same run, same bytes');
});

test('a million bars: the page stays a few hundred KB and is made in well under a few seconds', async () => {
  const result = syntheticRun(1_000_000);
  const drawing = await drawCompiled(result.graph);
  const start = performance.now();
  const html = reportPage({ result, drawing, settings });
  const ms = performance.now() - start;
  const report = result.reports.broker as BrokerReport;
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]);
  assert.ok(data.brokers[0].t.length <= 700 * 8, `${data.brokers[0].t.length} points`);
  assert.ok(html.length < 1_500_000, `${html.length} bytes (with ${report.trades.length} trades)`);
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  assert.ok(Math.abs(Math.min(...data.brokers[0].drawdown) + report.metrics.maxDrawdownPct) < 1e-3);
});

test('a broker with bounded history (a long paper run): the same metrics and monthly returns, charts from the kept bars', async () => {
  const result = await exampleRun();
  const full = result.reports.broker as BrokerReport;
  // what SimulatedBroker reports with history 'bounded' on these bars (its history, fed the same bars)
  const history = new BoundedHistory(full.metrics.initialCash, 256);
  for (let s = 0; s < full.equity.length; s += 1024) {
    const v = (a: Float64Array) => a.subarray(s, Math.min(a.length, s + 1024));
    history.append(v(full.equity).length, v(full.equity), v(full.eventTimes), v(full.closes));
  }
  const points = history.points();
  const bounded: BrokerReport = { ...full, ...points, trades: full.trades.slice(-500), historyDownsampled: true, tradesDropped: full.trades.length - 500, monthEnds: history.monthEnds() };
  const drawing = await drawCompiled(result.graph);
  const page = (report: BrokerReport) => reportPage({ result: { ...result, reports: { broker: report } }, drawing, settings });
  const a = page(full);
  const b = page(bounded);
  const section = (html: string, re: RegExp) => re.exec(html)![0];
  assert.equal(section(b, /<table class="metrics">.*?<\/table>/s), section(a, /<table class="metrics">.*?<\/table>/s));
  assert.equal(section(b, /<table class="monthly">.*?<\/table>/s), section(a, /<table class="monthly">.*?<\/table>/s), 'monthly returns from the month ends are exact');
  assert.match(b, /Charts show [\d,]+ of 58,419 bars kept by the run's bounded history/);
  assert.match(b, /trades <span class="muted small">the latest 500 of 1,180 \(bounded history\)/);
  const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(b)![1]).brokers[0];
  assert.equal(data.bars, 58_419);
  assert.ok(data.t.length > 500 && data.t.length <= points.equity.length, `${data.t.length} display points`);
  assert.equal(data.t[data.t.length - 1], full.eventTimes[full.eventTimes.length - 1] / 1000);
  assert.ok(Math.abs(Math.min(...data.drawdown) + full.metrics.maxDrawdownPct) < 1e-3, 'the deepest drawdown is kept');
  assert.equal(data.trades.entryTime.length, 500);
});

test('a drawing that fails leaves the report whole: why there is no drawing, and the graph as a list in its place', async () => {
  const result = await exampleRun();
  // ELK alone, with a time limit no layout meets: a real failure of the real layout path.
  const drawing = await reportDrawing(result.graph, { engine: 'elk', elkTimeoutMs: 1 });
  assert.ok('error' in drawing);
  const html = reportPage({ result, drawing, settings });
  assert.match(html, /<p class="neg">No drawing of the graph: cannot draw .*sma-cross\.yaml \(6 nodes, 7 wires\): ELK took more than 0\.001 s\.<\/p>/);
  assert.match(html, /<li><code>cross<\/code> signal\.crossover <span class="muted">a ← fast\.value; b ← slow\.value<\/span><\/li>/);
  assert.match(html, /<td data-metric="sharpe">0\.84<\/td>/, 'the results are all there');
  assert.ok(!html.includes('data-node-id='), 'no half-drawn graph');
  // The same run with its drawing has the graph and not the explanation.
  const drawn = reportPage({ result, drawing: await reportDrawing(result.graph), settings });
  assert.match(drawn, /data-node-id="cross"/);
  assert.ok(!drawn.includes('No drawing of the graph'));
});
