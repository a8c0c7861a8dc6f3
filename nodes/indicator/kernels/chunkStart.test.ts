import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkStart } from './chunkStart.js';

test('chunkStart clamps an absolute start row into a chunk', () => {
  assert.equal(chunkStart(5, 0, 10), 5);
  assert.equal(chunkStart(5, 10, 10), 0);
  assert.equal(chunkStart(25, 10, 10), 10);
  assert.equal(chunkStart(12, 10, 0), 0);
});
