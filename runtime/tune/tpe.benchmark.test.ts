import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomSampler } from './randomSampler.js';
import type { Params, SearchSpace } from './space.js';
import { TpeSampler } from './tpe.js';
import type { Sampler } from './trialHistory.js';

// Two standard test functions (Surjanovic & Bingham, "Virtual Library of Simulation Experiments",
// www.sfu.ca/~ssurjano): the best value found in 100 trials, over seeds 0..9, TPE against random
// search with the same budget and seeds.
//
// Optuna v5.0.0.dev itself (test/reference/optuna_tpe_benchmark.py), same budget, seeds 0-9:
//   Branin      random median 0.5963 mean 0.7986 | TPE independent 0.4436 / 0.4801 | TPE multivariate 0.4164 / 0.4191
//   Hartmann-6  random median -2.0368 mean -2.0597 | TPE independent -3.0156 / -2.9765 | multivariate -3.2068 / -3.1796
// Over seeds 0-49 Optuna's independent TPE gives Branin 0.4563 / 0.4797 and Hartmann-6 -2.9964 / -2.9251, and this
// TPE Branin 0.4465 / 0.4705 and Hartmann-6 -2.9765 / -2.9334 (median / mean): the same behaviour within seed noise.
// (The random figures differ from Optuna's only because the random streams differ.)

/** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]; global minimum 0.397887 at three points. */
function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const HA = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HP = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));
const HALPHA = [1.0, 1.2, 3.0, 3.2];

/** Hartmann-6 on [0, 1]^6; global minimum -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
function hartmann6(x: readonly number[]): number {
  let f = 0;
  for (let i = 0; i < 4; i++) {
    let s = 0;
    for (let j = 0; j < 6; j++) s += HA[i]![j]! * (x[j]! - HP[i]![j]!) ** 2;
    f -= HALPHA[i]! * Math.exp(-s);
  }
  return f;
}

const braninSpace: SearchSpace = { x1: { type: 'float', low: -5, high: 10 }, x2: { type: 'float', low: 0, high: 15 } };
const hartmannSpace: SearchSpace = Object.fromEntries([0, 1, 2, 3, 4, 5].map((j) => [`x${j}`, { type: 'float', low: 0, high: 1 }]));
const braninObjective = (p: Params) => branin(p.x1 as number, p.x2 as number);
const hartmannObjective = (p: Params) => hartmann6([0, 1, 2, 3, 4, 5].map((j) => p[`x${j}`] as number));

const TRIALS = 100;
const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

function bestOf(sampler: Sampler, f: (p: Params) => number): number {
  for (let i = 0; i < TRIALS; i++) {
    const p = sampler.ask();
    sampler.tell(p, f(p));
  }
  return sampler.best()!.value;
}

const median = (xs: number[]) => {
  const a = xs.slice().sort((p, q) => p - q);
  return (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function compare(name: string, space: SearchSpace, f: (p: Params) => number, optimum: number) {
  const tpe = SEEDS.map((seed) => bestOf(new TpeSampler(space, { seed }), f));
  const rnd = SEEDS.map((seed) => bestOf(new RandomSampler(space, { seed }), f));
  const line = (who: string, xs: number[]) => `${name} ${who}: median best ${median(xs).toFixed(4)}, mean best ${mean(xs).toFixed(4)} (${TRIALS} trials, seeds 0-9; optimum ${optimum})`;
  console.log(line('TPE   ', tpe));
  console.log(line('random', rnd));
  for (const v of [...tpe, ...rnd]) assert.ok(v >= optimum - 1e-5, `${name}: ${v} is below the global minimum`);
  return { tpe, rnd };
}

test('benchmark: Branin, 100 trials x 10 seeds: TPE beats random search', () => {
  const { tpe, rnd } = compare('Branin', braninSpace, braninObjective, 0.397887);
  assert.ok(median(tpe) < median(rnd), `TPE median ${median(tpe)} vs random ${median(rnd)}`);
  assert.ok(mean(tpe) < mean(rnd), `TPE mean ${mean(tpe)} vs random ${mean(rnd)}`);
  // Optuna's own TPESampler(multivariate=False) on the same budget and seeds: median 0.4436, mean 0.4801
  // (its random sampler: 0.5963, 0.7986). TPE should come within ~0.1 of the optimum.
  assert.ok(median(tpe) < 0.5, `TPE median ${median(tpe)}`);
});

test('benchmark: Hartmann-6, 100 trials x 10 seeds: TPE beats random search', () => {
  const { tpe, rnd } = compare('Hartmann-6', hartmannSpace, hartmannObjective, -3.32237);
  assert.ok(median(tpe) < median(rnd), `TPE median ${median(tpe)} vs random ${median(rnd)}`);
  assert.ok(mean(tpe) < mean(rnd), `TPE mean ${mean(tpe)} vs random ${mean(rnd)}`);
  // Optuna's own TPESampler(multivariate=False): median -3.0156, mean -2.9765 (random: -2.0368, -2.0597).
  assert.ok(median(tpe) < -2.8, `TPE median ${median(tpe)}`);
});

test('benchmark functions: known values', () => {
  // the three Branin minima, and Hartmann-6 at its minimiser
  for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]] as const) assert.ok(Math.abs(branin(x1, x2) - 0.397887) < 1e-5);
  assert.ok(Math.abs(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573]) + 3.32237) < 1e-5);
});
