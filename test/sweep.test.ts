/**
 * `hean sweep` on the real hourly file: every combination the constraint keeps, each equal to a
 * plain `hean run --set` of the same params; the same table with one worker or two; the results
 * table as CSV and Parquet, the heatmap, and the progress a log gets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-sweep-'));
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');

function hean(...args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `hean ${args.join(' ')}\n${r.stderr}`);
  return r;
}

test('sweep: the combinations --where keeps, row-major; each equals hean run --set; the same with 1 and 2 workers', () => {
  const one = JSON.parse(hean('sweep', graph, '--grid', 'fast=8..14:2', '--grid', 'slow=10..30:10', '--where', 'fast < slow', '--workers', '1', '--json').stdout);
  const two = JSON.parse(hean('sweep', graph, '--grid', 'fast=8..14:2', '--grid', 'slow=10..30:10', '--where', 'fast < slow', '--workers', '2', '--json').stdout);
  // fast 8, 10, 12, 14 x slow 10, 20, 30 = 12; fast < slow drops (10,10), (12,10), (14,10).
  assert.equal(one.combinations, 12);
  assert.equal(one.excluded, 3);
  assert.deepEqual(one.cells.map((c: { params: object }) => c.params), [
    { fast: 8, slow: 10 }, { fast: 8, slow: 20 }, { fast: 8, slow: 30 }, { fast: 10, slow: 20 }, { fast: 10, slow: 30 },
    { fast: 12, slow: 20 }, { fast: 12, slow: 30 }, { fast: 14, slow: 20 }, { fast: 14, slow: 30 },
  ]);
  assert.equal(two.workers, 2);
  assert.deepEqual(two.cells, one.cells, 'the same table whatever the worker count');
  for (const cell of [one.cells[0], one.cells[8]]) {
    const single = JSON.parse(hean('run', graph, '--set', `fast=${cell.params.fast}`, '--set', `slow=${cell.params.slow}`, '--json').stdout);
    for (const key of ['sharpe', 'totalReturnPct', 'maxDrawdownPct', 'trades', 'finalEquity']) assert.equal(cell.metrics[key], single[key], `${key} at ${JSON.stringify(cell.params)}`);
  }
  const best = [...one.cells].sort((a, b) => b.value - a.value || a.index - b.index)[0];
  assert.deepEqual(one.best, { params: best.params, value: best.value });
  // Selection luck: every combination is a trial; the days of 2017-08-17 .. 2024-04-21.
  assert.equal(one.selection.trials, 9);
  assert.equal(one.selection.days, 2440);
  assert.ok(one.selection.deflatedSharpe >= 0 && one.selection.deflatedSharpe <= 1);
  assert.ok(one.selection.pbo >= 0 && one.selection.pbo <= 1);
  assert.equal(one.selection.splits, 12870);
  assert.deepEqual(two.selection, one.selection);
});

test('sweep: results as CSV and Parquet (every metric per combination), a heatmap, and progress lines in a log', async () => {
  const r = hean('sweep', graph, '--grid', 'fast=8..14:2', '--grid', 'slow=10..30:10', '--where', 'fast < slow', '--workers', '2', '-o', 'results.csv', '--heatmap', 'map.html');
  hean('sweep', graph, '--grid', 'fast=8..14:2', '--grid', 'slow=10..30:10', '--where', 'fast < slow', '--workers', '1', '-o', 'results.parquet');
  assert.match(r.stderr, /^sweep: 9 combinations of fast \(4\) x slow \(3\) \(3 excluded by --where\) on 2 workers\n/);
  assert.match(r.stderr, /sweep: about [\d.]+ s in all/);
  assert.match(r.stderr, /wrote results\.csv \(9 combinations, every metric\)/);
  assert.match(r.stdout, /best sharpe: -?[\d.]+ at fast=\d+, slow=\d+ \(the best of 9 tries/);
  const csv = readFileSync(join(dir, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 10);
  const header = csv[0].split(',');
  assert.deepEqual(header.slice(0, 4), ['fast', 'slow', 'status', 'sharpe']);
  for (const metric of ['totalReturnPct', 'maxDrawdownPct', 'trades', 'feesPaid', 'exposurePct']) assert.ok(header.includes(metric), metric);
  const rows = await parquetReadObjects({ file: toArrayBuffer(readFileSync(join(dir, 'results.parquet'))) });
  assert.equal(rows.length, 9);
  const first = csv[1].split(',');
  assert.equal(rows[0].fast, Number(first[0]));
  assert.equal(rows[0].status, 'ok');
  assert.equal(rows[0].sharpe, Number(first[3]));
  const page = readFileSync(join(dir, 'map.html'), 'utf8');
  assert.equal(page.match(/data-status="excluded"/g)?.length, 3, 'the three pairs --where left out are blank, not invalid');
  assert.match(page, /3 excluded by --where/);
});

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
