import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SweepCell, SweepResult } from '../sweep/runSweep.js';
import { sweepHeatmap } from './sweepOutput.js';

// a in {1, 2} x b in {1, 2} x c in {1, 2, 3}, value 100 a + 10 b + c; (a=2, b=2, c=3) excluded.
const axes = [
  { name: 'a', spec: 'a=1,2', values: [1, 2] },
  { name: 'b', spec: 'b=1,2', values: [1, 2] },
  { name: 'c', spec: 'c=1..3', values: [1, 2, 3] },
];
const cells: SweepCell[] = [];
for (const a of [1, 2]) for (const b of [1, 2]) for (const c of [1, 2, 3]) if (!(a === 2 && b === 2 && c === 3)) cells.push({ index: cells.length, params: { a, b, c }, status: 'ok', value: 100 * a + 10 * b + c, metrics: {} });
const sweep: SweepResult = { graphName: 'g', file: 'g.yaml', axes, where: 'not (a == 2 and b == 2 and c == 3)', metric: { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 }, sets: {}, combinations: 12, excluded: 1, cells, failures: [], workers: 1, elapsedMs: 1 };
const values = (h: ReturnType<typeof sweepHeatmap>) => h.cells.map((row) => row.map((c) => c.value));

test('sweep heatmap: the first two params, each cell the best over the rest', () => {
  const h = sweepHeatmap(sweep);
  assert.equal(h.rows.name, 'a');
  assert.equal(h.columns!.name, 'b');
  assert.deepEqual(values(h), [[113, 123], [213, 222]]);
  assert.match(h.cells[1][1].message!, /best at c=2/);
  assert.match(h.subtitle!, /each cell the best over c/);
});

test('sweep heatmap: any two params; the others held (--heatmap-at) or averaged (--heatmap-others mean)', () => {
  assert.deepEqual(values(sweepHeatmap(sweep, { axes: ['c', 'b'], at: { a: 1 } })), [[111, 121], [112, 122], [113, 123]]);
  // The mean over a of 100 a + 10 b + c is 150 + 10 b + c, except (b=2, c=3), which only a=1 has.
  assert.deepEqual(values(sweepHeatmap(sweep, { axes: ['b', 'c'], others: 'mean' })), [[161, 162, 163], [171, 172, 123]]);
  const one = sweepHeatmap(sweep, { axes: ['c'], at: { a: 2, b: 2 } });
  assert.equal(one.columns, undefined);
  assert.deepEqual(values(one), [[221], [222], [null]]);
  assert.equal(one.cells[2][0].status, 'excluded');
  assert.throws(() => sweepHeatmap(sweep, { axes: ['a', 'z'] }), /not a swept param \(a, b, c\)/);
  assert.throws(() => sweepHeatmap(sweep, { axes: ['a', 'b'], at: { c: 7 } }), /not one of its values \(1, 2, 3\)/);
});
