import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hypervolume, toLosses } from './multiObjective.js';
import { RandomSampler } from './randomSampler.js';
import type { Params, SearchSpace } from './space.js';
import { TpeSampler } from './tpe.js';
import type { Direction, Sampler } from './trialHistory.js';

// ZDT1 (Zitzler, Deb & Thiele, "Comparison of Multiobjective Evolutionary Algorithms: Empirical
// Results", Evol. Comput. 8(2), 2000) with 3 variables on [0, 1]: f1 = x1, g = 1 + 9/(n-1) sum_{i>=2} x_i,
// f2 = g (1 - sqrt(f1 / g)), both minimised. The Pareto front is x2 = x3 = 0, f2 = 1 - sqrt(f1); the
// hypervolume of the whole front to the reference [1.1, 1.1] is 1.21 - (integral of 1 - sqrt(f1) over
// [0, 1] = 1/3) = 0.87667, the most any finite set can reach.
const IDEAL = 1.21 - 1 / 3;
function zdt1(x: readonly number[]): [number, number] {
  const f1 = x[0]!;
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i]!;
  const g = 1 + (9 / (x.length - 1)) * s;
  return [f1, g * (1 - Math.sqrt(f1 / g))];
}

const zdtSpace: SearchSpace = { x1: { type: 'float', low: 0, high: 1 }, x2: { type: 'float', low: 0, high: 1 }, x3: { type: 'float', low: 0, high: 1 } };
const zdtObjective = (p: Params) => zdt1([p.x1 as number, p.x2 as number, p.x3 as number]);
const REFERENCE = [1.1, 1.1];

function frontHypervolume(sampler: Sampler, n: number, f: (p: Params) => number[], directions: Direction[]): number {
  for (let i = 0; i < n; i++) {
    const p = sampler.ask();
    sampler.tell(p, f(p));
  }
  return hypervolume(toLosses(sampler.paretoTrials().map((t) => t.values), directions), REFERENCE);
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[(xs.length - 1) / 2]!;

test('ZDT1 reference values', () => {
  assert.deepEqual(zdt1([0.25, 0, 0]), [0.25, 0.5]);
  assert.ok(Math.abs(zdt1([0.5, 0.5, 0.5])[1] - 5.5 * (1 - Math.sqrt(0.5 / 5.5))) < 1e-15);
});

for (const belowWeights of ['uniform', 'hypervolumeContribution'] as const) {
  test(`MOTPE (${belowWeights} weights) on ZDT1: a larger front hypervolume than random search, seeds 0-4`, () => {
    const dirs: Direction[] = ['minimize', 'minimize'];
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 5; seed++) {
      tpe.push(frontHypervolume(new TpeSampler(zdtSpace, { seed, directions: dirs, belowWeights }), 100, zdtObjective, dirs));
      rnd.push(frontHypervolume(new RandomSampler(zdtSpace, { seed, directions: dirs }), 100, zdtObjective, dirs));
    }
    for (const v of [...tpe, ...rnd]) assert.ok(v <= IDEAL, `hypervolume ${v} above the true front's ${IDEAL}`);
    console.log(`ZDT1 100 trials, hypervolume to [1.1, 1.1] (ideal ${IDEAL.toFixed(4)}): MOTPE ${belowWeights} ${tpe.map((v) => v.toFixed(4)).join(' ')} | random ${rnd.map((v) => v.toFixed(4)).join(' ')}`);
    assert.ok(median(tpe) > median(rnd), `MOTPE median ${median(tpe)} vs random ${median(rnd)}`);
  });
}

test('MOTPE: trials with NaN in any value are failed, kept, and not learnt from', () => {
  const dirs: Direction[] = ['minimize', 'maximize'];
  const space: SearchSpace = { x: { type: 'float', low: 0, high: 1 }, k: { type: 'categorical', choices: ['a', 'b', 'c'] } };
  const f = (p: Params): [number, number] => [p.x as number, (p.x as number) ** 2 + (p.k === 'b' ? 1 : 0)];
  const withFails = new TpeSampler(space, { seed: 3, directions: dirs, nStartupTrials: 5 });
  const clean = new TpeSampler(space, { seed: 3, directions: dirs, nStartupTrials: 5 });
  const rnd = new RandomSampler(space, { seed: 9 });
  for (let i = 0; i < 30; i++) {
    const p = rnd.ask();
    if (i % 4 === 1) withFails.tell(p, [NaN, 1]);
    else if (i % 4 === 2) withFails.tell(p, [0, NaN]);
    else {
      withFails.tell(p, f(p));
      clean.tell(p, f(p));
    }
  }
  // the learnt model is the same: the same proposals, over several asks
  for (let i = 0; i < 5; i++) {
    const a = withFails.ask();
    assert.deepEqual(a, clean.ask());
    withFails.tell(a, f(a));
    clean.tell(a, f(a));
  }
  const trials = withFails.trials();
  assert.equal(trials.filter((t) => t.state === 'fail').length, 15);
  assert.deepEqual(trials[1]!.values, [NaN, 1]);
  assert.deepEqual(withFails.paretoTrials().map((t) => t.values), clean.paretoTrials().map((t) => t.values));
  // a bare NaN fails a trial of any number of objectives
  assert.equal(withFails.tell({ x: 0.5, k: 'a' }, NaN).state, 'fail');
});

test('several objectives: tell checks the count, best() refers to paretoTrials(), trials carry values', () => {
  const space: SearchSpace = { x: { type: 'int', low: 0, high: 9 } };
  const s = new RandomSampler(space, { directions: ['maximize', 'minimize'] });
  assert.throws(() => s.tell({ x: 1 }, 3), /2 objectives; give 2 values/);
  assert.throws(() => s.tell({ x: 1 }, [1, 2, 3]), /expected 2 value\(s\)/);
  assert.throws(() => s.tellPruned({ x: 1 }, { step: 0, value: 1 }), /single objective/);
  s.tell({ x: 1 }, [5, 5]);
  s.tell({ x: 2 }, [4, 4]);
  s.tell({ x: 3 }, [6, 7]);
  s.tell({ x: 4 }, [5, 6]);
  assert.throws(() => s.best(), /use paretoTrials\(\)/);
  // maximise the first, minimise the second: [5,5] is beaten by nothing; [5,6] by [5,5]
  assert.deepEqual(s.paretoTrials().map((t) => [t.number, t.value, t.values]), [[0, 5, [5, 5]], [1, 4, [4, 4]], [2, 6, [6, 7]]]);
  assert.throws(() => new TpeSampler(space, { direction: 'minimize', directions: ['minimize'] }), /either direction or directions/);
  assert.throws(() => new TpeSampler(space, { directions: [] }), /at least one/);
  // one objective: values is [value], and paretoTrials() is every trial with the best value
  const one = new TpeSampler(space, { direction: 'maximize' });
  one.tell({ x: 1 }, 2);
  one.tell({ x: 2 }, [3]);
  one.tell({ x: 3 }, 3);
  assert.deepEqual(one.trials().map((t) => t.values), [[2], [3], [3]]);
  assert.deepEqual(one.paretoTrials().map((t) => t.number), [1, 2]);
  assert.equal(one.best()!.number, 1);
});
