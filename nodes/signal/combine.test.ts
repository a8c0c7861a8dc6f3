import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combine } from './combine.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

  // a-b:      -1  -1  +1  +1  -1  +1

test('signal.combine: all with 2 inputs', () => {
  const s1 = f([N, 1, N, N, 0, N, 1, N, -1]);
  const s2 = f([N, N, N, 1, N, 1, N, N, 1]);
  // stances (s1,s2): (-,-) (L,-) (L,-) (L,L) (F,L) (F,L) (L,L) (L,L) (S,L)
  // all long:         no    no    no   yes   no    no   yes   yes   no
  // expected:         N     N     N    +1    0     N    +1    N     0
  same(runAllChunkings(combine, { mode: 'all' }, { signals: [s1, s2] }, 'signal'), [N, N, N, 1, 0, N, 1, N, 0]);
  // 'all' is the default mode
  same(runAllChunkings(combine, {}, { signals: [s1, s2] }, 'signal'), [N, N, N, 1, 0, N, 1, N, 0]);
});

test('signal.combine: any with 2 inputs', () => {
  const s1 = f([N, 1, N, 0, N, N, -1]);
  const s2 = f([0, N, 1, N, 0, 1, N]);
  // stances: (-,F) (L,F) (L,L) (F,L) (F,F) (F,L) (S,L)
  // any:       no   yes   yes   yes   no   yes   yes
  // expected:  N    +1    N     N     0    +1    N
  same(runAllChunkings(combine, { mode: 'any' }, { signals: [s1, s2] }, 'signal'), [N, 1, N, N, 0, 1, N]);
});

test('signal.combine: vote with 3 inputs, default and explicit minVotes', () => {
  const s1 = f([1, N, N, N, 0, N, N]);
  const s2 = f([N, 1, N, N, N, N, 1]);
  const s3 = f([N, N, 1, -1, N, N, N]);
  // stances: (L,-,-) (L,L,-) (L,L,L) (L,L,S) (F,L,S) (F,L,S) (F,L,S)
  // long count:  1       2       3       2       1       1       1
  // default minVotes floor(3/2)+1 = 2: no, yes, yes, yes, no, no, no
  same(runAllChunkings(combine, { mode: 'vote' }, { signals: [s1, s2, s3] }, 'signal'), [N, 1, N, N, 0, N, N]);
  // minVotes 3: no, no, yes, no, no, no, no
  same(runAllChunkings(combine, { mode: 'vote', minVotes: 3 }, { signals: [s1, s2, s3] }, 'signal'), [N, N, 1, 0, N, N, N]);
  // minVotes 1 behaves like any: yes from the first event
  same(runAllChunkings(combine, { mode: 'vote', minVotes: 1 }, { signals: [s1, s2, s3] }, 'signal'), [1, N, N, N, N, N, N]);
});

test('signal.combine: vote with 2 inputs needs both by default', () => {
  const s1 = f([1, N, N, 0]);
  const s2 = f([N, 1, N, N]);
  // default minVotes floor(2/2)+1 = 2; counts 1, 2, 2, 1
  same(runAllChunkings(combine, { mode: 'vote' }, { signals: [s1, s2] }, 'signal'), [N, 1, N, 0]);
});

test('signal.combine: simultaneous pulses update every stance before the condition', () => {
  const s1 = f([1, 0, 1]);
  const s2 = f([N, 1, 0]);
  // all: (L,-) no; (F,L) no; (L,F) no -> never long
  same(runAllChunkings(combine, { mode: 'all' }, { signals: [s1, s2] }, 'signal'), [N, N, N]);
  // any: yes, yes, yes -> +1 once
  same(runAllChunkings(combine, { mode: 'any' }, { signals: [s1, s2] }, 'signal'), [1, N, N]);
});

test('signal.combine: a single input passes its long/flat transitions', () => {
  const s = f([N, 1, 1, -1, 0, 1]);
  // stance: -, L, L, S, F, L -> N, +1, N, 0, N, +1
  same(runAllChunkings(combine, {}, { signals: [s] }, 'signal'), [N, 1, N, 0, N, 1]);
});

test('signal.combine: short: true, vote goes short on a majority of short stances and reverses', () => {
  const s1 = f([1, N, N, -1, N, N, 0, N, -1]);
  const s2 = f([N, -1, N, N, -1, 1, N, N, -1]);
  const s3 = f([N, N, -1, N, N, N, N, 1, N]);
  // stances:  (L,-,-) (L,S,-) (L,S,S) (S,S,S) (S,S,S) (S,L,S) (F,L,S) (F,L,L) (S,S,L)
  // long/short: 1/0     1/1     1/2     0/3     0/3     1/2     1/1     2/0     1/2
  // need 2 (floor(3/2)+1): flat, flat, short, short, short, short, flat, long, short
  // expected:   N       N       -1      N       N       N       0       +1      -1 (long straight to short)
  same(runAllChunkings(combine, { mode: 'vote', short: true }, { signals: [s1, s2, s3] }, 'signal'), [N, N, -1, N, N, N, 0, 1, -1]);
  // short: false (the default) on the same inputs: only the long count matters, never -1
  same(runAllChunkings(combine, { mode: 'vote' }, { signals: [s1, s2, s3] }, 'signal'), [N, N, N, N, N, N, N, 1, 0]);
});

test('signal.combine: short: true, any is flat while one input is long and another short', () => {
  const s1 = f([N, 1, N, N, 0, N, N]);
  const s2 = f([-1, N, N, 0, N, -1, 1]);
  // stances:  (-,S) (L,S) (L,S) (L,F) (F,F) (F,S) (F,L)
  // combined: short conflict->flat flat long flat short long
  same(runAllChunkings(combine, { mode: 'any', short: true }, { signals: [s1, s2] }, 'signal'), [-1, 0, N, 1, 0, -1, 1]);
  // without short, (L,S) counts as long: +1 at the second event
  same(runAllChunkings(combine, { mode: 'any' }, { signals: [s1, s2] }, 'signal'), [N, 1, N, N, 0, N, 1]);
});

test('signal.combine: short: true, all needs every input short to go short', () => {
  const s1 = f([-1, N, 1, N, N]);
  const s2 = f([N, -1, N, 1, 0]);
  // stances: (S,-) (S,S) (L,S) (L,L) (L,F) -> flat, short, flat, long, flat
  same(runAllChunkings(combine, { mode: 'all', short: true }, { signals: [s1, s2] }, 'signal'), [N, -1, 0, 1, 0]);
});

test('signal.combine: short: true with a single input passes every transition', () => {
  const s = f([N, 1, 1, -1, 0, 1]);
  // stance: -, L, L, S, F, L -> N, +1, N, -1, 0, +1
  same(runAllChunkings(combine, { short: true }, { signals: [s] }, 'signal'), [N, 1, N, -1, 0, 1]);
});

test('signal.combine: check() rejects minVotes outside vote mode', () => {
  const check = (p: Record<string, unknown>) => combine.check!(compileParams(combine).parse(p) as never);
  assert.deepEqual(check({ mode: 'vote', minVotes: 2 }), []);
  assert.deepEqual(check({ mode: 'any' }), []);
  for (const p of [{ minVotes: 2 }, { mode: 'any', minVotes: 2 }]) {
    const problems = check(p);
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0].path, ['minVotes']);
    assert.match(problems[0].message, /mode: vote/);
  }
});

test('signal.combine: params schema', () => {
  const v = compileParams(combine).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.equal(p.mode, 'all');
  assert.equal(p.short, false);
  assert.notDeepEqual(v({ short: 'yes' }), []);
  assert.notDeepEqual(v({ mode: 'majority' }), []);
  assert.notDeepEqual(v({ mode: 'vote', minVotes: 0 }), []);
  assert.notDeepEqual(v({ mode: 'vote', minVotes: 1.5 }), []);
  assert.equal(combine.warmup?.({}), 0);
});
