/**
 * Live limit orders end to end: a graph whose sink.broker has `fill: queue` and a book input runs
 * in --mode live against the fake Binance server; its book and trades come from the fake's own
 * depth and trade streams (one timeline with the exchange's matching). The fake's market clock is
 * moved by the test in small steps, each once the graph has processed what the last one published.
 * The references are the fake exchange's own record (its orders, trades and balances) and the
 * recorded book file read here with hean's reader: never the broker's own numbers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import type { AdapterRegistry, BrokerAdapter } from '../runtime/adapters/contract.js';
import { clientOrderId } from '../runtime/portfolio/clientOrderId.js';
import { readBook } from '../runtime/adapters/file/readBook.js';
import { startFakeBinance, type FakeBinance } from '../runtime/testing/fakeBinance/fakeBinance.js';
import { loadMarketData, recordedPaths, RECORDED_FILES, upperBound, type SymbolData } from '../runtime/testing/fakeBinance/marketData.js';
import { dataDir, dataFile } from '../runtime/testing/dataFile.js';

let dataPromise: Promise<Map<string, SymbolData>> | undefined;
const marketData = () => (dataPromise ??= loadMarketData(recordedPaths(dataDir())));

/** Where the run starts and how much recorded market time it covers. */
const START = Date.parse('2024-08-08T23:55:00Z');
const SPAN_MS = 3 * 60_000;
const STEP_MS = 1000;
const CASH = 1_000_000;

const graphText = (url: string, extra = '') => `version: 1
name: queue-live
nodes:
  depth:  { kind: source.book, params: { symbol: BTCUSDT, levels: 10 } }
  tape:   { kind: source.trades, params: { symbol: BTCUSDT } }
  bars:   { kind: aggregate.bars, in: { trades: tape }, params: { type: time, interval: 5s } }
  book:   { kind: orderbook.imbalance, in: { book: depth }, params: { levels: 5 } }
  bids:   { kind: signal.compare, in: { a: book.imbalance }, params: { level: 0, band: 0.3 } }
  size:   { kind: sizer.fixedFraction, in: { signal: bids.signal }, params: { fraction: 0.5 } }
  broker:
    kind: sink.broker
    in: { orders: size.orders, market: bars.bars, book: depth, trades: tape }
    params: { cash: ${CASH}, fill: queue, fees: { taker: 0.001 }, direction: longOnly }
modes:
  live:
    depth:  { exchange: binance, symbol: BTC/USDT, url: ${url} }
    tape:   { exchange: binance, symbol: BTC/USDT, url: ${url} }
    broker: { exchange: binance, symbol: BTC/USDT, url: ${url}${extra} }
`;

/** The real exchange broker adapter, its settles counted (the test moves the market clock only when the graph is quiet). */
function watchedBroker(watch: { settles: number; busy: number }): BrokerAdapter {
  const real = defaultAdapters.brokers![0];
  return {
    ...real,
    async open(params, binding, io) {
      const kernel = await real.open(params, binding, io);
      const settle = kernel.settle!.bind(kernel);
      kernel.settle = async () => {
        watch.busy++;
        try {
          await settle();
        } finally {
          watch.busy--;
          watch.settles++;
        }
      };
      return kernel;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the graph has settled nothing new for `quietMs` (it processed what was published),
 * at most `capMs`: the driver holds a feed's newest events until the other feed has passed them,
 * and the next step releases them.
 */
async function quiet(watch: { settles: number; busy: number }, quietMs = 40, capMs = 400): Promise<void> {
  const until = Date.now() + capMs;
  for (;;) {
    const before = watch.settles;
    await sleep(quietMs);
    if ((watch.busy === 0 && watch.settles === before) || Date.now() > until) return;
  }
}

interface Account {
  apiKey: string;
  secret: string;
}
const newAccount = (): Account => ({ apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') });

interface LiveOrderReport {
  clientOrderId: string;
  decidedAt: number;
  side: string;
  type: string;
  price?: number;
  status: string;
  filled: number;
  filledCost: number;
  feesApplied: Record<string, number>;
  notes: string[];
}

async function liveRun(fake: FakeBinance, account: Account, options: { extra?: string; during?: (at: number) => void } = {}) {
  const watch = { settles: 0, busy: 0 };
  const adapters: AdapterRegistry = { ...defaultAdapters, brokers: [watchedBroker(watch)] };
  const { graph, diagnostics } = compileGraph(graphText(fake.url, options.extra), 'queue-live.yaml', defaultRegistry, { mode: 'live', requireBindings: true, adapters });
  assert.ok(graph, JSON.stringify(diagnostics));
  const stop = new AbortController();
  const env = { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret };
  const logs: string[] = [];
  const running = runGraph(graph, { env, adapters, onLog: (m) => logs.push(m), live: { maxWaitMs: 2000, signal: stop.signal } });
  let failed: unknown;
  running.catch((e) => (failed = e));
  // The feeds subscribe, then the clock moves.
  const t0 = Date.now();
  while (fake.stats.streams.length < 2 && failed === undefined) {
    if (Date.now() - t0 > 60_000) throw new Error(`the feeds did not subscribe: ${fake.stats.streams.join(', ')}`);
    await sleep(20);
  }
  for (let at = START + STEP_MS; at <= START + SPAN_MS && failed === undefined; at += STEP_MS) {
    fake.advanceTo(at);
    options.during?.(at);
    await quiet(watch);
  }
  await quiet(watch, 300, 5000);
  stop.abort();
  const result = await running;
  return { result, logs };
}

/** The recorded book, read here with hean's own reader: the touch at any time. */
let bookPromise: ReturnType<typeof readBook> | undefined;
const recordedBook = () => (bookPromise ??= readBook(dataFile(RECORDED_FILES.book), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'error', onGap: 'error' }, () => {}));

/** Every check against the fake exchange's record that a live run with resting orders must pass. */
async function checkAgainstExchange(fake: FakeBinance, account: Account, live: { orders: LiveOrderReport[]; position: number; cash: number }) {
  const book = await recordedBook();
  const acct = fake.trading.accounts.get(account.apiKey)!;
  const placed = acct.orders;
  assert.ok(placed.length >= 4, `the window should trade (${placed.length} orders)`);
  const byId = new Map(live.orders.map((o) => [o.clientOrderId, o]));
  for (const o of placed) {
    const mine = byId.get(o.clientOrderId);
    assert.ok(mine, `the broker reports the exchange's order ${o.clientOrderId}`);
    // Named after the decision that made it, and priced at that moment's touch of the recorded book.
    assert.equal(o.clientOrderId, clientOrderId({ session: 'queue-live', node: 'broker', time: mine.decidedAt }));
    assert.equal(o.type, 'LIMIT');
    // (The book feed reads diffs that arrive together as one, the latest, so the book the graph
    // saw at a decision is a recorded snapshot of the last steps of the clock before it.)
    const column = o.side === 'BUY' ? book.levels[0] : book.levels[2];
    const touches: number[] = [];
    for (let r = upperBound(book.t, mine.decidedAt) - 1; r >= 0 && book.t[r] >= mine.decidedAt - 5 * STEP_MS; r--) touches.push(column[r]);
    assert.ok(touches.includes(o.price), `${o.clientOrderId} ${o.side} at ${o.price}: the recorded ${o.side === 'BUY' ? 'best bids' : 'best asks'} just before ${new Date(mine.decidedAt).toISOString()} were ${[...new Set(touches)].join(', ')}`);
    // Its fills, as the exchange recorded them, applied exactly: units, value, commission.
    const value = o.fills.reduce((s, f) => s + f.qty * f.price, 0);
    const commission = o.fills.reduce((s, f) => s + f.commission, 0);
    assert.ok(Math.abs(mine.filled - o.executedQty) < 1e-12, `${o.clientOrderId}: broker applied ${mine.filled}, the exchange filled ${o.executedQty}`);
    assert.ok(Math.abs(mine.filledCost - value) < 1e-6, `${o.clientOrderId}: value ${mine.filledCost} vs ${value}`);
    const asset = o.side === 'BUY' ? 'BTC' : 'USDT';
    assert.ok(Math.abs((mine.feesApplied[asset] ?? 0) - commission) < 1e-12, `${o.clientOrderId}: commission ${JSON.stringify(mine.feesApplied)} vs ${commission} ${asset}`);
  }
  // Orders that rested and filled later, as makers, when the recorded trades reached them.
  const restedThenFilled = placed.filter((o) => o.fills.length > 0 && o.fills[0].isMaker && o.fills[0].time > o.time);
  assert.ok(restedThenFilled.length >= 2, `resting orders filled later: ${restedThenFilled.length}`);
  // Each cancelled order was replaced by the next decision, in the same market moment, and kept its fills.
  const cancelled = placed.filter((o) => o.status === 'CANCELED');
  assert.ok(cancelled.length >= 1, 'an order was replaced');
  for (const o of cancelled) {
    const next = placed[placed.indexOf(o) + 1];
    assert.ok(next && next.time === o.updateTime, `${o.clientOrderId} was cancelled when the next order went out`);
  }
  // The broker ends holding what the account holds (an order still resting keeps its funds locked, not spent).
  const total = (asset: string) => acct.balance(asset).free + acct.balance(asset).locked;
  assert.ok(Math.abs(live.position - total('BTC')) < 1e-9, `position ${live.position} vs account ${total('BTC')} BTC`);
  assert.ok(Math.abs(live.cash - total('USDT')) < 1e-6, `cash ${live.cash} vs account ${total('USDT')} USDT`);
  return { placed, restedThenFilled };
}

type LiveReport = { orders: LiveOrderReport[]; position: number; cash: number; userDataStream: { up: boolean; subscriptions: number; drops: number; updates: number; fillsApplied: number; polls: number } };

const lookups = (fake: FakeBinance) => fake.trading.requests.filter((r) => r.method === 'GET' && r.path === '/api/v3/order').length;

async function fakeWith(account: Account): Promise<FakeBinance> {
  return startFakeBinance({ data: await marketData(), manual: true, start: START, accounts: [{ ...account, balances: { USDT: CASH } }] });
}

test('fill: queue live, user-data stream refused: resting orders are polled by client id, fill later as the recorded trades reach them, and the broker ends with the account', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    fake.faults.userDataOutage(Infinity);
    const { result } = await liveRun(fake, account);
    const live = (result.reports.broker as { exchange: LiveReport }).exchange;
    const { placed } = await checkAgainstExchange(fake, account, live);
    assert.ok(result.warnings.some((w) => w.code === 'live/user-data-down'), 'the stream being down is a warning');
    assert.equal(fake.userData.subscriptionsAccepted, 0);
    // Polled at the events while an order rested: many lookups by client id.
    assert.ok(lookups(fake) > 3 * placed.length, `${lookups(fake)} lookups for ${placed.length} orders`);
  } finally {
    await fake.close();
  }
});

test('fill: queue live with the user-data stream: fills arrive as executionReports, applied exactly, with almost no order lookups', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    const { result } = await liveRun(fake, account);
    const live = (result.reports.broker as { exchange: LiveReport }).exchange;
    const { restedThenFilled, placed } = await checkAgainstExchange(fake, account, live);
    assert.equal(fake.userData.subscriptionsAccepted, 1);
    assert.ok(fake.userData.reportsPushed >= restedThenFilled.length, `${fake.userData.reportsPushed} reports pushed`);
    assert.equal(fake.userData.fillsNotPushed, 0);
    // Fills of resting orders came on the stream: the only lookups are the catch-up after subscribing and the final reading.
    // (and a lookup when ccxt merged two fills of one order into one update): fewer than one an order.
    assert.ok(lookups(fake) < placed.length, `${lookups(fake)} order lookups for ${placed.length} orders (polling makes one per event while an order rests)`);
    // (A fill can also be learnt first from a cancel's answer or the final reading: cumulative figures make that harmless.)
    assert.ok(live.userDataStream.fillsApplied >= restedThenFilled.length / 2, JSON.stringify(live.userDataStream));
    assert.ok(!result.warnings.some((w) => w.code === 'live/user-data-down'), JSON.stringify(result.warnings));
  } finally {
    await fake.close();
  }
});

test('the user-data stream dropped mid-run and refused for 40 s of market time: the fills pushed to no one are polled, none lost, none applied twice', async () => {
  const account = newAccount();
  const fake = await fakeWith(account);
  try {
    const from = START + 60_000;
    let cut = false;
    const { result } = await liveRun(fake, account, {
      during: (at) => {
        if (at >= from && !cut) {
          cut = true;
          fake.faults.userDataOutage(from + 40_000);
        }
      },
    });
    const live = (result.reports.broker as { exchange: LiveReport }).exchange;
    await checkAgainstExchange(fake, account, live);
    assert.ok(fake.userData.fillsNotPushed >= 1, 'a resting order filled while the stream was down (the recording decides: this window has fills then)');
    assert.ok(fake.userData.subscriptionsAccepted >= 2, `subscribed again after the outage: ${fake.userData.subscriptionsAccepted}`);
    assert.ok(result.warnings.some((w) => w.code === 'live/user-data-down'));
    assert.ok(live.userDataStream.drops >= 1 && live.userDataStream.up, JSON.stringify(live.userDataStream));
  } finally {
    await fake.close();
  }
});
