import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EQUITY_BUCKETS, walkForwardPage, type WalkForwardPageData } from './walkForwardPage.js';
import { syntheticWalkForward } from './testing.js';

const count = (page: string, re: RegExp) => (page.match(new RegExp(re.source, 'g')) ?? []).length;

function svg(page: string, cls: string, from = 0): string {
  const start = page.indexOf(`<svg class="chart ${cls}"`, from);
  assert.ok(start >= 0, `no svg.${cls}`);
  return page.slice(start, page.indexOf('</svg>', start));
}

const DAY = 86_400_000;

/** Two folds over 2021, equity from 100 to `last` over 10 daily points. */
function small(last = 110): WalkForwardPageData {
  const t0 = Date.UTC(2021, 0, 1);
  return {
    title: 'wf',
    metric: { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 },
    params: ['fast'],
    folds: [
      { index: 1, trainFrom: Date.UTC(2020, 0, 1), trainTo: t0, testFrom: t0, testTo: t0 + 5 * DAY, params: { fast: 5 }, inSample: 1.5, outOfSample: 0.5, returnPct: 4, trades: 3 },
      { index: 2, trainFrom: Date.UTC(2020, 0, 6), trainTo: t0 + 5 * DAY, testFrom: t0 + 5 * DAY, testTo: t0 + 10 * DAY, params: { fast: 10 }, inSample: 1.2, outOfSample: -0.1, returnPct: -1, trades: 2 },
    ],
    stitched: { t: Array.from({ length: 10 }, (_, i) => t0 + i * DAY), equity: Array.from({ length: 10 }, (_, i) => 100 + ((last - 100) * i) / 9) },
    summary: [{ label: 'Sharpe', inSample: '1.35', outOfSample: '0.20' }],
  };
}

test('headline, stitched equity with one band per fold, fold table, a stability chart per param', () => {
  const data = syntheticWalkForward(12);
  const page = walkForwardPage(data);
  assert.equal(count(page.slice(0, page.indexOf('</table>')), /<tr><td class="l">/), 3, 'one headline row per summary row');
  const equity = svg(page, 'equity-chart');
  assert.equal(count(equity, /<g class="fold-band (even|odd)"/), 12);
  assert.equal(count(equity, /<g class="fold-band odd"/), 6, 'alternating');
  for (const f of data.folds) assert.match(equity, new RegExp(`data-item="${f.index}"><rect [^>]+/><text [^>]+>${f.index}</text>`));
  assert.match(equity, new RegExp(`<path class="equity stitched" data-points="${data.stitched.t.length}"`), '1092 points: below the display limit, all kept');
  assert.equal(count(equity, /<path class="equity comparison"/), 1);
  assert.match(page, /<i class="comparison" style="border-color:#6b7280"><\/i>fixed params \(fast=10, slow=30\)/);
  assert.equal(count(page, /<tr data-item="\d+"/), 12);
  assert.match(page, /<td class="l">2020-01-01 \.\. 2020-12-31<\/td><td class="l">2020-12-31 \.\. 2021-04-01<\/td>/, 'dates as YYYY-MM-DD (UTC)');
  const stability = page.split('<figure class="stability-param">').slice(1);
  assert.equal(stability.length, 3);
  for (const s of stability) assert.equal(count(s, /<circle class="choice"/), 11, 'every fold but the one without params');
  assert.equal(page, walkForwardPage(structuredClone(data)), 'same data, same bytes');
});

test('a fold without params: said in its row, a gap in the step line', () => {
  const page = walkForwardPage(syntheticWalkForward(6));
  assert.match(page, /<tr data-item="3" class="no-params"><td>3<\/td>.*no params: no trial had a value in sample/);
  const fast = page.split('<figure class="stability-param">')[1];
  const d = /<path class="steps" d="([^"]+)"/.exec(fast)![1];
  assert.equal(count(d, /M/), 2, 'folds 1-2, then 4-6');
  assert.equal(count(d, /H/), 3);
  assert.match(fast, /\(1 fold without a choice\)/);
});

test('stability charts are scaled to the param\'s grid: values never chosen still set the axis', () => {
  const page = walkForwardPage(syntheticWalkForward(6));
  const [, fast, , kind] = page.split('<figure class="stability-param">');
  const y = (s: string, fold: number) => Number(new RegExp(`data-item="${fold}" cx="[\\d.]+" cy="([\\d.]+)"`).exec(s)![1]);
  // fast by fold: 5, 10, -, 15, 20, 5 on a grid of 5..25.
  assert.ok(y(fast, 1) > y(fast, 2) && y(fast, 2) > y(fast, 4) && y(fast, 4) > y(fast, 5), 'larger values higher');
  assert.equal(y(fast, 1), y(fast, 6));
  assert.match(fast, />25<\/text>/, 'the grid\'s top (25) is on the axis though never chosen');
  assert.match(kind, />sma<\/text>.*>ema<\/text>.*>wma<\/text>/s, 'categories in grid order, wma (never chosen) included');
  assert.ok(y(kind, 1) > y(kind, 2), 'sma below ema');
});

test('log scale when the equity at least doubles (said in the heading), linear otherwise', () => {
  assert.match(walkForwardPage(small(110)), /linear scale/);
  const log = walkForwardPage(small(400));
  assert.match(log, /log scale/);
  const equity = svg(log, 'equity-chart');
  const tick = (label: string) => Number(new RegExp(`y1="([\\d.]+)" y2="[\\d.]+"/><text [^>]+>${label}</text>`).exec(equity)![1]);
  // Equal ratios, equal distances: 100 -> 200 spans as much as 200 -> 400.
  assert.ok(Math.abs(tick('100') - tick('200') - (tick('200') - tick('400'))) < 0.2, `${tick('100')} ${tick('200')} ${tick('400')}`);
});

test('long series are downsampled deterministically, first and last points kept', () => {
  const data = small();
  const n = 200_000;
  const t0 = data.stitched.t[0];
  data.stitched = { t: Array.from({ length: n }, (_, i) => t0 + i * 60_000), equity: Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 1000) * 10 + i / 10_000) };
  const page = walkForwardPage(data);
  const points = Number(/data-points="(\d+)"/.exec(page)![1]);
  assert.ok(points <= EQUITY_BUCKETS * 4 && points >= EQUITY_BUCKETS * 2, `${points} points`);
  const d = /<path class="equity stitched" [^>]* d="([^"]+)"/.exec(page)![1];
  assert.equal(count(d, /[ML]/), points);
  assert.equal(page, walkForwardPage(structuredClone(data)));
});

test('edge cases: empty stitched series, non-finite equity, no folds', () => {
  const empty = small();
  empty.stitched = { t: [], equity: [] };
  const page = walkForwardPage(empty);
  assert.match(page, /No stitched out-of-sample equity to draw/);
  assert.doesNotMatch(page, /equity-chart/);
  assert.equal(count(page, /<tr data-item=/), 2, 'the folds are still listed');

  const holes = small();
  holes.stitched.equity[3] = Infinity;
  holes.stitched.equity[4] = NaN;
  const withHoles = walkForwardPage(holes);
  assert.match(withHoles, /data-points="8"/);
  assert.match(withHoles, /2 non-finite points of walk-forward, out of sample \(stitched\) not drawn/);
  assert.doesNotMatch(withHoles, /NaN|Infinity/);

  const single = small();
  single.folds = [];
  single.stitched = { t: [Date.UTC(2021, 5, 1)], equity: [100] };
  const one = walkForwardPage(single);
  assert.match(one, /<circle class="equity-point stitched" cx="[\d.]+"/);
  assert.match(one, />2021-06-01<\/text>/, 'a day either side of the one point');

  const none = walkForwardPage({ ...small(), folds: [], stitched: { t: [], equity: [] } });
  assert.match(none, /No folds/);
  assert.doesNotMatch(none, /<svg/);
});

test('hostile names are escaped everywhere', () => {
  const data = small();
  data.title = '<script>alert(1)</script>';
  data.params = ['<b>"x"'];
  data.folds[0].params = { '<b>"x"': '<img src=x>' };
  data.folds[1].params = { '<b>"x"': 'a&b' };
  data.comparisons = [{ label: '</title><i>', t: data.stitched.t, equity: data.stitched.equity }];
  data.summary = [{ label: '<u>', inSample: '<1>', outOfSample: '&' }];
  const page = walkForwardPage(data);
  for (const raw of [/<script>alert/, /<b>/, /<img/, /<\/title><i>/, /<u>/, /<1>/]) assert.doesNotMatch(page, raw);
  assert.match(page, /&lt;b&gt;&quot;x&quot;/);
  assert.match(page, /a&amp;b/);
  assert.equal(count(page, /<\/script>/), 2);
});
