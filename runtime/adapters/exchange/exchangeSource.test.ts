/**
 * The exchange adapter with real ccxt against the local fake Binance (runtime/testing/fakeBinance)
 * on a manual clock: only closed candles, each once, with the recorded values (read here with
 * the file reader); a dropped socket, a lost closing message, a hole in the history, a lost depth
 * update; bad bindings. No API keys anywhere.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterIO, LiveBatch, LiveFeed } from '../contract.js';
import { openCache } from '../../cache/openCache.js';
import { OutputGuard } from '../outputGuard.js';
import { readCandleCsv } from '../file/readCandleCsv.js';
import { readBook } from '../file/readBook.js';
import { readTrades } from '../file/readTrades.js';
import { dataDir, dataFile } from '../../testing/dataFile.js';
import { startFakeBinance, type FakeBinance } from '../../testing/fakeBinance/fakeBinance.js';
import { RECORDED_FILES, loadMarketData, recordedPaths, upperBound } from '../../testing/fakeBinance/marketData.js';
import { waitUntil as until } from '../../testing/waitUntil.js';
import { TRADE_TIME_STEP, type BookSpec, type CandleSpec, type TradesSpec } from '../../records/sourceSpec.js';
import { exchangeSource } from './exchangeSource.js';

const M = 60_000;
const candleSpec: CandleSpec = { record: 'candles', symbol: 'BTCUSDT', timeframe: '1m', timeframeMs: M, onBadRow: 'error' };
let data: Awaited<ReturnType<typeof loadMarketData>>;
let file: Awaited<ReturnType<typeof readCandleCsv>>;
const servers: FakeBinance[] = [];
const feeds: LiveFeed[] = [];
before(async () => {
  data = await loadMarketData(recordedPaths(dataDir()));
  file = await readCandleCsv(dataFile(RECORDED_FILES.candles), { timeframeMs: M });
});
after(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  await Promise.all(servers.map((s) => s.close()));
});

function io(warmupBars = 0) {
  const warnings: [string, string][] = [];
  const logs: string[] = [];
  const value: AdapterIO = { env: {}, node: 'bars', graph: 'test', graphFile: '', outputs: new OutputGuard(), commandLine: new Set(), warmupBars, warn: (c, m) => warnings.push([c, m]), log: (m) => logs.push(m) };
  return { io: value, warnings, logs };
}

async function fakeAt(start: number): Promise<FakeBinance> {
  const fake = await startFakeBinance({ data, manual: true, start });
  servers.push(fake);
  return fake;
}

/** Takes batches until `n` events arrived (or 15 s passed), concatenated. */
async function take(feed: LiveFeed, n: number): Promise<{ t: number[]; columns: Record<string, number[]> }> {
  const out = { t: [] as number[], columns: {} as Record<string, number[]> };
  const deadline = performance.now() + 15_000;
  while (out.t.length < n && performance.now() < deadline) append(out, (await feed.next())!);
  return out;
}

function append(out: { t: number[]; columns: Record<string, number[]> }, batch: LiveBatch): void {
  out.t.push(...batch.t);
  for (const [k, v] of Object.entries(batch.columns)) (out.columns[k] ??= []).push(...v);
}

/** The recorded candles opening at these times, as [time, open, high, low, close, volume]. */
function recorded(opens: number[]): number[][] {
  return opens.map((o) => {
    const i = file.time.indexOf(o);
    assert.ok(i >= 0, `candle ${o} is recorded`);
    return [file.time[i], file.open[i], file.high[i], file.low[i], file.close[i], file.volume[i]];
  });
}

const rowsOf = (got: { columns: Record<string, number[]> }) => got.columns.time.map((_, i) => ['time', 'open', 'high', 'low', 'close', 'volume'].map((f) => got.columns[f][i]));

test('candles: only closed ones, each once, at close time, with the recorded values; warm start first', async () => {
  const start = file.time[5000];
  const fake = await fakeAt(start + 10_000);
  const { io: adapterIO, warnings } = io(20);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, candleSpec, adapterIO);
  feeds.push(feed);
  // Warm start: the 20 candles closed before market time (candle 5000 is forming).
  const warm = await feed.next();
  assert.deepEqual(Array.from(warm!.columns.time), Array.from(file.time.subarray(4980, 5000)));
  assert.deepEqual(Array.from(warm!.t), Array.from(file.time.subarray(4980, 5000), (o) => o + M));
  await until(() => fake.stats.streams.includes('btcusdt@kline_1m'), 'the kline subscription');
  fake.advance(25_000); // the mid-minute update of candle 5000 (x=false): no event
  assert.equal((await feed.next())!.n, 0, 'an unclosed candle is not an event');
  fake.advanceTo(start + M); // candle 5000 closes
  const closing = await take(feed, 1);
  assert.deepEqual(rowsOf(closing), recorded([file.time[5000]]));
  for (let k = 0; k < 6; k++) fake.advance(30_000); // three more minutes, each with an in-progress update
  const three = await take(feed, 3);
  assert.deepEqual(rowsOf(three), recorded([file.time[5001], file.time[5002], file.time[5003]]));
  assert.deepEqual(three.t, [5001, 5002, 5003].map((i) => file.time[i] + M));
  assert.equal((await feed.next())!.n, 0, 'nothing more, nothing twice');
  assert.deepEqual(warnings, []);
  assert.equal(fake.stats.keyedRequests, 0, 'feeds need no API key');
  await feed.close();
});

test('candles: with a cache (--cache), a second warm start over the same range comes from it, not from REST', async () => {
  const start = file.time[6000];
  const fake = await fakeAt(start + 10_000);
  const cache = (await openCache('memory', { warn: () => {}, log: () => {} }))!;
  const expected = Array.from(file.time.subarray(5970, 6000));
  const warmStart = async () => {
    const { io: adapterIO, warnings } = io(30);
    const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, candleSpec, { ...adapterIO, cache });
    feeds.push(feed);
    const warm = (await feed.next())!;
    await feed.close();
    return { warm, warnings };
  };
  const first = await warmStart();
  assert.deepEqual(Array.from(first.warm.columns.time), expected);
  // REST loses a candle of the range: a warm start that asked REST would come up short and say so.
  fake.faults.removeCandles([file.time[5980]]);
  const second = await warmStart();
  assert.deepEqual(second.warnings, []);
  for (const f of ['time', 'open', 'high', 'low', 'close', 'volume']) assert.deepEqual(Array.from(second.warm.columns[f]), Array.from(first.warm.columns[f]), f);
  assert.deepEqual(Array.from(second.warm.t), Array.from(first.warm.t));
  const stats = cache.stats().history;
  assert.equal(stats.hits, 1);
  assert.equal(stats.sets, 1);
  await cache.close();
});

test('candles: a dropped socket reconnects (backoff, counted) without losing or repeating a candle', async () => {
  const start = file.time[8000];
  const fake = await fakeAt(start);
  const { io: adapterIO, logs } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, candleSpec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@kline_1m'));
  fake.advance(2 * M);
  const before = await take(feed, 2);
  assert.equal(fake.faults.dropConnections(), 1);
  fake.advance(3 * M); // three candles close while the socket is down: lost on the wire
  await until(() => fake.stats.streams.includes('btcusdt@kline_1m'), 'the resubscription');
  fake.advance(2 * M);
  const afterDrop = await take(feed, 5);
  const opens = [...before.columns.time, ...afterDrop.columns.time];
  assert.deepEqual(rowsOf({ columns: { ...Object.fromEntries(Object.keys(before.columns).map((k) => [k, [...before.columns[k], ...afterDrop.columns[k]]])) } }), recorded(Array.from(file.time.subarray(8000, 8007))));
  assert.equal(new Set(opens).size, opens.length);
  const info = feed.info();
  assert.ok((info.reconnects as number) >= 1, JSON.stringify(info));
  assert.equal(info.backfilled, 3, 'the three lost candles came over REST');
  assert.ok(logs.some((l) => /reconnecting in \d+ ms/.test(l)), logs.join('\n'));
  await feed.close();
});

test('candles: a lost closing message is backfilled over REST; a candle the exchange never had is a reported gap, never filled', async () => {
  const start = file.time[12000];
  const fake = await fakeAt(start);
  const { io: adapterIO, warnings } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, candleSpec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@kline_1m'));
  fake.faults.skipCandleCloses(1);
  fake.advance(3 * M);
  const got = await take(feed, 3);
  assert.deepEqual(fake.stats.skippedCandles, [file.time[12000]]);
  assert.deepEqual(rowsOf(got), recorded(Array.from(file.time.subarray(12000, 12003))));
  assert.equal(feed.info().backfilled, 1);
  assert.deepEqual(warnings, []);
  // A hole in the exchange's own history: reported, and the feed goes on after it.
  fake.faults.removeCandles([file.time[12004]]);
  fake.advance(3 * M);
  const holed = await take(feed, 2);
  assert.deepEqual(holed.columns.time, [file.time[12003], file.time[12005]]);
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.equal(warnings[0][0], 'feed/gap');
  assert.match(warnings[0][1], new RegExp(`1 1m candle missing \\(${new Date(file.time[12004]).toISOString().replace(/[.]/g, '\\.')}`));
  assert.equal(feed.info().missingBars, 1);
  await feed.close();
});

test('book: snapshots equal the recorded top levels; a lost depth update resyncs from a fresh snapshot, reported', async () => {
  const book = await readBook(dataFile(RECORDED_FILES.book), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'error', onGap: 'error' }, () => {});
  const fake = await fakeAt(book.t[300]);
  const spec: BookSpec = { record: 'book', symbol: 'BTCUSDT', levels: 5, onBadRow: 'error', onGap: 'resync' };
  const { io: adapterIO, warnings } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, spec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@depth@100ms'));
  const check = (got: { t: number[]; columns: Record<string, number[]> }) => {
    for (let i = 0; i < got.t.length; i++) {
      const r = book.updateId.indexOf(got.columns.updateId[i]);
      assert.ok(r >= 0 && book.t[r] === got.t[i], `event ${i} is a recorded update`);
      for (let l = 0; l < 5; l++) {
        assert.equal(got.columns[`bidPrice${l + 1}`][i], book.levels[4 * l][r]);
        assert.equal(got.columns[`askSize${l + 1}`][i], book.levels[4 * l + 3][r]);
      }
    }
  };
  for (let k = 0; k < 10; k++) {
    fake.advance(100);
    await new Promise((r) => setTimeout(r, 5));
  }
  const first = await take(feed, 3);
  check(first);
  fake.faults.skipDepthUpdates(1);
  for (let k = 0; k < 30; k++) {
    fake.advance(100);
    await new Promise((r) => setTimeout(r, 5));
  }
  const skipped = fake.stats.skippedDepthUpdates[0];
  const later = { t: [] as number[], columns: {} as Record<string, number[]> };
  for (let k = 0; k < 100 && !later.columns.updateId?.some((u) => u > skipped); k++) {
    fake.advance(100); // the resync's snapshot is at market time: the book moves on from there
    append(later, (await feed.next())!);
  }
  check(later);
  assert.ok(later.columns.updateId.some((u) => u > skipped), 'the book goes on after the gap');
  assert.ok(!later.columns.updateId.includes(skipped), 'the state right after the lost update is not shown');
  assert.equal(feed.info().resyncs, 1);
  assert.deepEqual(warnings.map((w) => w[0]), ['feed/book-gap']);
  await feed.close();
});

test('trades: every recorded trade once, in order, with its side', async () => {
  const trades = await readTrades(dataFile(RECORDED_FILES.trades), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {});
  const fake = await fakeAt(trades.time[1000]);
  const spec: TradesSpec = { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' };
  const { io: adapterIO } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, spec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@trade'));
  const end = trades.time[1300];
  while (fake.now() < end) {
    fake.advance(Math.min(500, end - fake.now()));
    await new Promise((r) => setTimeout(r, 5));
  }
  const from = upperBound(trades.time, trades.time[1000]); // trades after market time at start
  const to = upperBound(trades.time, end);
  const got = await take(feed, to - from);
  assert.deepEqual(got.columns.price, Array.from(trades.price.subarray(from, to)));
  assert.deepEqual(got.columns.size, Array.from(trades.size.subarray(from, to)));
  assert.deepEqual(got.columns.side, Array.from(trades.side.subarray(from, to)));
  assert.deepEqual(got.t, Array.from(trades.t.subarray(from, to)), 'event times as the file source gives them');
  assert.equal(feed.info().missingTrades, 0);
  await feed.close();
});

/** Moves the fake's market time to `to` in small steps, letting each step's messages go out. */
async function stepTo(fake: FakeBinance, to: number, stepMs = 500): Promise<void> {
  while (fake.now() < to) {
    fake.advance(Math.min(stepMs, to - fake.now()));
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tradesSpec: TradesSpec = { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' };
const recordedTrades = () => readTrades(dataFile(RECORDED_FILES.trades), tradesSpec, () => {});
type Trades = Awaited<ReturnType<typeof recordedTrades>>;

/** The recorded trades at rows `rows`, as [time, price, size, side], and their event times. */
function tradeRows(trades: Trades, rows: number[]): { rows: number[][]; t: number[] } {
  return { rows: rows.map((i) => [trades.time[i], trades.price[i], trades.size[i], trades.side[i]]), t: rows.map((i) => trades.t[i]) };
}
const gotTrades = (got: { t: number[]; columns: Record<string, number[]> }) => ({ rows: got.t.map((_, i) => ['time', 'price', 'size', 'side'].map((f) => got.columns[f][i])), t: got.t });
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

test('trades: live trades arriving while missed ones are fetched back wait for them; then all in id order, each once', async () => {
  const trades = await recordedTrades();
  const fake = await fakeAt(trades.time[3000]);
  const { io: adapterIO, warnings, logs } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, tradesSpec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@trade'));
  const from = upperBound(trades.time, trades.time[3000]);
  const beforeDrop = upperBound(trades.time, trades.time[3150]);
  await stepTo(fake, trades.time[3150]);
  const before = await take(feed, beforeDrop - from);
  const release = fake.faults.holdTradeLookups(); // the old-trade lookup answers only when released
  assert.equal(fake.faults.dropConnections(), 1);
  fake.advanceTo(trades.time[3500]); // lost on the wire
  const lostEnd = upperBound(trades.time, trades.time[3500]);
  await until(() => fake.stats.streams.includes('btcusdt@trade'), 'the resubscription');
  await stepTo(fake, trades.time[3600]);
  await until(() => fake.stats.heldLookups >= 1, 'the lookup of the missed trades');
  await stepTo(fake, trades.time[3700]); // more live trades while the lookup is pending
  for (let k = 0; k < 3; k++) assert.equal((await feed.next())!.n, 0, 'no trade after the gap goes out before the gap is filled');
  release();
  const end = upperBound(trades.time, trades.time[3700]);
  const after = await take(feed, end - beforeDrop);
  assert.deepEqual(gotTrades(before), tradeRows(trades, range(from, beforeDrop)));
  assert.deepEqual(gotTrades(after), tradeRows(trades, range(beforeDrop, end)), 'the missed trades, then the held live ones');
  assert.equal((await feed.next())!.n, 0, 'nothing twice');
  const info = feed.info();
  assert.equal(info.backfilled, lostEnd - beforeDrop);
  assert.equal(info.missingTrades, 0);
  assert.deepEqual(warnings, []);
  assert.ok(logs.some((l) => l.includes(`fetched ${lostEnd - beforeDrop} trades back over REST after the trade stream skipped from id ${trades.id[beforeDrop - 1]}`)), logs.join('\n'));
  assert.equal(fake.stats.keyedRequests, 0);
  await feed.close();
});

test('trades: only ids the exchange does not have are reported (feed/trade-gap), by id; the rest is fetched back', async () => {
  const trades = await recordedTrades();
  const fake = await fakeAt(trades.time[6000]);
  const removed = [6150, 6151, 6152, 6170];
  fake.faults.removeTrades(removed.map((i) => trades.id[i]));
  const { io: adapterIO, warnings } = io(0);
  const feed = await exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, tradesSpec, adapterIO);
  feeds.push(feed);
  await until(() => fake.stats.streams.includes('btcusdt@trade'));
  const from = upperBound(trades.time, trades.time[6000]);
  await stepTo(fake, trades.time[6100]);
  assert.equal(fake.faults.dropConnections(), 1);
  fake.advanceTo(trades.time[6200]); // 6100..6200 lost on the wire, four of them never existed
  await until(() => fake.stats.streams.includes('btcusdt@trade'), 'the resubscription');
  await stepTo(fake, trades.time[6300]);
  const end = upperBound(trades.time, trades.time[6300]);
  const kept = range(from, end).filter((i) => !removed.includes(i));
  const got = await take(feed, kept.length);
  assert.deepEqual(gotTrades(got).rows, tradeRows(trades, kept).rows);
  // Trades of one millisecond are spaced TRADE_TIME_STEP apart among those the feed has.
  const spaced = kept.map((i, k) => trades.time[i] + kept.slice(0, k).filter((j) => trades.time[j] === trades.time[i]).length * TRADE_TIME_STEP);
  assert.deepEqual(got.t, spaced);
  assert.equal((await feed.next())!.n, 0, 'nothing twice');
  assert.equal(warnings.length, 1, JSON.stringify(warnings));
  assert.equal(warnings[0][0], 'feed/trade-gap');
  const id = (i: number) => trades.id[i];
  assert.match(warnings[0][1], new RegExp(`4 trades missing after the trade stream skipped .*: 4 trades \\(ids ${id(6150)}\\.\\.${id(6152)}, ${id(6170)}\\) that binance no longer has over REST either; they stay missing`));
  assert.equal(feed.info().missingTrades, 4);
  await feed.close();
});

test('bad bindings: unknown exchange or symbol fail at start with a did-you-mean', async () => {
  const fake = await fakeAt(file.time[100]);
  const { io: adapterIO } = io(0);
  await assert.rejects(exchangeSource.live!({ exchange: 'binanse', symbol: 'BTC/USDT', url: fake.url }, candleSpec, adapterIO), /unknown exchange "binanse"; did you mean "binance"\?/);
  await assert.rejects(exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDX', url: fake.url }, candleSpec, adapterIO), /binance has no spot market "BTC\/USDX"; did you mean "BTC\/USDT"\?/);
  await assert.rejects(exchangeSource.live!({ exchange: 'binance', symbol: 'BTC/USDT', url: fake.url }, { ...candleSpec, timeframe: '7m', timeframeMs: 7 * M }, adapterIO), /binance has no 7m candles; its timeframes: 1s, 1m, 3m/);
  assert.deepEqual(exchangeSource.check!({ exchange: 'Binance', symbol: 'BTCUSDT' }, 'paper', new Set()).map((p) => p.message), [
    'symbol "BTCUSDT" is an exchange\'s own id; ccxt symbols are BASE/QUOTE: did you mean "BTC/USDT"?',
    'exchange "Binance": ccxt ids are lower case; did you mean "binance"?',
  ]);
});
