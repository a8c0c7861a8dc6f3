import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parameterImportance } from './importance.js';
import { RandomSampler } from './randomSampler.js';
import type { Params, SearchSpace } from './space.js';

/** n random trials of f over space (RandomSampler, seed 0). */
function randomTrials(space: SearchSpace, n: number, f: (p: Params) => number, seed = 0): { params: Params; value: number }[] {
  const s = new RandomSampler(space, { seed });
  return Array.from({ length: n }, () => {
    const params = s.ask();
    return { params, value: f(params) };
  });
}

const xyz: SearchSpace = { x: { type: 'float', low: 0, high: 1 }, y: { type: 'float', low: 0, high: 1 }, z: { type: 'float', low: 0, high: 1 } };

test('importance: f = 10 x + 0.1 y with z unused gives x nearly everything', () => {
  // exact fANOVA shares: var(10 x) = 100/12, var(0.1 y) = 0.01/12, z none: 0.9999, 0.0001, 0
  const out = parameterImportance(xyz, randomTrials(xyz, 200, (p) => 10 * (p.x as number) + 0.1 * (p.y as number)));
  assert.equal(out[0]!.name, 'x');
  const get = (n: string) => out.find((o) => o.name === n)!.importance;
  assert.ok(get('x') > 0.9, `x ${get('x')}`);
  assert.ok(get('z') < 0.02, `z ${get('z')}`);
  assert.ok(Math.abs(out.reduce((s, o) => s + o.importance, 0) - 1) < 1e-12);
});

test('importance: an additive f = x + 2 y gets close to its exact fANOVA shares 0.2 and 0.8', () => {
  // var(x) = 1/12, var(2 y) = 4/12 under the uniform distribution: shares 1/5 and 4/5
  const space: SearchSpace = { x: xyz.x!, y: xyz.y! };
  const out = parameterImportance(space, randomTrials(space, 300, (p) => (p.x as number) + 2 * (p.y as number)));
  assert.equal(out[0]!.name, 'y');
  assert.ok(Math.abs(out[0]!.importance - 0.8) < 0.05, `y ${out[0]!.importance}`);
  assert.ok(Math.abs(out[1]!.importance - 0.2) < 0.05, `x ${out[1]!.importance}`);
});

test('importance: a categorical that decides the value comes first', () => {
  const space: SearchSpace = { x: { type: 'float', low: 0, high: 1 }, kind: { type: 'categorical', choices: ['ema', 'sma', 'wma'] }, n: { type: 'int', low: 1, high: 20 } };
  const f = (p: Params) => (p.kind === 'sma' ? 5 : 0) + 0.5 * (p.x as number) + 0.01 * (p.n as number);
  const out = parameterImportance(space, randomTrials(space, 150, f));
  assert.equal(out[0]!.name, 'kind');
  assert.ok(out[0]!.importance > 0.8, `kind ${out[0]!.importance}`);
});

test('importance: a log-scale parameter is judged in log space', () => {
  // f = log10(lr) is linear in log lr and dominates f's variance (var of U(-5, -1) = 16/12 against 1/12 for u)
  const space: SearchSpace = { lr: { type: 'float', low: 1e-5, high: 1e-1, log: true }, u: { type: 'float', low: 0, high: 1 } };
  const out = parameterImportance(space, randomTrials(space, 200, (p) => Math.log10(p.lr as number) + (p.u as number)));
  assert.equal(out[0]!.name, 'lr');
  // exact shares 16/17 and 1/17; on raw lr values (Optuna's way) lr's share would be near 0.69
  // (var of log10 of a uniform lr is about (1/ln 10)^2 = 0.19 against 1/12)
  assert.ok(Math.abs(out[0]!.importance - 16 / 17) < 0.05, `lr ${out[0]!.importance}`);
});

test('importance: deterministic for a seed; one parameter gets 1; single-valued parameters 0', () => {
  const trials = randomTrials(xyz, 80, (p) => Math.sin(6 * (p.x as number)) + (p.y as number) * (p.z as number));
  const a = parameterImportance(xyz, trials, { seed: 5, trees: 16 });
  assert.deepEqual(parameterImportance(xyz, trials, { seed: 5, trees: 16 }), a);
  assert.notDeepEqual(parameterImportance(xyz, trials, { seed: 6, trees: 16 }), a);

  const one: SearchSpace = { x: xyz.x! };
  assert.deepEqual(parameterImportance(one, randomTrials(one, 30, (p) => (p.x as number) ** 2)), [{ name: 'x', importance: 1 }]);

  const withFixed: SearchSpace = { x: xyz.x!, fixed: { type: 'int', low: 3, high: 3 }, only: { type: 'categorical', choices: ['a'] } };
  const out = parameterImportance(withFixed, randomTrials(withFixed, 30, (p) => p.x as number));
  assert.deepEqual(out, [{ name: 'x', importance: 1 }, { name: 'fixed', importance: 0 }, { name: 'only', importance: 0 }]);
});

test('importance: non-finite values are left out; too few trials or a constant objective throw', () => {
  const trials = randomTrials(xyz, 60, (p) => 3 * (p.y as number));
  const withBad = [...trials, { params: trials[0]!.params, value: NaN }, { params: trials[1]!.params, value: Infinity }];
  assert.deepEqual(parameterImportance(xyz, withBad), parameterImportance(xyz, trials));
  assert.throws(() => parameterImportance(xyz, trials.slice(0, 1)), /at least 2 trials/);
  assert.throws(() => parameterImportance(xyz, trials.map((t) => ({ params: t.params, value: 1 }))), /does not vary/);
  assert.throws(() => parameterImportance(xyz, [{ params: { x: 2, y: 0, z: 0 }, value: 1 }, ...trials]), /outside \[0, 1\]/);
});
