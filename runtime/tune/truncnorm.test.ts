import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import { erfc, logGaussMass, logNdtr, ndtr, truncnormLogPdf, truncnormPpf } from './truncnorm.js';
import { Xoshiro128 } from './xoshiro128.js';

// SciPy 1.10 values, made by test/reference/optuna_tpe.py (it says how).
const ref = JSON.parse(readFileSync(join(projectRoot, 'test', 'reference', 'optuna_tpe.json'), 'utf8'));

function close(actual: number, expected: number, rel: number, what: string): void {
  if (expected === actual) return;
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(err <= rel, `${what}: ${actual} vs ${expected} (relative error ${err})`);
}

test('erfc matches scipy.special.erfc in both tails', () => {
  for (const [x, e] of ref.erfc as [number, number][]) close(erfc(x), e, 1e-14, `erfc(${x})`);
  assert.ok(Number.isNaN(erfc(NaN)));
});

test('logNdtr matches scipy.special.log_ndtr, including the asymptotic series below -20', () => {
  for (const [x, e] of ref.logNdtr as [number, number][]) close(logNdtr(x), e, 1e-13, `logNdtr(${x})`);
  // hand-worked: Phi(0) = 1/2; Phi(-1.959963984540054) = 0.025 (the 97.5% two-sided z)
  assert.equal(ndtr(0), 0.5);
  close(ndtr(-1.959963984540054), 0.025, 1e-14, 'Phi(-1.96)');
});

test('logGaussMass: hand-worked intervals', () => {
  // [-inf, 0] holds half the mass; [-1, 1] holds erf(1/sqrt 2) = 0.6826894921370859
  close(logGaussMass(-Infinity, 0), Math.log(0.5), 1e-15, 'left half');
  close(logGaussMass(-1, 1), Math.log(0.6826894921370859), 1e-14, '[-1, 1]');
  // [1, 2] = [-2, -1] by symmetry = Phi(-1) - Phi(-2) = 0.15865525393145707 - 0.022750131948179212
  close(logGaussMass(1, 2), Math.log(0.15865525393145707 - 0.022750131948179212), 1e-13, '[1, 2]');
  close(logGaussMass(-2, -1), logGaussMass(1, 2), 1e-15, 'symmetry');
  // far tail: [30, 31] ~ phi(30)/30 (1 - 1/900 + ...) is ~1e-198, still finite in log space
  assert.ok(Number.isFinite(logGaussMass(30, 31)) && logGaussMass(30, 31) < -450);
});

test('truncnormLogPdf matches scipy.stats.truncnorm.logpdf', () => {
  for (const c of ref.truncnormLogPdf) close(truncnormLogPdf(c.x, c.a, c.b, c.loc, c.scale), c.logpdf, 1e-13, JSON.stringify(c));
  // hand-worked: N(0,1) truncated to [-1, 1] at 0: log(phi(0) / 0.6826894921370859)
  close(truncnormLogPdf(0, -1, 1, 0, 1), -0.5 * Math.log(2 * Math.PI) - Math.log(0.6826894921370859), 1e-15, 'at 0');
  assert.equal(truncnormLogPdf(1.5, -1, 1, 0, 1), -Infinity);
});

test('truncnormPpf matches scipy.stats.truncnorm.ppf', () => {
  for (const c of ref.truncnormPpf) {
    const got = truncnormPpf(c.q, c.a, c.b);
    // Newton stops at a relative step of 1e-8 (as Optuna's): compare at 1e-7, absolute near 0
    assert.ok(Math.abs(got - c.ppf) <= 1e-7 * Math.max(1, Math.abs(c.ppf)), `ppf(${c.q}; ${c.a}, ${c.b}) = ${got}, scipy ${c.ppf}`);
  }
  assert.equal(truncnormPpf(0, -1, 2), -1);
  assert.equal(truncnormPpf(1, -1, 2), 2);
});

test('truncated normal sampling: the empirical CDF matches the exact CDF', () => {
  // N(0.5, 2^2) truncated to [0, 1]: standardised a = -0.25, b = 0.25; CDF(x) = (Phi(s) - Phi(a)) / (Phi(b) - Phi(a))
  const rng = new Xoshiro128(11);
  const a = -0.25;
  const b = 0.25;
  const n = 20000;
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(truncnormPpf(rng.nextFloat(), a, b) * 2 + 0.5);
  xs.sort((p, q) => p - q);
  let ks = 0;
  const mass = ndtr(b) - ndtr(a);
  for (let i = 0; i < n; i++) {
    const cdf = (ndtr((xs[i]! - 0.5) / 2) - ndtr(a)) / mass;
    ks = Math.max(ks, Math.abs(cdf - i / n), Math.abs(cdf - (i + 1) / n));
  }
  assert.ok(xs[0]! >= 0 && xs[n - 1]! <= 1);
  // Kolmogorov-Smirnov: the 1% critical value is 1.63 / sqrt(n) = 0.0115
  assert.ok(ks < 0.0115, `KS distance ${ks}`);
});
