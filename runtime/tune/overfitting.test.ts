import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../testing/dataFile.js';
import {
  deflatedSharpe,
  EULER_GAMMA,
  expectedMaxSharpe,
  moments,
  normalCdf,
  normalQuantile,
  partitionBounds,
  probabilisticSharpe,
  probabilityOfOverfitting,
  sharpeRatio,
  splitPartitions,
} from './overfitting.js';

const referenceDir = join(projectRoot, 'test/reference/overfitting');
const readReference = (name: string) => JSON.parse(readFileSync(join(referenceDir, name), 'utf8'));

/** mulberry32, the generator of test/reference/overfitting/mulberry32.py (same doubles bit for bit). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = ((t + Math.imul(t ^ (t >>> 7), 61 | t)) >>> 0) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** matrix() of mulberry32.py as columns: r[t][j] = (u - 0.5) * scale + drifts[j], uniforms drawn row by row. */
function seededColumns(seed: number, rows: number, drifts: readonly number[], scale = 0.02): Float64Array[] {
  const u = mulberry32(seed);
  const cols = drifts.map(() => new Float64Array(rows));
  for (let t = 0; t < rows; t++) for (let j = 0; j < drifts.length; j++) cols[j][t] = (u() - 0.5) * scale + drifts[j];
  return cols;
}

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`);
}
const relNear = (actual: number, expected: number, rel: number, what: string) => near(actual, expected, rel * Math.abs(expected), what);

// ---------------------------------------------------------------------------------------------
// Normal distribution

test('the generator matches the Python reference generator', () => {
  // First draws of mulberry32.py's mulberry32(1), printed by Python; the first is the 0.6270739405881613 that
  // the usual JavaScript mulberry32(1) gives.
  const u = mulberry32(1);
  const first = [u(), u(), u()];
  assert.deepEqual(first.map((x) => Math.round(x * 4294967296)), [2693262067, 11749833, 2265367787]);
});

test('inverse normal CDF (AS 241) at known quantiles, every branch', () => {
  relNear(normalQuantile(0.975), 1.959963984540054, 1e-15, 'Phi^-1(0.975)');
  assert.equal(normalQuantile(0.5), 0);
  for (const [p, q] of readReference('dsr.json').quantile as [number, number][]) relNear(normalQuantile(p), q, 1e-15, `Phi^-1(${p})`);
  // Symmetry and the ends.
  // Dyadic p so that 1 - p is exact.
  for (const p of [2 ** -40, 2 ** -7, 0.25, 0.375]) assert.equal(normalQuantile(p), -normalQuantile(1 - p), `symmetric at ${p}`);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)) && Number.isNaN(normalQuantile(-0.1)) && Number.isNaN(normalQuantile(NaN)));
});

test('normal CDF (Cody) against scipy, tails included, and inverts the quantile', () => {
  for (const [x, p] of readReference('dsr.json').cdf as [number, number][]) relNear(normalCdf(x), p, x < -8 ? 1e-13 : x < -1 ? 5e-15 : 1e-15, `Phi(${x})`);
  assert.equal(normalCdf(0), 0.5);
  assert.equal(normalCdf(-40), 0);
  assert.equal(normalCdf(40), 1);
  for (let p = 0.001; p < 1; p += 0.0371) relNear(normalCdf(normalQuantile(p)), p, 1e-14, `round trip ${p}`);
});

// ---------------------------------------------------------------------------------------------
// Deflated Sharpe

test('moments and PSR by hand: returns 1, -1, 2, 0', () => {
  // mean 0.5; deviations 0.5, -1.5, 1.5, -0.5; squares sum 5 -> sd = sqrt(5/3); cubes cancel -> skew 0;
  // m2 = 5/4, m4 = (0.0625 + 5.0625 + 5.0625 + 0.0625)/4 = 2.5625 -> kurtosis 2.5625 / 1.5625 = 1.64.
  const r = Float64Array.of(1, -1, 2, 0);
  const m = moments(r);
  near(m.mean, 0.5, 1e-15, 'mean');
  near(m.sd, Math.sqrt(5 / 3), 1e-15, 'sd');
  near(m.skew, 0, 1e-15, 'skew');
  near(m.kurtosis, 1.64, 1e-14, 'kurtosis');
  // SR = 0.5 / sqrt(5/3), SR^2 = 0.15; PSR(0): z = SR sqrt(3) / sqrt(1 + 0.64/4 * 0.15) = sqrt(0.45 / 1.024).
  near(sharpeRatio(r), Math.sqrt(0.15), 1e-15, 'sharpe');
  const psr = probabilisticSharpe({ sharpe: Math.sqrt(0.15), benchmark: 0, observations: 4, skew: 0, kurtosis: 1.64 });
  near(psr, normalCdf(Math.sqrt(0.45 / 1.024)), 1e-15, 'PSR');
  // Benchmark equal to the estimate: exactly one half. Negative skew widens the error: PSR falls towards 1/2.
  assert.equal(probabilisticSharpe({ sharpe: 0.2, benchmark: 0.2, observations: 100, skew: -1, kurtosis: 5 }), 0.5);
  const normal = probabilisticSharpe({ sharpe: 0.2, benchmark: 0, observations: 100, skew: 0, kurtosis: 3 });
  const skewed = probabilisticSharpe({ sharpe: 0.2, benchmark: 0, observations: 100, skew: -2, kurtosis: 9 });
  // Normal returns: z = 0.2 sqrt(99) / sqrt(1 + 0.5 * 0.04) = 0.2 sqrt(99 / 1.02).
  near(normal, normalCdf(0.2 * Math.sqrt(99 / 1.02)), 1e-15, 'normal PSR');
  assert.ok(skewed < normal, `${skewed} < ${normal}`);
});

test('expected maximum Sharpe by hand', () => {
  assert.equal(expectedMaxSharpe(1, 0.3), 0, 'one trial: nothing selected');
  // N = 2: Phi^-1(1/2) = 0, so SR0 = sqrt(V) gamma Phi^-1(1 - 1/(2e)).
  near(expectedMaxSharpe(2, 1), EULER_GAMMA * normalQuantile(1 - 1 / (2 * Math.E)), 1e-16, 'N = 2');
  near(expectedMaxSharpe(2, 1), 0.5772156649015329 * 0.9004, 2e-4, 'N = 2 (Phi^-1(0.8161) = 0.9004 from tables)');
  near(expectedMaxSharpe(50, 4), 2 * expectedMaxSharpe(50, 1), 1e-15, 'scales with sqrt(V)');
  assert.ok(expectedMaxSharpe(1000, 1) > expectedMaxSharpe(100, 1), 'grows with N');
  assert.throws(() => expectedMaxSharpe(0, 1), /trials must be >= 1/);
  assert.throws(() => expectedMaxSharpe(10, -1), /variance/);
});

test("the DSR paper's numerical example: SR0 0.1132, DSR 0.9004", () => {
  // Bailey and López de Prado (2014), numerical example: N = 100 trials with annualised Sharpe variance
  // 1/2, best annualised Sharpe 2.5 over T = 1250 daily returns (250 a year), skewness -3, kurtosis 10.
  // The paper reports SR0 = 0.1132 per day and DSR = 0.9004; dsr.json has the same at full precision (scipy).
  const paper = readReference('dsr.json').paper;
  const sharpe = 2.5 / Math.sqrt(250);
  const sr0 = expectedMaxSharpe(100, 0.5 / 250);
  near(sr0, 0.1132, 5e-5, 'SR0 as printed');
  relNear(sr0, paper.expectedMaxSharpe, 1e-14, 'SR0 (scipy)');
  const dsr = probabilisticSharpe({ sharpe, benchmark: sr0, observations: 1250, skew: -3, kurtosis: 10 });
  near(dsr, 0.9004, 5e-5, 'DSR as printed');
  relNear(dsr, paper.dsr, 1e-14, 'DSR (scipy)');
  relNear(probabilisticSharpe({ sharpe, benchmark: 0, observations: 1250, skew: -3, kurtosis: 10 }), paper.psr, 1e-14, 'PSR(0)');
});

test('deflatedSharpe from returns and trial Sharpes matches scipy on a seeded crash-prone series', () => {
  const ref = readReference('dsr.json').seeded;
  const u = mulberry32(11);
  const r = new Float64Array(500);
  for (let t = 0; t < 500; t++) {
    const u1 = u();
    const u2 = u();
    r[t] = (u1 - 0.5) * 0.02 + 0.0015 - (u2 < 0.02 ? 0.03 : 0);
  }
  const trialSharpes = [sharpeRatio(r), ...seededColumns(12, 500, new Array(30).fill(0)).map(sharpeRatio)];
  const out = deflatedSharpe({ returns: r, trialSharpes, periodsPerYear: 365 });
  for (const key of ['sharpe', 'skew', 'kurtosis', 'trialVariance', 'expectedMaxSharpe', 'psr', 'dsr'] as const) relNear(out[key], ref[key], 1e-12, key);
  assert.equal(out.observations, 500);
  assert.equal(out.trials, 31);
  assert.ok(out.skew < -1 && out.kurtosis > 5, 'the series is skewed and fat-tailed');
  near(out.annualisedSharpe!, out.sharpe * Math.sqrt(365), 1e-15, 'annualised');
  near(out.annualisedExpectedMaxSharpe!, out.expectedMaxSharpe * Math.sqrt(365), 1e-15, 'annualised SR0');
  assert.ok(out.dsr < out.psr, 'selection lowers the probability');
});

test('deflatedSharpe: identical trials mean no selection bias (DSR = PSR); effective trials override N', () => {
  const r = Float64Array.of(0.01, -0.005, 0.02, 0.003, -0.01, 0.015);
  const same = deflatedSharpe({ returns: r, trialSharpes: [0.5, 0.5, 0.5] });
  assert.equal(same.trialVariance, 0);
  assert.equal(same.expectedMaxSharpe, 0);
  assert.equal(same.dsr, same.psr);
  assert.equal(same.annualisedSharpe, undefined);
  // trial Sharpes 0, 0.2, 0.4: variance (0.04 + 0 + 0.04) / 2 = 0.04.
  const spread = deflatedSharpe({ returns: r, trialSharpes: [0, 0.2, 0.4], effectiveTrials: 2 });
  near(spread.trialVariance, 0.04, 1e-16, 'variance');
  assert.equal(spread.trials, 2);
  near(spread.expectedMaxSharpe, 0.2 * EULER_GAMMA * normalQuantile(1 - 1 / (2 * Math.E)), 1e-16, 'SR0 with N = 2');
  assert.throws(() => deflatedSharpe({ returns: r, trialSharpes: [] }), /trialSharpes is empty/);
  assert.throws(() => deflatedSharpe({ returns: r, trialSharpes: [0.1, NaN] }), /trialSharpes\[1\] is NaN/);
});

// ---------------------------------------------------------------------------------------------
// Probability of backtest overfitting

test('splits: C(S, S/2) in lexicographic order; partitions use every row', () => {
  const s4 = splitPartitions(4).map((c) => [...c]);
  assert.deepEqual(s4, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
  const s16 = splitPartitions(16);
  assert.equal(s16.length, 12870);
  assert.deepEqual([...s16[0]], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...s16[12869]], [8, 9, 10, 11, 12, 13, 14, 15]);
  assert.equal(new Set(s16.map((c) => c.join())).size, 12870);
  // 243 rows in 8 partitions: sizes 30 or 31, contiguous, covering 0..243.
  let next = 0;
  for (let k = 0; k < 8; k++) {
    const [a, b] = partitionBounds(243, 8, k);
    assert.equal(a, next);
    assert.ok(b - a === 30 || b - a === 31);
    next = b;
  }
  assert.equal(next, 243);
});

test('PBO by hand: T = 8, N = 3, S = 4, mean as the measure', () => {
  // Partitions P0..P3 are rows {0,1} {2,3} {4,5} {6,7}; each holds m + 1, m - 1, so its mean is m:
  //          P0  P1  P2  P3
  //   A       3   3  -1  -1    (good early, bad late)
  //   B       0   0   0   0
  //   C      -1  -1   2   2    (bad early, good late)
  // The six splits (IS = in-sample partitions; performance = mean of the IS or OOS rows):
  //   IS {0,1}: A 3, B 0, C -1 -> A;  OOS {2,3}: A -1, B 0, C 2  -> A rank 1, omega 1/4, lambda ln(1/3)
  //   IS {0,2}: A 1, B 0, C 0.5 -> A; OOS {1,3}: A 1, B 0, C 0.5 -> A rank 3, omega 3/4, lambda ln 3
  //   IS {0,3}: A 1, B 0, C 0.5 -> A; OOS {1,2}: the same       -> lambda ln 3
  //   IS {1,2}: A 1, B 0, C 0.5 -> A; OOS {0,3}: the same       -> lambda ln 3
  //   IS {1,3}: A 1, B 0, C 0.5 -> A; OOS {0,2}: the same       -> lambda ln 3
  //   IS {2,3}: A -1, B 0, C 2 -> C;  OOS {0,1}: A 3, B 0, C -1 -> C rank 1, lambda ln(1/3)
  // PBO = 2/6. Chosen IS performance x = 3,1,1,1,1,2 and OOS y = -1,1,1,1,1,-1: loss in 2 of 6 splits;
  // mean x 1.5, mean y 1/3, Sxy = 1.5(-4/3) + 4(-0.5)(2/3) + 0.5(-4/3) = -4, Sxx = 3.5,
  // slope -8/7, intercept 1/3 + (8/7)1.5 = 43/21.
  const means = [
    [3, 3, -1, -1],
    [0, 0, 0, 0],
    [-1, -1, 2, 2],
  ];
  const columns = means.map((m) => Float64Array.from(m.flatMap((v) => [v + 1, v - 1])));
  const out = probabilityOfOverfitting({ columns, partitions: 4, measure: 'mean' });
  assert.equal(out.splits, 6);
  assert.equal(out.pbo, 2 / 6);
  assert.deepEqual([...out.selected], [0, 0, 0, 0, 0, 2]);
  const l3 = Math.log(3);
  [-l3, l3, l3, l3, l3, -l3].forEach((l, c) => near(out.logits[c], l, 1e-15, `lambda ${c}`));
  assert.deepEqual([...out.inSample], [3, 1, 1, 1, 1, 2]);
  assert.deepEqual([...out.outOfSample], [-1, 1, 1, 1, 1, -1]);
  assert.equal(out.probabilityOfLoss, 2 / 6);
  near(out.degradation.slope, -8 / 7, 1e-15, 'slope');
  near(out.degradation.intercept, 43 / 21, 1e-15, 'intercept');
  near(out.logitSummary.median, l3, 1e-15, 'median');
  near(out.logitSummary.mean, l3 / 3, 1e-15, 'mean');
});

test('PBO counts the out-of-sample median as overfit (lambda = 0)', () => {
  // S = 2, partitions rows {0,1} and {2,3} (m + 1, m - 1 around the partition mean m):
  //          P0  P1
  //   A       2   1
  //   B       1   2
  //   C       0   0
  // IS {0}: A best; OOS P1: C 0 < A 1 < B 2 -> rank 2 of 3, omega 2/4, lambda 0.
  // IS {1}: B best; OOS P0: C 0 < B 1 < A 2 -> lambda 0. Both splits count: PBO 1.
  const columns = [[2, 1], [1, 2], [0, 0]].map((m) => Float64Array.from(m.flatMap((v) => [v + 1, v - 1])));
  const out = probabilityOfOverfitting({ columns, partitions: 2, measure: 'mean' });
  assert.deepEqual([...out.logits], [0, 0]);
  assert.deepEqual([...out.selected], [0, 1]);
  assert.equal(out.pbo, 1);
});

test('PBO: ties in and out of sample (first column in sample, average rank out of sample)', () => {
  // Two identical columns and a worse one: in sample both tie, column 0 is chosen; out of sample
  // columns 0 and 1 share ranks 2 and 3 -> rank 2.5, omega 2.5/4, lambda ln(5/3) in every split.
  const a = Float64Array.from({ length: 8 }, (_, t) => 1 + (t % 2));
  const out = probabilityOfOverfitting({ columns: [a, a.slice(), a.map((x) => x - 5)], partitions: 4, measure: 'mean' });
  assert.deepEqual([...out.selected], [0, 0, 0, 0, 0, 0]);
  for (const l of out.logits) near(l, Math.log(5 / 3), 1e-15, 'lambda');
  assert.equal(out.pbo, 0);
});

test('PBO is 0 when one strategy dominates everywhere; every lambda is ln N', () => {
  const N = 8;
  const columns = seededColumns(3, 800, [0.01, ...new Array(N - 1).fill(0)]);
  const out = probabilityOfOverfitting({ columns });
  assert.equal(out.splits, 12870);
  assert.equal(out.pbo, 0);
  assert.ok(out.selected.every((n) => n === 0));
  // rank N of N: omega = N / (N + 1), lambda = ln N.
  for (const l of out.logits) near(l, Math.log(N), 1e-12, 'lambda');
  assert.equal(out.probabilityOfLoss, 0);
});

test('PBO of pure noise is near one half on average over seeded matrices', () => {
  let sum = 0;
  let logitMean = 0;
  const matrices = 40;
  for (let seed = 1; seed <= matrices; seed++) {
    const out = probabilityOfOverfitting({ columns: seededColumns(1000 + seed, 400, new Array(50).fill(0)), partitions: 10 });
    sum += out.pbo;
    logitMean += out.logitSummary.mean;
  }
  const pbo = sum / matrices;
  assert.ok(pbo > 0.4 && pbo < 0.6, `mean PBO over ${matrices} noise matrices: ${pbo}`);
  assert.ok(Math.abs(logitMean / matrices) < 0.5, `mean logit ${logitMean / matrices}`);
});

test('PBO agrees with the independent Python CSCV (test/reference/overfitting/pbo.py)', () => {
  const { cases } = readReference('pbo.json');
  assert.equal(cases.length, 3);
  for (const c of cases) {
    const ref = c.result;
    const out = probabilityOfOverfitting({ columns: seededColumns(c.seed, c.rows, c.drifts, c.scale), partitions: c.partitions, measure: c.measure });
    assert.equal(out.splits, ref.splits, c.name);
    assert.equal(out.pbo, ref.pbo, `${c.name} PBO`);
    assert.deepEqual([...out.selected], ref.selected, `${c.name} selected`);
    ref.logits.forEach((l: number, i: number) => near(out.logits[i], l, 1e-12, `${c.name} lambda ${i}`));
    // Performances to 1e-12 of their scale (a near-zero Sharpe carries no relative precision).
    const scale = Math.max(...ref.inSample.map(Math.abs));
    ref.inSample.forEach((v: number, i: number) => near(out.inSample[i], v, 1e-12 * scale, `${c.name} IS ${i}`));
    ref.outOfSample.forEach((v: number, i: number) => near(out.outOfSample[i], v, 1e-12 * scale, `${c.name} OOS ${i}`));
    for (const [k, v] of Object.entries(ref.summary) as [keyof typeof out.logitSummary, number][]) near(out.logitSummary[k], v, 1e-12, `${c.name} summary ${k}`);
    relNear(out.degradation.slope, ref.degradation.slope, 1e-10, `${c.name} slope`);
    relNear(out.degradation.intercept, ref.degradation.intercept, 1e-10, `${c.name} intercept`);
    relNear(out.degradation.r2, ref.degradation.r2, 1e-10, `${c.name} r2`);
    assert.equal(out.probabilityOfLoss, ref.probabilityOfLoss, `${c.name} probability of loss`);
  }
});

test('a measure given as a function gives the same splits as the built-in one', () => {
  const columns = seededColumns(7, 243, [0, 0.0001, 0.0002, 0.0003, 0, 0.0001]);
  const builtIn = probabilityOfOverfitting({ columns, partitions: 8 });
  const viaFunction = probabilityOfOverfitting({ columns, partitions: 8, measure: sharpeRatio });
  assert.deepEqual([...viaFunction.selected], [...builtIn.selected]);
  assert.deepEqual([...viaFunction.logits], [...builtIn.logits]);
  builtIn.inSample.forEach((v, i) => relNear(viaFunction.inSample[i], v, 1e-12, `IS ${i}`));
});

test('PBO rejects what CSCV cannot use, saying why', () => {
  const col = (n: number) => new Float64Array(n).fill(0.001);
  assert.throws(() => probabilityOfOverfitting({ columns: [col(32)] }), /at least 2 strategies/);
  assert.throws(() => probabilityOfOverfitting({ columns: [col(32), col(32)], partitions: 5 }), /even integer/);
  assert.throws(() => probabilityOfOverfitting({ columns: [col(20), col(20)] }), /cannot be cut into 16 partitions/);
  assert.throws(() => probabilityOfOverfitting({ columns: [col(32), col(31)] }), /column 1 has 31 rows/);
  const holed = col(32);
  holed[5] = NaN;
  assert.throws(() => probabilityOfOverfitting({ columns: [col(32), holed] }), /column 1 row 5 is NaN/);
});

test('PBO speed: T = 10,000, N = 1,675, S = 16 (timing printed, not asserted)', () => {
  const columns = seededColumns(99, 10_000, new Array(1675).fill(0));
  const start = performance.now();
  const out = probabilityOfOverfitting({ columns, partitions: 16 });
  const ms = performance.now() - start;
  console.log(`CSCV T=10000 N=1675 S=16: ${out.splits} splits in ${(ms / 1000).toFixed(2)} s, PBO ${out.pbo.toFixed(3)}`);
  assert.equal(out.splits, 12870);
});
