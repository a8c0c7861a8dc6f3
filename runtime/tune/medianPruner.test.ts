import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MedianPrunerOptions } from './medianPruner.js';
import { MedianPruner } from './medianPruner.js';
import { RandomSampler } from './randomSampler.js';
import type { SearchSpace } from './space.js';
import { TpeSampler, splitPrunedTrials } from './tpe.js';
import { TrialHistory } from './trialHistory.js';

/**
 * Five complete trials: #0..#3 report steps 0 and 1 with values 1, 2, 3, 4; #4 reports only step 0, value 5.
 * Medians: step 0 of {1,2,3,4,5} = 3; step 1 of {1,2,3,4} = 2.5.
 */
function withHistory(opts: MedianPrunerOptions = {}): MedianPruner {
  const p = new MedianPruner(opts);
  for (let t = 0; t < 5; t++) {
    p.report(t, 0, t + 1);
    if (t < 4) p.report(t, 1, t + 1);
    p.complete(t);
  }
  return p;
}

test('MedianPruner: worse than the median of the complete trials at the step is pruned, equal is kept', () => {
  const p = withHistory();
  p.report(10, 0, 3.5);
  assert.equal(p.shouldPrune(10), true);
  p.report(11, 0, 3);
  assert.equal(p.shouldPrune(11), false);
  // the trial's best over its steps (min(10, 2) = 2) against the median at its last step (2.5)
  p.report(12, 0, 10);
  assert.equal(p.shouldPrune(12), true);
  p.report(12, 1, 2);
  assert.equal(p.shouldPrune(12), false);
  // ... while a best of 2.6 at step 1 is worse than 2.5
  p.report(13, 0, 2.6);
  p.report(13, 1, 7);
  assert.equal(p.shouldPrune(13), true);
  // maximize: 2.5 < median 3 at step 0 is pruned, 3.5 is kept
  const q = withHistory({ direction: 'maximize' });
  q.report(10, 0, 2.5);
  q.report(11, 0, 3.5);
  assert.deepEqual([q.shouldPrune(10), q.shouldPrune(11)], [true, false]);
  // nothing reported yet: never pruned
  assert.equal(p.shouldPrune(99), false);
});

test('MedianPruner: startup trials, and pruned trials are not counted', () => {
  const p = new MedianPruner({ nStartupTrials: 3 });
  for (let t = 0; t < 2; t++) {
    p.report(t, 0, 1);
    p.complete(t);
  }
  p.report(2, 0, 0.5);
  assert.deepEqual(p.prune(2), { step: 0, value: 0.5 });
  p.report(3, 0, 100);
  assert.equal(p.shouldPrune(3), false, 'two complete trials < nStartupTrials 3 (the pruned one does not count)');
  p.report(4, 0, 1);
  p.complete(4);
  // three complete, all 1 at step 0: the pruned trial's 0.5 does not pull the median down
  assert.equal(p.shouldPrune(3), true);
  p.report(5, 0, 1);
  assert.equal(p.shouldPrune(5), false);
  // nStartupTrials 0 still needs one complete trial
  const z = new MedianPruner({ nStartupTrials: 0 });
  z.report(0, 0, 5);
  assert.equal(z.shouldPrune(0), false);
});

test('MedianPruner: warm-up steps and pruning intervals', () => {
  const p = withHistory({ nWarmupSteps: 1 });
  p.report(10, 0, 100);
  assert.equal(p.shouldPrune(10), false, 'step 0 < nWarmupSteps 1');
  p.report(10, 1, 50);
  assert.equal(p.shouldPrune(10), true);
  // checks at steps 1, 3, 5, ... (warm-up 1, interval 2); history at steps 0..4, each trial's value t + 1
  const q = new MedianPruner({ nWarmupSteps: 1, intervalSteps: 2 });
  for (let t = 0; t < 5; t++) {
    for (let s = 0; s <= 4; s++) q.report(t, s, t + 1);
    q.complete(t);
  }
  q.report(10, 0, 9);
  assert.equal(q.shouldPrune(10), false, 'step 0: warm-up');
  q.report(10, 1, 9);
  assert.equal(q.shouldPrune(10), true, 'step 1: a check point');
  q.report(11, 1, 9);
  q.report(11, 2, 9);
  assert.equal(q.shouldPrune(11), false, 'step 2: between check points');
  q.report(11, 3, 9);
  assert.equal(q.shouldPrune(11), true, 'step 3: a check point');
  // a report that skips the check point at 1 is checked at the next report (step 2)
  q.report(12, 0, 9);
  q.report(12, 2, 9);
  assert.equal(q.shouldPrune(12), true, 'step 2 after a skipped check');
});

test('MedianPruner: nMinTrials and NaN', () => {
  const p = withHistory({ nMinTrials: 5 });
  p.report(10, 0, 4);
  assert.equal(p.shouldPrune(10), true, 'five complete trials reported step 0');
  p.report(11, 0, 0);
  p.report(11, 1, 4);
  assert.equal(p.shouldPrune(11), false, 'only four reported step 1');
  // the running trial's NaNs are skipped when taking its best; all NaN is pruned
  const q = withHistory();
  q.report(10, 0, NaN);
  assert.equal(q.shouldPrune(10), true);
  q.report(11, 0, 1);
  q.report(11, 1, NaN);
  assert.equal(q.shouldPrune(11), false, 'best 1 (the NaN skipped) against the median 2.5 at step 1');
  // complete trials' NaNs are left out of the median: {NaN, NaN, 1, 2, 3} -> 2; all NaN -> never pruned
  const r = new MedianPruner({ nStartupTrials: 1 });
  [NaN, NaN, 1, 2, 3].forEach((v, t) => {
    r.report(t, 0, v);
    r.report(t, 1, NaN);
    r.complete(t);
  });
  r.report(10, 0, 2.5);
  r.report(11, 0, 2);
  assert.deepEqual([r.shouldPrune(10), r.shouldPrune(11)], [true, false]);
  r.report(12, 0, 1000);
  r.report(12, 1, 1000);
  assert.equal(r.shouldPrune(12), false);
});

test('MedianPruner: bookkeeping', () => {
  const p = new MedianPruner();
  p.report(0, 0, 1);
  p.report(0, 0, 2);
  p.report(0, 3, 5);
  p.report(0, 1, 0);
  assert.deepEqual(p.prune(0), { step: 3, value: 5 }, 'the highest step; a repeated step keeps its first value');
  assert.throws(() => p.report(0, 4, 1), /already pruned/);
  assert.throws(() => p.complete(0), /already pruned/);
  assert.throws(() => p.report(1, -1, 1), /step must be an integer >= 0/);
  assert.throws(() => p.report(1, 0.5, 1), /step must be an integer >= 0/);
  assert.equal(p.prune(2), undefined, 'pruned before any report');
  assert.throws(() => new MedianPruner({ intervalSteps: 0 }), /intervalSteps must be an integer >= 1/);
  assert.throws(() => new MedianPruner({ nMinTrials: 0 }), /nMinTrials/);
});

test('splitPrunedTrials: furthest first, then the best last value; NaN and no report last', () => {
  const h = new TrialHistory({ x: { type: 'float', low: 0, high: 10 } });
  h.tellPruned({ x: 0 }, { step: 3, value: 5 });
  h.tellPruned({ x: 1 }); // never reported
  h.tellPruned({ x: 2 }, { step: 5, value: 9 });
  h.tellPruned({ x: 3 }, { step: 3, value: 1 });
  h.tellPruned({ x: 4 }, { step: 3, value: NaN });
  h.tellPruned({ x: 5 }, { step: 0, value: 0 });
  // minimize: (-5, 9) #2, (-3, 1) #3, (-3, 5) #0, (-3, inf) #4, (0, 0) #5, (1, 0) #1
  const [b, a] = splitPrunedTrials(h.pruned(), 4, 'minimize');
  assert.deepEqual(b.map((t) => t.number), [2, 3, 0, 4]);
  assert.deepEqual(a.map((t) => t.number), [5, 1]);
  // maximize: at step 3, 5 before 1
  assert.deepEqual(splitPrunedTrials(h.pruned(), 6, 'maximize')[0].map((t) => t.number), [2, 0, 3, 4, 5, 1]);
  assert.deepEqual(h.trials()[0], { number: 0, params: { x: 0 }, value: 5, values: [5], state: 'pruned', lastStep: 3 });
  assert.deepEqual(h.trials()[1]!.values, []);
});

test('TPE with pruned trials: they count towards the startup trials and are learnt from', () => {
  const space: SearchSpace = { x: { type: 'float', low: 0, high: 10 } };
  const tpe = new TpeSampler(space, { seed: 4, nStartupTrials: 4 });
  const rnd = new RandomSampler(space, { seed: 4 });
  for (let i = 0; i < 4; i++) {
    const p = tpe.ask();
    assert.deepEqual(p, rnd.ask(), 'startup draws are random');
    if (i < 3) tpe.tellPruned(p, { step: 1, value: 1 });
    else tpe.tell(p, 1);
  }
  // one complete + three pruned = 4: TPE now, not the fifth random draw
  assert.notDeepEqual(tpe.ask(), rnd.ask());
  // the good group takes 3: the one complete trial (x 9), then the two pruned trials that got
  // furthest (x 1 and 1.2 at step 5); x 8 and 5 stopped earlier and join the other group. So TPE
  // proposes near 1, where treating pruned trials as failed would leave only x 9 to learn from.
  const withPruned = new TpeSampler(space, { seed: 1, nStartupTrials: 2, gamma: () => 3 });
  withPruned.tell({ x: 9 }, 0);
  withPruned.tellPruned({ x: 8 }, { step: 1, value: 0 });
  withPruned.tellPruned({ x: 1 }, { step: 5, value: 2 });
  withPruned.tellPruned({ x: 5 }, { step: 0, value: 0 });
  withPruned.tellPruned({ x: 1.2 }, { step: 5, value: 1 });
  const xs = Array.from({ length: 20 }, () => withPruned.ask().x as number);
  assert.ok(xs.filter((x) => x < 2.5).length >= 15, `proposals ${xs.map((x) => x.toFixed(2)).join(' ')}`);
  assert.equal(withPruned.best()!.number, 0);
  assert.deepEqual(withPruned.paretoTrials().map((t) => t.number), [0]);
});
