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

interface TrialJson { index: number; params: Record<string, number>; status: string; value: number | null; values: (number | null)[]; intermediate?: [number, number][] }

test('tune --objectives: the front is exactly the complete trials no other beats on both objectives; importance sums to 1; a page is drawn', () => {
  const r = JSON.parse(hean('tune', graph, ...search, '--objectives', 'sharpe,maxDrawdownPct', '--page', 'mo.html', '--json').stdout);
  assert.deepEqual(r.objectives, [{ key: 'sharpe', direction: 'maximize' }, { key: 'maxDrawdownPct', direction: 'minimize' }]);
  const complete = (r.trials as TrialJson[]).filter((t) => t.status === 'ok');
  // a dominates b: Sharpe no lower and drawdown no higher, and better in one.
  const dominates = (a: TrialJson, b: TrialJson) => a.values[0]! >= b.values[0]! && a.values[1]! <= b.values[1]! && (a.values[0]! > b.values[0]! || a.values[1]! < b.values[1]!);
  const expected = complete.filter((t) => !complete.some((o) => dominates(o, t))).map((t) => t.index + 1);
  assert.deepEqual(r.front, expected);
  assert.ok(expected.length >= 2, 'Sharpe and drawdown pull apart: more than one trial on the front');
  assert.ok(Math.abs(r.importance.reduce((s: number, p: { importance: number }) => s + p.importance, 0) - 1) < 1e-12);
  const page = readFileSync(join(dir, 'mo.html'), 'utf8');
  assert.match(page, /Pareto/);
});

test('tune --prune median: a trial is stopped only when its best so far is below the median of the complete trials before it at that checkpoint', () => {
  const r = JSON.parse(hean('tune', graph, ...search, '--prune', 'median', '--checkpoints', '5', '--json').stdout);
  const trials = r.trials as TrialJson[];
  const pruned = trials.filter((t) => t.status === 'pruned');
  assert.ok(pruned.length > 0 && pruned.length === r.pruned);
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  for (const p of pruned) {
    const [step] = p.intermediate!.at(-1)!;
    assert.ok(step < 4, 'never at the end');
    const before = trials.filter((t) => t.index < p.index && t.status === 'ok');
    assert.ok(before.length >= 5, "Optuna's 5 startup trials are never pruned");
    const atStep = before.map((t) => t.intermediate!.find(([s]) => s === step)?.[1]).filter((v): v is number => v !== undefined);
    const bestSoFar = Math.max(...p.intermediate!.map(([, v]) => v));
    assert.ok(bestSoFar < median(atStep), `trial ${p.index + 1}: ${bestSoFar} against the median ${median(atStep)} at checkpoint ${step + 1}`);
  }
  // A complete trial reports at every checkpoint but the last: its value there is its final Sharpe.
  for (const t of trials.filter((t) => t.status === 'ok')) assert.deepEqual(t.intermediate!.map(([s]) => s), [0, 1, 2, 3]);
});

test('tune --study: a study run in two pieces ends as one run of the whole budget; another seed is refused, naming it', () => {
  const study = join(dir, 'study.jsonl');
  const args = [...search.slice(0, -2), '--prune', 'median', '--json'];
  hean('tune', graph, ...args, '--trials', '15', '--study', study);
  const resumed = JSON.parse(hean('tune', graph, ...args, '--trials', '30', '--study', study).stdout);
  const whole = JSON.parse(hean('tune', graph, ...args, '--trials', '30').stdout);
  assert.equal(resumed.resumed, 15);
  for (const k of ['trials', 'best', 'importance', 'selection', 'pruned', 'rejected']) assert.deepEqual(resumed[k], whole[k], k);
  const redisStudy = `redis://127.0.0.1:6379/hean-test-tune-${process.pid}`;
  hean('tune', graph, ...args, '--trials', '10', '--study', redisStudy);
  const fromRedis = JSON.parse(hean('tune', graph, ...args, '--trials', '30', '--study', redisStudy).stdout);
  assert.equal(fromRedis.resumed, 10);
  assert.deepEqual(fromRedis.trials, whole.trials);
  spawnSync('redis-cli', ['del', `hean:study:hean-test-tune-${process.pid}`]);
  const other = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'tune', graph, ...args, '--trials', '30', '--study', study, '--seed', '3'], { cwd: dir, env, encoding: 'utf8' });
  assert.equal(other.status, 2);
  assert.match(other.stderr, /seed: the journal has 0, this run has 3/);
});
