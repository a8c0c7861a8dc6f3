/**
 * `hean tune` on the real hourly file: a seeded TPE search is reproducible, keeps to the space
 * and the constraint, and finds what a plain run of its best params finds. (That TPE finds better
 * points than random search with the same budget is checked on Branin and Hartmann-6 in
 * runtime/tune/tpe.benchmark.test.ts; on sma-cross's flat top it makes no difference.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-tune-'));
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');

function hean(...args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `hean ${args.join(' ')}\n${r.stderr}`);
  return r;
}

const search = ['--param', 'fast=5..50', '--param', 'slow=10..100', '--where', 'fast < slow', '--trials', '40'];

test('tune: seeded TPE is reproducible, stays in the space and the constraint, and its best is a plain run of those params', () => {
  const a = JSON.parse(hean('tune', graph, ...search, '--seed', '7', '--json').stdout);
  const b = JSON.parse(hean('tune', graph, ...search, '--seed', '7', '--json', '-o', 'trials.csv').stdout);
  assert.equal(a.trials.length, 40);
  assert.deepEqual(b.trials, a.trials, 'the same seed gives the same trials');
  for (const t of a.trials) {
    assert.ok(Number.isInteger(t.params.fast) && t.params.fast >= 5 && t.params.fast <= 50);
    assert.ok(Number.isInteger(t.params.slow) && t.params.slow >= 10 && t.params.slow <= 100);
    assert.ok(t.params.fast < t.params.slow, 'the constraint holds');
  }
  const best = a.trials.filter((t: { value: number | null }) => t.value !== null).reduce((x: { value: number }, y: { value: number }) => (y.value > x.value ? y : x));
  assert.equal(a.best.value, best.value);
  const single = JSON.parse(hean('run', graph, '--set', `fast=${a.best.params.fast}`, '--set', `slow=${a.best.params.slow}`, '--json').stdout);
  assert.equal(single.sharpe, a.best.value);
  assert.equal(a.selection.trials, 40);
  assert.equal(readFileSync(join(dir, 'trials.csv'), 'utf8').trim().split('\n').length, 41);
  const other = JSON.parse(hean('tune', graph, ...search, '--seed', '8', '--json').stdout);
  assert.notDeepEqual(other.trials.map((t: { params: object }) => t.params), a.trials.map((t: { params: object }) => t.params), 'another seed samples other points');
});
