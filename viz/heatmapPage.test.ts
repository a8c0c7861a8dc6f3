import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heatmapPage, viridis, type HeatmapData } from './heatmapPage.js';

const data: HeatmapData = {
  title: 'sma-cross',
  subtitle: 'graphs/sma-cross.yaml',
  metric: { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 },
  rows: { name: 'fast', values: [1, 5] },
  columns: { name: 'slow', values: [20, 30, 40] },
  cells: [
    [
      { status: 'invalid', value: null, message: 'error params/range nodes.fast.params.timePeriod: expected >= 2, found 1' },
      { status: 'invalid', value: null, message: 'x' },
      { status: 'failed', value: null, message: 'no data' },
    ],
    [
      { status: 'ok', value: 0.5, details: { sharpe: 0.5, trades: 10 } },
      { status: 'ok', value: 1.25, details: { sharpe: 1.25, trades: 8 } },
      { status: 'ok', value: null, details: { sharpe: null, trades: 0 } },
    ],
  ],
};

test('cells coloured by the metric (best = the top of the scale, outlined); invalid, failed and n/a cells say so', () => {
  const page = heatmapPage(data);
  assert.equal((page.match(/<td class="cell /g) ?? []).length, 6);
  assert.equal((page.match(/<td class="cell invalid"/g) ?? []).length, 2);
  assert.match(page, /<td class="cell failed"[^>]*>failed<\/td>/);
  assert.match(page, /<td class="cell na"[^>]*>n\/a<\/td>/);
  assert.match(page, new RegExp(`<td class="cell ok best" data-row="1" data-col="1" data-status="ok" data-value="1.25" style="background:${viridis(1)};`));
  assert.match(page, new RegExp(`data-value="0.5" style="background:${viridis(0)};`));
  assert.match(page, /title="fast=1, slow=20: invalid\nerror params\/range/);
  assert.match(page, /best sharpe 1\.25 at fast=5, slow=30/);
  assert.equal(page, heatmapPage(data), 'same data, same bytes');
});

test('lower-is-better metrics put the smallest value at the top of the scale', () => {
  const dd: HeatmapData = { ...data, metric: { key: 'maxDrawdownPct', label: 'max drawdown %', higherIsBetter: false, digits: 2 } };
  const page = heatmapPage(dd);
  assert.match(page, new RegExp(`data-value="0.5" style="background:${viridis(1)};`));
  assert.match(page, /lower is better/);
});

test('a one-param grid is a single column', () => {
  const one: HeatmapData = { ...data, columns: undefined, cells: [[data.cells[1][0]], [data.cells[1][1]]] };
  const page = heatmapPage(one);
  assert.match(page, /<th class="corner">fast ↓<\/th><th>sharpe<\/th>/);
  assert.equal((page.match(/<td class="cell /g) ?? []).length, 2);
});

test('viridis runs from purple to yellow', () => {
  assert.equal(viridis(0), '#440154');
  assert.equal(viridis(1), '#fde725');
  assert.equal(viridis(-1), '#440154');
});
