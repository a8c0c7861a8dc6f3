/**
 * Live trading end to end: real ccxt (its binance class, unchanged) against the fake Binance
 * server's signed endpoints, the graph run by runGraph in --mode live. Candles come from the
 * recorded 1m file through a test feed that moves the fake's market clock to each candle's close
 * before handing the candle over, so an order decided at a close meets the exchange at the next
 * minute's open: the price the simulated broker (fill: nextOpen) fills at. The reference is the
 * simulated broker's backtest of the same candles and the client order ids are computed here
 * from its trade times with clientOrderId(): neither comes from the live code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import { memoryFeeds, memorySource } from '../runtime/adapters/memory.js';
import type { AdapterRegistry } from '../runtime/adapters/contract.js';
import { clientOrderId } from '../runtime/portfolio/clientOrderId.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { startFakeBinance, type FakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { loadMarketData, MINUTE, RECORDED_FILES, type SymbolData } from '../runtime/testing/fakeBinance/marketData.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { Pace, clockedFeed, pacedBroker } from '../runtime/testing/fakeBinance/pacedLive.js';

const BARS = 240;
let dataPromise: Promise<Map<string, SymbolData>> | undefined;
const marketData = () => (dataPromise ??= loadMarketData({ candles: join(dataDir(), RECORDED_FILES.candles) }));

/** Where the test starts: two days into the recording. */
async function window(): Promise<{ start: number; t: Float64Array; columns: Record<string, Float64Array> }> {
  const c = (await marketData()).get('BTCUSDT')!.candles!;
  const first = 2880;
  const pick = (a: Float64Array) => a.slice(first, first + BARS);
  const time = pick(c.time);
  return { start: time[0], t: time.map((x) => x + MINUTE), columns: { time, open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume) } };
}

const graphText = (mode: 'backtest' | 'live', binding: string) => `version: 1
name: sma-cross-live
nodes:
  bars:   { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1m } }
  fast:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 5 } }
  slow:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 20 } }
  cross:  { kind: signal.crossover, in: { a: fast.value, b: slow.value } }
  size:   { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }
  broker:
    kind: sink.broker
    in: { orders: size.orders, market: bars }
    params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly }
modes:
  ${mode}:
${binding}`;

interface Account {
  apiKey: string;
  secret: string;
}
const newAccount = (): Account => ({ apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') });

async function liveRun(fake: FakeBinance, account: Account, options: { existing?: string; onBar?: (k: number) => void } = {}) {
  const bars = await window();
  const pace = new Pace();
  const adapters: AdapterRegistry = { sources: [clockedFeed(fake, pace, async () => bars, options.onBar)], sinks: [], brokers: [pacedBroker(defaultAdapters.brokers![0], pace)] };
  const text = graphText('live', `    bars: { clocked: true }\n    broker: { exchange: binance, symbol: BTC/USDT, url: ${fake.url}${options.existing ? `, existing: ${options.existing}` : ''} }\n`);
  const { graph, diagnostics } = compileGraph(text, 'live.yaml', defaultRegistry, { mode: 'live', requireBindings: true, adapters });
  assert.ok(graph, JSON.stringify(diagnostics));
  const logs: string[] = [];
  const env = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
  const result = await runGraph(graph, { env, adapters, onLog: (m) => logs.push(m), live: { maxWaitMs: 0 } });
  return { result, logs };
}

async function simulated(): Promise<BrokerReport> {
  const bars = await window();
  memoryFeeds.set('live-broker-bars', { t: bars.t, columns: bars.columns });
  const text = graphText('backtest', `    bars: { memory: live-broker-bars }\n`);
  const { graph, diagnostics } = compileGraph(text, 'live.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true, adapters: { sources: [memorySource], sinks: [] } });
  assert.ok(graph, JSON.stringify(diagnostics));
  const result = await runGraph(graph, { adapters: { sources: [memorySource], sinks: [] } });
  return result.reports.broker as BrokerReport;
}

async function fakeWith(account: Account, balances: Record<string, number> = { USDT: 10000 }, startAfterMs = 0): Promise<FakeBinance> {
  const bars = await window();
  return startFakeBinance({ data: await marketData(), manual: true, start: bars.start + startAfterMs, accounts: [{ ...account, balances }] });
}

interface LiveOrderReport {
  clientOrderId: string;
  decidedAt: number;
  side: string;
  status: string;
  filled: number;
  average?: number;
}

test('a live run sends the simulated broker\'s orders, under clientOrderId(), and the exchange\'s fills become the broker\'s state', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    const sim = await simulated();
    assert.ok(sim.trades.length >= 3, `the window should trade (found ${sim.trades.length} round trips)`);
    const { result, logs } = await liveRun(fake, account);
    const live = result.reports.broker as BrokerReport & { exchange: { orders: LiveOrderReport[]; position: number; cash: number } };
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    // The simulation's fills, as orders: a buy at each entry, a sell at each exit.
    const expected = sim.trades.flatMap((tr) => [
      { time: tr.entryTime, side: 'BUY', qty: tr.qty },
      ...(tr.exitTime !== null ? [{ time: tr.exitTime, side: 'SELL', qty: tr.qty }] : []),
    ]);
    // Plus the orders the simulation decided too late to fill (at the last bar): live, they go out at once.
    assert.equal(placed.length, expected.length + sim.unfilledOrders, 'one exchange order per simulated fill');
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const o = placed[i];
      // The order was decided at the close of the bar before the fill, whose event time is the fill bar's open.
      assert.equal(o.clientOrderId, clientOrderId({ session: 'sma-cross-live', node: 'broker', time: e.time }), `order ${i}: client order id`);
      assert.equal(o.side, e.side, `order ${i}: side`);
      assert.equal(o.time, e.time, `order ${i}: reached the exchange in the minute the simulation fills in`);
      // Units: the first buy is the simulation's to the lot step; later ones differ by what
      // Binance's commission in the bought asset changed (0.1% of a position per round trip).
      const tolerance = i === 0 ? 0.00001 : e.qty * 0.004;
      assert.ok(Math.abs(o.executedQty - e.qty) <= tolerance, `order ${i}: ${o.side} ${o.executedQty} vs simulated ${e.qty}`);
    }
    // The broker's position and cash are the exchange account's.
    const acct = fake.trading.accounts.get(account.apiKey)!;
    assert.ok(Math.abs(live.exchange.position - acct.balance('BTC').free) < 1e-9, `position ${live.exchange.position} vs account ${acct.balance('BTC').free}`);
    assert.ok(Math.abs(live.exchange.cash - acct.balance('USDT').free) < 1e-6, `cash ${live.exchange.cash} vs account ${acct.balance('USDT').free}`);
    assert.equal(live.exchange.orders.length, placed.length);
    // Keys never leave: not in the report, warnings, logs.
    const everything = JSON.stringify({ reports: result.reports, warnings: result.warnings, logs, sources: result.sources });
    assert.ok(!everything.includes(account.apiKey) && !everything.includes(account.secret), 'the API key or secret appears in the run output');
  } finally {
    await fake.close();
  }
});

test('orders decided on candles that closed before the run started (warm-up history, a recovery replay) are never sent', async () => {
  const account = newAccount();
  // The exchange's clock starts two hours into the window: the first 120 candles are history to the run.
  const startAfter = 120 * MINUTE;
  const fake = await fakeWith(account, { USDT: 10000 }, startAfter);
  try {
    const sim = await simulated();
    const bars = await window();
    const liveFrom = bars.start + startAfter;
    const decidedOnHistory = sim.trades.filter((tr) => tr.entryTime <= liveFrom).length;
    assert.ok(decidedOnHistory > 0 && sim.trades.some((tr) => tr.entryTime > liveFrom + MINUTE), 'the window should decide orders before and after the start');
    const { result } = await liveRun(fake, account);
    const live = result.reports.broker as BrokerReport & { exchange: { orders: LiveOrderReport[]; ordersDecidedOnHistory: number } };
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    assert.ok(placed.length > 0, 'orders decided after the start go out');
    for (const o of live.exchange.orders) assert.ok(o.decidedAt >= liveFrom, `order decided at ${new Date(o.decidedAt).toISOString()} went out, before the start ${new Date(liveFrom).toISOString()}`);
    assert.ok(live.exchange.ordersDecidedOnHistory >= decidedOnHistory);
    assert.equal(result.warnings.filter((w) => w.code === 'live/history-order').length, 1, 'one warning for the run, not one per order');
  } finally {
    await fake.close();
  }
});

test('429 with Retry-After: the order waits and goes out once; a connection cut after placing: looked up by client id, not sent twice', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    let armed = false;
    const { result } = await liveRun(fake, account, {
      onBar: () => {
        if (armed) return;
        // Before any order: the next signed request is rate limited, the first placement is cut.
        armed = true;
        fake.trading.faults.rateLimit(1, 1);
        fake.trading.faults.dropAfterPlacing(1);
      },
    });
    const codes = result.warnings.map((w) => w.code);
    assert.ok(codes.includes('live/network'), `a network warning: ${codes.join(', ')}`);
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    const ids = placed.map((o) => o.clientOrderId);
    assert.equal(new Set(ids).size, ids.length, `every client id placed once: ${ids.join(', ')}`);
    const statuses = fake.trading.requests.map((r) => r.status);
    assert.ok(statuses.includes(429), 'the server answered 429 once');
    const report = (result.reports.broker as { exchange: { orders: { clientOrderId: string; notes: string[] }[] } }).exchange.orders;
    assert.ok(report[0].notes.some((n) => /found .* not sent again/.test(n)), `the first order was recovered by lookup: ${JSON.stringify(report[0].notes)}`);
  } finally {
    await fake.close();
  }
});

test('insufficient funds: a warning, no order, and the run goes on to the next orders', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    let drained = false;
    const { result } = await liveRun(fake, account, {
      onBar: (k) => {
        // Money moved away behind the broker's back before its first order, and back later.
        const acct = fake.trading.accounts.get(account.apiKey)!;
        if (k === 1 && !drained) {
          drained = true;
          acct.free.set('USDT', 1);
        }
        if (k === 120) acct.free.set('USDT', 10000);
      },
    });
    const warning = result.warnings.find((w) => w.code === 'live/insufficient-funds');
    assert.ok(warning, `an insufficient-funds warning: ${result.warnings.map((w) => w.code).join(', ')}`);
    assert.match(warning!.message, /insufficient balance/);
    assert.equal(result.events, BARS, 'every bar was processed');
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    assert.ok(placed.length > 0 && placed[0].time > (await window()).t[120] - MINUTE, 'orders after the money came back went out');
  } finally {
    await fake.close();
  }
});

test('a foreign open order at start: the run refuses and names it; existing: ignore starts and reports it', async () => {
  const account = newAccount();
  const fake = await fakeWith(account, { USDT: 10100 });
  try {
    const acct = fake.trading.accounts.get(account.apiKey)!;
    acct.place({ symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', quantity: 0.01, price: 1000, newClientOrderId: 'someone-else-1' }, fake.now(), (await marketData()).get('BTCUSDT'));
    await assert.rejects(liveRun(fake, account), (e: Error) => /1 open order on BTC\/USDT .*someone-else-1.*existing: ignore/s.test(e.message));
    assert.equal(acct.orders.length, 1, 'nothing was sent');
    const { result } = await liveRun(fake, account, { existing: 'ignore' });
    assert.ok(result.warnings.some((w) => w.code === 'live/unexpected-at-start' && /someone-else-1/.test(w.message)));
    assert.equal(acct.orders[0].status, 'NEW', 'the foreign order was left alone');
  } finally {
    await fake.close();
  }
});

test('an API key in the binding does not compile; --mode live without --confirm-live refuses and sends nothing', async () => {
  const account = newAccount();
  const keyInYaml = graphText('live', `    bars: { memory: x }\n    broker: { exchange: binance, symbol: BTC/USDT, apiKey: ${account.apiKey} }\n`);
  const { diagnostics } = compileGraph(keyInYaml, 'g.yaml', defaultRegistry, { mode: 'live', requireBindings: true });
  const secret = diagnostics.find((d) => d.code === 'binding/secret');
  assert.ok(secret, JSON.stringify(diagnostics));
  assert.match(secret!.message, /HEAN_BINANCE_API_KEY and HEAN_BINANCE_SECRET/);
  assert.ok(!JSON.stringify(diagnostics).includes(account.apiKey), 'the diagnostic does not repeat the key');

  const fake = await fakeWith(account);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'hean-live-'));
    const file = join(dir, 'g.yaml');
    writeFileSync(file, graphText('live', `    bars: { memory: x }\n    broker: { exchange: binance, symbol: BTC/USDT, url: ${fake.url} }\n`));
    const cli = join(import.meta.dirname, '..', 'cli', 'hean.cjs');
    const run = spawnSync(process.execPath, [cli, 'run', file, '--mode', 'live'], { env: { ...process.env, HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret }, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /not started\. A live run sends real orders/);
    assert.match(run.stderr, new RegExp(`broker "broker" would send BTC/USDT spot orders to the server at ${fake.url.replace(/[.]/g, '\\.')}.*HEAN_BINANCE_API_KEY \\(set\\)`));
    assert.match(run.stderr, /--confirm-live/);
    assert.ok(!(run.stdout + run.stderr).includes(account.apiKey) && !(run.stdout + run.stderr).includes(account.secret));
    assert.equal(fake.trading.requests.length, 0, 'no request reached the exchange');
  } finally {
    await fake.close();
  }
});
