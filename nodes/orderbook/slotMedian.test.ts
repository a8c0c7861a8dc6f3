import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlotMedian } from './slotMedian.js';
import { ASK_SIZE, BID_SIZE } from '../../runtime/ports.js';
import { realBook } from '../../runtime/testing/realOrderFlow.js';

/** The reference: sort the present values and take the middle one (mean of the two middle ones when even). */
function sortedMedian(values: Float64Array): number {
  const present = values.filter((v) => v === v).sort(); // a Float64Array sorts numerically
  const h = present.length >> 1;
  return present.length === 0 ? NaN : present.length & 1 ? present[h] : (present[h - 1] + present[h]) / 2;
}

test('hand-worked medians: odd and even counts, ties, emptied slots, an empty set', () => {
  const m = new SlotMedian(4);
  assert.ok(Number.isNaN(m.median()));
  m.set(0, 5);
  m.balance();
  assert.equal(m.median(), 5);
  m.set(1, 1);
  m.set(2, 9);
  m.balance();
  assert.equal(m.median(), 5); // {1, 5, 9}
  m.set(3, 3);
  m.balance();
  assert.equal(m.median(), 4); // {1, 3, 5, 9}: (3 + 5) / 2
  m.set(2, 1);
  m.balance();
  assert.equal(m.median(), 2); // {1, 1, 3, 5}
  m.set(0, NaN);
  m.balance();
  assert.equal(m.median(), 1); // {1, 1, 3}
  for (const slot of [1, 2, 3]) m.set(slot, NaN);
  m.balance();
  assert.ok(Number.isNaN(m.median()));
});

test('the rolling median of the real level sizes equals a plain sort at every snapshot (windows 600 and 37, missing levels)', () => {
  const { book } = realBook(10);
  const snapshots = book.columns[0].length;
  for (const window of [600, 37]) {
    const stride = 20;
    const ring = new Float64Array(window * stride).fill(NaN);
    const median = new SlotMedian(window * stride);
    let checked = 0;
    for (let i = 0; i < snapshots; i++) {
      const base = (i % window) * stride;
      for (let l = 0; l < 10; l++) {
        // Every 7th snapshot loses its deeper levels (a thin book): NaN slots must leave the count.
        const missing = i % 7 === 0 && l >= 6;
        const b = missing ? NaN : book.columns[4 * l + BID_SIZE][i];
        const a = missing ? NaN : book.columns[4 * l + ASK_SIZE][i];
        ring[base + 2 * l] = b;
        ring[base + 2 * l + 1] = a;
        median.set(base + 2 * l, b);
        median.set(base + 2 * l + 1, a);
      }
      median.balance();
      if (window < 100 || i % 25 === 0) {
        assert.ok(Object.is(median.median(), sortedMedian(ring)), `window ${window}, snapshot ${i}: ${median.median()} vs ${sortedMedian(ring)}`);
        checked++;
      }
    }
    assert.ok(checked > 200);
  }
});
