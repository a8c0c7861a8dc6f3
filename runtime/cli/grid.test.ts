import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GridSpecError, gridMetric, parseGridSpec } from './grid.js';

test('grid specs: inclusive ranges with a step, decimal steps without float noise, lists typed as --set reads them', () => {
  assert.deepEqual(parseGridSpec('fast=5..20:5'), { name: 'fast', values: [5, 10, 15, 20], spec: 'fast=5..20:5' });
  assert.deepEqual(parseGridSpec('slow=20..60:10').values, [20, 30, 40, 50, 60]);
  assert.deepEqual(parseGridSpec('n=3..5').values, [3, 4, 5]);
  assert.deepEqual(parseGridSpec('f=0.1..0.5:0.1').values, [0.1, 0.2, 0.3, 0.4, 0.5]);
  assert.deepEqual(parseGridSpec('x=-1..1:0.5').values, [-1, -0.5, 0, 0.5, 1]);
  assert.deepEqual(parseGridSpec('n=5..21:5').values, [5, 10, 15, 20], 'the end is included only when the steps land on it');
  assert.deepEqual(parseGridSpec('fill=nextOpen,close').values, ['nextOpen', 'close']);
  assert.deepEqual(parseGridSpec('p=10, 12,1e1x').values, [10, 12, '1e1x']);
  assert.deepEqual(parseGridSpec('p=7').values, [7]);
});

test('bad grid specs say what to write instead', () => {
  const bad: [string, RegExp][] = [
    ['fast', /expected name=FROM\.\.TO\[:STEP\]/],
    ['=1..2', /expected name=/],
    ['fast=', /expected name=/],
    ['9x=1..2', /not a param name/],
    ['fast=20..5', /write it as fast=5\.\.20/],
    ['fast=1..5:0', /step must be positive/],
    ['fast=1..5:-1', /step must be positive/],
    ['fast=1..100000', /at most 1000 per param/],
    ['fast=1..x', /expected name=/],
    ['fast=1,,2', /empty value/],
    ['fast=1,2,1', /listed twice/],
  ];
  for (const [spec, message] of bad) assert.throws(() => parseGridSpec(spec), (e: Error) => e instanceof GridSpecError && message.test(e.message), spec);
});

test('metrics by name (case-insensitive), with a suggestion for a typo', () => {
  assert.equal(gridMetric('sharpe').key, 'sharpe');
  assert.equal(gridMetric('maxdrawdownpct').higherIsBetter, false);
  assert.throws(() => gridMetric('sharp'), /did you mean "sharpe"/);
});
