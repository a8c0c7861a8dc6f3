import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhere, WhereError } from './where.js';

test('--where: comparisons, arithmetic, and/or/not with the usual precedence', () => {
  const w = (text: string, p: Record<string, number | string | boolean>) => parseWhere(text, Object.keys(p)).test(p);
  assert.equal(w('fast < slow', { fast: 5, slow: 10 }), true);
  assert.equal(w('fast < slow', { fast: 10, slow: 10 }), false);
  assert.equal(w('slow - fast >= 5 and fast * 2 <= slow', { fast: 5, slow: 10 }), true);
  assert.equal(w('slow - fast >= 5 and fast * 2 <= slow', { fast: 6, slow: 10 }), false);
  // and binds tighter than or; not applies to its operand
  assert.equal(w('a == 1 or a == 2 and b == 3', { a: 1, b: 0 }), true);
  assert.equal(w('(a == 1 or a == 2) and b == 3', { a: 1, b: 0 }), false);
  assert.equal(w('not a > 1', { a: 0 }), true);
  assert.equal(w('!(a > 1) && a != 0 || b', { a: 0, b: true }), true);
  assert.equal(w('a % 2 = 0', { a: 4 }), true, '= reads as ==');
  assert.equal(w("fill == 'close'", { fill: 'close' }), true);
  assert.equal(w('-a + 3 > 0', { a: 2 }), true);
  assert.equal(w('1.5e1 == a', { a: 15 }), true);
});

test('--where errors: unknown names with a guess, bad syntax with its column; nothing is evaluated as JavaScript', () => {
  assert.throws(() => parseWhere('fats < slow', ['fast', 'slow']), (e: Error) => e instanceof WhereError && /"fats" is not a param of the sweep; did you mean "fast"\?/.test(e.message));
  assert.throws(() => parseWhere('fast <', ['fast']), /expected a value at the end/);
  assert.throws(() => parseWhere('fast < slow)', ['fast', 'slow']), /unexpected at "\)" \(column 12\)/);
  assert.throws(() => parseWhere('process.exit(1)', ['fast']), /"process" is not a param|cannot read/);
  assert.throws(() => parseWhere('fast ; slow', ['fast', 'slow']), /cannot read ";/);
  assert.deepEqual(parseWhere('fast < slow and fast > 2', ['fast', 'slow', 'x']).names, ['fast', 'slow']);
});
