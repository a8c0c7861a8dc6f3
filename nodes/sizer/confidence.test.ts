import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confidence } from './confidence.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, same } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

/** The reference, from the definition: floor + (cap - floor) * clamp((c - m) / (1 - m), 0, 1), signed by the signal. */
function reference(signal: number[], c: number[], p: { floor?: number; cap?: number; minConfidence?: number }): number[] {
  const floor = p.floor ?? 0;
  const cap = p.cap ?? 1;
  const m = p.minConfidence ?? 0.5;
  return signal.map((x, i) => {
    if (Number.isNaN(x)) return N;
    if (x === 0) return 0;
    if (Number.isNaN(c[i])) return N;
    const u = Math.min(1, Math.max(0, (c[i] - m) / (1 - m)));
    const fraction = floor + (cap - floor) * u;
    return x > 0 ? fraction : 0 - fraction;
  });
}

const signal = [N, 1, N, 0, -1, 1, -1, 1, 0, 1, -1];
const conf = [0.9, 0.75, 0.9, 0.99, 0.6, 1, 0.3, 0.5, N, N, 0.875];

test('sizer.confidence: the fraction rises linearly from floor at minConfidence to cap at confidence 1', () => {
  const out = runAllChunkings(confidence, {}, { signal: f(signal), confidence: f(conf) }, 'orders');
  // defaults floor 0, cap 1, minConfidence 0.5: 0.75 -> 0.5; 0.6 short -> -0.2 (to rounding); 1 -> 1; 0.3 -> 0 (+0, not -0); 0.5 -> 0
  same(out, reference(signal, conf, {}));
  assert.equal(out[1], 0.5);
  assert.ok(Math.abs(out[4] + 0.2) < 1e-12);
  assert.ok(Object.is(out[6], 0) && Object.is(out[7], 0));
  // a 0 signal is flat whatever the confidence (NaN too); a ±1 pulse without a confidence is no order
  assert.ok(Object.is(out[3], 0) && Object.is(out[8], 0));
  assert.ok(Number.isNaN(out[9]) && Number.isNaN(out[0]));
});

test('sizer.confidence with floor and cap: in the market at least floor, at most cap', () => {
  const p = { floor: 0.2, cap: 0.6, minConfidence: 0.6 };
  const out = runAllChunkings(confidence, p, { signal: f(signal), confidence: f(conf) }, 'orders');
  same(out, reference(signal, conf, p));
  // 0.75 -> u = 0.375 -> 0.2 + 0.4 * 0.375 = 0.35; 0.3 short -> -0.2 (floor); 0.875 short -> u = 0.6875 -> -0.475
  assert.ok(Math.abs(out[1] - 0.35) < 1e-12);
  assert.equal(out[6], -0.2);
  assert.ok(Math.abs(out[10] + 0.475) < 1e-12);
});

test('sizer.confidence: params schema and check()', () => {
  const v = compileParams(confidence).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { floor: 0, cap: 1, scale: 'linear', minConfidence: 0.5 });
  assert.notDeepEqual(v({ minConfidence: 1 }), []);
  assert.notDeepEqual(v({ cap: 0 }), []);
  assert.notDeepEqual(v({ floor: -0.1 }), []);
  assert.notDeepEqual(v({ scale: 'sqrt' }), []);
  const check = (x: Record<string, unknown>) => confidence.check!(compileParams(confidence).parse(x) as never);
  assert.deepEqual(check({ floor: 0.5, cap: 0.5 }), []);
  assert.match(check({ floor: 0.8, cap: 0.5 })[0].message, /found floor 0.8 above cap 0.5; expected floor <= cap/);
  assert.equal(confidence.warmup?.(p as never), 0);
});
