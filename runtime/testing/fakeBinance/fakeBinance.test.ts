/**
 * The fake exchange speaks Binance spot's protocol as ccxt's own binance class uses it: ccxt's
 * fetchOHLCV, fetchOrderBook, fetchTrades and watch* parse its answers into the recorded values
 * (read independently here with hean's file readers), and Binance's error codes reach ccxt as
 * the same error classes.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readCandleCsv } from '../../adapters/file/readCandleCsv.js';
import { readBook } from '../../adapters/file/readBook.js';
import { readTrades } from '../../adapters/file/readTrades.js';
import { dataDir, dataFile } from '../dataFile.js';
import { startFakeBinance, type FakeBinance } from './fakeBinance.js';
import { waitUntil } from '../waitUntil.js';
import { RECORDED_FILES, loadMarketData, recordedPaths, upperBound } from './marketData.js';

const M = 60_000;
let data: Awaited<ReturnType<typeof loadMarketData>>;
before(async () => {
  data = await loadMarketData(recordedPaths(dataDir()));
});

/** A ccxt pro binance pointed at the fake server, spot only, no keys. */
async function ccxtAt(fake: FakeBinance) {
  const ccxt = (await import('ccxt')).default as any;
  const ex = new ccxt.pro.binance({ options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false, fetchMargins: false } });
  ex.urls.api = { ...ex.urls.api, public: `${fake.url}/api/v3`, private: `${fake.url}/api/v3`, ws: { spot: `${fake.wsUrl}/ws` } };
  await ex.loadHttpProxyAgent();
  return ex;
}

const servers: FakeBinance[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('klines: ccxt fetchOHLCV returns the recorded candles; startTime/endTime/limit as Binance; the forming candle is last', async () => {
  const file = await readCandleCsv(dataFile(RECORDED_FILES.candles), { timeframeMs: M });
  const start = file.time[3000] + 20_000; // mid-minute: candle 3000 is forming
  const fake = await startFakeBinance({ data, manual: true, start });
  servers.push(fake);
  const ex = await ccxtAt(fake);
  try {
    const since = await ex.fetchOHLCV('BTC/USDT', '1m', file.time[100], 5);
    assert.deepEqual(since, [100, 101, 102, 103, 104].map((i) => [file.time[i], file.open[i], file.high[i], file.low[i], file.close[i], file.volume[i]]));
    const latest = await ex.fetchOHLCV('BTC/USDT', '1m', undefined, 3);
    assert.deepEqual(latest.map((c: number[]) => c[0]), [file.time[2998], file.time[2999], file.time[3000]]);
    // endTime: the last `limit` klines opening at or before it.
    const raw = await ex.publicGetKlines({ symbol: 'BTCUSDT', interval: '1m', endTime: file.time[500], limit: 2 });
    assert.deepEqual(raw.map((r: unknown[]) => r[0]), [file.time[499], file.time[500]]);
    assert.equal(raw[0][6], file.time[499] + M - 1, 'closeTime = open + interval - 1');
    // 5m klines aggregate the minutes (computed here from the file).
    const five = await ex.fetchOHLCV('BTC/USDT', '5m', Math.ceil(file.time[1000] / (5 * M)) * 5 * M, 1);
    const first = file.time.indexOf(five[0][0]);
    const slice = (c: Float64Array) => Array.from(c.subarray(first, first + 5));
    assert.deepEqual(five[0], [file.time[first], file.open[first], Math.max(...slice(file.high)), Math.min(...slice(file.low)), file.close[first + 4], five[0][5]]);
    assert.ok(Math.abs(five[0][5] - slice(file.volume).reduce((a, b) => a + b, 0)) < 1e-9);
    await assert.rejects(ex.fetchOHLCV('BTC/USDT', '7m'), /7m|timeframe|interval/i);
    await assert.rejects(ex.publicGetKlines({ symbol: 'BTCUSDX', interval: '1m' }), (e: Error) => e.constructor.name === 'BadSymbol');
    assert.equal(fake.stats.keyedRequests, 0, 'no API key sent for market data');
  } finally {
    await ex.close();
  }
});

test('depth and trades: ccxt fetchOrderBook and fetchTrades return the recorded book and trades at market time', async () => {
  const book = await readBook(dataFile(RECORDED_FILES.book), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'error', onGap: 'error' }, () => {});
  const trades = await readTrades(dataFile(RECORDED_FILES.trades), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {});
  const now = book.t[2000];
  const fake = await startFakeBinance({ data, manual: true, start: now });
  servers.push(fake);
  const ex = await ccxtAt(fake);
  try {
    const ob = await ex.fetchOrderBook('BTC/USDT', 5);
    assert.equal(ob.nonce, book.updateId[2000]);
    assert.deepEqual(levels(ob.bids), [0, 1, 2, 3, 4].map((l) => [book.levels[4 * l][2000], book.levels[4 * l + 1][2000]]));
    assert.deepEqual(levels(ob.asks), [0, 1, 2, 3, 4].map((l) => [book.levels[4 * l + 2][2000], book.levels[4 * l + 3][2000]]));
    const last = upperBound(trades.time, now) - 1;
    const recent = await ex.fetchTrades('BTC/USDT', undefined, 3, { fetchTradesMethod: 'publicGetTrades' });
    assert.deepEqual(recent.map((t: any) => [Number(t.id), t.timestamp, t.price, t.amount, t.side]), [last - 2, last - 1, last].map((i) => [trades.id[i], trades.time[i], trades.price[i], trades.size[i], trades.side[i] === 1 ? 'buy' : 'sell']));
    // aggTrades (ccxt's default): the fills of one millisecond, price and side, summed.
    const agg = await ex.fetchTrades('BTC/USDT', undefined, 50);
    const sum = agg.reduce((s: number, t: any) => s + t.amount, 0);
    const firstId = Number(agg[0].info.f);
    const from = trades.id.indexOf(firstId);
    let expected = 0;
    for (let i = from; i <= last; i++) expected += trades.size[i];
    assert.ok(Math.abs(sum - expected) < 1e-9, `aggTrades sum ${sum} vs ${expected}`);
    await assert.rejects(ex.fetchOrderBook('ETH/USDT'), /no recorded ETHUSDT book/);
  } finally {
    await ex.close();
  }
});

test('historicalTrades: trades from a trade id on (Binance\'s old-trade lookup), limits and errors as Binance, no API key needed', async () => {
  const trades = await readTrades(dataFile(RECORDED_FILES.trades), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {});
  const now = trades.time[5000];
  const fake = await startFakeBinance({ data, manual: true, start: now });
  servers.push(fake);
  const get = async (query: string) => {
    const res = await fetch(`${fake.url}/api/v3/historicalTrades?${query}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const row = (i: number) => ({ id: trades.id[i], price: trades.price[i], qty: trades.size[i], quoteQty: true, time: trades.time[i], isBuyerMaker: trades.side[i] === -1, isBestMatch: true });
  // quoteQty is price x qty, as text rounded to the asset's precision.
  const parsed = (rows: any[]) => rows.map((r) => ({ ...r, price: Number(r.price), qty: Number(r.qty), quoteQty: Math.abs(Number(r.quoteQty) - Number(r.price) * Number(r.qty)) < 1e-8 }));
  const last = upperBound(trades.time, now) - 1;
  const ok = async (query: string) => {
    const { status, body } = await get(query);
    assert.equal(status, 200, JSON.stringify(body));
    return parsed(body);
  };
  assert.deepEqual(await ok(`symbol=BTCUSDT&fromId=${trades.id[100]}&limit=3`), [100, 101, 102].map(row), 'fromId: that trade and the next ones');
  assert.equal((await ok(`symbol=BTCUSDT&fromId=${trades.id[0]}`)).length, 500, 'default limit 500');
  assert.equal((await ok(`symbol=BTCUSDT&fromId=${trades.id[0]}&limit=1000`)).length, 1000);
  assert.deepEqual(await ok('symbol=BTCUSDT&limit=2'), [last - 1, last].map(row), 'without fromId: the most recent');
  assert.deepEqual(await ok(`symbol=BTCUSDT&fromId=${trades.id[last - 1]}&limit=10`), [last - 1, last].map(row), 'nothing traded after market time');
  assert.deepEqual(await ok(`symbol=BTCUSDT&fromId=${trades.id[last] + 1}`), [], 'an id not traded yet: empty');
  // Binance's error answers.
  assert.deepEqual(await get(`symbol=BTCUSDT&limit=1001`), { status: 400, body: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." } });
  assert.deepEqual(await get(`symbol=BTCUSDT&fromId=abc`), { status: 400, body: { code: -1100, msg: "Illegal characters found in parameter 'fromId'; legal range is '^[0-9]{1,20}$'." } });
  assert.deepEqual(await get('limit=5'), { status: 400, body: { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." } });
  assert.deepEqual(await get('symbol=BTCUSDX'), { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } });
  // Trades removed by the fault hook are not there: the next existing ones come instead.
  fake.faults.removeTrades([trades.id[101]]);
  assert.deepEqual(await ok(`symbol=BTCUSDT&fromId=${trades.id[100]}&limit=3`), [100, 102, 103].map(row));
  assert.equal(fake.stats.keyedRequests, 0);
  // ccxt's fetchTrades through the old-trade lookup parses the same trades (ccxt insists on a key; the fake, like Binance, ignores it).
  const ex = await ccxtAt(fake);
  ex.apiKey = 'any';
  try {
    const viaCcxt = await ex.fetchTrades('BTC/USDT', undefined, 2, { fetchTradesMethod: 'publicGetHistoricalTrades', fromId: trades.id[200] });
    assert.deepEqual(viaCcxt.map((t: any) => [Number(t.id), t.timestamp, t.price, t.amount, t.side]), [200, 201].map((i) => [trades.id[i], trades.time[i], trades.price[i], trades.size[i], trades.side[i] === 1 ? 'buy' : 'sell']));
  } finally {
    await ex.close();
  }
});

test('depth stream: ccxt keeps its book from the REST snapshot plus the diffs, equal to the recorded book at every update id', async () => {
  const book = await readBook(dataFile(RECORDED_FILES.book), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'error', onGap: 'error' }, () => {});
  const fake = await startFakeBinance({ data, manual: true, start: book.t[100] });
  servers.push(fake);
  const ex = await ccxtAt(fake);
  try {
    const first = ex.watchOrderBook('BTC/USDT');
    await waitUntil(() => fake.stats.streams.includes('btcusdt@depth@100ms'));
    fake.advance(1);
    await first;
    for (let step = 0; step < 20; step++) {
      const next = ex.watchOrderBook('BTC/USDT');
      fake.advance(150);
      const ob = await next;
      const r = book.updateId.indexOf(ob.nonce);
      assert.ok(r > 0, `nonce ${ob.nonce} is a recorded update id`);
      assert.equal(ob.timestamp, book.t[r]);
      assert.deepEqual(levels(ob.bids), Array.from({ length: 10 }, (_, l) => [book.levels[4 * l][r], book.levels[4 * l + 1][r]]));
      assert.deepEqual(levels(ob.asks), Array.from({ length: 10 }, (_, l) => [book.levels[4 * l + 2][r], book.levels[4 * l + 3][r]]));
    }
  } finally {
    await ex.close();
  }
});

/** The top 10 levels of a ccxt book side as plain [price, size] pairs. */
function levels(side: number[][]): number[][] {
  return Array.from(side.slice(0, 10), (l) => [l[0], l[1]]);
}

test('a resting limit buy at the recorded bid fills in part as recorded sells at its price work through the queue ahead; a cancel keeps that part and unlocks the rest', async () => {
  const book = await readBook(dataFile(RECORDED_FILES.book), { record: 'book', symbol: 'BTCUSDT', levels: 10, onBadRow: 'error', onGap: 'error' }, () => {});
  const trades = await readTrades(dataFile(RECORDED_FILES.trades), { record: 'trades', symbol: 'BTCUSDT', onBadRow: 'error' }, () => {});
  const placedAt = Date.parse('2024-08-08T23:55:20Z');
  const account = { apiKey: 'limit-test-key', secret: 'limit-test-secret', balances: { USDT: 100_000 } };
  const fake = await startFakeBinance({ data, manual: true, start: placedAt, accounts: [account] });
  servers.push(fake);
  const { connectTradingExchange } = await import('../../adapters/broker/connectTradingExchange.js');
  const keys = { apiKey: account.apiKey, secret: account.secret, names: { apiKey: 'HEAN_BINANCE_API_KEY', secret: 'HEAN_BINANCE_SECRET' } };
  const { exchange } = await connectTradingExchange({ exchange: 'binance', symbols: ['BTC/USDT'], url: fake.url }, keys, 'test');
  try {
    // The reference: Binance's price-time priority applied here to the recorded files. The order
    // joins the queue behind the size displayed at the best bid; sells at that price take the
    // queue first, then the order; a sell below the bid would have filled all of it.
    const r = upperBound(book.t, placedAt) - 1;
    const bid = book.levels[0][r];
    let ahead = book.levels[1][r];
    const qty = 1;
    const until = placedAt + 5_000;
    let expected = 0;
    for (let i = upperBound(trades.time, placedAt); i < trades.time.length && trades.time[i] <= until; i++) {
      if (trades.side[i] !== -1 || trades.price[i] > bid) continue;
      if (trades.price[i] < bid) expected = qty;
      else {
        expected += Math.max(0, trades.size[i] - ahead);
        ahead = Math.max(0, ahead - trades.size[i]);
      }
      expected = Math.min(qty, expected);
    }
    assert.ok(expected > 0 && expected < qty, `the recording should fill this order in part (expected ${expected})`);
    const placed = await exchange.createOrder('BTC/USDT', 'limit', 'buy', qty, bid, { newClientOrderId: 'partial-1' });
    assert.equal(placed.status, 'open');
    assert.equal(placed.filled, 0, 'at the bid, behind the queue: nothing fills at once');
    fake.advanceTo(until);
    const resting = await exchange.fetchOrder(undefined, 'BTC/USDT', { origClientOrderId: 'partial-1' });
    assert.equal(resting.status, 'open');
    assert.ok(Math.abs(resting.filled! - expected) < 1e-8, `filled ${resting.filled}, the recording gives ${expected}`);
    const cancelled = await exchange.cancelOrder(placed.id, 'BTC/USDT');
    assert.equal(cancelled.status, 'canceled');
    assert.ok(Math.abs(cancelled.filled! - expected) < 1e-8, 'the cancel answer keeps the filled part');
    const acct = fake.trading.accounts.get(account.apiKey)!;
    const fee = acct.trades.reduce((s, t) => s + Number((t.qty * 0.001).toFixed(8)), 0);
    assert.ok(Math.abs(acct.balance('USDT').free - (100_000 - expected * bid)) < 1e-6, `USDT ${JSON.stringify(acct.balance('USDT'))}`);
    assert.equal(acct.balance('USDT').locked, 0, 'the rest is unlocked');
    assert.ok(Math.abs(acct.balance('BTC').free - (expected - fee)) < 1e-8, `BTC ${JSON.stringify(acct.balance('BTC'))}: filled less the commission in BTC`);
    assert.ok(acct.trades.length > 0 && acct.trades.every((t) => t.isMaker && t.price === bid), 'maker fills at the limit');
  } finally {
    await exchange.close?.();
  }
});

test('listenKey user-data stream (Binance\'s older flow): POST gives a key, /ws/<key> receives bare executionReports, PUT keeps it alive, it expires after 60 minutes of market time', async () => {
  const { WebSocket } = await import('ws');
  const placedAt = Date.parse('2024-08-08T23:56:00Z');
  const account = { apiKey: 'listen-key-test', secret: 'listen-key-secret', balances: { USDT: 100_000 } };
  const fake = await startFakeBinance({ data, manual: true, start: placedAt, accounts: [account] });
  servers.push(fake);
  const call = async (method: string, query = '', key = account.apiKey) => {
    const res = await fetch(`${fake.url}/api/v3/userDataStream${query}`, { method, headers: { 'X-MBX-APIKEY': key } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  assert.equal((await call('POST', '', 'nobody')).body.code, -2015);
  const { listenKey } = (await call('POST')).body as { listenKey: string };
  assert.match(listenKey, /^[0-9a-f]{64}$/);
  assert.equal((await call('POST')).body.listenKey, listenKey, 'one key per account');
  const socket = new WebSocket(`${fake.wsUrl}/ws/${listenKey}`);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  try {
    const acct = fake.trading.accounts.get(account.apiKey)!;
    const order = acct.place({ symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: 0.01, newClientOrderId: 'lk-1' }, fake.now(), data.get('BTCUSDT'));
    await waitUntil(() => messages.length >= 2, 'two execution reports');
    assert.deepEqual(messages.map((m) => [m.e, m.x, m.X, m.c]), [['executionReport', 'NEW', 'NEW', 'lk-1'], ['executionReport', 'TRADE', 'FILLED', 'lk-1']]);
    const trade = acct.trades[0];
    assert.equal(messages[1].subscriptionId, undefined, 'bare payloads on a listenKey socket');
    assert.deepEqual([messages[1].l, messages[1].z, messages[1].L, messages[1].n, messages[1].N, messages[1].t, messages[1].i], [trade.qty.toFixed(8), order.executedQty.toFixed(8), trade.price.toFixed(8), trade.commission.toFixed(8), 'BTC', trade.id, order.orderId]);
    fake.advance(50 * 60_000);
    assert.equal((await call('PUT', `?listenKey=${listenKey}`)).status, 200, 'kept alive');
    fake.advance(50 * 60_000);
    assert.equal((await call('POST')).body.listenKey, listenKey, 'still alive 100 minutes in: the PUT renewed it');
    fake.advance(61 * 60_000);
    await call('POST');
    await waitUntil(() => messages.some((m) => m.e === 'listenKeyExpired'), 'listenKeyExpired');
    assert.equal((await call('PUT', `?listenKey=${listenKey}`)).body.code, -1125);
  } finally {
    socket.terminate();
  }
});
