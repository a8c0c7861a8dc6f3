/**
 * `hean run --mode paper --metrics-port`: /metrics scraped over HTTP while a paper run consumes a
 * real Redis stream, checked by Prometheus's own promtool, and its values checked against the
 * run's summary, the published data and Redis's XPENDING. Plus the server's edges (404, a taken
 * port, 127.0.0.1 by default) and the Grafana dashboard's metric names against a real scrape.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { startMetricsServer } from '../runtime/metrics/metricsServer.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { BTC_1H, H, deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-metrics-'));
const prefix = testPrefix();
const hean = join(projectRoot, 'bin', 'hean.js');
const BARS = 6000;
/** The last scrape of the paper run, for the dashboard test. */
let finalScrape = '';

after(async () => {
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

/** Exposition text -> samples (name, labels, value), as the text format defines them (promtool has checked the syntax). */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]) });
  }
  return out;
}

function value(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.equal(found.length, 1, `one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0].value;
}

/** promtool's verdict: it must parse; lint complaints are allowed only for prom-client's default nodejs_* gauges named *_total (not ours). */
function promtoolCheck(text: string): void {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.ok(r.status === 0 || r.status === 3, `promtool failed to parse the scrape (exit ${r.status}): ${r.stderr}${r.stdout}`);
  const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  for (const p of problems) assert.match(p, /^nodejs_active_(handles|requests|resources)_total non-counter metrics should not have "_total" suffix$/, `promtool lint: ${p}`);
  assert.ok(text.includes('# TYPE hean_node_events_in_total counter'), 'hean families are in the scrape');
}

async function get(url: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(url);
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The listening sockets on `port` (IPv4), as the kernel reports them: local address as dotted quad. */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length > 3 && f[3] === '0A' && f[1].endsWith(`:${hexPort}`))
    .map((f) => {
      const hex = f[1].split(':')[0];
      return [3, 2, 1, 0].map((i) => parseInt(hex.slice(2 * i, 2 * i + 2), 16)).join('.');
    });
}

test('a paper run from a Redis stream serves /metrics during the run: promtool parses it, values match the run', async () => {
  const bars = await readCandleCsv(dataFile(BTC_1H), { timeframeMs: H });
  const n = BARS;
  const stream = `${prefix}:bars`;
  const redis = await testClient();
  await publishColumns(redis, stream, { t: bars.t.subarray(0, n), names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => bars[f].subarray(0, n)), meta: { record: 'candles', timeframe: '1h', symbol: 'BTCUSDT' }, replace: true });

  const group = `${prefix}:group`;
  const child = spawn(process.execPath, [hean, 'run', join(projectRoot, 'graphs', 'sma-cross.yaml'), '--mode', 'paper', '--bind', `bars.stream=${stream}`, '--bind', `bars.group=${group}`, '--metrics-port', '0', '--json'], { cwd: dir, env });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    for (let i = 0; i < 300 && !/metrics at (\S+)/.test(stderr); i++) await sleep(20);
    const url = /hean: metrics at (\S+)/.exec(stderr)?.[1];
    assert.ok(url, `the run prints where it serves metrics: ${stderr}`);
    const port = Number(new URL(url).port);
    assert.equal(new URL(url).hostname, '127.0.0.1');
    assert.ok(port > 0, 'port 0 picked a free port and printed it');
    assert.deepEqual(listenAddresses(port), ['127.0.0.1'], 'bound to the loopback address only');

    // Scrape while the events are processed, until all have been.
    let text = '';
    let scrapes = 0;
    for (let i = 0; i < 600; i++) {
      const r = await get(url);
      assert.equal(r.status, 200);
      assert.match(r.type ?? '', /^text\/plain; version=0\.0\.4/);
      text = r.text;
      scrapes++;
      if (text.includes('hean_node_events_in_total{node="broker"') && value(text, 'hean_node_events_in_total', { node: 'broker' }) === n) break;
      await sleep(25);
    }
    promtoolCheck(text);
    finalScrape = text;
    assert.equal(value(text, 'hean_feed_events_total', { source: 'bars' }), n, 'every published event arrived');
    for (const node of ['fast', 'slow', 'cross', 'size', 'broker']) {
      assert.equal(value(text, 'hean_node_events_in_total', { node }), n, `${node} stepped every event`);
      assert.equal(value(text, 'hean_node_events_out_total', { node }), n);
      assert.equal(value(text, 'hean_node_errors_total', { node }), 0);
    }
    assert.equal(value(text, 'hean_node_events_in_total', { node: 'fast', kind: 'indicator.sma', graph: 'sma-cross' }), n, 'labelled with kind and graph');
    // Histograms: cumulative buckets never decrease, +Inf = _count = the chunks released (one per event here).
    for (const [name, labels] of [['hean_chunk_seconds', {}], ['hean_node_step_seconds', { node: 'broker' }], ['hean_feed_lag_seconds', { source: 'bars' }]] as const) {
      const buckets = samples(text).filter((s) => s.name === `${name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      assert.ok(buckets.length > 5, name);
      const le = (s: { labels: Record<string, string> }) => (s.labels.le === '+Inf' ? Infinity : Number(s.labels.le));
      for (let b = 1; b < buckets.length; b++) assert.ok(buckets[b].value >= buckets[b - 1].value && le(buckets[b]) > le(buckets[b - 1]), `${name} buckets are monotone`);
      assert.equal(buckets.at(-1)!.labels.le, '+Inf');
      assert.equal(buckets.at(-1)!.value, value(text, `${name}_count`, labels));
      assert.equal(value(text, `${name}_count`, labels), n, `${name}: one observation per event`);
    }
    // These candles closed years ago: every lag is beyond the last finite bucket (an hour).
    const now = Date.now() / 1000;
    assert.equal(value(text, 'hean_feed_lag_seconds_bucket', { source: 'bars', le: '3600' }), 0);
    assert.ok(value(text, 'hean_feed_lag_seconds_sum', { source: 'bars' }) >= n * (now - 600 - bars.t[n - 1] / 1000));
    assert.equal(value(text, 'hean_feed_last_event_timestamp_seconds', { source: 'bars' }), bars.t[n - 1] / 1000);
    assert.equal(value(text, 'hean_late_events_dropped_total', { source: 'bars' }), 0);
    assert.equal(value(text, 'hean_feed_reconnects_total', { source: 'bars' }), 0);
    // Pending entries: scraped from XPENDING; compare with Redis's own answer once acks have settled.
    let pending = value(text, 'hean_feed_pending_entries', { source: 'bars' });
    for (let i = 0; i < 40 && pending !== 0; i++) {
      await sleep(25);
      text = (await get(url)).text;
      pending = value(text, 'hean_feed_pending_entries', { source: 'bars' });
    }
    const xpending = (await redis.xpending(stream, group)) as [number];
    assert.equal(pending, Number(xpending[0]));
    assert.equal(pending, 0, 'every processed entry was acknowledged');
    assert.ok(scrapes >= 1);
    const final = text;

    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    const summary = JSON.parse(stdout);
    assert.equal(summary.bars, n);
    assert.equal(value(final, 'hean_broker_equity', { node: 'broker' }), summary.finalEquity, 'equity = the broker\'s final equity');
    assert.equal(value(final, 'hean_broker_pnl', { node: 'broker' }), summary.finalEquity - summary.initialCash);
    assert.equal(value(final, 'hean_broker_orders_total', { node: 'broker' }), summary.ordersReceived);
    assert.equal(value(final, 'hean_broker_fills_total', { node: 'broker' }), summary.fills);
    assert.equal(value(final, 'hean_broker_trades_total', { node: 'broker' }), summary.trades);
    assert.ok(summary.trades > 20 && summary.fills >= 2 * summary.closedTrades, 'the run traded');
    assert.equal(value(final, 'hean_broker_order_rejections_total', { node: 'broker', reason: 'noBook' }), 0);
    assert.equal(value(final, 'hean_broker_max_drawdown_ratio', { node: 'broker' }), summary.maxDrawdownPct / 100);
    const drawdown = value(final, 'hean_broker_drawdown_ratio', { node: 'broker' });
    assert.ok(drawdown >= 0 && drawdown <= summary.maxDrawdownPct / 100);
    // Exposure and position agree with each other at the last close of the published data (long only: position >= 0).
    const position = value(final, 'hean_broker_position', { node: 'broker', instrument: 'bars' });
    assert.ok(position >= 0);
    const exposure = value(final, 'hean_broker_exposure_ratio', { node: 'broker' });
    assert.ok(Math.abs(exposure * summary.finalEquity - position * bars.close[n - 1]) <= 1e-9 * summary.finalEquity);
    assert.equal(value(final, 'hean_run_info', { mode: 'paper', graph: 'sma-cross' }), 1);
    assert.ok(value(final, 'process_cpu_seconds_total') > 0, 'process metrics (collectDefaultMetrics)');
  } finally {
    child.kill('SIGKILL');
    await redis.quit();
  }
});

test('the Grafana dashboard queries only metrics a real scrape has', () => {
  assert.ok(finalScrape, 'the paper-run test scraped');
  const dashboard = JSON.parse(readFileSync(join(projectRoot, 'docs', 'grafana', 'hean-dashboard.json'), 'utf8'));
  const exprs: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === 'expr' && typeof x === 'string' ? exprs.push(x) : walk(x);
  };
  walk(dashboard.panels);
  assert.ok(exprs.length >= 10, `the dashboard has queries (${exprs.length})`);
  const families = new Set([...finalScrape.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]));
  const sampled = new Set(samples(finalScrape).map((s) => s.name));
  const promqlWords = new Set(['sum', 'rate', 'irate', 'increase', 'by', 'without', 'histogram_quantile', 'time', 'max', 'min', 'avg', 'le', 'node', 'kind', 'source', 'instrument', 'reason', 'graph', 'mode', 'job', 'instance', 'clamp_min', 'on', 'ignoring', 'topk', 'bool', 'or', 'and', 'unless', 'offset']);
  const names = new Set<string>();
  for (const expr of exprs) {
    const stripped = expr.replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, '');
    for (const [word] of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) if (!promqlWords.has(word)) names.add(word);
  }
  assert.ok(names.size >= 10);
  for (const name of names) {
    // A family is in the scrape with HELP/TYPE even before its first sample (the cache counters, when no cache is used).
    const family = name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(sampled.has(name) || families.has(name) || (families.has(family) && name !== family), `dashboard metric ${name} is not in a real scrape`);
    if (!name.startsWith('hean_cache_')) assert.ok(sampled.has(name), `dashboard metric ${name} has samples in the paper run`);
  }
});

test('/metrics only: 404 elsewhere, 405 for other methods; a taken port is a clear error', async () => {
  const server = await startMetricsServer({ port: 0, graph: 'g', mode: 'paper' });
  try {
    assert.equal(server.host, '127.0.0.1');
    assert.deepEqual(listenAddresses(server.port), ['127.0.0.1']);
    const base = `http://127.0.0.1:${server.port}`;
    const elsewhere = await get(`${base}/`);
    assert.equal(elsewhere.status, 404);
    assert.match(elsewhere.text, /serves GET \/metrics only/);
    assert.equal((await get(`${base}/metrics/x`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
    const ok = await get(`${base}/metrics?x=1`);
    assert.equal(ok.status, 200);
    promtoolCheck(ok.text);
    await assert.rejects(startMetricsServer({ port: server.port, graph: 'g', mode: 'paper' }), /cannot serve metrics on 127\.0\.0\.1:\d+: the port is already in use .*pick another --metrics-port, or 0 for a free one/);
  } finally {
    await server.close();
  }
});

test('the command line: a taken port stops the run before it starts; backtests and stray flags are refused', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
    const taken = spawnSync(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--bind', `bars.stream=${prefix}:none`, '--metrics-port', String(port)], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, new RegExp(`--metrics-port: cannot serve metrics on 127\\.0\\.0\\.1:${port}: the port is already in use`));
    assert.doesNotMatch(taken.stderr, /consumer main/, 'nothing was read');
    const backtest = spawnSync(process.execPath, [hean, 'run', graph, '--metrics-port', '0'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(backtest.status, 2);
    assert.match(backtest.stderr, /--metrics-port serves \/metrics while a paper or live run runs/);
    const hostOnly = spawnSync(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--metrics-host', '0.0.0.0'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(hostOnly.status, 2);
    assert.match(hostOnly.stderr, /--metrics-host says where --metrics-port serves \/metrics; add --metrics-port PORT/);
    const badPort = spawnSync(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--metrics-port', '70000'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /--metrics-port expects a port from 0 to 65535 \(0 picks a free one\), found "70000"/);
  } finally {
    blocker.close();
  }
});
