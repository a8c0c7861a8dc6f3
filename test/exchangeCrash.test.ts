/**
 * Crash safety of sessions fed by an exchange's candles, through the CLI as a user runs them:
 * the fake Binance (in this process, its market clock moved by the test a minute at a time, also
 * while the session is down) and a redis-server of the test's own for the checkpoints.
 *
 * - Paper: killed with SIGKILL at seeded points and restarted until it has processed its events;
 *   the checkpoint shows one contiguous run of candles, each processed once, and the trades and
 *   metrics equal a backtest of the same candles read from the recorded file (an uninterrupted
 *   run through the other driver).
 * - Live (--confirm-live, a test account): killed at the moment the exchange placed one of its
 *   orders (the connection cut after placing, so the process dies before it learns the outcome or
 *   checkpoints it) and restarted: the fake's own order record holds every client order id at most
 *   once, each one the id of a decision on a candle of the session, the orders placed before the
 *   kills were found by id after the restarts (not sent again), and the broker's final cash and
 *   position equal the account's balances.
 * - Live portfolio (sink.portfolio on BTC/USDT and ETH/USDT): the same kill at an order's placement
 *   and restart; every client order id once on the exchange, each a decision on its own market,
 *   the orders the dead process sent after its last checkpoint found by id, and the cash and both
 *   positions equal the account's balances.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connectRedis, ready } from '../runtime/adapters/redis/connection.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { ownRedis, type OwnRedis } from '../runtime/testing/ownRedis.js';
import { startFakeBinance, type FakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { loadMarketData, MINUTE as M, RECORDED_FILES, type SymbolData } from '../runtime/testing/fakeBinance/marketData.js';
import { clientOrderId } from '../runtime/portfolio/clientOrderId.js';
import { Xoshiro128 } from '../runtime/tune/xoshiro128.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';

const env: NodeJS.ProcessEnv = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-exchange-crash-'));
const hean = join(projectRoot, 'bin', 'hean.js');
/** Events of each session: the warm-up's candles, then live ones. */
const TOTAL = 300;
/** Live sessions: fewer (the clock holds still around each order). */
const LIVE_TOTAL = 200;
let server: OwnRedis;
let redis: Redis;
let data: Map<string, SymbolData>;

before(async () => {
  server = await ownRedis(dir);
  redis = connectRedis(server.url, { name: 'hean-test', log: () => {} });
  await ready(redis, 5000);
  data = await loadMarketData({ candles: join(dataDir(), RECORDED_FILES.candles) });
});

after(async () => {
  await redis?.quit();
  server?.stop();
});

const nodes = `nodes:
  bars:   { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1m RANGE} }
  fast:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 3 } }
  slow:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 10 } }
  cross:  { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size:   { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker:
    kind: sink.broker
    in: { orders: size.orders, market: bars }
    params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly }
`;

/** A row sink of every event (the paper test's file: its rows once each across kills). */
const recNode = '  rec:    { kind: sink.record, in: { series: [fast.value, slow.value, cross.signal] } }\n';

/** The session's graph, bound to the fake for paper and live; with `rec`, the row sink writes that file (relative to --out-dir) in paper mode. */
function sessionGraph(name: string, fake: FakeBinance, rec?: string): string {
  const file = join(dir, `${name}.yaml`);
  const at = `exchange: binance, symbol: BTC/USDT, url: "${fake.url}"`;
  const recAt = rec ? `    rec: { file: ${rec} }\n` : '';
  writeFileSync(file, `version: 1\nname: ${name}\n${nodes.replace('RANGE', '')}${rec ? recNode : ''}modes:\n  paper:\n    bars: { ${at} }\n${recAt}  live:\n    bars: { ${at} }\n    broker: { ${at} }\n${recAt}`);
  return file;
}

/** The same graph as a backtest of the recorded file, candles opening first .. last. */
function backtestGraph(name: string, first: number, last: number, rec?: string): string {
  const file = join(dir, `${name}-backtest.yaml`);
  const iso = (ms: number) => new Date(ms).toISOString();
  writeFileSync(file, `version: 1\nname: ${name}\n${nodes.replace('RANGE', `, start: "${iso(first)}", end: "${iso(last + M)}"`)}${rec ? recNode : ''}modes:\n  backtest:\n    bars: { file: ${RECORDED_FILES.candles} }\n${rec ? `    rec: { file: ${rec} }\n` : ''}`);
  return file;
}

/** How far the market may run ahead of the session's last checkpoint (also while it is down): bounds every catch-up. */
const AHEAD = 20 * M;

/**
 * Moves the fake's market clock one minute every `everyMs` until stopped (also while the session
 * is down), with a session's `key`: once it has a checkpoint and at most AHEAD past it; while `may()` allows.
 * The bound keeps a loaded machine from letting a session fall arbitrarily far behind (a restart
 * that caught up everything would end before the test could kill it).
 */
function pace(fake: FakeBinance, key: string | undefined, everyMs: number, may: () => boolean = () => true): { stop: () => Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const saved = key === undefined ? undefined : await checkpoint(key);
      const ahead = key === undefined || (saved !== undefined && fake.now() + M - saved.clock <= AHEAD);
      if (ahead && may()) fake.advance(M);
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: () => string;
  err: () => string;
}

function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}, baseEnv = env): Run {
  const child = spawn(process.execPath, [hean, 'run', ...args], { env: { ...baseEnv, ...extraEnv } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const keyOf = (name: string, mode: string, fake: FakeBinance) => `hean:checkpoint:${name}:${mode}:exchange:binance@${fake.url}/BTC/USDT/1m`;

interface Saved {
  events: number;
  clock: number;
  feeds: { bars: { first: number; last: number; candles: number } };
  nodes: { broker: { cash: number; position: number; equity: number; exchange?: { recovered: number; missed: number } } };
}

async function checkpoint(key: string): Promise<Saved | undefined> {
  const state = await redis.hget(key, 'state');
  return state === null ? undefined : JSON.parse(state);
}

/** Resolves once the checkpoint covers at least `events`, or the run ended. */
async function waitForCheckpoint(key: string, events: number, r: Run): Promise<void> {
  let ended = false;
  void r.exited.then(() => (ended = true));
  while (!ended && ((await checkpoint(key))?.events ?? 0) < events) await sleep(5);
}

/** The checkpoint after the last run: every candle of one contiguous range processed exactly once. */
function assertContiguous(saved: Saved, total: number): void {
  const { first, last, candles } = saved.feeds.bars;
  assert.equal(saved.events, total, 'the session stepped each of its events once');
  assert.equal(candles, total, 'the checkpoints recorded each candle once');
  assert.equal(last - first, (total - 1) * M, 'one contiguous run of candles: none lost at a seam, none twice');
  assert.equal(saved.clock, last + M, 'the last event is the last candle, at its close');
}

const metricKeys = ['bars', 'trades', 'closedTrades', 'finalEquity', 'totalReturnPct', 'sharpe', 'sortino', 'maxDrawdownPct', 'winRatePct', 'profitFactor', 'exposurePct', 'feesPaid', 'startTime', 'endTime', 'ordersReceived', 'fills', 'unfilledOrders'] as const;

test('paper on exchange candles, kill -9 at seeded points (2 seeds, up to 3 kills): the restarted session ends with the trades of an uninterrupted run, each candle once', async (t) => {
  const candles = data.get('BTCUSDT')!.candles!;
  for (const seed of [1, 2]) {
    const name = `exchange-crash-paper-${seed}`;
    const rng = new Xoshiro128(seed);
    const fake = await startFakeBinance({ data, manual: true, start: candles.time[20_000 + seed * 2000] + 15_000 });
    const graph = sessionGraph(name, fake, 'rec.csv');
    const key = keyOf(name, 'paper', fake);
    const outDir = join(dir, `${name}-out`);
    const args = [graph, '--mode', 'paper', '--redis', server.url, '--out-dir', outDir, '--json', '--max-events', String(TOTAL)];
    const clock = pace(fake, key, 40);
    try {
      const kills = 1 + Math.floor(rng.nextFloat() * 3);
      const points = Array.from({ length: kills }, () => 40 + Math.floor(rng.nextFloat() * (TOTAL - 100))).sort((a, b) => a - b);
      const killedAt: number[] = [];
      for (const point of points) {
        const r = run(args);
        await waitForCheckpoint(key, point, r);
        r.child.kill('SIGKILL');
        const { signal } = await r.exited;
        assert.equal(signal, 'SIGKILL', `seed ${seed}: the session was still running at ${point} events\n${r.err()}`);
        killedAt.push((await checkpoint(key))!.events);
      }
      const before = killedAt[killedAt.length - 1];
      assert.ok(before > 0 && before < TOTAL, `seed ${seed}: killed mid-session (checkpoints at ${killedAt.join(', ')} events)`);

      const trades = join(dir, `${name}-paper.csv`);
      const last = run([...args, '--trades', trades]);
      const { code } = await last.exited;
      assert.equal(code, 0, last.err());
      const summary = JSON.parse(last.out());
      assert.equal(summary.checkpoint.replayed, before, 'the restart replayed exactly the checkpointed events');
      assert.equal(summary.sources.bars.refetched, before, 'fetched again over REST');
      assert.ok(summary.sources.bars.caughtUp >= 1, 'candles that closed while the session was down were caught up over REST');
      assert.match(last.err(), /rebuilt and verified the state of [\d,]+ events/);
      assert.ok(!summary.warnings.some((w: string) => /not-crash-safe/.test(w)), summary.warnings.join('\n'));
      const saved = (await checkpoint(key))!;
      assertContiguous(saved, TOTAL);

      // The uninterrupted reference: a backtest of the same candles from the recorded file.
      const { first, last: lastOpen } = saved.feeds.bars;
      const backtestTrades = join(dir, `${name}-backtest.csv`);
      const backtestOut = join(dir, `${name}-backtest-out`);
      const backtest = spawnSync(process.execPath, [hean, 'run', backtestGraph(name, first, lastOpen, 'rec.csv'), '--out-dir', backtestOut, '--json', '--trades', backtestTrades], { env, encoding: 'utf8' });
      assert.equal(backtest.status, 0, backtest.stderr);
      const reference = JSON.parse(backtest.stdout);
      assert.equal(reference.events, TOTAL, 'the backtest covers the same candles');
      assert.ok(reference.trades >= 2, `the span trades: ${reference.trades}`);
      assert.ok(readFileSync(trades).equals(readFileSync(backtestTrades)), `seed ${seed}: the same trades as the uninterrupted run`);
      for (const k of metricKeys) assert.deepEqual(summary[k], reference[k], `seed ${seed}: ${k}`);
      // The row sink's file, committed with each checkpoint: every event's row once, as the uninterrupted run writes it.
      const recRows = readFileSync(join(outDir, 'rec.csv'), 'utf8');
      assert.equal(recRows.trimEnd().split('\n').length, TOTAL + 1, `seed ${seed}: a header and one row per event`);
      assert.equal(recRows, readFileSync(join(backtestOut, 'rec.csv'), 'utf8'), `seed ${seed}: the session's rows equal the backtest's, byte for byte`);
      const rebuilt = /rebuilt and verified the state of ([\d,]+) events in (\d+) ms/.exec(last.err());
      t.diagnostic(`seed ${seed}: killed at ${killedAt.join(', ')} events; last restart refetched ${summary.sources.bars.refetched} (rebuilt in ${rebuilt?.[2]} ms from the session's start), caught up ${summary.sources.bars.caughtUp}; ${reference.trades} trades`);
      assert.equal(saved.nodes.broker.equity, summary.finalEquity, 'the checkpoint holds the final state');
    } finally {
      await clock.stop();
      await fake.close();
    }
  }
});

test('live on the fake exchange, kill -9 right as an order is placed (1 and 2 kills): no client order id reaches the exchange twice, and the broker ends with the account\'s balances', async (t) => {
  const candles = data.get('BTCUSDT')!.candles!;
  for (const seed of [1, 2]) {
    const name = `exchange-crash-live-${seed}`;
    const rng = new Xoshiro128(100 + seed);
    const account = { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') };
    const fake = await startFakeBinance({ data, manual: true, start: candles.time[30_000 + seed * 2000] + 15_000, accounts: [{ ...account, balances: { USDT: 10000 } }] });
    const keys = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
    const graph = sessionGraph(name, fake);
    const key = keyOf(name, 'live', fake);
    const args = [graph, '--mode', 'live', '--confirm-live', '--redis', server.url, '--json', '--max-events', String(LIVE_TOTAL)];
    const acct = fake.trading.accounts.get(account.apiKey)!;
    // The k-th placement is carried out and its connection cut before the answer, and the process
    // killed at that moment: the order is on the exchange, the session never learnt of it.
    let killAt = Infinity;
    let current: Run | undefined;
    const placing = killWhenPlacing(fake, acct, () => killAt, () => {
      if (!current) return;
      killAt = Infinity;
      current.child.kill('SIGKILL');
    });
    const clock = pace(fake, key, 40, placing.quiet);
    try {
      const kills = seed; // the second seed restarts a restarted session
      let placedBefore = 0;
      for (let k = 0; k < kills; k++) {
        killAt = placedBefore + 1 + Math.floor(rng.nextFloat() * 2);
        current = run(args, keys);
        const { signal } = await current.exited;
        assert.equal(signal, 'SIGKILL', `seed ${seed}: killed at order ${killAt}\n${current.err()}`);
        placedBefore = acct.orders.length;
      }
      current = run(args, keys);
      const { code } = await current.exited;
      assert.equal(code, 0, current.err());
      const summary = JSON.parse(current.out());
      assert.match(current.err(), /rebuilt and verified the state of [\d,]+ events/);
      const saved = (await checkpoint(key))!;
      assertContiguous(saved, LIVE_TOTAL);

      // The fake's own record: each client order id once, each the id of a decision on a candle of the session.
      const ids = acct.orders.map((o) => o.clientOrderId);
      assert.equal(new Set(ids).size, ids.length, `seed ${seed}: every client order id placed once: ${ids.join(', ')}`);
      const { first, last } = saved.feeds.bars;
      const decisions = new Set<string>();
      for (let open = first; open <= last; open += M) decisions.add(clientOrderId({ session: name, node: 'broker', time: open + M }));
      for (const id of ids) assert.ok(decisions.has(id), `order ${id} is not a decision of the session`);
      assert.ok(acct.orders.length > kills, `seed ${seed}: orders went out after the restarts too (${acct.orders.length})`);
      assert.equal(summary.exchange.ordersFoundAfterRestart, kills, 'each order placed as the process died was found by its id after the restart, not sent again');

      // The broker's money is the account's.
      const btc = acct.balance('BTC');
      const usdt = acct.balance('USDT');
      assert.ok(Math.abs(summary.exchange.position - (btc.free + btc.locked)) < 1e-9, `position ${summary.exchange.position} vs account ${btc.free + btc.locked} BTC`);
      assert.ok(Math.abs(summary.exchange.cash - (usdt.free + usdt.locked)) < 1e-6, `cash ${summary.exchange.cash} vs account ${usdt.free + usdt.locked} USDT`);
      assert.equal(saved.nodes.broker.cash, summary.exchange.cash, 'the checkpoint holds the final cash');
      assert.ok(!summary.warnings.some((w: string) => /balance-mismatch|not-crash-safe/.test(w)), summary.warnings.join('\n'));
      assert.match(current.err(), /account checked after the restart/);
      const x = summary.exchange;
      t.diagnostic(`seed ${seed}: ${kills} kills; ${acct.orders.length} orders placed, ${x.ordersFoundAfterRestart} found after a restart, ${x.ordersMissedWhileDown} missed while down, ${x.ordersDecidedOnHistory} decided on warm-up history`);
    } finally {
      current?.child.kill('SIGKILL');
      await clock.stop();
      await fake.close();
    }
  }
});

test('without a Redis named the session says it is not crash-safe; a restart whose rebuilt state differs from the checkpoint stops, naming what differs', async () => {
  const candles = data.get('BTCUSDT')!.candles!;
  const name = 'exchange-crash-tampered';
  const fake = await startFakeBinance({ data, manual: true, start: candles.time[36_000] + 15_000 });
  const graph = sessionGraph(name, fake);
  const key = keyOf(name, 'paper', fake);
  const clock = pace(fake, undefined, 20);
  try {
    // (spawned, not spawnSync: the fake answers from this process)
    const { HEAN_REDIS_URL: _ignored, ...noRedis } = env;
    const plain = run([graph, '--mode', 'paper', '--json', '--max-events', '30'], {}, noRedis);
    assert.equal((await plain.exited).code, 0, plain.err());
    assert.ok(JSON.parse(plain.out()).warnings.some((w: string) => /run\/not-crash-safe: .*--redis URL or HEAN_REDIS_URL/.test(w)), plain.out());
    assert.equal(await redis.exists(key), 0, 'no checkpoint without a Redis named');

    const first = run([graph, '--mode', 'paper', '--redis', server.url, '--max-events', '60']);
    assert.equal((await first.exited).code, 0, first.err());
    const saved = JSON.parse((await redis.hget(key, 'state'))!);
    assert.equal(saved.events, 60);
    const cash = saved.nodes.broker.cash;
    saved.nodes.broker.cash = cash + 1;
    await redis.hset(key, 'state', JSON.stringify(saved));
    const resumed = run([graph, '--mode', 'paper', '--redis', server.url, '--max-events', '90']);
    assert.equal((await resumed.exited).code, 1, resumed.err());
    assert.match(resumed.err(), new RegExp(`after replaying the session's 60 candles, node broker\\.cash is ${String(cash).replace('.', '\\.')} where the checkpoint has ${String(cash + 1).replace('.', '\\.')}: .*the run stops`));
    assert.equal(JSON.parse((await redis.hget(key, 'state'))!).events, 60, 'the refused restart saved nothing');
  } finally {
    await clock.stop();
    await fake.close();
  }
});

test('live on a Redis stream: a resumed session gets the exchange broker\'s orders and fills back from its checkpoint (verified by replay) and ends as an uninterrupted session does', async () => {
  const candles = data.get('BTCUSDT')!.candles!;
  const from = 10_000;
  const n = 200;
  const t = candles.time.slice(from, from + n).map((x) => x + M);
  const stream = 'live-resume-bars';
  const fields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  await publishColumns(redis, stream, { t, names: fields, columns: fields.map((f) => candles[f].slice(from, from + n)), meta: { record: 'candles', timeframe: '1m', symbol: 'BTCUSDT' }, replace: true });
  const accounts = [0, 1].map(() => ({ apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex'), balances: { USDT: 10000 } }));
  // The market clock stands at the first candle's open: every decision is after the start, and every market order fills at that minute's price.
  const fake = await startFakeBinance({ data, manual: true, start: candles.time[from], accounts });
  try {
    const name = 'live-resume';
    const text = (group: string) => `version: 1\nname: ${name}\n${nodes.replace('RANGE', '')}modes:\n  live:\n    bars: { stream: ${stream}, group: ${group} }\n    broker: { exchange: binance, symbol: BTC/USDT, url: "${fake.url}" }\n`;
    const live = async (group: string, account: (typeof accounts)[number], settings: { maxEvents?: number; exitWhenIdleMs?: number }) => {
      const { graph, diagnostics } = compileGraph(text(group), `${name}.yaml`, defaultRegistry, { mode: 'live', requireBindings: true });
      assert.ok(graph, JSON.stringify(diagnostics));
      const logs: string[] = [];
      const result = await runGraph(graph, { env: { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret }, redisUrl: server.url, onLog: (m) => logs.push(m), live: settings });
      return { result, logs, exchange: (result.reports.broker as { exchange: { cash: number; position: number; orders: { clientOrderId: string }[] } }).exchange };
    };
    const whole = await live('whole', accounts[0], { exitWhenIdleMs: 1000 });
    await live('resumed', accounts[1], { maxEvents: 120 });
    const rest = await live('resumed', accounts[1], { exitWhenIdleMs: 1000 });
    assert.ok(rest.logs.some((l) => /rebuilt and verified the state of 120 events/.test(l)), rest.logs.join('\n'));
    assert.ok(rest.logs.some((l) => /resuming the session's broker: \d+ orders/.test(l)), rest.logs.join('\n'));
    const [a, b] = accounts.map((acc) => fake.trading.accounts.get(acc.apiKey)!);
    assert.ok(a.orders.length >= 4, `the window trades: ${a.orders.length} orders`);
    assert.deepEqual(b.orders.map((o) => o.clientOrderId), a.orders.map((o) => o.clientOrderId), 'the same orders as the uninterrupted session, each once');
    assert.equal(rest.exchange.orders.length, whole.exchange.orders.length, 'the resumed report lists the orders of both processes');
    assert.ok(Math.abs(rest.exchange.position - whole.exchange.position) < 1e-12 && Math.abs(rest.exchange.cash - whole.exchange.cash) < 1e-9, `the same money: ${rest.exchange.cash}/${rest.exchange.position} vs ${whole.exchange.cash}/${whole.exchange.position}`);
    assert.ok(Math.abs(rest.exchange.position - b.balance('BTC').free) < 1e-9 && Math.abs(rest.exchange.cash - b.balance('USDT').free) < 1e-6, 'the account\'s balances');
  } finally {
    await fake.close();
  }
});

/**
 * The live portfolio's markets: the recorded hourly candles of BTCUSDT and ETHUSDT (the only
 * recording of both), their hours served by the fake as consecutive minutes from the files' first
 * open (real prices, a faster clock: the fake's kline stream is built from 1-minute candles).
 */
async function hourlyAsMinutes(): Promise<Map<string, SymbolData>> {
  const files = { BTCUSDT: 'btcusdt_1h_binance_2024-09_2026-02.csv.gz', ETHUSDT: 'ethusdt_1h_binance_2024-09_2026-02.csv.gz' };
  const out = new Map<string, SymbolData>();
  let first: Float64Array | undefined;
  for (const [symbol, file] of Object.entries(files)) {
    const c = await readCandleCsv(join(dataDir(), file), { timeframeMs: 60 * M });
    first ??= c.time;
    assert.ok(c.time[0] === first[0] && c.time[3000] === first[3000], 'the two files share their hours');
    out.set(symbol, { candles: { time: c.time.map((_, i) => first![0] + i * M), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume } });
  }
  return out;
}

test('live portfolio on two markets of the fake exchange, kill -9 right as one of its orders is placed: no client order id reaches the exchange twice, the orders the dead process sent are found by id, and the cash and positions end as the account\'s balances', async (t) => {
  const name = 'exchange-crash-portfolio';
  const hourly = await hourlyAsMinutes();
  const times = hourly.get('BTCUSDT')!.candles!.time;
  const account = { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') };
  const fake = await startFakeBinance({ data: hourly, manual: true, start: times[2000] + 15_000, accounts: [{ ...account, balances: { USDT: 10000 } }] });
  const keys = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
  const at = (symbol: string) => `exchange: binance, symbol: ${symbol}, url: "${fake.url}"`;
  const sma = (id: string, period: number, source: string) => `  ${id}: { kind: indicator.sma, in: { series: ${source}.close }, params: { timePeriod: ${period} } }\n`;
  const graph = join(dir, `${name}.yaml`);
  writeFileSync(
    graph,
    `version: 1\nname: ${name}\nnodes:\n` +
      '  btc: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1m } }\n  eth: { kind: source.candles, params: { symbol: ETHUSDT, timeframe: 1m } }\n' +
      ['btc', 'eth'].map((s) => `${sma(`${s}Fast`, 3, s)}${sma(`${s}Slow`, 10, s)}  ${s}Cross: { kind: signal.crossover, in: { a: ${s}Fast.value, b: ${s}Slow.value } }\n  ${s}Size: { kind: sizer.fixedFraction, in: { signal: ${s}Cross.signal }, params: { fraction: 0.45 } }\n`).join('') +
      '  book:\n    kind: sink.portfolio\n    in: { orders: [btcSize.orders, ethSize.orders], markets: [btc, eth] }\n    params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly, instruments: [{ name: BTCUSDT }, { name: ETHUSDT }] }\n' +
      `modes:\n  live:\n    btc: { ${at('BTC/USDT')} }\n    eth: { ${at('ETH/USDT')} }\n    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT], url: "${fake.url}" }\n`,
  );
  const key = `hean:checkpoint:${name}:live:exchange:binance@${fake.url}/BTC/USDT/1m,binance@${fake.url}/ETH/USDT/1m`;
  /** Source events: both markets' candles of 100 minutes. */
  const total = 200;
  const args = [graph, '--mode', 'live', '--confirm-live', '--redis', server.url, '--json', '--max-events', String(total)];
  const acct = fake.trading.accounts.get(account.apiKey)!;
  // As for sink.broker above: the third placement is carried out, its connection cut before the
  // answer, and the process killed then; the clock holds still around signed requests.
  const killAt = 3;
  let current: Run | undefined;
  let armed = true;
  const placing = killWhenPlacing(fake, acct, () => (armed ? killAt : Infinity), () => {
    if (!current) return;
    armed = false;
    current.child.kill('SIGKILL');
  });
  const clock = pace(fake, key, 40, placing.quiet);
  try {
    current = run(args, keys);
    const { signal } = await current.exited;
    assert.equal(signal, 'SIGKILL', `killed at order ${killAt}\n${current.err()}`);
    // What the dead process sent after its last checkpoint: on the exchange, unknown to the checkpoint.
    const before = JSON.parse((await redis.hget(key, 'state'))!) as { events: number; nodes: { book: { exchange: { orders: { clientOrderId: string }[] } } } };
    const known = new Set(before.nodes.book.exchange.orders.map((o) => o.clientOrderId));
    const inFlight = acct.orders.map((o) => o.clientOrderId).filter((id) => !known.has(id));
    assert.ok(inFlight.length >= 1 && before.events > 0 && before.events < total, `killed mid-session, with orders the checkpoint does not know (${inFlight.length}; checkpoint at ${before.events} events)`);
    const placedBefore = acct.orders.length;

    current = run(args, keys);
    const { code } = await current.exited;
    assert.equal(code, 0, current.err());
    const summary = JSON.parse(current.out());
    assert.match(current.err(), /rebuilt and verified the state of [\d,]+ events/);
    assert.match(current.err(), /resuming the session's portfolio: \d+ orders, \d+ fills to apply again/);
    assert.ok(!summary.warnings.some((w: string) => /not-crash-safe|balance-mismatch/.test(w)), summary.warnings.join('\n'));
    assert.match(current.err(), /account checked after the restart: [\d.e-]+ BTC, [\d.e-]+ ETH and [\d.e-]+ USDT/);
    const saved = JSON.parse((await redis.hget(key, 'state'))!) as { events: number; feeds: Record<string, { first: number; last: number; candles: number }>; nodes: { book: { cash: number } } };
    assert.equal(saved.events, total, 'the session stepped each of its events once');
    for (const source of ['btc', 'eth']) {
      const { first, last, candles } = saved.feeds[source];
      assert.equal(candles, total / 2, `${source}: each candle once`);
      assert.equal(last - first, (total / 2 - 1) * M, `${source}: one contiguous run of candles`);
    }

    // The fake's own record: each client order id once, each a decision of the session on its market.
    const ids = acct.orders.map((o) => o.clientOrderId);
    assert.equal(new Set(ids).size, ids.length, `every client order id placed once: ${ids.join(', ')}`);
    const decisions = new Map<string, string>();
    for (const [source, instrument] of [['btc', 'BTCUSDT'], ['eth', 'ETHUSDT']]) {
      for (let open = saved.feeds[source].first; open <= saved.feeds[source].last; open += M) decisions.set(clientOrderId({ session: name, node: 'book', instrument, time: open + M }), instrument);
    }
    for (const o of acct.orders) assert.equal(decisions.get(o.clientOrderId), o.symbol, `order ${o.clientOrderId} on ${o.symbol} is not a decision of the session on that market`);
    assert.ok(acct.orders.length > placedBefore, `orders went out after the restart too (${placedBefore} before, ${acct.orders.length} in all)`);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) assert.ok(acct.orders.some((o) => o.symbol === symbol), `orders on ${symbol}`);

    // The orders the dead process sent were found by id, not sent again.
    const x = summary.exchange as { ordersFoundAfterRestart: number; ordersMissedWhileDown: number; ordersDecidedOnHistory: number; cash: number; positions: Record<string, number>; orders: { clientOrderId: string; notes: string[] }[] };
    assert.equal(x.ordersFoundAfterRestart, inFlight.length, 'each order sent after the last checkpoint was found after the restart');
    for (const id of inFlight) {
      assert.ok(x.orders.find((o) => o.clientOrderId === id)?.notes.some((n) => /found on the exchange after the restart/.test(n)), `${id} found after the restart`);
      assert.match(current.err(), new RegExp(`order ${id} \\((BTC|ETH)USDT\\) decided at .* was found on the exchange after the restart`));
    }
    assert.deepEqual(x.orders.map((o) => o.clientOrderId), ids, 'the report lists the orders of both processes, as the exchange has them');

    // The portfolio's money is the account's.
    const usdt = acct.balance('USDT');
    assert.ok(Math.abs(x.cash - (usdt.free + usdt.locked)) < 1e-6, `cash ${x.cash} vs account ${usdt.free + usdt.locked} USDT`);
    for (const [instrument, asset] of [['BTCUSDT', 'BTC'], ['ETHUSDT', 'ETH']]) {
      const held = acct.balance(asset);
      assert.ok(Math.abs(x.positions[instrument] - (held.free + held.locked)) < 1e-9, `${instrument} position ${x.positions[instrument]} vs account ${held.free + held.locked} ${asset}`);
    }
    assert.equal(saved.nodes.book.cash, x.cash, 'the checkpoint holds the final cash');
    t.diagnostic(`killed at order ${killAt} (checkpoint at ${before.events} events, ${inFlight.length} order(s) in flight); ${acct.orders.length} orders placed, ${x.ordersFoundAfterRestart} found after the restart, ${x.ordersMissedWhileDown} missed while down, ${x.ordersDecidedOnHistory} decided on warm-up history`);
  } finally {
    current?.child.kill('SIGKILL');
    await clock.stop();
    await fake.close();
  }
});

/**
 * Kills a live session at the moment the fake places its `killAt()`-th order: that placement is
 * carried out and its connection cut before the answer, and `kill` runs once the order is on the
 * exchange, so the process dies without learning of it (`killAt()` Infinity: no kill). Signed
 * requests carry the client's clock, which the fake checks against its market clock
 * (recvWindow): `quiet()` (for pace) is false while they are under way and for 1.5 s after (a
 * request refused as too old is retried at once with the offset measured again).
 */
function killWhenPlacing(fake: FakeBinance, acct: { orders: readonly unknown[] }, killAt: () => number, kill: () => void): { quiet: () => boolean } {
  const desk = fake.trading;
  const handle = desk.handle.bind(desk);
  let signing = 0;
  let signedAt = 0;
  desk.handle = async (req: IncomingMessage, res: ServerResponse, now: number) => {
    signing++;
    signedAt = performance.now();
    try {
      if (acct.orders.length === killAt() - 1 && req.method === 'POST') desk.faults.dropAfterPlacing(1);
      await handle(req, res, now);
      if (acct.orders.length >= killAt()) kill();
    } finally {
      signing--;
      signedAt = performance.now();
    }
  };
  return { quiet: () => signing === 0 && performance.now() - signedAt > 1500 };
}
