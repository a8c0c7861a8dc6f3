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
