import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hybrid } from './hybrid.js';
import { compileParams } from '../../runtime/params.js';
import { runAllChunkings, near } from '../../runtime/testing/chunkings.js';

const f = (xs: number[]) => Float64Array.from(xs);
const N = NaN;

// row:        0    1     2     3     4    5    6     7
const a = f([N, 0.5, -0.2, 0.4, 0.3, 0, 0.8, -0.5]);
const b = f([N, 0.25, -0.6, -0.1, N, 0.3, 0.5, -1]);
// 0: no orders -> NaN; 3: signs disagree -> 0; 4: b has no order -> NaN; 5: a is flat -> 0

test('sizer.hybrid min: the smallest size with the common sign', () => {
  // 1: min(.5, .25) = .25; 2: -min(.2, .6) = -.2; 6: .5; 7: -min(.5, 1) = -.5
  near(runAllChunkings(hybrid, {}, { orders: [a, b] }, 'orders'), [N, 0.25, -0.2, 0, N, 0, 0.5, -0.5]);
  // a third wire: 1: .1; 2: -.2 (c -.5); 6: min(.8, .5, .9) = .5; 7: -min(.5, 1, .4) = -.4
  const c = f([0.1, 0.1, -0.5, 0.2, 0.3, 0.2, 0.9, -0.4]);
  near(runAllChunkings(hybrid, { rule: 'min' }, { orders: [a, b, c] }, 'orders'), [N, 0.1, -0.2, 0, N, 0, 0.5, -0.4]);
});

test('sizer.hybrid mean and product', () => {
  // mean: 1: (.5 + .25) / 2 = .375; 2: -(.2 + .6) / 2 = -.4; 6: .65; 7: -.75
  near(runAllChunkings(hybrid, { rule: 'mean' }, { orders: [a, b] }, 'orders'), [N, 0.375, -0.4, 0, N, 0, 0.65, -0.75]);
  // product: 1: .125; 2: -.12; 6: .4; 7: -.5
  near(runAllChunkings(hybrid, { rule: 'product' }, { orders: [a, b] }, 'orders'), [N, 0.125, -0.12, 0, N, 0, 0.4, -0.5]);
});

test('sizer.hybrid cap: the combined size never exceeds cap', () => {
  near(runAllChunkings(hybrid, { rule: 'mean', cap: 0.3 }, { orders: [a, b] }, 'orders'), [N, 0.3, -0.3, 0, N, 0, 0.3, -0.3]);
  // levered inputs (a volatility target with maxLeverage 3): product 2 * 3 = 6 -> cap 2.5
  near(runAllChunkings(hybrid, { rule: 'product', cap: 2.5 }, { orders: [f([2, -2]), f([3, -1])] }, 'orders'), [2.5, -2]);
});

test('sizer.hybrid: params schema and checkWiring', () => {
  const v = compileParams(hybrid).validate;
  const p: Record<string, unknown> = {};
  assert.deepEqual(v(p), []);
  assert.deepEqual(p, { rule: 'min', cap: 1 });
  for (const bad of [{ rule: 'max' }, { cap: 0 }, { cap: -1 }, { cap: 11 }, { weights: [1, 2] }]) assert.notDeepEqual(v(bad), [], JSON.stringify(bad));
  const wiring = (wires: string[]) => hybrid.checkWiring!(compileParams(hybrid).parse({}) as never, { graphFile: 'g.yaml', wires: { orders: wires }, features: {} });
  assert.deepEqual(wiring(['kelly.orders', 'vol.orders']), []);
  const [single] = wiring(['kelly.orders']);
  assert.equal(single.severity, 'warning');
  assert.match(single.message, /found 1 wire on input orders; wire two or more/);
  assert.equal(hybrid.warmup?.(p as never), 0);
});
