/**
 * No run ends in nonsense with exit 0, and no internal message reaches the user: warm-ups longer
 * than the data, money beyond double range, impossible candles, a timeframe the data contradicts,
 * absurd numeric flags, reserved names, download failures, runs without a broker.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-sanity-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home') };
const H = 3_600_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');

function hean(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** As `hean`, without blocking this process (a local HTTP server in it must answer). */
function heanAsync(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env: { ...env, ...extraEnv } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** Hourly candles from T0, as CSV: rows of [open, high, low, close]. */
function candles(name: string, rows: number[][]): string {
  return file(name, ['time,open,high,low,close,volume', ...rows.map(([o, h, l, c], i) => `${T0 + i * H},${o},${h},${l},${c},1`)].join('\n') + '\n');
}

const flat = (n: number) => Array.from({ length: n }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i]);

test('a warm-up longer than the data is a warning naming the node, its warm-up and the bars (and only the node that causes it)', () => {
  const r = hean(['run', 'graphs/sma-cross.yaml', '--set', 'slow=100000']);
  assert.equal(r.code, 0, r.err);
  const says = 'slow: run/warmup-exceeds-data: indicator.sma "slow" needs 99,999 bars of warm-up (counting its inputs\'), but the data has 58,419: it never produces a value';
  assert.ok(r.out.includes(says), r.out);
  assert.ok(r.err.includes(`warning ${says}`), r.err);

  // 25 bars: slow (warm-up 29) never speaks, fast (9) does; cross, size and broker follow from slow
  const short = hean(['run', 'graphs/sma-cross.yaml', '--data', candles('short.csv', flat(25)), '--json']);
  assert.equal(short.code, 0, short.err);
  assert.deepEqual(JSON.parse(short.out).warnings, [
    'slow: run/warmup-exceeds-data: indicator.sma "slow" needs 29 bars of warm-up (counting its inputs\'), but the data has 25: it never produces a value, nor does anything that waits for it. Use shorter periods or more data',
  ]);
});

test('"warm-up: 1 bar", not "1 bars"', () => {
  const graph = file(
    'warmup1.yaml',
    `version: 1
name: warmup1
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  cross: { kind: signal.crossover, in: { a: bars.close, b: bars.open } }
  size: { kind: sizer.fixedFraction, in: { signal: cross.signal } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars } }
modes:
  backtest:
    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }
`,
  );
  assert.match(hean(['validate', graph]).out, /ok \(4 nodes, warm-up 1 bar\)/);
  const run = hean(['run', graph]);
  assert.equal(run.code, 0, run.err);
  assert.match(run.out, /^warm-up: 1 bar$/m);
});

test('equity beyond double range: every metric from money is n/a (null in --json), with a warning that says why', () => {
  // enter above 150, exit below 50: a winning round trip (bought at 200, sold at 400), then an
  // entry that fills at an open of 1e-306: the all-in quantity is beyond doubles
  const data = candles('overflow.csv', [
    [100, 100, 100, 100],
    [100, 200, 100, 200], // enter
    [200, 300, 200, 300],
    [300, 300, 40, 40], // exit
    [400, 400, 100, 100],
    [100, 200, 100, 200], // enter
    [1e-306, 200, 1e-306, 200], // fills at 1e-306: 10,000 / 1e-306 units is Infinity
    [200, 210, 190, 200],
  ]);
  const graph = file(
    'overflow.yaml',
    `version: 1
name: overflow
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  level: { kind: signal.threshold, in: { series: bars.close }, params: { enterAbove: 150, exitBelow: 50 } }
  size: { kind: sizer.fixedFraction, in: { signal: level.signal } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars }, params: { cash: 10000, fees: { taker: 0 } } }
modes:
  backtest:
    bars: { file: ${JSON.stringify(data)} }
`,
  );
  const r = hean(['run', graph]);
  assert.equal(r.code, 0, r.err);
  for (const row of ['final equity', 'total return', 'CAGR', 'Sharpe', 'max drawdown', 'win rate', 'profit factor', 'average trade', 'exposure', 'fees paid']) {
    assert.match(r.out, new RegExp(`^  ${row} +n/a$`, 'm'), `${row} should be n/a (without a unit)`);
  }
  assert.match(r.out, /^ {2}trades +2 \(1 open\)$/m);
  assert.match(r.out, /broker: broker\/non-finite-equity: equity became NaN at 2024-01-01T07:00:00\.000Z .*every metric derived from equity or trades is n\/a/);
  const json = JSON.parse(hean(['run', graph, '--json']).out);
  for (const key of ['finalEquity', 'totalReturnPct', 'maxDrawdownPct', 'winRatePct', 'profitFactor', 'avgTradePnl', 'exposurePct', 'feesPaid']) assert.equal(json[key], null, key);
  assert.equal(json.trades, 2);
  assert.equal(json.initialCash, 10000);
});

test('cash 1e308 is refused when the graph compiles, naming the bound', () => {
  const graph = file('cash.yaml', readFileSync(join(projectRoot, 'graphs/sma-cross.yaml'), 'utf8').replace('cash: 10000', 'cash: 1e308'));
  const r = hean(['validate', graph]);
  assert.equal(r.code, 2);
  assert.match(r.err, /nodes\.broker\.params\.cash: expected a number > 0 and <= 1000000000000000, found 1e\+308/);
});

test('an impossible candle stops the run at file:line (onBadRow: error)', () => {
  const rows = flat(6);
  rows[2] = [102, 101, 103, 102]; // high 101 below low 103
  const data = candles('impossible.csv', rows);
  const r = hean(['run', 'graphs/sma-cross.yaml', '--data', data]);
  assert.equal(r.code, 1);
  assert.ok(r.err.includes(`${data}:4: impossible candle: high 101 is below low 103; expected low <= open, close <= high. Fix or remove the row or set onBadRow: skip`), r.err);
});

test('1h data declared 1m is an error saying what the data looks like, not 58,418 gaps', () => {
  const graph = file('tf1m.yaml', readFileSync(join(projectRoot, 'graphs/sma-cross.yaml'), 'utf8').replace('timeframe: 1h', 'timeframe: 1m'));
  const r = hean(['run', graph]);
  assert.equal(r.code, 1);
  assert.match(r.err, /btcusdt_1h_binance_2017-08_2024-04\.csv\.gz:22: declared timeframe 1m, but candles are 1h apart .*never 1m.*timeframe: 1h/);
});

test('source.candles: end not after start is refused when the graph compiles', () => {
  const graph = file('range.yaml', readFileSync(join(projectRoot, 'graphs/sma-cross.yaml'), 'utf8').replace('timeframe: 1h }', 'timeframe: 1h, start: "2030-01-01", end: "2020-01-01" }'));
  const r = hean(['validate', graph]);
  assert.equal(r.code, 2);
  assert.match(r.err, /nodes\.bars\.params\.end: end \(2020-01-01T00:00:00\.000Z\) is not after start \(2030-01-01T00:00:00\.000Z\)/);
});

test('absurd numeric flags are usage errors (exit 2) that give the allowed range', () => {
  const cases: [string[], RegExp][] = [
    [['run', 'graphs/sma-cross.yaml', '--chunk', '1e12'], /--chunk expects a whole number from 1 to 1,000,000 .*found "1e12"/],
    [['run', 'graphs/sma-cross.yaml', '--mode', 'paper', '--max-events', '1e300'], /--max-events expects a whole number from 1 to 9,007,199,254,740,991/],
    [['run', 'graphs/sma-cross.yaml', '--mode', 'paper', '--exit-when-idle', 'Infinity'], /--exit-when-idle expects seconds > 0 and at most 31,536,000 \(a year\), found "Infinity"/],
    [['publish', 'x.csv', '--stream', 'k', '--timeframe', '1h', '--rate', 'Infinity'], /--rate expects events per second > 0 and at most 1,000,000, found "Infinity"/],
    [['publish', 'x.csv', '--stream', 'k', '--timeframe', '1h', '--maxlen', '1e300'], /--maxlen expects a whole number from 1 to 9,007,199,254,740,991/],
    [['run', 'graphs/sma-cross.yaml', '--grid', 'fast=1e400..1e401'], /--grid fast=1e400\.\.1e401: 1e400 is beyond the range of numbers/],
  ];
  for (const [args, message] of cases) {
    const r = hean(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.err, /Invalid typed array length|RangeError/);
  }
});

test('--set __proto__=1 and --bind __proto__.file=x are rejected like any unknown name', () => {
  const set = hean(['run', 'graphs/sma-cross.yaml', '--set', '__proto__=1']);
  assert.equal(set.code, 2);
  assert.match(set.err, /--set __proto__: the graph has no param "__proto__"/);
  const bind = hean(['run', 'graphs/sma-cross.yaml', '--bind', '__proto__.file=x.csv']);
  assert.equal(bind.code, 2);
  assert.match(bind.err, /binds "__proto__", which is not a node of this graph/);
  assert.doesNotMatch(bind.err, /schema is invalid/);
});

test('a graph without a broker ends with what the run did: events, range, what each sink wrote', () => {
  const out = join(tmp, 'recorded.csv');
  const graph = file(
    'nobroker.yaml',
    `version: 1
name: nobroker
nodes:
  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  fast: { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 10 } }
  out: { kind: sink.record, in: { series: [fast.value, bars.close] } }
modes:
  backtest:
    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }
    out: { file: recorded.csv }
`,
  );
  const r = hean(['run', graph, '--out-dir', tmp]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^run: 58,419 events processed, 2017-08-17 04:00 \.\. 2024-04-21 14:00 UTC$/m);
  assert.ok(r.out.includes(`  sink out: wrote ${out} (58,419 rows, csv)`), r.out);
  assert.equal(JSON.parse(hean(['run', graph, '--json', '--out-dir', tmp, '--overwrite']).out).events, 58_419);
});

test('data download: a symbol the exchange calls invalid, or one that cannot be a symbol, is a usage error (exit 2)', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end('{"code":-1121,"msg":"Invalid symbol."}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const args = ['data', 'download', 'binance', 'BTCUSDX', '1h', '--from', '2024-01-01', '--to', '2024-01-02', '--dir', join(tmp, 'dl')];
    const r = await heanAsync(args, { HEAN_BINANCE_URL: url });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /Invalid symbol\. \(code -1121\); "BTCUSDX" is not a Binance spot symbol/);
    const slash = await heanAsync(['data', 'download', 'binance', 'BTC/USDT', '1h', '--from', '2024-01-01', '--to', '2024-01-02'], { HEAN_BINANCE_URL: url });
    assert.equal(slash.code, 2, slash.err);
    assert.match(slash.err, /symbol "BTC\/USDT" is not a Binance spot symbol/);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a sweep over a graph file that cannot be read as UTF-8 YAML stops at once with the file\'s error, not a grid of invalid cells', () => {
  const text = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8');
  const utf16 = join(tmp, 'utf16.yaml');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  const r = hean(['run', utf16, '--grid', 'fast=5,10']);
  assert.equal(r.code, 2);
  assert.equal(r.err.match(/graph\/encoding/g)?.length, 1, r.err);
  assert.doesNotMatch(r.out, /invalid/);
});
