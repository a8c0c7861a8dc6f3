import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asOfIndex, barrierLabels, directionOf, forwardReturns } from './labels.js';

test('forwardReturns: price H bars ahead over price now, minus 1; NaN for the last H bars', () => {
  const r = forwardReturns(Float64Array.from([100, 110, 99, 99]), 2);
  assert.deepEqual([...r], [99 / 100 - 1, 99 / 110 - 1, NaN, NaN]);
  assert.deepEqual([...forwardReturns(Float64Array.from([1, 2]), 5)], [NaN, NaN]);
});

test('directionOf: strictly beyond the band is UP or DOWN, within it (edges included) NEUTRAL, NaN unlabelled', () => {
  assert.equal(directionOf(0.002, 0.001), 'UP');
  assert.equal(directionOf(-0.002, 0.001), 'DOWN');
  assert.equal(directionOf(0.001, 0.001), 'NEUTRAL');
  assert.equal(directionOf(-0.001, 0.001), 'NEUTRAL');
  assert.equal(directionOf(0, 0), 'NEUTRAL');
  assert.equal(directionOf(1e-12, 0), 'UP');
  assert.equal(directionOf(NaN, 0), undefined);
});

test('barrierLabels: the first barrier touched wins, both in one bar is DOWN, neither is NEUTRAL, too few bars unlabelled', () => {
  // From close 100 with up 0.1, down 0.05: the top barrier is 110, the bottom 95.
  const close = Float64Array.from([100, 100, 100, 100, 100, 100]);
  const high = Float64Array.from([100, 105, 111, 100, 111, 100]);
  const low = Float64Array.from([100, 96, 99, 94, 94, 100]);
  const labels = barrierLabels(close, high, low, 2, 0.1, 0.05);
  // bar 0: bar 1 touches nothing, bar 2 reaches 111 -> UP.
  assert.equal(labels[0], 'UP');
  // bar 1: bar 2 reaches 111 first -> UP (bar 3's low 94 comes later).
  assert.equal(labels[1], 'UP');
  // bar 2: bar 3 falls to 94 -> DOWN.
  assert.equal(labels[2], 'DOWN');
  // bar 3: bar 4 touches 111 and 94 in the same bar -> DOWN (pessimistic).
  assert.equal(labels[3], 'DOWN');
  assert.deepEqual(labels.slice(4), [undefined, undefined]);
  const flat = barrierLabels(Float64Array.from([100, 100, 100]), Float64Array.from([100, 109, 109]), Float64Array.from([100, 96, 96]), 2, 0.1, 0.05);
  assert.deepEqual(flat, ['NEUTRAL', undefined, undefined]);
  assert.deepEqual(barrierLabels(Float64Array.from([NaN, 100]), Float64Array.from([1, 1]), Float64Array.from([1, 1]), 1, 0.1, 0.1), [undefined, undefined]);
});

test('asOfIndex: the latest price at or before each event, -1 before the first', () => {
  assert.deepEqual([...asOfIndex(Float64Array.from([10, 20, 30]), Float64Array.from([5, 10, 15, 30, 99]))], [-1, 0, 0, 2, 2]);
});
