import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortfolioBroker, type PortfolioParams, type PortfolioReport } from './portfolioBroker.js';
import type { BrokerReport } from './simulatedBroker.js';
import type { Candles, Events } from '../ports.js';

const H = 3_600_000;
const N = NaN;
type Bar = [open: number, high: number, low: number, close: number];

const defaults: PortfolioParams = { cash: 1000, fill: 'nextOpen', fees: { taker: 0 }, slippageBps: 0, latencyBars: 0, direction: 'longShort', orderUnit: 'fraction', maxLeverage: 1, maintenanceMargin: 0.005, liquidationFee: 0.005, borrowRate: 0 };

/** Candles opening at hour i (null: no new bar at this event, the previous one again, as a join samples it). */
function candles(bars: (Bar | null)[]): Candles {
  const c: Candles = { time: new Float64Array(bars.length), open: new Float64Array(bars.length), high: new Float64Array(bars.length), low: new Float64Array(bars.length), close: new Float64Array(bars.length), volume: new Float64Array(bars.length) };
  let last = -1;
  bars.forEach((bar, i) => {
    if (bar) last = i;
    const b = last < 0 ? [N, N, N, N] : bars[last]!;
    c.time[i] = last < 0 ? N : last * H;
    [c.open[i], c.high[i], c.low[i], c.close[i]] = b;
    c.volume[i] = 1;
  });
  return c;
}

interface Run {
  report: BrokerReport & { portfolio: PortfolioReport };
  equity: number[];
  positions: number[][];
  warnings: string[];
}

/** Runs the broker over `bars.length` events (event i at hour i + 1) in chunks of `chunk`, funding delivered with the chunk holding its time. */
function run(params: Partial<PortfolioParams>, markets: (Bar | null)[][], orders: number[][], funding: [number, number][][] = [], chunk = Infinity): Run {
  const warnings: string[] = [];
  const n = markets[0].length;
  const broker = new PortfolioBroker({ ...defaults, ...params }, { warn: (code) => warnings.push(code), marketWires: markets.map((_, m) => `m${m}`), history: 'full' });
  const t = Float64Array.from({ length: n }, (_, i) => (i + 1) * H);
  const all = markets.map(candles);
  const equity: number[] = [];
  const positions: number[][] = markets.map(() => []);
  for (let start = 0; start < n; start += Math.min(chunk, n)) {
    const end = Math.min(n, start + chunk);
    const m = end - start;
    const slice = (c: Candles): Candles => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.slice(start, end)])) as Candles;
    const from = start === 0 ? -Infinity : t[start - 1];
    const events: Events<Float64Array>[] = funding.map((list) => {
      const inChunk = list.filter(([time]) => time > from && time <= t[end - 1]);
      return { n: inChunk.length, t: Float64Array.from(inChunk, (e) => e[0]), value: Float64Array.from(inChunk, (e) => e[1]) };
    });
    const out = { equity: new Float64Array(m), exposure: new Float64Array(m), positions: { names: broker.featureNames.positions, columns: markets.map(() => new Float64Array(m)) } };
    broker.step(m, t.subarray(start, end), { orders: orders.map((o) => Float64Array.from(o.slice(start, end))), markets: all.map(slice), funding: funding.length ? events : undefined }, out);
    equity.push(...out.equity);
    out.positions.columns.forEach((c, k) => positions[k].push(...c));
  }
  return { report: broker.report(), equity, positions, warnings };
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('funding: a long pays a positive rate on its notional at the latest close, a short receives it; a funding time at a bar open comes before its fills', () => {
  // Bar i opens at hour i; funding at 2h (bar 2's open), 2.5h (inside bar 2), 3h (bar 3's open, when the long is sold) and 4h (bar 3's close).
  const bars: Bar[] = [[100, 100, 100, 100], [100, 110, 100, 110], [110, 120, 110, 120], [120, 120, 110, 110]];
  const funding: [number, number][] = [[2 * H, 0.001], [2.5 * H, -0.002], [3 * H, 0.001], [4 * H, 0.001]];
  for (const chunk of [1, 2, 4]) {
    const r = run({ orderUnit: 'quantity', instruments: [{ type: 'perp' }], cash: 10000 }, [bars], [[10, N, -5, N]], [funding], chunk);
    // 10 bought at bar 1's open (100): cash 9000. At 2h the long pays 10 x 110 (bar 1's close) x 0.001 = 1.1;
    // at 2.5h it receives 10 x 120 x 0.002 = 2.4; at 3h, before bar 3's open fill, it pays 10 x 120 x 0.001 = 1.2.
    // (A funding time equal to a bar open is paid before that bar's fills: the long pays it, the short does not.)
    // Bar 3 opens at 120: sell 10 (+1200), short 5 (+600). At 4h the short receives 5 x 110 x 0.001 = 0.55.
    const cash = 9000 - 1.1 + 2.4 - 1.2 + 1200 + 600 + 0.55;
    close(r.equity[3], cash - 5 * 110, `chunk ${chunk}: final equity`);
    // 3h is also bar 2's close: that payment is in bar 2's equity (the same position, the same mark).
    close(r.equity[2], 9000 - 1.1 + 2.4 - 1.2 + 10 * 120, `chunk ${chunk}: equity at bar 2`);
    const p = r.report.portfolio.instruments[0];
    close(p.funding, -1.1 + 2.4 - 1.2 + 0.55, 'funding total');
    assert.equal(r.report.portfolio.fundingPayments, 4);
    const long = r.report.trades[0];
    close(long.carry!, -1.1 + 2.4 - 1.2, 'the long round trip carries its funding');
    close(long.pnl, -1000 + 1200 + (-1.1 + 2.4 - 1.2), 'and its pnl is net of it');
    assert.equal(r.report.trades[1].exitTime, null);
    close(r.report.trades[1].carry!, 0.55, 'the open short');
  }
});

test('a spot position has no funding; a spot short pays borrowRate a year on its notional for each bar', () => {
  const bars: Bar[] = [[100, 100, 100, 100], [100, 100, 100, 100], [100, 100, 100, 80]];
  const r = run({ orderUnit: 'quantity', borrowRate: 0.1, cash: 10000 }, [bars], [[-2, N, N]]);
  const year = 365.25 * 24 * H;
  // short 2 at bar 1's open (100): bar 1 charges 2 x 100 x 0.1 x 1h/year, bar 2 2 x 80 x 0.1 x 1h/year
  const borrow = -(2 * 100 * 0.1 * H) / year - (2 * 80 * 0.1 * H) / year;
  close(r.report.portfolio.instruments[0].borrow, borrow, 'borrow');
  close(r.equity[2], 10000 + 200 + borrow - 160, 'equity');
  assert.equal(r.report.portfolio.instruments[0].funding, 0);
});

test('margin call: below the maintenance margin at the bar\'s adverse price, every position is liquidated there with the liquidation fee', () => {
  const bars = (low: number): Bar[] => [[100, 100, 100, 100], [100, 101, 90, 95], [95, 96, low, 85], [85, 90, 80, 88]];
  const params = { maxLeverage: 5, maintenanceMargin: 0.05, liquidationFee: 0.01 };
  // 4x: 40 units at 100 from 1000 cash (cash -3000). Bar 2 at low 79: equity -3000 + 3160 = 160 >= 5% of 3160 = 158: no call.
  const safe = run(params, [bars(79)], [[4, N, N, N]]);
  assert.equal(safe.report.portfolio.liquidations.length, 0);
  close(safe.equity[3], -3000 + 40 * 88, 'held through');
  // At low 78: equity 120 < 5% of 3120 = 156: sold at 78 (+3120), fee 1% of 3120 = 31.2.
  const r = run(params, [bars(78)], [[4, N, N, N]]);
  assert.equal(r.report.portfolio.liquidations.length, 1);
  const call = r.report.portfolio.liquidations[0];
  assert.equal(call.time, 3 * H);
  close(call.equity, 120, 'equity at the adverse price');
  close(call.maintenance, 156, 'maintenance margin');
  close(call.fee, 31.2, 'liquidation fee');
  close(r.equity[2], 120 - 31.2, 'equity after');
  close(r.equity[3], 88.8, 'flat afterwards');
  assert.equal(r.report.trades[0].exitReason, 'liquidation');
  close(r.report.trades[0].pnl, -4000 + 3120 - 31.2, 'pnl');
  assert.ok(r.warnings.includes('portfolio/liquidation'));
  // A short is checked at the bar's high.
  const short = run(params, [[[100, 100, 100, 100], [100, 118, 99, 110], [110, 122, 105, 115]]], [[-4, N, N]]);
  // short 40 at 100: cash 5000. Bar 1 high 118: equity 5000 - 4720 = 280 >= 236. Bar 2 high 122: 120 < 244.
  assert.deepEqual(short.report.portfolio.liquidations.map((l) => l.time), [3 * H]);
  close(short.equity[2], 5000 - 40 * 122 - 0.01 * 40 * 122, 'short liquidated at the high');
});

test('exits: stop-loss, take-profit, trailing stop, a gap through the level, and the pessimistic choice when both trigger in one bar', () => {
  const entry: Bar = [100, 100, 100, 100];
  const exitOf = (exits: PortfolioParams['exits'], bar2: Bar, bar1: Bar = [100, 103, 96, 97]) => {
    const r = run({ exits, direction: 'longOnly' }, [[entry, bar1, bar2, [90, 90, 90, 90]]], [[1, N, N, N]]);
    const t = r.report.trades[0];
    return { price: t.exitPrice, reason: t.exitReason, time: t.exitTime, equity: r.equity };
  };
  // 10 units at bar 1's open (100); a 5% stop is 95, a 10% take-profit 110.
  assert.deepEqual(exitOf({ stopLoss: { pct: 5 } }, [97, 98, 94, 95]), { price: 95, reason: 'stopLoss', time: 2 * H, equity: [1000, 970, 950, 950] });
  assert.equal(exitOf({ stopLoss: { pct: 5 } }, [93, 94, 90, 91]).price, 93, 'a gap below the stop fills at the open');
  assert.deepEqual(exitOf({ takeProfit: { pct: 10 } }, [101, 111, 100, 105]).price, 110);
  assert.equal(exitOf({ takeProfit: { pct: 10 } }, [112, 113, 111, 112]).price, 112, 'a gap above the take-profit fills at the open');
  assert.deepEqual(exitOf({ stopLoss: { pct: 5 }, takeProfit: { pct: 10 } }, [100, 111, 94, 105]).reason, 'stopLoss', 'both in one bar: the stop');
  assert.equal(exitOf({ stopLoss: { distance: 2 } }, [99, 99, 97.5, 98]).price, 98, 'a price distance');
  // Trailing 5: bar 1's level is 95 (from the entry), so its low 97.5 does not trigger; after bar 1's high 103 the level is 98.
  const trailing = exitOf({ trailingStop: { distance: 5 } }, [101, 102, 97.5, 99], [100, 103, 97.5, 101]);
  assert.deepEqual([trailing.price, trailing.reason], [98, 'trailingStop']);
  // The tighter of a fixed and a trailing stop governs.
  assert.deepEqual(exitOf({ stopLoss: { pct: 1 }, trailingStop: { distance: 5 } }, [100, 100, 98.5, 99], [100, 103, 99.5, 101]).reason, 'stopLoss');
  assert.equal(exitOf({}, [97, 98, 50, 95]).time, null, 'no exits: the position stays open');
});

test('exits in ATR multiples use the ATR (Wilder, TA-Lib seeding) as of the bar before the entry; a short\'s stop is above', () => {
  // ATR(2): true ranges of bars 1 and 2 are 4 and 4 (bar 0 has none): 4 at bar 2. Entry at bar 3's open (100): stop 100 - 1.5 x 4 = 94.
  const bars: Bar[] = [[100, 101, 99, 100], [100, 102, 98, 100], [100, 103, 99, 100], [100, 101, 94, 95], [95, 95, 95, 95]];
  const r = run({ exits: { stopLoss: { atr: 1.5 }, atrPeriod: 2 } }, [bars], [[N, N, 1, N, N]]);
  assert.deepEqual([r.report.trades[0].exitPrice, r.report.trades[0].exitReason], [94, 'stopLoss']);
  const short = run({ exits: { stopLoss: { atr: 1.5 }, atrPeriod: 2 } }, [[...bars.slice(0, 3), [100, 106, 99, 105], [105, 105, 105, 105]]], [[N, N, -1, N, N]]);
  assert.equal(short.report.trades[0].exitPrice, 106);
  // Too early for the ATR: no ATR exit, said once.
  const early = run({ exits: { stopLoss: { atr: 1.5 }, atrPeriod: 2 } }, [bars], [[1, N, N, N, N]]);
  assert.equal(early.report.trades[0].exitTime, null);
  assert.ok(early.warnings.includes('portfolio/exit-without-atr'));
});

test('several markets: one cash balance, a market without a bar is marked at its latest close and fills nothing; the leverage cap cuts an order to fit', () => {
  const a: Bar[] = [[100, 100, 100, 100], [100, 100, 100, 110], [110, 110, 110, 120], [120, 120, 120, 120]];
  // b has bars at events 0 and 1 only (its file ended).
  const b: (Bar | null)[] = [[50, 50, 50, 50], [50, 50, 50, 40], null, null];
  const r = run({ orderUnit: 'quantity', maxLeverage: 2 }, [a, b], [[5, N, N, N], [-10, N, 10, N]]);
  // a: 5 at 100 (cash -500); b: short 10 at 50 (cash +500). Event 1: 1000 + 5 x 110 - 10 x 40 = 1150.
  assert.deepEqual(r.equity, [1000, 1150, 1200, 1200]);
  assert.deepEqual(r.positions, [[0, 5, 5, 5], [0, -10, -10, -10]]);
  assert.equal(r.report.unfilledOrders, 1, 'the order for b after its last bar never fills');
  const capped = run({ maxLeverage: 1 }, [a, [[50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50], [50, 50, 50, 50]]], [[0.8, N, N, N], [0.8, N, N, N]]);
  // a takes 0.8 x 1000 = 800 of notional first (its orders come first), b only the 200 left.
  close(capped.positions[0][1] * 100, 800, 'a');
  close(capped.positions[1][1] * 50, 200, 'b cut to fit');
  assert.equal(capped.report.portfolio.ordersCapped, 1);
  assert.ok(capped.warnings.includes('portfolio/leverage-cap'));
});

test('orderUnit: a quantity, a notional, a fraction of equity', () => {
  const bars: Bar[] = [[100, 100, 100, 100], [100, 100, 100, 100]];
  assert.equal(run({ orderUnit: 'quantity' }, [bars], [[3, N]]).positions[0][1], 3);
  assert.equal(run({ orderUnit: 'notional' }, [bars], [[-500, N]]).positions[0][1], -5);
  assert.equal(run({ orderUnit: 'fraction', fees: { taker: 0.25 } }, [bars], [[0.5, N]]).positions[0][1], 4, '0.5 x 1000 / (100 x 1.25)');
});

test('applyFill (a live portfolio\'s exchange fills): cash, the instrument\'s position and its round trip, by hand; dust ends the trip and stays held', () => {
  const broker = new PortfolioBroker({ ...defaults, direction: 'longOnly' }, { warn: () => {}, marketWires: ['btc', 'eth'], history: 'full' });
  const t = Float64Array.of(H);
  const market = (close: number): Candles => ({ time: Float64Array.of(0), open: Float64Array.of(close), high: Float64Array.of(close), low: Float64Array.of(close), close: Float64Array.of(close), volume: Float64Array.of(1) });
  const out = { equity: new Float64Array(1), exposure: new Float64Array(1), positions: { names: broker.featureNames.positions, columns: [new Float64Array(1), new Float64Array(1)] } };
  broker.step(1, t, { orders: [Float64Array.of(N), Float64Array.of(N)], markets: [market(100), market(10)] }, out);
  // Buy 2 eth at 10 paying 0.02 in commission; sell 1.999 at 12 paying 0.023988, leaving 0.001 (dust below 0.01).
  broker.applyFill(1, 2, 10, 0.02, 2 * H, 0.01);
  let h = broker.holdings();
  close(h.cash, 1000 - 20 - 0.02, 'cash after the buy');
  assert.deepEqual(Array.from(h.positions), [0, 2]);
  broker.applyFill(1, -1.999, 12, 0.023988, 3 * H, 0.01);
  h = broker.holdings();
  close(h.cash, 1000 - 20.02 + 1.999 * 12 - 0.023988, 'cash after the sell');
  close(h.positions[1], 0.001, 'the dust stays held (it is the account\'s)');
  const report = broker.report();
  assert.equal(report.trades.length, 1, 'the round trip ended');
  const trade = report.trades[0];
  assert.equal(trade.instrument, 'eth');
  assert.equal(trade.entryTime, 2 * H);
  assert.equal(trade.exitTime, 3 * H);
  assert.equal(trade.entryPrice, 10);
  assert.equal(trade.exitPrice, 12);
  close(trade.fees, 0.02 + 0.023988, 'fees');
  close(trade.pnl, -20.02 + 1.999 * 12 - 0.023988, 'pnl: the cash flows');
  assert.equal(report.fills, 2);
  assert.equal(report.portfolio.instruments[1].trades, 1);
  assert.equal(report.portfolio.instruments[0].trades, 0);
});

test('causal sizing: an order filled at a bar\'s open sees the other markets at their latest close, never at the close of that same bar', () => {
  // Both ordered at event 0 and filled at bar 1's open; market 0 (listed first) closes bar 1 at
  // `close1`, which must not change how much of market 1 the portfolio buys at bar 1's open.
  const positionsWith = (close1: number) =>
    run(
      {},
      [
        [[100, 100, 100, 100], [100, Math.max(100, close1), Math.min(100, close1), close1], [close1, close1, close1, close1]],
        [[10, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]],
      ],
      [[0.5, N, N], [0.25, N, N]],
    ).positions;
  // By hand: 1000 cash; market 0 buys 0.5 x 1000 / 100 = 5 units, leaving 500; equity at bar 1's
  // open is 500 + 5 x 100 (bar 0's close) = 1000, so market 1 buys 0.25 x 1000 / 10 = 25 units.
  for (const close1 of [100, 200, 50]) {
    const positions = positionsWith(close1);
    assert.equal(positions[0][1], 5, `market 0 when it closes bar 1 at ${close1}`);
    assert.equal(positions[1][1], 25, `market 1 when market 0 closes bar 1 at ${close1}`);
  }
});
