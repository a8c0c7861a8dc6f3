import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extent, formatDate, linearTicks, logTickLabel, logTicks, px, tickLabels, timeTicks } from './svgChart.js';

test('linear ticks are 1, 2 or 5 × 10^k inside the domain', () => {
  assert.deepEqual(linearTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(linearTicks(-2.3, 1.7, 4), [-2, -1, 0, 1]);
  assert.deepEqual(linearTicks(0.001, 0.0042, 4), [0.001, 0.002, 0.003, 0.004]);
  assert.deepEqual(linearTicks(0.001, 0.0042, 3), [0.002, 0.004], 'the smallest nice step at least span / count');
  assert.deepEqual(linearTicks(3, 3), [3]);
});

test('log ticks: 1-2-5 per decade, only 1 and 3 over wider spans, linear ticks inside a short span', () => {
  assert.deepEqual(logTicks(1, 10), [1, 2, 5, 10]);
  assert.deepEqual(logTicks(1, 100), [1, 3, 10, 30, 100]);
  assert.deepEqual(logTicks(1, 1e6), [1, 10, 100, 1000, 10000, 100000, 1000000]);
  assert.deepEqual(logTicks(0.001, 0.1), [0.001, 0.003, 0.01, 0.03, 0.1]);
  assert.deepEqual(logTicks(9000, 26000), [10000, 15000, 20000, 25000]);
});

test('tick labels: decimals from the step, thousands as K, millions as M', () => {
  assert.deepEqual(tickLabels([0, 0.5, 1]), ['0.0', '0.5', '1.0']);
  assert.deepEqual(tickLabels([10000, 15000, 20000]), ['10K', '15K', '20K']);
  assert.deepEqual(tickLabels([1_000_000, 1_500_000]), ['1.0M', '1.5M']);
  assert.deepEqual(tickLabels([100, 200]), ['100', '200']);
});

test('log tick labels are each their own shortest text', () => {
  assert.deepEqual([0.001, 0.003, 0.01, 0.1, 1, 1000, 20000, 1_500_000].map(logTickLabel), ['0.001', '0.003', '0.01', '0.1', '1', '1,000', '20K', '1.5M']);
});

test('time ticks fall on calendar boundaries (UTC)', () => {
  const years = timeTicks(Date.UTC(2017, 7, 17), Date.UTC(2024, 3, 1));
  assert.deepEqual(years.map((t) => t.label), ['2018', '2019', '2020', '2021', '2022', '2023', '2024']);
  assert.equal(years[0].v, Date.UTC(2018, 0, 1));
  const months = timeTicks(Date.UTC(2021, 0, 15), Date.UTC(2023, 11, 20), 8);
  assert.deepEqual(months.map((t) => t.label), ['2021-07', '2022-01', '2022-07', '2023-01', '2023-07']);
  const days = timeTicks(Date.UTC(2024, 3, 1, 12), Date.UTC(2024, 3, 6));
  assert.deepEqual(days.map((t) => t.label), ['2024-04-02', '2024-04-03', '2024-04-04', '2024-04-05', '2024-04-06']);
});

test('extent skips non-finite values and widens a single value', () => {
  assert.deepEqual(extent([3, Infinity, NaN, 1]), [1, 3]);
  assert.deepEqual(extent([5]), [4.5, 5.5]);
  assert.deepEqual(extent([0]), [-1, 1]);
  assert.equal(extent([NaN]), undefined);
});

test('pixels to 0.1, never -0; dates as YYYY-MM-DD UTC', () => {
  assert.equal(px(12.345), '12.3');
  assert.equal(px(-0.01), '0');
  assert.equal(formatDate(Date.UTC(2020, 11, 31, 23, 59)), '2020-12-31');
  assert.equal(formatDate(NaN), 'n/a');
});
