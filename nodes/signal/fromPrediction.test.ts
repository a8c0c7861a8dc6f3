import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPrediction } from './fromPrediction.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';
import { realCandles } from '../../runtime/testing/realCandles.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

/** The reference, from the definition: the stance per event, emitted when it changes. */
function reference(d: number[], c: number[], p: { minConfidence?: number; allowShort?: boolean; exit?: string }): number[] {
  const min = p.minConfidence ?? 0.5;
  let state = 0;
  return d.map((x, i) => {
    if (Number.isNaN(x) || Number.isNaN(c[i])) return N;
    const sure = c[i] >= min;
    let target: number;
    if (sure && x > 0) target = 1;
    else if (sure && x < 0) target = p.allowShort ? -1 : 0;
    else target = p.exit === 'opposite' ? state : 0;
    const out = target === state ? N : target;
    state = target;
    return out;
  });
}

//                 0    1    2    3    4    5    6    7    8    9   10   11
const direction = [1, 1, 1, 0, 1, -1, -1, N, 1, 1, -1, 1];
const confidence = [0.4, 0.6, 0.7, 0.8, 0.5, 0.9, 0.6, 0.9, 0.45, 0.55, 0.52, N];

test('signal.fromPrediction exit neutral, long only: enter on a confident UP, leave on NEUTRAL, low confidence or DOWN', () => {
  const out = runAllChunkings(fromPrediction, {}, { direction: f(direction), confidence: f(confidence) }, 'signal');
  // 0: UP at 0.4 < 0.5 -> flat, no change; 1: UP 0.6 -> +1; 2: N; 3: NEUTRAL -> 0; 4: UP at exactly 0.5 -> +1;
  // 5: DOWN long-only -> 0; 6: N; 7: NaN direction -> N; 8: UP 0.45 -> N (flat); 9: +1; 10: DOWN 0.52 -> 0; 11: NaN -> N
  same(out, [N, 1, N, 0, 1, 0, N, N, N, 1, 0, N]);
  same(out, reference(direction, confidence, {}));
});

test('signal.fromPrediction allowShort: a confident DOWN goes short', () => {
  const out = runAllChunkings(fromPrediction, { allowShort: true }, { direction: f(direction), confidence: f(confidence) }, 'signal');
  same(out, [N, 1, N, 0, 1, -1, N, N, 0, 1, -1, N]);
  same(out, reference(direction, confidence, { allowShort: true }));
});

test('signal.fromPrediction exit opposite: NEUTRAL and low confidence hold; only the other direction turns', () => {
  const long = runAllChunkings(fromPrediction, { exit: 'opposite' }, { direction: f(direction), confidence: f(confidence) }, 'signal');
  // 1: +1; 3 NEUTRAL holds; 5: DOWN -> 0 (long only); 8 UP 0.45 holds flat; 9: +1; 10: DOWN -> 0
  same(long, [N, 1, N, N, N, 0, N, N, N, 1, 0, N]);
  const both = runAllChunkings(fromPrediction, { exit: 'opposite', allowShort: true, minConfidence: 0.55 }, { direction: f(direction), confidence: f(confidence) }, 'signal');
  same(both, reference(direction, confidence, { exit: 'opposite', allowShort: true, minConfidence: 0.55 }));
  same(both, [N, 1, N, N, N, -1, N, N, N, 1, N, N]);
});

test('signal.fromPrediction on a real-data direction: pulses only where the stance changes, matching the reference', () => {
  const bars = realCandles(3000);
  // A "model" from real prices: direction the sign of the bar's move, confidence growing with its size.
  const d = Array.from(bars.close, (c, i) => Math.sign(c - bars.open[i]));
  const c = Array.from(bars.close, (x, i) => 0.5 + 0.5 * Math.tanh((Math.abs(x - bars.open[i]) / bars.open[i]) * 100) - 0.1);
  for (const p of [{}, { allowShort: true }, { exit: 'opposite', allowShort: true, minConfidence: 0.6 }]) {
    const out = runAllChunkings(fromPrediction, p, { direction: f(d), confidence: f(c) }, 'signal');
    same(out, reference(d, c, p));
    assert.ok(out.filter((x) => !Number.isNaN(x)).length > 100);
  }
});

test('signal.fromPrediction: params schema', () => {
  const v = compileParams(fromPrediction).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { minConfidence: 0.5, allowShort: false, exit: 'neutral' });
  assert.notDeepEqual(v({ minConfidence: 1.2 }), []);
  assert.notDeepEqual(v({ exit: 'stop' }), []);
  assert.notDeepEqual(v({ allowShort: 'yes' }), []);
  assert.equal(fromPrediction.warmup?.(p as never), 0);
});
