import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from './aggregate.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { runEveryChunking } from '../../runtime/testing/chunkings.js';

const HOUR = 3_600_000;
// Two sources on an hourly clock; NaN = no item at that row. Times: hour i.
const n = 60;
const t = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * HOUR);
const news = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? Math.sin(i) : NaN));
const newsConfidence = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0.5 + 0.4 * Math.cos(i) : NaN));
const posts = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? -0.6 + 0.1 * (i % 3) : NaN));
const postsConfidence = Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0.9 : NaN));
const clock = new Float64Array(n).fill(1);
const params = { halfLife: '6h', maxAge: '12h', weights: [1, 2] };

/** The definition, item by item: w = sourceWeight x confidence x 2^(-age / halfLife) over items with 0 <= age < maxAge. */
function reference(row: number): { value: number; weight: number; count: number } {
  let sw = 0;
  let sws = 0;
  let count = 0;
  const sources: [Float64Array, Float64Array, number][] = [
    [news, newsConfidence, 1],
    [posts, postsConfidence, 2],
  ];
  for (const [score, confidence, weight] of sources) {
    for (let i = 0; i <= row; i++) {
      const age = t[row] - t[i];
      if (Number.isNaN(score[i]) || age >= 12 * HOUR) continue;
      const w = weight * confidence[i] * 0.5 ** (age / (6 * HOUR));
      sw += w;
      sws += w * score[i];
      count++;
    }
  }
  return { value: count ? sws / sw : NaN, weight: sw, count };
}

test('sentiment.aggregate is the confidence-weighted, half-life-decayed mean of the fresh items of every source', () => {
  const out = runEveryChunking(aggregate, params, { score: [news, posts], confidence: [newsConfidence, postsConfidence], clock }, [1, 2, 3, 7, 25], t);
  for (let r = 0; r < n; r++) {
    const want = reference(r);
    assert.equal(out.count[r], want.count, `row ${r}`);
    assert.ok(Math.abs(out.weight[r] - want.weight) < 1e-12, `row ${r} weight`);
    if (Number.isNaN(want.value)) assert.ok(Number.isNaN(out.value[r]), `row ${r}`);
    else assert.ok(Math.abs(out.value[r] - want.value) < 1e-12, `row ${r}: ${out.value[r]} vs ${want.value}`);
  }
  // Between items the value decays toward the newer items' scores; at least one hour has items 12 h old dropping out.
  assert.ok(out.count.some((c, r) => r > 0 && c < out.count[r - 1]));
});

test('sentiment.aggregate: fewer than minItems fresh items is no value, not a neutral one', () => {
  const out = runKernel(aggregate, { ...params, minItems: 3 }, { score: [news, posts], confidence: [newsConfidence, postsConfidence], clock }, { t });
  for (let r = 0; r < n; r++) assert.equal(Number.isNaN(out.value[r]), reference(r).count < 3, `row ${r}`);
});

test('sentiment.aggregate refuses mismatched wiring and negative confidences with a clear message', () => {
  assert.throws(() => runKernel(aggregate, { ...params, weights: [1] }, { score: [news, posts], clock }), /weights has 1 value\(s\) for 2 score wire\(s\)/);
  assert.throws(() => runKernel(aggregate, params, { score: [news, posts], confidence: [newsConfidence], clock }), /confidence has 1 wire\(s\) and score 2/);
  const negative = newsConfidence.map((c) => -c);
  assert.throws(() => runKernel(aggregate, params, { score: [news, posts], confidence: [negative, postsConfidence], clock }, { t }), /confidence -0\.[0-9]+ at 2023-11-14T22:13:20\.000Z; expected a weight in \[0, 1\]/);
});
