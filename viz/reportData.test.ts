import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics } from '../runtime/portfolio/metrics.js';
import { buyAndHold, drawdownPct, monthlyReturns } from './reportData.js';

const H = 3_600_000;

test('drawdown: 0 at new highs, the starting cash counts as a peak, its minimum is the max drawdown metric', () => {
  const equity = [100, 90, 120, 60, 130, 125];
  const dd = drawdownPct(equity, 110);
  assert.deepEqual([...dd].map((v) => Number(v.toFixed(6))), [-9.090909, -18.181818, 0, -50, 0, -3.846154]);
  const m = computeMetrics({ initialCash: 110, equity, eventTimes: equity.map((_, i) => (i + 1) * H), startTime: 0, barsInMarket: 0, trades: [] });
  assert.ok(Math.abs(-Math.min(...dd) - m.maxDrawdownPct) < 1e-12);
});

test('buy and hold: the starting cash in the instrument from the first close', () => {
  assert.deepEqual([...buyAndHold([50, 100, 25], 1000)], [1000, 2000, 500]);
});

test('monthly returns: a bar closing at midnight on the 1st ends the previous month; months compound to the year', () => {
  const jan31 = Date.UTC(2021, 0, 31, 23);
  // Bars closing at Jan 31 23:00, Feb 1 00:00 (the last January bar), Feb 1 01:00, Mar 1 01:00, Jan 1 2022 01:00.
  const times = [jan31, jan31 + H, jan31 + 2 * H, Date.UTC(2021, 2, 1, 1), Date.UTC(2022, 0, 1, 1)];
  const equity = [110, 121, 121, 96.8, 193.6];
  const years = monthlyReturns(equity, times, 100);
  assert.equal(years.length, 2);
  const [y2021, y2022] = years;
  assert.equal(y2021.year, 2021);
  assert.ok(Math.abs(y2021.months[0]! - 21) < 1e-9, 'January: 100 -> 121');
  assert.ok(Math.abs(y2021.months[1]! - 0) < 1e-9, 'February: 121 -> 121');
  assert.ok(Math.abs(y2021.months[2]! + 20) < 1e-9, 'March: 121 -> 96.8');
  assert.equal(y2021.months[3], null);
  assert.ok(Math.abs(y2021.total + 3.2) < 1e-9, '2021: 100 -> 96.8');
  assert.ok(Math.abs(y2022.months[0]! - 100) < 1e-9);
  assert.ok(Math.abs(y2022.total - 100) < 1e-9);
  const compounded = years.reduce((acc, y) => acc * (1 + y.total / 100), 1);
  assert.ok(Math.abs(compounded - 1.936) < 1e-12);
});

test('monthly returns of no bars: no years', () => {
  assert.deepEqual(monthlyReturns([], [], 100), []);
});
