import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, type Trade } from './metrics.js';

const DAY = 86_400_000;
const trade = (pnl: number, open = false): Trade => ({ entryTime: 0, entryPrice: 1, exitTime: open ? null : 1, exitPrice: 1, qty: 1, fees: 1, pnl });

test('metrics of a small daily equity curve, worked out by hand', () => {
  // cash 100; equity at four daily closes: 110, 99, 108.9, 119.79
  // returns: +10%, -10%, +10%, +10%  -> mean 0.05, sample sd = sqrt(((.05)^2*3 + (.15)^2)/3) = 0.1
  const equity = [110, 99, 108.9, 119.79];
  const eventTimes = [1, 2, 3, 4].map((d) => d * DAY);
  const m = computeMetrics({ initialCash: 100, equity, eventTimes, startTime: 0, barsInMarket: 3, trades: [trade(30), trade(-10), trade(5, true)] });
  const ppy = 365.25;
  assert.equal(m.periodsPerYear, ppy);
  assert.ok(Math.abs(m.totalReturnPct - 19.79) < 1e-9);
  assert.ok(Math.abs(m.sharpe - (0.05 / 0.1) * Math.sqrt(ppy)) < 1e-9);
  // downside deviation: sqrt(0.01 / 4) = 0.05
  assert.ok(Math.abs(m.sortino - (0.05 / 0.05) * Math.sqrt(ppy)) < 1e-9);
  assert.ok(Math.abs(m.volatilityPct - 0.1 * Math.sqrt(ppy) * 100) < 1e-9);
  // peak 110 -> trough 99: 10%
  assert.ok(Math.abs(m.maxDrawdownPct - 10) < 1e-9);
  // 4 days = 4 / 365.25 years
  const cagr = Math.pow(1.1979, 365.25 / 4) - 1;
  assert.ok(Math.abs(m.cagrPct / 100 / cagr - 1) < 1e-9);
  assert.ok(Math.abs(m.calmar - cagr / 0.1) < 1e-6);
  assert.equal(m.trades, 3);
  assert.equal(m.closedTrades, 2);
  assert.equal(m.winRatePct, 50);
  assert.equal(m.profitFactor, 3);
  assert.equal(m.avgTradePnl, 10);
  assert.equal(m.exposurePct, 75);
  assert.equal(m.feesPaid, 3);
});

test('the bar spacing is the median gap, so exchange outages do not change the annualisation', () => {
  const H = 3_600_000;
  const times = [1, 2, 3, 40, 41, 42].map((h) => h * H);
  const m = computeMetrics({ initialCash: 1, equity: [1, 1, 1, 1, 1, 1], eventTimes: times, startTime: 0, barsInMarket: 0, trades: [] });
  assert.equal(m.periodsPerYear, 365.25 * 24);
  assert.ok(Number.isNaN(m.sharpe), 'no variation: Sharpe is undefined, not 0 or infinite');
  assert.ok(Number.isNaN(m.winRatePct));
});

// ---- MetricsAccumulator == computeMetrics, exactly ----

import fc from 'fast-check';
import { MetricsAccumulator, type Metrics } from './metrics.js';
import { realCandles } from '../testing/realCandles.js';

interface Run {
  initialCash: number;
  startTime: number;
  equity: Float64Array;
  eventTimes: Float64Array;
  position: Float64Array;
  closed: Trade[];
  open: Trade[];
}

/** Every field equal by Object.is (NaN equals NaN, 0 and -0 differ). */
function assertSame(actual: Metrics, expected: Metrics, label: string): void {
  for (const key of Object.keys(expected) as (keyof Metrics)[]) {
    assert.ok(Object.is(actual[key], expected[key]), `${label}: ${key} = ${actual[key]}, computeMetrics says ${expected[key]}`);
  }
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
}

function reference(run: Run, bars = run.equity.length, closedCount = run.closed.length): Metrics {
  let barsInMarket = 0;
  for (let i = 0; i < bars; i++) if (run.position[i] !== 0) barsInMarket++;
  return computeMetrics({
    initialCash: run.initialCash,
    equity: run.equity.subarray(0, bars),
    eventTimes: run.eventTimes.subarray(0, bars),
    startTime: run.startTime,
    barsInMarket,
    trades: [...run.closed.slice(0, closedCount), ...run.open],
  });
}

/** Feeds the run in chunks of the given sizes (cycled), alternating addBars and addBar. */
function accumulate(run: Run, chunks: number[], check?: (acc: MetricsAccumulator, bars: number) => void): MetricsAccumulator {
  const acc = new MetricsAccumulator(run.initialCash);
  acc.start(run.startTime);
  const n = run.equity.length;
  let closed = 0;
  for (let s = 0, k = 0; s < n; k++) {
    const len = Math.min(Math.max(1, chunks[k % chunks.length]), n - s);
    if (k % 3 === 2) {
      for (let i = s; i < s + len; i++) acc.addBar(run.equity[i], run.eventTimes[i], run.position[i] !== 0);
    } else {
      const view = (a: Float64Array) => a.subarray(s, s + len);
      acc.addBars(len, view(run.equity), view(run.eventTimes), view(run.position));
    }
    s += len;
    // trades close along the way (their times do not matter to the metrics, their order does)
    const due = Math.floor((run.closed.length * s) / n);
    for (; closed < due; closed++) acc.addClosed(run.closed[closed].pnl, run.closed[closed].fees);
    check?.(acc, s);
  }
  for (; closed < run.closed.length; closed++) acc.addClosed(run.closed[closed].pnl, run.closed[closed].fees);
  return acc;
}

/** A run on real candles: in the market for alternate stretches of a few dozen bars, a round trip per stretch. */
function realRun(file: string, rows: number): Run {
  const c = realCandles(rows, file);
  const n = c.close.length;
  const spacing = c.time[1] - c.time[0];
  const equity = new Float64Array(n);
  const position = new Float64Array(n);
  const closed: Trade[] = [];
  let cash = 10_000;
  let qty = 0;
  let entry = 0;
  for (let i = 0; i < n; i++) {
    const flip = (i * 7919) % 97 < 3; // deterministic, irregular
    if (flip && qty === 0) {
      qty = (cash / c.open[i]) * 0.999;
      entry = c.open[i];
      cash = 0;
    } else if (flip) {
      cash = qty * c.open[i] * 0.999;
      closed.push({ entryTime: 0, entryPrice: entry, exitTime: c.time[i], exitPrice: c.open[i], qty, fees: qty * c.open[i] * 0.002, pnl: qty * (c.open[i] - entry) });
      qty = 0;
    }
    position[i] = qty;
    equity[i] = cash + qty * c.close[i];
  }
  const open: Trade[] = qty ? [{ entryTime: 0, entryPrice: entry, exitTime: null, exitPrice: c.close[n - 1], qty, fees: 1.5, pnl: qty * (c.close[n - 1] - entry) }] : [];
  return { initialCash: 10_000, startTime: c.time[0], equity, eventTimes: c.time.map((t) => t + spacing), position, closed, open };
}

test('the accumulator gives exactly computeMetrics on real data (gaps, 1h, 5m, 1m), at the end and along the way', () => {
  for (const [file, rows] of [
    ['btcusdt_1h_binance_2017-08_2024-04.csv.gz', Infinity], // 28 gaps
    ['ethusdt_1h_binance_cdd_2017-08_2021-06.csv.gz', Infinity], // 31 gaps
    ['btcusdt_5m_binance_2024-12_2026-02.csv.gz', 50_000],
    ['btcusdt_1m_binance_2026-03_2026-04.csv.gz', 20_000],
  ] as const) {
    const run = realRun(file, rows);
    assert.ok(run.closed.length > 10, file);
    let checks = 0;
    const acc = accumulate(run, [1024, 1, 7, 333], (a, bars) => {
      if (bars % 7 === 0 || bars < 5) {
        // mid-run snapshots: the metrics of the bars and trades so far
        const closedSoFar = Math.floor((run.closed.length * bars) / run.equity.length);
        assertSame(a.snapshot(), reference({ ...run, open: [] }, bars, closedSoFar), `${file} after ${bars} bars`);
        checks++;
      }
    });
    assert.ok(checks > 3);
    assertSame(acc.snapshot(run.open), reference(run), file);
    assert.equal(acc.spacingsDropped, 0);
  }
});

const H = 3_600_000;
const runArbitrary = fc
  .record({
    initialCash: fc.oneof(fc.constant(10_000), fc.double({ min: 1e-3, max: 1e9, noNaN: true })),
    startTime: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2e12 })),
    bars: fc.array(
      fc.record({
        e: fc.oneof({ weight: 6, arbitrary: fc.double({ min: 1, max: 1e6, noNaN: true }) }, fc.double(), fc.constantFrom(0, -0, 1e-300, -5)),
        dt: fc.oneof({ weight: 8, arbitrary: fc.constant(H) }, fc.constantFrom(60_000, 0, 2 * H, 5 * H), fc.integer({ min: -H, max: 100 * H }), fc.double()),
        pos: fc.constantFrom(0, 0, 1, -2.5),
      }),
      { maxLength: 300 },
    ),
    closed: fc.array(fc.record({ pnl: fc.oneof(fc.double(), fc.double({ min: -100, max: 100, noNaN: true }), fc.constantFrom(0, -0)), fees: fc.double({ min: 0, max: 10, noNaN: true }) }), { maxLength: 40 }),
    open: fc.array(fc.record({ pnl: fc.double(), fees: fc.double({ min: 0, max: 10, noNaN: true }) }), { maxLength: 2 }),
    chunks: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
  })
  .map((r) => {
    const n = r.bars.length;
    const eventTimes = new Float64Array(n);
    let t = r.startTime;
    for (let i = 0; i < n; i++) eventTimes[i] = t += r.bars[i].dt;
    const trade = (x: { pnl: number; fees: number }, open: boolean): Trade => ({ entryTime: 0, entryPrice: 1, exitTime: open ? null : 1, exitPrice: 1, qty: 1, fees: x.fees, pnl: x.pnl });
    const run: Run = {
      initialCash: r.initialCash,
      startTime: r.startTime,
      equity: Float64Array.from(r.bars, (b) => b.e),
      eventTimes,
      position: Float64Array.from(r.bars, (b) => b.pos),
      closed: r.closed.map((x) => trade(x, false)),
      open: r.open.map((x) => trade(x, true)),
    };
    return { run, chunks: r.chunks };
  });

test('the accumulator gives exactly computeMetrics on random runs (fast-check)', () => {
  fc.assert(
    fc.property(runArbitrary, ({ run, chunks }) => {
      assertSame(accumulate(run, chunks).snapshot(run.open), reference(run), 'random run');
    }),
    { numRuns: 2000 },
  );
});

test('the spacing histogram gives the median of computeMetrics without the majority shortcut (irregular times)', () => {
  // no spacing has a majority: computeMetrics sorts; the histogram must find the same element
  const times = Float64Array.from([0, 5, 7, 17, 18, 30, 31, 33, 50, 51, 59], (x) => x * 60_000);
  const run: Run = { initialCash: 1, startTime: 0, equity: new Float64Array(times.length).fill(1), eventTimes: times, position: new Float64Array(times.length), closed: [], open: [] };
  const m = accumulate(run, [3]).snapshot();
  assertSame(m, reference(run), 'irregular');
  // spacings 5 2 10 1 12 1 2 17 1 8 (minutes), sorted 1 1 1 2 2 [5] 8 10 12 17: index 10 >> 1
  assert.equal(m.periodsPerYear, (365.25 * 24 * 60) / 5);
});
