/**
 * Node outputs shared across a sweep's combinations (runtime/exec/nodeOutputCache.ts), on the
 * real hourly file: the same table with and without sharing, with one worker or two, and each
 * distinct SMA computed once per worker (an SMA(20) is the same whether it is the fast or the slow one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gridMetric, parseGridSpec } from '../runtime/cli/grid.js';
import { runSweep } from '../runtime/sweep/runSweep.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

process.env.HEAN_DATA_DIR = dataDir();
const file = join(projectRoot, 'graphs', 'sma-cross.yaml');
const axes = [parseGridSpec('fast=4..20:2'), parseGridSpec('slow=10..40:5')];
const sweep = (workers: number, shareOutputs: boolean) => runSweep({ file, axes, where: 'fast < slow', metric: gridMetric('sharpe'), sets: {}, bind: {}, chunkSize: 1024, workers, shareOutputs });

test('sweep: shared node outputs give the same table as computing every node, on one worker or two; each shared SMA is computed once per worker', async () => {
  const plain = await sweep(1, false);
  const shared = await sweep(1, true);
  const two = await sweep(2, true);
  assert.equal(plain.sharing, undefined);
  assert.deepEqual(shared.cells, plain.cells);
  assert.deepEqual(two.cells, plain.cells);
  // The SMA periods each combination uses, counted from the grid: those used more than once are shared.
  const uses = new Map<number, number>();
  for (const c of plain.cells) for (const p of new Set([c.params.fast as number, c.params.slow as number])) uses.set(p, (uses.get(p) ?? 0) + 1);
  const sharedPeriods = [...uses].filter(([, n]) => n > 1);
  assert.equal(shared.sharing!.shareable, sharedPeriods.length);
  assert.equal(shared.sharing!.recorded, sharedPeriods.length, 'each shared SMA computed once');
  assert.equal(shared.sharing!.replayed, sharedPeriods.reduce((sum, [, n]) => sum + n - 1, 0), 'and replayed for every other use');
  assert.ok(two.sharing!.recorded >= sharedPeriods.length && two.sharing!.recorded <= 2 * sharedPeriods.length, 'once per worker at most');
  assert.equal(two.sharing!.recorded + two.sharing!.replayed, shared.sharing!.recorded + shared.sharing!.replayed);
});
