/**
 * One graph, every mode, against the real Redis: a data file published into a stream and
 * consumed live (paper mode, consumer group) gives byte-identical trades and the same metrics as
 * the backtest on the file; so does a backtest replaying the stream's time range; and so does a
 * graph with two sources on two timelines. All through the CLI, as a user runs it.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-parity-'));
const prefix = testPrefix();

after(async () => {
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

function hean(...args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `hean ${args.join(' ')}\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** The broker's numbers of a --json summary (what must not depend on the mode). */
function metricsOf(json: string): Record<string, unknown> {
  const { sources: _s, mode: _m, outputs: _o, stopped: _st, lateEvents: _l, checkpoint: _c, ...rest } = JSON.parse(json);
  return rest;
}

test('sma-cross: paper from a Redis stream = backtest on the file = backtest on the stream range', () => {
  const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const stream = `${prefix}:btcusdt-1h`;
  const published = hean('publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', stream);
  assert.match(published.stdout, /published 58,419 1h candles/);

  const file = hean('run', graph, '--json', '--trades', join(dir, 'backtest.csv'));
  const paper = hean('run', graph, '--mode', 'paper', '--bind', `bars.stream=${stream}`, '--exit-when-idle', '2', '--json', '--trades', join(dir, 'paper.csv'));
  const range = hean('run', graph, '--bind', `bars.stream=${stream}`, '--json', '--trades', join(dir, 'range.csv'));

  const trades = readFileSync(join(dir, 'backtest.csv'));
  assert.ok(trades.toString().split('\n').length > 1000, 'the backtest trades');
  assert.ok(readFileSync(join(dir, 'paper.csv')).equals(trades), 'paper trades are byte-identical to the backtest');
  assert.ok(readFileSync(join(dir, 'range.csv')).equals(trades), 'a stream-range backtest trades like the file');
  assert.deepEqual(metricsOf(paper.stdout), metricsOf(file.stdout));
  assert.deepEqual(metricsOf(range.stdout), metricsOf(file.stdout));
  const summary = JSON.parse(paper.stdout);
  assert.equal(summary.mode, 'paper');
  assert.equal(summary.stopped, 'idle');
  assert.equal(summary.sources.bars.stream, stream);
  assert.equal(summary.sources.bars.received, 58_419);
});

test('a portfolio under risk limits that read its equity@prev: paper from a Redis stream = backtest on the file', () => {
  // The feedback loop steps event by event in both; paper runs chunks of one event and keeps a bounded history.
  const graph = join(projectRoot, 'graphs', 'sma-cross-risk.yaml');
  const stream = `${prefix}:risk-1h`;
  hean('publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', stream);
  const file = hean('run', graph, '--json', '--trades', join(dir, 'risk-backtest.csv'));
  const paper = hean('run', graph, '--mode', 'paper', '--bind', `bars.stream=${stream}`, '--exit-when-idle', '2', '--json', '--trades', join(dir, 'risk-paper.csv'));
  const trades = readFileSync(join(dir, 'risk-backtest.csv'));
  assert.ok(trades.toString().split('\n').length > 1000, 'the backtest trades');
  assert.ok(readFileSync(join(dir, 'risk-paper.csv')).equals(trades), 'paper trades are byte-identical to the backtest');
  assert.deepEqual(metricsOf(paper.stdout), metricsOf(file.stdout));
  assert.ok(JSON.parse(file.stdout).risk.risk.breaches.length > 5, 'the limits acted');
});

test('a consumer group resumes where it stopped: nothing lost, nothing repeated', () => {
  const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const stream = `${prefix}:resume`;
  hean('publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', stream);
  const bind = ['--mode', 'paper', '--bind', `bars.stream=${stream}`, '--bind', 'bars.group=resume-test', '--json'];
  const first = JSON.parse(hean('run', graph, ...bind, '--max-events', '1000').stdout);
  const second = JSON.parse(hean('run', graph, ...bind, '--exit-when-idle', '1').stdout);
  assert.equal(first.stopped, 'max-events');
  assert.equal(first.bars, 1000);
  assert.equal(second.sources.bars.received, 58_419 - 1000, 'the second run gets exactly the events the first did not process');
  // and resumes the first one's state (rebuilt from its checkpoint): the broker has seen every bar
  assert.equal(second.checkpoint.replayed, 1000);
  assert.equal(second.bars, 58_419);
});

test('two sources on two timelines: paper from two streams = backtest on the two files', () => {
  const text = (modes: string) => `
version: 1
name: two-timelines
nodes:
  hourly: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: "2025-01-01", end: "2025-04-01" } }
  fiveMin: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 5m, start: "2025-01-01", end: "2025-04-01" } }
  fast: { kind: indicator.ema, in: { series: fiveMin.close }, params: { timePeriod: 12 } }
  slow: { kind: indicator.sma, in: { series: hourly.close }, params: { timePeriod: 24 } }
  cross: { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: hourly } }
  decided: { kind: sink.record, in: { series: [size.orders, fast.value, slow.value] }, params: { skipEmpty: true } }
modes:
${modes}
`;
  const hourly = `${prefix}:btc-1h-2024`;
  const five = `${prefix}:btc-5m-2024`;
  hean('publish', 'btcusdt_1h_binance_2024-09_2026-02.csv.gz', '--stream', hourly);
  hean('publish', 'btcusdt_5m_binance_2024-12_2026-02.csv.gz', '--stream', five);
  const graph = join(dir, 'two-timelines.yaml');
  writeFileSync(
    graph,
    text(`  backtest:
    hourly: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }
    fiveMin: { file: btcusdt_5m_binance_2024-12_2026-02.csv.gz }
    decided: { file: backtest-decided.csv }
  paper:
    hourly: { stream: ${hourly} }
    fiveMin: { stream: ${five} }
    decided: { file: paper-decided.csv }`),
  );
  const backtest = hean('run', graph, '--json', '--trades', 'backtest-trades.csv');
  const paper = hean('run', graph, '--mode', 'paper', '--exit-when-idle', '2', '--json', '--trades', 'paper-trades.csv');
  const decided = readFileSync(join(dir, 'backtest-decided.csv'), 'utf8');
  assert.ok(decided.split('\n').length > 100, 'the graph decides orders');
  assert.equal(readFileSync(join(dir, 'paper-decided.csv'), 'utf8'), decided, 'the same orders, at the same times, from the same values');
  assert.ok(readFileSync(join(dir, 'paper-trades.csv')).equals(readFileSync(join(dir, 'backtest-trades.csv'))), 'the same trades');
  assert.deepEqual(metricsOf(paper.stdout), metricsOf(backtest.stdout));
  assert.ok(JSON.parse(backtest.stdout).pulses.some((p: { superseded: number }) => p.superseded > 0), 'orders decided on 5m bars cross into the hourly broker (some superseded)');
});
