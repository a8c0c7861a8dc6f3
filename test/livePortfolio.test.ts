/**
 * sink.portfolio live end to end: real ccxt (its binance class, unchanged) against the fake
 * Binance server's signed endpoints over HTTP on 127.0.0.1, the graph run by runGraph in --mode
 * live with two instruments (BTC/USDT and ETH/USDT) in one USDT account. The fake serves the
 * recorded hourly BTCUSDT and ETHUSDT candles (the 2024-09 .. 2026-02 files; its market orders
 * fill at the open of the candle in progress). Each instrument's candles come through a test feed
 * that moves the fake's market clock to the candle's close before handing it over, once the
 * portfolio has settled the event before: an order decided at a close meets the exchange at the
 * next hour's open, the price the simulated portfolio (fill: nextOpen) fills at. The reference is
 * the simulated portfolio's backtest of the same candles, and the client order ids are computed
 * here from its trades' times and instruments with clientOrderId(): neither comes from the live code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import { memoryFeeds, memorySource } from '../runtime/adapters/memory.js';
import type { AdapterRegistry } from '../runtime/adapters/contract.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { clientOrderId } from '../runtime/portfolio/clientOrderId.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import type { PortfolioReport } from '../runtime/portfolio/portfolioBroker.js';
import { startFakeBinance, type FakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import type { SymbolData } from '../runtime/testing/fakeBinance/marketData.js';
import { dataDir } from '../runtime/testing/dataFile.js';
import { deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';
import { Pace, clockedFeed, pacedBroker } from '../runtime/testing/fakeBinance/pacedLive.js';

const HOUR = 3_600_000;
const BARS = 400;
/** Where the window starts: 1,000 hours into both files (they start together, no gaps). */
const FIRST = 1000;
const FILES = { BTCUSDT: 'btcusdt_1h_binance_2024-09_2026-02.csv.gz', ETHUSDT: 'ethusdt_1h_binance_2024-09_2026-02.csv.gz' } as const;
type Instrument = keyof typeof FILES;
const SYMBOLS: Instrument[] = ['BTCUSDT', 'ETHUSDT'];

interface Bars {
  start: number;
  t: Float64Array;
  columns: Record<string, Float64Array>;
}

let dataPromise: Promise<{ data: Map<string, SymbolData>; bars: Record<Instrument, Bars> }> | undefined;
/** The recorded hourly candles: all of them for the fake, the window for the graph. */
const recorded = () =>
  (dataPromise ??= (async () => {
    const data = new Map<string, SymbolData>();
    const bars = {} as Record<Instrument, Bars>;
    for (const symbol of SYMBOLS) {
      const c = await readCandleCsv(join(dataDir(), FILES[symbol]), { timeframeMs: HOUR });
      data.set(symbol, { candles: { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume } });
      const pick = (a: Float64Array) => a.slice(FIRST, FIRST + BARS);
      const time = pick(c.time);
      bars[symbol] = { start: time[0], t: time.map((x) => x + HOUR), columns: { time, open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume) } };
    }
    assert.deepEqual(Array.from(bars.BTCUSDT.t), Array.from(bars.ETHUSDT.t), 'the two windows share their hours');
    return { data, bars };
  })());

const portfolioParams = 'cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly, instruments: [{ name: BTCUSDT }, { name: ETHUSDT }]';
const graphText = (mode: 'backtest' | 'live', bindings: string, params = portfolioParams) => `version: 1
name: portfolio-live-test
nodes:
  btc:      { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  eth:      { kind: source.candles, params: { symbol: ETHUSDT, timeframe: 1h } }
  btcFast:  { kind: indicator.sma, in: { series: btc.close }, params: { timePeriod: 5 } }
  btcSlow:  { kind: indicator.sma, in: { series: btc.close }, params: { timePeriod: 20 } }
  btcCross: { kind: signal.crossover, in: { a: btcFast.value, b: btcSlow.value } }
  btcSize:  { kind: sizer.fixedFraction, in: { signal: btcCross.signal }, params: { fraction: 0.45 } }
  ethFast:  { kind: indicator.sma, in: { series: eth.close }, params: { timePeriod: 5 } }
  ethSlow:  { kind: indicator.sma, in: { series: eth.close }, params: { timePeriod: 20 } }
  ethCross: { kind: signal.crossover, in: { a: ethFast.value, b: ethSlow.value } }
  ethSize:  { kind: sizer.fixedFraction, in: { signal: ethCross.signal }, params: { fraction: 0.45 } }
  book:
    kind: sink.portfolio
    in: { orders: [btcSize.orders, ethSize.orders], markets: [btc, eth] }
    params: { ${params} }
modes:
  ${mode}:
${bindings}`;

interface Account {
  apiKey: string;
  secret: string;
}
const newAccount = (): Account => ({ apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') });

interface LiveOrderReport {
  clientOrderId: string;
  instrument: string;
  symbol: string;
  decidedAt: number;
  side: string;
  status: string;
  filled: number;
}
type LiveReport = BrokerReport & { portfolio: PortfolioReport; exchange: { orders: LiveOrderReport[]; cash: number; positions: Record<string, number>; ordersDecidedOnHistory: number; symbols: string[] } };

async function liveRun(fake: FakeBinance, account: Account, onBar?: (k: number) => void) {
  const pace = new Pace();
  const real = defaultAdapters.brokers!.find((a) => a.kinds.includes('sink.portfolio'))!;
  const adapters: AdapterRegistry = { sources: [clockedFeed(fake, pace, async (symbol) => (await recorded()).bars[symbol as Instrument], onBar)], sinks: [], brokers: [pacedBroker(real, pace)] };
  const text = graphText('live', `    btc: { clocked: BTCUSDT }\n    eth: { clocked: ETHUSDT }\n    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT], url: ${fake.url} }\n`);
  const { graph, diagnostics } = compileGraph(text, 'live.yaml', defaultRegistry, { mode: 'live', requireBindings: true, adapters });
  assert.ok(graph, JSON.stringify(diagnostics));
  const logs: string[] = [];
  const env = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
  // A generous wait for the other feed's candle of the same hour (a loaded machine).
  const result = await runGraph(graph, { env, adapters, onLog: (m) => logs.push(m), live: { maxWaitMs: 120_000 } });
  return { result, logs, live: result.reports.book as LiveReport };
}

/** The simulated portfolio's backtest of the same window. */
async function simulated(): Promise<BrokerReport & { portfolio: PortfolioReport }> {
  const { bars } = await recorded();
  memoryFeeds.set('live-portfolio-btc', { t: bars.BTCUSDT.t, columns: bars.BTCUSDT.columns });
  memoryFeeds.set('live-portfolio-eth', { t: bars.ETHUSDT.t, columns: bars.ETHUSDT.columns });
  const text = graphText('backtest', `    btc: { memory: live-portfolio-btc }\n    eth: { memory: live-portfolio-eth }\n`);
  const adapters = { sources: [memorySource], sinks: [] };
  const { graph, diagnostics } = compileGraph(text, 'live.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true, adapters });
  assert.ok(graph, JSON.stringify(diagnostics));
  const result = await runGraph(graph, { adapters });
  return result.reports.book as BrokerReport & { portfolio: PortfolioReport };
}

async function fakeWith(account: Account, startAfterMs = 0, balances: Record<string, number> = { USDT: 10000 }): Promise<FakeBinance> {
  const { data, bars } = await recorded();
  return startFakeBinance({ data, manual: true, start: bars.BTCUSDT.start + startAfterMs, accounts: [{ ...account, balances }] });
}

const ASSET: Record<Instrument, string> = { BTCUSDT: 'BTC', ETHUSDT: 'ETH' };

test('a live portfolio sends each instrument\'s orders to its market under clientOrderId(session, node, instrument, time); the account ends as the report says', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    const sim = await simulated();
    assert.equal(sim.portfolio.ordersCapped, 0, 'the reference window never hits the leverage cap (fills would then differ by the marks)');
    for (const symbol of SYMBOLS) assert.ok(sim.trades.filter((tr) => tr.instrument === symbol).length >= 3, `${symbol} should trade in the window`);
    const { result, logs, live } = await liveRun(fake, account);
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    // The simulation's fills as orders, in time order and, within an event, in the order of the market wires.
    const expected = sim.trades
      .flatMap((tr) => [{ time: tr.entryTime, side: 'BUY', qty: tr.qty, instrument: tr.instrument as Instrument }, ...(tr.exitTime !== null ? [{ time: tr.exitTime, side: 'SELL', qty: tr.qty, instrument: tr.instrument as Instrument }] : [])])
      .sort((a, b) => a.time - b.time || SYMBOLS.indexOf(a.instrument) - SYMBOLS.indexOf(b.instrument));
    // Plus orders the simulation decided too late to fill (at the last bar): live, they go out at once.
    assert.ok(placed.length >= expected.length && placed.length <= expected.length + sim.unfilledOrders, `${placed.length} exchange orders for ${expected.length} simulated fills (+ ${sim.unfilledOrders} unfilled)`);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const o = placed[i];
      assert.equal(o.symbol, e.instrument, `order ${i}: market`);
      assert.equal(o.clientOrderId, clientOrderId({ session: 'portfolio-live-test', node: 'book', instrument: e.instrument, time: e.time }), `order ${i}: client order id`);
      assert.equal(o.side, e.side, `order ${i}: side`);
      assert.equal(o.time, e.time, `order ${i}: reached the exchange in the hour the simulation fills in`);
      if (e.side === 'BUY') {
        // Units: the simulation's, up to the lot step and the portfolio's equity, which drifts from
        // the simulation's by Binance's commission in the bought asset (0.1 % of a position per
        // round trip). While another instrument is held, the simulation also marks it, when it fills
        // this one at the hour's open, at that hour's close if it comes earlier in the market wires
        // (it steps the instruments in order): its intra-hour move, times its 45 % weight, is a
        // difference live cannot (and must not) see.
        const otherHeld = sim.trades.some((tr) => tr.instrument !== e.instrument && tr.entryTime <= e.time && (tr.exitTime === null || tr.exitTime >= e.time));
        const tolerance = otherHeld ? 0.03 : 0.005;
        assert.ok(Math.abs(o.executedQty - e.qty) <= e.qty * tolerance, `order ${i}: BUY ${o.executedQty} ${e.instrument} vs simulated ${e.qty}`);
      } else {
        // A sell closes the position the exchange's fills left (the buys less their commission, less
        // what earlier sells delivered, with the dust below the lot step they left), down to the lot step.
        const step = e.instrument === 'BTCUSDT' ? 0.00001 : 0.0001;
        const held = placed.slice(0, i).filter((b) => b.symbol === e.instrument).reduce((sum, b) => sum + (b.side === 'BUY' ? b.executedQty - b.fills.reduce((c, f) => c + f.commission, 0) : -b.executedQty), 0);
        assert.ok(Math.abs(o.executedQty - Math.floor(held / step + 1e-9) * step) < step / 2, `order ${i}: SELL ${o.executedQty} ${e.instrument}, the buy left ${held}`);
      }
    }
    const ids = placed.map((o) => o.clientOrderId);
    assert.equal(new Set(ids).size, ids.length, 'every client id once');
    // Both markets got orders, and the report names each order's instrument and market.
    for (const symbol of SYMBOLS) assert.ok(placed.some((o) => o.symbol === symbol), `orders on ${symbol}`);
    assert.equal(live.exchange.orders.length, placed.length);
    for (const [i, o] of live.exchange.orders.entries()) {
      assert.equal(o.clientOrderId, placed[i].clientOrderId);
      assert.equal(o.symbol, o.instrument === 'BTCUSDT' ? 'BTC/USDT' : 'ETH/USDT');
    }
    // The portfolio's cash and positions are the exchange account's balances.
    const acct = fake.trading.accounts.get(account.apiKey)!;
    assert.ok(Math.abs(live.exchange.cash - acct.balance('USDT').free) < 1e-6, `cash ${live.exchange.cash} vs account ${acct.balance('USDT').free}`);
    for (const symbol of SYMBOLS) {
      assert.ok(Math.abs(live.exchange.positions[symbol] - acct.balance(ASSET[symbol]).free) < 1e-9, `${symbol} position ${live.exchange.positions[symbol]} vs account ${acct.balance(ASSET[symbol]).free}`);
      assert.equal(acct.balance(ASSET[symbol]).locked, 0);
    }
    // The portfolio's own report follows the exchange: its trades are the exchange's fills.
    assert.equal(live.fills, placed.filter((o) => o.status === 'FILLED').length);
    assert.equal(live.ordersReceived, sim.ordersReceived, 'the graph decided the same orders');
    assert.equal(live.exchange.ordersDecidedOnHistory, 0);
    const everything = JSON.stringify({ reports: result.reports, warnings: result.warnings, logs, sources: result.sources });
    assert.ok(!everything.includes(account.apiKey) && !everything.includes(account.secret), 'the API key or secret appears in the run output');
  } finally {
    await fake.close();
  }
});

test('a live portfolio never sends an order decided on candles that closed before the run started; one warning', async () => {
  const account = newAccount();
  // The exchange's clock starts 150 hours into the window: the first 150 candles are history to the run.
  const startAfter = 150 * HOUR;
  const fake = await fakeWith(account, startAfter);
  try {
    const sim = await simulated();
    const { bars } = await recorded();
    const liveFrom = bars.BTCUSDT.start + startAfter;
    const decidedOnHistory = sim.trades.filter((tr) => tr.entryTime <= liveFrom).length;
    assert.ok(decidedOnHistory > 0 && sim.trades.some((tr) => tr.entryTime > liveFrom + HOUR), 'the window should decide orders before and after the start');
    const { result, live } = await liveRun(fake, account);
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    assert.ok(placed.length > 0, 'orders decided after the start go out');
    for (const o of placed) assert.ok(o.time >= liveFrom, `an order reached the exchange at ${new Date(o.time).toISOString()}, before the start`);
    for (const o of live.exchange.orders) assert.ok(o.decidedAt >= liveFrom, `order decided at ${new Date(o.decidedAt).toISOString()} went out, before the start ${new Date(liveFrom).toISOString()}`);
    // No client id of an order the simulation decided on history reached the exchange.
    const historyIds = new Set(sim.trades.flatMap((tr) => [tr.entryTime, tr.exitTime ?? Infinity].filter((time) => time <= liveFrom).map((time) => clientOrderId({ session: 'portfolio-live-test', node: 'book', instrument: tr.instrument, time }))));
    for (const o of placed) assert.ok(!historyIds.has(o.clientOrderId), `${o.clientOrderId} was decided on history and sent`);
    assert.ok(live.exchange.ordersDecidedOnHistory >= decidedOnHistory);
    assert.equal(result.warnings.filter((w) => w.code === 'live/history-order').length, 1, 'one warning for the run, not one per order');
    // Still: the account and the report agree.
    const acct = fake.trading.accounts.get(account.apiKey)!;
    assert.ok(Math.abs(live.exchange.cash - acct.balance('USDT').free) < 1e-6);
    for (const symbol of SYMBOLS) assert.ok(Math.abs(live.exchange.positions[symbol] - acct.balance(ASSET[symbol]).free) < 1e-9);
  } finally {
    await fake.close();
  }
});

test('a foreign open order on one of the markets at start: the run refuses and names it', async () => {
  const account = newAccount();
  const fake = await fakeWith(account, 0, { USDT: 10010 });
  try {
    const acct = fake.trading.accounts.get(account.apiKey)!;
    acct.place({ symbol: 'ETHUSDT', side: 'BUY', type: 'LIMIT', quantity: 0.1, price: 100, newClientOrderId: 'someone-else-2' }, fake.now(), (await recorded()).data.get('ETHUSDT'));
    await assert.rejects(liveRun(fake, account), (e: Error) => /portfolio "book".*1 open order on ETH\/USDT .*someone-else-2.*existing: ignore/s.test(e.message));
    assert.equal(acct.orders.length, 1, 'nothing was sent');
  } finally {
    await fake.close();
  }
});

test('too little USDT at start refuses; money gone behind the portfolio\'s back: a warning per refused order, the run goes on and the account still matches the report', async () => {
  const account = newAccount();
  const poor = await fakeWith(account, 0, { USDT: 5000 });
  try {
    await assert.rejects(liveRun(poor, account), (e: Error) => /portfolio "book".*5000 USDT free and the broker's cash is 10000: lower the broker's cash/s.test(e.message));
    assert.equal(poor.trading.accounts.get(account.apiKey)!.orders.length, 0);
  } finally {
    await poor.close();
  }
  const fake = await fakeWith(account);
  try {
    const acct = fake.trading.accounts.get(account.apiKey)!;
    let drained = false;
    let restored = false;
    // Before the first order the USDT goes (all but 1), and comes back 150 hours later (each feed calls this per candle: once each).
    const { result, live } = await liveRun(fake, account, (k) => {
      if (k === 1 && !drained) {
        drained = true;
        acct.free.set('USDT', 1);
      }
      if (k === 150 && !restored) {
        restored = true;
        acct.free.set('USDT', acct.balance('USDT').free + 9999);
      }
    });
    const refused = live.exchange.orders.filter((o) => o.status === 'insufficient-funds');
    assert.ok(refused.length > 0, 'orders were refused');
    assert.ok(result.warnings.some((w) => w.code === 'live/insufficient-funds' && /insufficient balance/.test(w.message)), result.warnings.map((w) => w.code).join(', '));
    assert.equal(result.events, 2 * BARS, 'every hour of both markets was processed');
    const placed = acct.orders;
    const back = (await recorded()).bars.BTCUSDT.t[150];
    assert.ok(placed.length > 0 && placed.every((o) => o.time >= back), 'orders after the money came back went out, none before');
    assert.equal(live.exchange.orders.length, placed.length + refused.length);
    // The money came back as it was (1 + 9999): the account and the report agree again.
    assert.ok(Math.abs(live.exchange.cash - acct.balance('USDT').free) < 1e-6, `cash ${live.exchange.cash} vs account ${acct.balance('USDT').free}`);
    for (const symbol of SYMBOLS) assert.ok(Math.abs(live.exchange.positions[symbol] - acct.balance(ASSET[symbol]).free) < 1e-9);
  } finally {
    await fake.close();
  }
});

const liveDiagnostics = (bindings: string, params?: string) => compileGraph(graphText('live', bindings, params), 'g.yaml', defaultRegistry, { mode: 'live', requireBindings: true, adapters: defaultAdapters }).diagnostics;
const sources = '    btc: { memory: x }\n    eth: { memory: y }\n';

test('refused when the graph compiles: an API key in the binding, a symbol count that is not the market wires\', mixed quote currencies, longShort, leverage, exits, perps', () => {
  const key = randomBytes(32).toString('hex');
  const secret = liveDiagnostics(`${sources}    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT], secret: ${key} }\n`).find((d) => d.code === 'binding/secret');
  assert.ok(secret, 'binding/secret');
  assert.match(secret!.message, /HEAN_BINANCE_API_KEY and HEAN_BINANCE_SECRET/);
  assert.ok(!secret!.message.includes(key), 'the diagnostic does not repeat the key');

  const count = liveDiagnostics(`${sources}    book: { exchange: binance, symbols: [BTC/USDT] }\n`).find((d) => d.code === 'binding/symbols');
  assert.ok(count, 'binding/symbols');
  assert.match(count!.message, /symbols lists 1 market \(BTC\/USDT\) for 2 market wires of the portfolio \(btc, eth\); give one exchange symbol per market wire/);
  assert.equal(count!.severity, 'error');

  const quotes = liveDiagnostics(`${sources}    book: { exchange: binance, symbols: [BTC/USDT, ETH/BTC] }\n`).find((d) => d.code === 'binding/symbols');
  assert.match(quotes!.message, /quoted in USDT and BTC/);

  const ok = `${sources}    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT] }\n`;
  assert.deepEqual(liveDiagnostics(ok).filter((d) => d.severity === 'error'), [], 'the longOnly graph compiles');
  const refused = (params: string) => liveDiagnostics(ok, params).filter((d) => d.code === 'binding/live-unsupported').map((d) => d.message);
  assert.match(refused(portfolioParams.replace('longOnly', 'longShort')).join(), /cannot honour direction: longShort .*set params\.direction: longOnly/);
  assert.match(refused(portfolioParams.replace(', direction: longOnly', '')).join(), /direction: longShort/, 'longShort is the default: a live portfolio must say longOnly');
  assert.match(refused(`${portfolioParams}, maxLeverage: 2`).join(), /maxLeverage: 2/);
  assert.match(refused(`${portfolioParams}, exits: { stopLoss: { pct: 2 } }`).join(), /exits/);
  assert.match(refused(portfolioParams.replace('{ name: ETHUSDT }', '{ name: ETHUSDT, type: perp }')).join(), /perpetuals and funding \(ETHUSDT\)/);
  // Backtests of the same graph are not concerned.
  assert.deepEqual(compileGraph(graphText('backtest', sources, portfolioParams.replace('longOnly', 'longShort')), 'g.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true, adapters: { sources: [memorySource], sinks: [] } }).diagnostics.filter((d) => d.severity === 'error'), []);
});

test('--mode live without --confirm-live refuses, says which markets and account it would trade, and sends nothing', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'hean-live-portfolio-'));
    const file = join(dir, 'g.yaml');
    writeFileSync(file, graphText('live', `${sources}    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT], url: ${fake.url} }\n`));
    const cli = join(import.meta.dirname, '..', 'cli', 'hean.cjs');
    const run = spawnSync(process.execPath, [cli, 'run', file, '--mode', 'live'], { env: { ...process.env, HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret }, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /not started\. A live run sends real orders/);
    assert.match(run.stderr, new RegExp(`broker "book" would send BTC/USDT, ETH/USDT spot orders to the server at ${fake.url.replace(/[.]/g, '\\.')}.*HEAN_BINANCE_API_KEY \\(set\\)`));
    assert.ok(!(run.stdout + run.stderr).includes(account.apiKey) && !(run.stdout + run.stderr).includes(account.secret));
    assert.equal(fake.trading.requests.length, 0, 'no request reached the exchange');
  } finally {
    await fake.close();
  }
});

test('hean run --mode live --confirm-live: the portfolio\'s orders, read from Redis streams, reach the fake exchange on both markets under their client ids; the printed report is the account', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  const prefix = testPrefix();
  const name = `portfolio-cli-${prefix.slice(-12)}`;
  const redis = await testClient();
  try {
    const sim = await simulated();
    const { bars } = await recorded();
    const dir = mkdtempSync(join(tmpdir(), 'hean-live-portfolio-'));
    const cli = join(import.meta.dirname, '..', 'cli', 'hean.cjs');
    // The window's candles, published to two streams (the numbers as the shortest text that reads back to the same double).
    for (const symbol of SYMBOLS) {
      const c = bars[symbol].columns;
      const rows = Array.from(c.time, (time, i) => [time, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].map(String).join(','));
      const csv = join(dir, `${symbol}.csv`);
      writeFileSync(csv, `time,open,high,low,close,volume\n${rows.join('\n')}\n`);
      const published = spawnSync(process.execPath, [cli, 'publish', csv, '--stream', `${prefix}:${symbol}`, '--symbol', symbol, '--timeframe', '1h'], { encoding: 'utf8' });
      assert.equal(published.status, 0, published.stderr);
    }
    const file = join(dir, 'g.yaml');
    writeFileSync(file, graphText('live', `    btc: { stream: "${prefix}:BTCUSDT" }\n    eth: { stream: "${prefix}:ETHUSDT" }\n    book: { exchange: binance, symbols: [BTC/USDT, ETH/USDT], url: "${fake.url}" }\n`).replace('name: portfolio-live-test', `name: ${name}`));
    // The fake's clock stands at the window's first hour: every order fills at that hour's recorded open.
    const env = { ...process.env, HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [cli, 'run', file, '--mode', 'live', '--confirm-live', '--exit-when-idle', '3', '--json'], { env, encoding: 'utf8', maxBuffer: 64 << 20, timeout: 300_000 }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
    });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as { warnings: string[]; exchange: { orders: LiveOrderReport[]; cash: number; positions: Record<string, number>; symbols: string[]; ordersDecidedOnHistory: number } };
    // On Redis streams the session is crash-safe: its checkpoint holds the portfolio's exchange
    // orders and fills with its state (exchangeCrash.test.ts kills and resumes one).
    assert.ok(!summary.warnings.some((w) => /not-crash-safe/.test(w)), summary.warnings.join('\n'));
    const [key, ...others] = await redis.keys(`hean:checkpoint:${name}:*`);
    assert.deepEqual(others, [], 'one checkpoint');
    const saved = JSON.parse((await redis.hget(key, 'state'))!) as { events: number; nodes: { book: { cash: number; exchange: { orders: { clientOrderId: string }[]; fills: unknown[] } } } };
    assert.equal(saved.events, 2 * BARS);
    const placed = fake.trading.accounts.get(account.apiKey)!.orders;
    // The graph decides what the simulation decided (its signals do not depend on the fills): the
    // same instruments, times and sides, named by the graph's name as the session.
    const expected = sim.trades
      .flatMap((tr) => [{ time: tr.entryTime, side: 'BUY', instrument: tr.instrument as Instrument }, ...(tr.exitTime !== null ? [{ time: tr.exitTime, side: 'SELL', instrument: tr.instrument as Instrument }] : [])])
      .sort((a, b) => a.time - b.time || SYMBOLS.indexOf(a.instrument) - SYMBOLS.indexOf(b.instrument));
    assert.ok(placed.length >= expected.length && placed.length <= expected.length + sim.unfilledOrders, `${placed.length} exchange orders for ${expected.length} simulated fills`);
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      assert.equal(placed[i].symbol, e.instrument, `order ${i}: market`);
      assert.equal(placed[i].side, e.side, `order ${i}: side`);
      assert.equal(placed[i].clientOrderId, clientOrderId({ session: name, node: 'book', instrument: e.instrument, time: e.time }), `order ${i}: client order id`);
      assert.equal(placed[i].status, 'FILLED');
    }
    assert.deepEqual(summary.exchange.symbols, ['BTC/USDT', 'ETH/USDT']);
    assert.deepEqual(summary.exchange.orders.map((o) => o.clientOrderId), placed.map((o) => o.clientOrderId));
    assert.deepEqual(saved.nodes.book.exchange.orders.map((o) => o.clientOrderId), placed.map((o) => o.clientOrderId), 'the checkpoint holds every order');
    assert.equal(saved.nodes.book.cash, summary.exchange.cash);
    assert.equal(summary.exchange.ordersDecidedOnHistory, 0);
    const acct = fake.trading.accounts.get(account.apiKey)!;
    assert.ok(Math.abs(summary.exchange.cash - acct.balance('USDT').free) < 1e-6, `cash ${summary.exchange.cash} vs account ${acct.balance('USDT').free}`);
    for (const symbol of SYMBOLS) assert.ok(Math.abs(summary.exchange.positions[symbol] - acct.balance(ASSET[symbol]).free) < 1e-9, `${symbol}: ${summary.exchange.positions[symbol]} vs ${acct.balance(ASSET[symbol]).free}`);
    assert.ok(!(run.stdout + run.stderr).includes(account.apiKey) && !(run.stdout + run.stderr).includes(account.secret));
  } finally {
    await fake.close();
    await deleteKeys(redis, prefix);
    await deleteKeys(redis, `hean:checkpoint:${name}:`);
    redis.disconnect();
  }
});
