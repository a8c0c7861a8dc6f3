import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BEST_TRIALS, tunePage, type TunePageData, type TuneTrial } from './tunePage.js';
import { syntheticStudy } from './testing.js';

const count = (page: string, re: RegExp) => (page.match(new RegExp(re.source, 'g')) ?? []).length;

/** The SVG element of class `cls` (the first one). */
function svg(page: string, cls: string): string {
  const start = page.indexOf(`<svg class="chart ${cls}"`);
  assert.ok(start >= 0, `no svg.${cls}`);
  return page.slice(start, page.indexOf('</svg>', start));
}

const sharpeOnly = (trials: TuneTrial[]): TunePageData => ({
  title: 'tune: t',
  objectives: [{ key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 }],
  params: [{ name: 'fast', type: 'int', low: 1, high: 10 }],
  trials,
});
const trial = (number: number, value: number | null, state: TuneTrial['state'] = 'complete'): TuneTrial => ({ number, params: { fast: number + 1 }, values: [value], state });

test('history: one mark per trial with a finite value, complete filled and pruned hollow; failed counted', () => {
  const data = syntheticStudy(120);
  const page = tunePage(data);
  const history = svg(page, 'history');
  const complete = data.trials.filter((t) => t.state === 'complete').length;
  const pruned = data.trials.filter((t) => t.state === 'pruned').length;
  const failed = data.trials.filter((t) => t.state === 'failed').map((t) => t.number);
  assert.equal(complete + pruned + failed.length, 120);
  assert.equal(count(history, /<circle class="trial complete"/), complete);
  assert.equal(count(history, /<circle class="trial pruned"/), pruned);
  assert.match(page, new RegExp(`Not drawn: ${failed.length} failed \\(#${failed[0]}, #${failed[1]}`));
  assert.match(page, new RegExp(`120 trials: ${complete} complete, ${pruned} pruned, ${failed.length} failed`));
  assert.equal(page, tunePage(structuredClone(data)), 'same data, same bytes');
});

/** The best-so-far path's vertices: [x, y] after each H/V command. */
function bestLine(page: string): [number, number][] {
  const d = /<path class="best-line" d="([^"]+)"/.exec(svg(page, 'history'))![1];
  const m = /^M([-\d.]+) ([-\d.]+)/.exec(d)!;
  let x = Number(m[1]);
  let y = Number(m[2]);
  const out: [number, number][] = [[x, y]];
  for (const [, cmd, v] of d.slice(m[0].length).matchAll(/([HV])([-\d.]+)/g)) {
    if (cmd === 'H') x = Number(v);
    else y = Number(v);
    out.push([x, y]);
  }
  return out;
}

test('best so far: steps only at complete trials that beat every earlier one, monotone, to the last trial', () => {
  // Values 1, 0.5, 2, (pruned 3), 1.5, 2.5: records at trials 0, 2 and 5; the pruned 3 is not a record.
  const page = tunePage(sharpeOnly([trial(0, 1), trial(1, 0.5), trial(2, 2), trial(3, 3, 'pruned'), trial(4, 1.5), trial(5, 2.5), trial(6, 0)]));
  const line = bestLine(page);
  const ys = [...new Set(line.map((p) => p[1]))];
  assert.equal(ys.length, 3, 'three levels: 1, 2, 2.5');
  for (let k = 1; k < line.length; k++) {
    assert.ok(line[k][0] >= line[k - 1][0], 'x never goes back');
    assert.ok(line[k][1] <= line[k - 1][1], 'higher is better: y (pixels, downward) never increases');
  }
  const dot = (n: number) => Number(new RegExp(`data-item="${n}" cx="([\\d.]+)" cy="([\\d.]+)"`).exec(page)![2]);
  assert.deepEqual(ys, [dot(0), dot(2), dot(5)], 'the levels are the record trials\' values');
  assert.equal(line.at(-1)![0], Number(new RegExp('data-item="6" cx="([\\d.]+)"').exec(page)![1]), 'flat to the last trial');

  const synthetic = tunePage(syntheticStudy(120));
  const big = bestLine(synthetic);
  for (let k = 1; k < big.length; k++) assert.ok(big[k][1] <= big[k - 1][1] && big[k][0] >= big[k - 1][0]);
});

test('lower is better: the best-so-far line only goes down in value (up in pixels)', () => {
  const data = sharpeOnly([trial(0, 5), trial(1, 7), trial(2, 3), trial(3, 4), trial(4, 1)]);
  data.objectives[0] = { key: 'maxDrawdownPct', label: 'max drawdown %', higherIsBetter: false, digits: 1 };
  const line = bestLine(tunePage(data));
  assert.equal(new Set(line.map((p) => p[1])).size, 3, 'records 5, 3, 1');
  for (let k = 1; k < line.length; k++) assert.ok(line[k][1] >= line[k - 1][1]);
});

test('Pareto front: every front trial marked, joined in order of the first objective; the table lists the front', () => {
  const data = syntheticStudy(120);
  const page = tunePage(data);
  const pareto = svg(page, 'pareto');
  const front = data.paretoFront!;
  assert.ok(front.length >= 3, `${front.length} on the front`);
  const drawn = data.trials.filter((t) => t.state === 'complete').length;
  assert.equal(count(pareto, /<circle class="trial front"/), front.length);
  assert.equal(count(pareto, /<circle class="trial"/), drawn - front.length);
  for (const n of front) assert.match(pareto, new RegExp(`<circle class="trial front" data-item="${n}"`));
  const xs = /<polyline class="front-line" points="([^"]+)"/.exec(pareto)![1].split(' ').map((p) => Number(p.split(',')[0]));
  assert.equal(xs.length, front.length);
  assert.deepEqual(xs, [...xs].sort((a, b) => a - b), 'joined left to right');
  const best = page.slice(page.indexOf('<table class="data trials best"'));
  assert.equal(count(best.slice(0, best.indexOf('</table>')), /<tr data-item=/), front.length);
});

test('one objective: no Pareto section; the best table is the top 10 by the objective', () => {
  const values = [0.3, 1.2, -0.4, 2.1, 0.9, 1.8, 0.1, 1.1, 1.5, 0.7, 1.3, 0.2, 2.0];
  const page = tunePage(sharpeOnly(values.map((v, k) => trial(k, v))));
  assert.doesNotMatch(page, /Pareto/);
  const best = page.slice(page.indexOf('<table class="data trials best"'));
  const order = [...best.slice(0, best.indexOf('</table>')).matchAll(/<tr data-item="(\d+)">/g)].map((m) => Number(m[1]));
  assert.equal(order.length, BEST_TRIALS);
  assert.deepEqual(order, [3, 12, 5, 8, 10, 1, 7, 4, 9, 0]);
});

test('importance bars are scaled to the largest; slices have one point per complete trial, log axes where asked', () => {
  const data = syntheticStudy(60);
  const page = tunePage(data);
  assert.equal(count(page, /<div class="imp-row">/), 4);
  assert.match(page, /<span class="name">fast<\/span><span class="bar"><i style="width:100%"><\/i><\/span><span class="val">0\.55<\/span>/);
  assert.match(page, /<span class="name">slow<\/span><span class="bar"><i style="width:54\.5%">/, '0.30 / 0.55');
  const complete = data.trials.filter((t) => t.state === 'complete').length;
  const slices = page.split('<figure class="slice">').slice(1);
  assert.equal(slices.length, 4);
  for (const s of slices) assert.equal(count(s, /<circle class="trial"/), complete);
  assert.match(slices[1], /slow \(log\)/);
  assert.match(slices[2], />0\.001<\/text>.*>0\.01<\/text>.*>0\.1<\/text>/s, 'stop on a log axis from 0.001 to 0.1');
  assert.match(slices[3], />sma<\/text>.*>ema<\/text>.*>wma<\/text>/s, 'categories in their declared order');
});

test('hostile names are escaped everywhere; the details data cannot close its script', () => {
  const data = sharpeOnly([{ number: 0, params: { 'a"<b>&': '</script><img src=x onerror=alert(1)>' }, values: [1], state: 'complete', metrics: { '<m>': 1 } }]);
  data.title = '<script>alert(1)</script>';
  data.subtitle = 'x & "y"';
  data.params = [{ name: 'a"<b>&', type: 'categorical', choices: ['</script><img src=x onerror=alert(1)>'] }];
  const page = tunePage(data);
  assert.doesNotMatch(page, /<script>alert/);
  assert.doesNotMatch(page, /<img/);
  assert.doesNotMatch(page, /<b>/);
  assert.doesNotMatch(page, /<m>/);
  assert.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(page, /a&quot;&lt;b&gt;&amp;/);
  assert.match(page, /x &amp; &quot;y&quot;/);
  assert.equal(count(page, /<\/script>/), 2, 'only the data and the script elements close');
});

test('edge cases: no trials, one trial, all values null, infinite values', () => {
  const empty = tunePage(sharpeOnly([]));
  assert.match(empty, /0 trials: 0 complete, 0 pruned, 0 failed/);
  assert.match(empty, /No trial has a finite Sharpe to draw/);
  assert.match(empty, /No complete trial has a value to rank/);
  assert.doesNotMatch(empty, /<svg/);

  const one = tunePage(sharpeOnly([trial(4, 0.8)]));
  assert.equal(count(svg(one, 'history'), /<circle class="trial complete"/), 1);
  assert.match(one, /best Sharpe <strong>0\.80<\/strong> at trial #4/);
  assert.doesNotMatch(one, /NaN|Infinity/);

  const nulls = tunePage(sharpeOnly([trial(0, null), trial(1, null), trial(2, null, 'failed')]));
  assert.match(nulls, /no complete trial has a value of Sharpe/);
  assert.match(nulls, /Not drawn: 1 failed \(#2\); 2 complete without a value \(#0, #1\)/);
  assert.doesNotMatch(nulls, /<svg/);

  const inf = tunePage(sharpeOnly([trial(0, 1), trial(1, Infinity), trial(2, -Infinity), trial(3, 2)]));
  assert.equal(count(svg(inf, 'history'), /<circle class="trial complete"/), 2);
  assert.match(inf, /2 with an infinite value \(#1, #2\)/);
  assert.doesNotMatch(inf.slice(0, inf.indexOf('<details')), /NaN|Infinity/);

  const failedOnly = tunePage({ ...syntheticStudy(3), trials: [trial(0, null, 'failed')], paretoFront: [] });
  assert.match(failedOnly, /No complete trial has finite values of both/);
});
