/**
 * `hean sweep --queue` against the real Redis: two `hean worker` processes take the combinations
 * from a BullMQ queue; one is killed (SIGKILL) in the middle; its job is handed to the other, and
 * the table is exactly the one a local run makes, each combination counted once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { redisUrl } from '../runtime/adapters/redis/connection.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
const queue = testPrefix().replace(':', '-');
const url = redisUrl(undefined);
const grid = ['--grid', 'fast=5..24', '--grid', 'slow=30..100:7'];
const workers: ChildProcess[] = [];

after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  const redis = await testClient();
  await deleteKeys(redis, `bull:${queue}`);
  await redis.quit();
});

function worker(verbose: boolean): { process: ChildProcess; lines: string[] } {
  const p = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'worker', '--queue', url, '--queue-name', queue, ...(verbose ? ['--verbose'] : [])], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  workers.push(p);
  const lines: string[] = [];
  p.stderr!.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  return { process: p, lines };
}

test('sweep --queue: two workers, one killed mid-sweep; the same table as a local run, every combination once', { timeout: 180_000 }, async () => {
  const local = JSON.parse(spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'sweep', graph, ...grid, '--workers', '1', '--json'], { env, encoding: 'utf8' }).stdout);
  const doomed = worker(true);
  const survivor = worker(false);
  const sweep = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'sweep', graph, ...grid, '--queue', url, '--queue-name', queue, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killedAfter = -1;
  sweep.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  sweep.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Kill one worker as soon as it has run a few combinations, while the sweep is under way.
  const timer = setInterval(() => {
    if (killedAfter < 0 && doomed.lines.filter((l) => l.startsWith('worker: combination')).length >= 3) {
      killedAfter = doomed.lines.filter((l) => l.startsWith('worker: combination')).length;
      doomed.process.kill('SIGKILL');
    }
  }, 5);
  const code = await new Promise<number | null>((resolve) => sweep.on('exit', resolve));
  clearInterval(timer);
  assert.equal(code, 0, stderr);
  assert.ok(killedAfter >= 3, 'the killed worker had taken combinations');
  const queued = JSON.parse(stdout);
  assert.equal(queued.cells.length, local.cells.length);
  assert.deepEqual(queued.cells.map((c: { index: number }) => c.index), local.cells.map((c: { index: number }) => c.index), 'each combination once, in order');
  assert.deepEqual(queued.cells, local.cells, 'the same results as a local run');
  assert.deepEqual(queued.selection, local.selection);
  survivor.process.kill('SIGINT');
  await new Promise((resolve) => survivor.process.on('exit', resolve));
  assert.match(survivor.lines.join('\n'), /worker: [\d,]+ combinations? done/);
});
