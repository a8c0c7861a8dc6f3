import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { drawCompiled } from './drawGraph.js';
import { reportPage } from './reportPage.js';
import { exampleRun, syntheticRun } from './testing.js';

const settings = { chunkSize: 1024, set: {}, data: {} };

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
