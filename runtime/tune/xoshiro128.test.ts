import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Xoshiro128 } from './xoshiro128.js';

// Expected outputs: the public-domain reference C code (prng.di.unimi.it/xoshiro128starstar.c)
// compiled with gcc; the second vector and the jump states also match the test data that
// edorfaus/xoshiro-6502 (test-rom/testdata.asm) generated from the same C code.

test('xoshiro128**: the reference outputs from state [1, 2, 3, 4]', () => {
  const g = Xoshiro128.fromState([1, 2, 3, 4]);
  const out = Array.from({ length: 6 }, () => g.nextUint32());
  assert.deepEqual(out, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

test('xoshiro128**: outputs, state and jump() from a random state', () => {
  const seedState: [number, number, number, number] = [0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0];
  const g = Xoshiro128.fromState(seedState);
  assert.deepEqual(Array.from({ length: 4 }, () => g.nextUint32()), [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
  assert.deepEqual(g.state(), [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]);
  const j = Xoshiro128.fromState(seedState);
  j.jump();
  assert.deepEqual(j.state(), [0x2a6dd50d, 0x01177499, 0xd7eb7d01, 0xddc48284]);
  j.jump();
  assert.deepEqual(j.state(), [0x5efdee5a, 0x3aa13c3d, 0x8cc77479, 0xeb10a58f]);
});

test('xoshiro128**: seeding is deterministic, and nearby seeds give unrelated streams', () => {
  const a = new Xoshiro128(42);
  const b = new Xoshiro128(42);
  const xs = Array.from({ length: 100 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 100 }, () => b.nextUint32()), xs);
  const streams = [0, 1, 2, -1, 2 ** 32, 2 ** 40 + 7].map((s) => new Xoshiro128(s).state().join(','));
  assert.equal(new Set(streams).size, streams.length);
  // consecutive seeds: about half the state bits differ (fmix32 avalanches)
  const s0 = new Xoshiro128(0).state();
  const s1 = new Xoshiro128(1).state();
  let differing = 0;
  for (let i = 0; i < 4; i++) for (let x = (s0[i]! ^ s1[i]!) >>> 0; x; x >>>= 1) differing += x & 1;
  assert.ok(differing > 40 && differing < 88, `${differing} of 128 bits differ`);
  assert.throws(() => new Xoshiro128(0.5), /safe integer/);
  assert.throws(() => Xoshiro128.fromState([0, 0, 0, 0]), /all-zero/);
});

test('xoshiro128**: nextFloat is a multiple of 2^-53 in [0, 1) built from two outputs', () => {
  const g = Xoshiro128.fromState([1, 2, 3, 4]);
  // outputs 11520 and 0: (11520 >>> 5) * 2^26 + (0 >>> 6) = 360 * 2^26
  assert.equal(g.nextFloat(), (360 * 2 ** 26) / 2 ** 53);
  // outputs 5927040 and 70819200: (185220 * 2^26 + 1106550) / 2^53
  assert.equal(g.nextFloat(), (185220 * 2 ** 26 + 1106550) / 2 ** 53);
  const r = new Xoshiro128(7);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = r.nextFloat();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  // mean of n uniforms: 0.5 with standard error sqrt(1/12/n) = 0.002; allow 5 se
  assert.ok(Math.abs(sum / n - 0.5) < 0.0102, `mean ${sum / n}`);
});

test('xoshiro128**: nextInt is uniform and in range', () => {
  const g = new Xoshiro128(3);
  const counts = [0, 0, 0, 0, 0, 0, 0];
  const n = 70000;
  for (let i = 0; i < n; i++) counts[g.nextInt(7)]!++;
  // each count ~ Binomial(70000, 1/7): mean 10000, sd 92.6; allow 5 sd
  for (const c of counts) assert.ok(Math.abs(c - 10000) < 463, `counts ${counts}`);
  assert.equal(g.nextInt(1), 0);
  assert.throws(() => g.nextInt(0), /integer in \[1, 2\^32\]/);
});
