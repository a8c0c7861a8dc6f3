/**
 * `hean walkforward` on the real hourly file: contiguous test windows after their train windows
 * (rolling or anchored, with a purge gap), the best params of each train window, and a stitched
 * out-of-sample equity that chains the windows' returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
const DAY = 86_400_000;

function walkforward(...args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'walkforward', graph, '--grid', 'fast=10,20', '--grid', 'slow=50,100', '--json', ...args], { env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('walkforward: rolling windows, each test window right after its train window, the stitched return the product of the windows\'', () => {
  const wf = walkforward('--train', '2y', '--test', '1y', '--purge', '7d');
  // 2017-08-17 .. 2024-04-21: test windows from 2019-08-17, a year each, the last cut at the data's end.
  assert.deepEqual(wf.folds.map((f: { testFrom: string }) => f.testFrom), ['2019-08-17', '2020-08-17', '2021-08-17', '2022-08-17', '2023-08-17']);
  for (const [k, f] of wf.folds.entries()) {
    assert.equal(Date.parse(f.testFrom) - Date.parse(f.trainTo), 7 * DAY, 'the purge gap');
    assert.ok(Date.parse(f.trainTo) - Date.parse(f.trainFrom) >= 730 * DAY && Date.parse(f.trainTo) - Date.parse(f.trainFrom) <= 731 * DAY, 'two years of training');
    if (k > 0) assert.equal(f.testFrom, wf.folds[k - 1].testTo, 'test windows are contiguous');
    assert.equal(f.combinations, 4);
    assert.ok([10, 20].includes(f.params.fast) && [50, 100].includes(f.params.slow));
  }
  const chained = wf.folds.reduce((p: number, f: { outOfSample: { totalReturnPct: number } }) => p * (1 + f.outOfSample.totalReturnPct / 100), 1) - 1;
  assert.ok(Math.abs(wf.stitched.totalReturnPct / 100 - chained) < 1e-9, `${wf.stitched.totalReturnPct} vs ${chained * 100}`);
  assert.equal(wf.stitched.trades, wf.folds.reduce((s: number, f: { outOfSample: { trades: number } }) => s + f.outOfSample.trades, 0));
});

test('walkforward --anchored: every train window starts at the data\'s start', () => {
  const wf = walkforward('--train', '3y', '--test', '2y', '--anchored');
  assert.deepEqual(wf.folds.map((f: { trainFrom: string; testFrom: string }) => [f.trainFrom, f.testFrom]), [['2017-08-17', '2020-08-17'], ['2017-08-17', '2022-08-17']]);
});

const page = join(mkdtempSync(join(tmpdir(), 'hean-wf-')), 'wf.html');

test('walkforward --param --trials: TPE on each train window (same seed, same folds), beside the graph\'s own params over the same span', () => {
  const run = () => {
    const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'walkforward', graph, '--param', 'fast=5..30', '--param', 'slow=40..100', '--trials', '12', '--train', '3y', '--test', '2y', '--json', '--page', page, '--overwrite'], { env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  const wf = run();
  // The page: a row per fold with its params, and the comparison named.
  const html = readFileSync(page, 'utf8');
  for (const f of wf.folds) assert.ok(html.includes(f.testFrom), f.testFrom);
  assert.match(html, /the graph&#39;s own fast=10, slow=30|the graph's own fast=10, slow=30/);
  assert.deepEqual(wf.tune, { space: { fast: { type: 'int', low: 5, high: 30 }, slow: { type: 'int', low: 40, high: 100 } }, trials: 12, sampler: 'tpe', seed: 0 });
  assert.equal(wf.folds.length, 2);
  for (const f of wf.folds) {
    assert.equal(f.combinations, 12, 'the trials of each train window');
    assert.ok(f.params.fast >= 5 && f.params.fast <= 30 && f.params.slow >= 40 && f.params.slow <= 100, JSON.stringify(f.params));
  }
  assert.deepEqual(run().folds, wf.folds, 'deterministic');
  // The comparison: graphs/sma-cross.yaml's own fast=10, slow=30, over the stitched span.
  assert.deepEqual(wf.fixed.params, { fast: 10, slow: 30 });
  assert.equal(wf.fixed.metrics.endTime, wf.stitched.endTime);
  assert.equal(wf.fixed.metrics.bars, wf.stitched.bars);
  const bad = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'walkforward', graph, '--param', 'fast=5..30', '--grid', 'slow=40', '--train', '3y', '--test', '2y'], { env, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /by a sweep \(--grid\) or by tuning \(--param with --trials\), not both/);
});
