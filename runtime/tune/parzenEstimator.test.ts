import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { ParzenEstimator, kernelSigmas, mixtureWeights } from './parzenEstimator.js';
import type { ParzenEstimatorOptions } from './parzenEstimator.js';
import type { ParamSpec } from './space.js';
import { defaultWeights } from './tpe.js';
import { Xoshiro128 } from './xoshiro128.js';

// Optuna's own _ParzenEstimator (v5.0.0.dev), made by test/reference/optuna_tpe.py (it says how).
const ref = JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', 'optuna_tpe.json'), 'utf8'));

const optunaDefaults: ParzenEstimatorOptions = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: defaultWeights };

function closeAll(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a} vs Optuna ${e}`);
  }
}

test('ParzenEstimator: weights, kernels and log_pdf equal Optuna\'s on every kind of parameter', () => {
  assert.equal(ref.parzen.length, 10);
  for (const c of ref.parzen) {
    const pe = new ParzenEstimator(c.observations, c.spec as ParamSpec, optunaDefaults);
    closeAll(pe.weights, c.weights, 1e-15, `${c.name} weights`);
    if (c.mus) {
      closeAll(pe.mus, c.mus, 1e-15, `${c.name} mus`);
      closeAll(pe.sigmas, c.sigmas, 1e-14, `${c.name} sigmas`);
    } else {
      assert.equal(pe.choiceProbs.length, c.choiceProbs.length);
      pe.choiceProbs.forEach((row, i) => closeAll(row, c.choiceProbs[i], 1e-15, `${c.name} kernel ${i}`));
    }
    closeAll(c.xs.map((x: number) => pe.logPdf(x)), c.logPdf, 1e-12, `${c.name} logPdf`);
  }
});

test('kernelSigmas: hand-worked widths, endpoints and the magic clip', () => {
  // observations 2, 3, 7 on [0, 10]; sorted with the ends: 0 | 2 3 7 | 10
  // gaps: 2 -> max(2, 1) = 2, 3 -> max(1, 4) = 4, 7 -> max(4, 3) = 4
  // consider_endpoints false: the outermost use their inner gap: 2 -> 1, 7 -> 4
  // magic clip: minsigma = 10 / min(100, 3 + 2) = 2, so 1 -> 2
  assert.deepEqual(Array.from(kernelSigmas([7, 2, 3], 0, 10, { considerMagicClip: true, considerEndpoints: false })), [4, 2, 4]);
  assert.deepEqual(Array.from(kernelSigmas([7, 2, 3], 0, 10, { considerMagicClip: false, considerEndpoints: false })), [4, 1, 4]);
  assert.deepEqual(Array.from(kernelSigmas([7, 2, 3], 0, 10, { considerMagicClip: false, considerEndpoints: true })), [4, 2, 4]);
  // one observation: both gaps to the ends count, 0.9 on [0, 1] -> max(0.9, 0.1)
  assert.deepEqual(Array.from(kernelSigmas([0.9], 0, 1, { considerMagicClip: true, considerEndpoints: false })), [0.9]);
});

test('mixtureWeights: observations then the prior, normalised', () => {
  assert.deepEqual(Array.from(mixtureWeights(0, optunaDefaults)), [1]);
  assert.deepEqual(Array.from(mixtureWeights(3, optunaDefaults)), [0.25, 0.25, 0.25, 0.25]);
  assert.deepEqual(Array.from(mixtureWeights(1, { ...optunaDefaults, priorWeight: 3 })), [0.25, 0.75]);
  assert.throws(() => mixtureWeights(2, { ...optunaDefaults, weights: () => [1, -1] }), />= 0/);
  assert.throws(() => mixtureWeights(2, { ...optunaDefaults, weights: () => [0, 0] }), /all zeros/);
});

test('categorical estimator: a hand-worked tiny case', () => {
  // choices {a, b, c}, one observation "a": kernels = 2, mixture weights 1/2, 1/2.
  // observation kernel: prior_weight / 2 = 0.5 each, +1 on a -> (1.5, 0.5, 0.5) / 2.5 = (0.6, 0.2, 0.2)
  // prior kernel: uniform 1/3
  // p(a) = 0.5 * 0.6 + 0.5 / 3 = 0.4666..., p(b) = p(c) = 0.5 * 0.2 + 0.5 / 3 = 0.2666...
  const pe = new ParzenEstimator([0], { type: 'categorical', choices: ['a', 'b', 'c'] }, optunaDefaults);
  assert.ok(Math.abs(Math.exp(pe.logPdf(0)) - (0.3 + 1 / 6)) < 1e-15);
  assert.ok(Math.abs(Math.exp(pe.logPdf(1)) - (0.1 + 1 / 6)) < 1e-15);
  assert.ok(Math.abs(Math.exp(pe.logPdf(2)) - (0.1 + 1 / 6)) < 1e-15);
  // no observations: uniform
  const empty = new ParzenEstimator([], { type: 'categorical', choices: ['a', 'b', 'c', 'd'] }, optunaDefaults);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(empty.logPdf(i) - Math.log(0.25)) < 1e-15);
});

test('sampling follows the mixture: grid frequencies match exp(logPdf)', () => {
  const cases: [ParamSpec, number[]][] = [
    [{ type: 'int', low: 1, high: 12 }, [3, 3, 7, 11]],
    [{ type: 'int', low: 1, high: 64, log: true }, [2, 40]],
    [{ type: 'float', low: 0, high: 1, step: 0.125 }, [0.25, 0.875]],
    [{ type: 'categorical', choices: ['x', 'y', 'z'] }, [2, 2, 0]],
  ];
  for (const [spec, obs] of cases) {
    const pe = new ParzenEstimator(obs, spec, optunaDefaults);
    const grid = spec.type === 'categorical' ? [0, 1, 2] : Array.from({ length: 1000 }, (_, k) => spec.low + k * (spec.step ?? 1)).filter((v) => v <= spec.high);
    const probs = grid.map((x) => Math.exp(pe.logPdf(x)));
    const total = probs.reduce((s, p) => s + p, 0);
    assert.ok(Math.abs(total - 1) < 1e-12, `${JSON.stringify(spec)}: masses sum to ${total}`);
    const n = 40000;
    const draws = pe.sample(new Xoshiro128(5), n);
    const counts = new Map<number, number>();
    for (const d of draws) counts.set(d, (counts.get(d) ?? 0) + 1);
    for (const d of counts.keys()) assert.ok(grid.includes(d), `${JSON.stringify(spec)}: ${d} is off the grid`);
    grid.forEach((x, i) => {
      const p = probs[i]!;
      const sd = Math.sqrt((p * (1 - p)) / n);
      const f = (counts.get(x) ?? 0) / n;
      assert.ok(Math.abs(f - p) < 5 * sd + 1e-9, `${JSON.stringify(spec)} at ${x}: frequency ${f}, mass ${p}`);
    });
  }
});

test('sampling a continuous log float stays inside the domain and follows the density', () => {
  const spec: ParamSpec = { type: 'float', low: 1e-3, high: 1, log: true };
  const pe = new ParzenEstimator([0.01, 0.5], spec, optunaDefaults);
  const n = 20000;
  const draws = pe.sample(new Xoshiro128(9), n);
  assert.ok(draws.every((x) => x >= 1e-3 && x <= 1));
  // P(x <= 0.1) by integrating the density (in log space, where it is a density) with the midpoint rule
  const lo = Math.log(1e-3);
  const hi = Math.log(0.1);
  const m = 20000;
  let mass = 0;
  for (let k = 0; k < m; k++) mass += Math.exp(pe.logPdf(Math.exp(lo + ((k + 0.5) * (hi - lo)) / m))) * ((hi - lo) / m);
  const f = draws.filter((x) => x <= 0.1).length / n;
  assert.ok(Math.abs(f - mass) < 5 * Math.sqrt((mass * (1 - mass)) / n), `frequency ${f}, mass ${mass}`);
});
