/**
 * Node outputs shared between processes through a real Redis (`hean run --cache redis://...`,
 * runtime/exec/cachedNodeOutputs.ts), end to end through the CLI: separate `hean run` processes on
 * test/cached-forecast.yaml (the PyTorch LSTM fixture on real hourly candles, and a z-scored
 * feature set). The reference for every output is a run of the same command without a cache.
 * Every key this test writes carries its own prefix (HEAN_CACHE_PREFIX) and is deleted at the end.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Redis } from 'ioredis';
import { dataDir, dataFile, fixtureFile, projectRoot } from '../runtime/testing/dataFile.js';

const REDIS = process.env.HEAN_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `hean:test:nodecache:${randomBytes(6).toString('hex')}`;
const tmp = mkdtempSync(join(tmpdir(), 'hean-node-cache-cli-'));
const graph = join(projectRoot, 'test', 'cached-forecast.yaml');
const DATA = 'btcusdt_1h_binance_2024-09_2026-02.csv.gz';
// A copy of the model that the test may change.
const model = join(tmp, 'lstm.onnx');
writeFileSync(model, readFileSync(fixtureFile('lstm_forecaster.onnx')));
const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });

after(async () => {
  await redis.connect().catch(() => {});
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

let runs = 0;
/** One `hean run` process: its stdout, stderr, and the tape and trades it wrote. */
function run(args: string[] = [], options: { cache?: boolean; data?: string } = {}): { stdout: string; stderr: string; tape: string; trades: string } {
  const n = runs++;
  const argv = ['bin/hean.js', 'run', graph, '--set', `model=${model}`, '--bind', `bars.file=${options.data ?? DATA}`, '--bind', `tape.file=${join(tmp, `tape-${n}.csv`)}`, '--trades', join(tmp, `trades-${n}.csv`), ...(options.cache === false ? [] : ['--cache', REDIS]), ...args];
  const r = spawnSync(process.execPath, argv, { cwd: projectRoot, env: { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_CACHE_PREFIX: prefix, HEAN_CACHE: '' }, encoding: 'utf8' });
  assert.equal(r.status, 0, `hean ${argv.slice(1).join(' ')} exited ${r.status}:\n${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr, tape: readFileSync(join(tmp, `tape-${n}.csv`), 'utf8'), trades: readFileSync(join(tmp, `trades-${n}.csv`), 'utf8') };
}

/** The run's `hean: cache ...` line, from `: ` on. */
const cacheLine = (stderr: string) => /^hean: cache redis:\/\/\S+: (.*)$/m.exec(stderr)?.[1];

test('two hean run processes: the second loads the forecasts and the features from Redis and writes byte-identical outputs; a changed param, model file or data file is computed again', async () => {
  const reference = run([], { cache: false });
  assert.ok(reference.trades.split('\n').length > 20, 'the graph trades');

  const first = run();
  assert.equal(cacheLine(first.stderr), 'features 0 hits, 2 misses; predictions 0 hits, 1 miss');
  assert.match(first.stdout, /^computed and cached: returns \(features\), lstm \(predictions\), feats \(features\)$/m);
  const second = run();
  // The forecasts come from the cache, so the windows and returns feeding them are not needed (not even looked up); the tape records the features.
  assert.equal(cacheLine(second.stderr), 'features 1 hit, 0 misses; predictions 1 hit, 0 misses');
  assert.match(second.stdout, /^from the cache: feats \(features\), lstm \(predictions\) \(not computed\)$/m);
  assert.doesNotMatch(second.stdout, /computed and cached/);
  for (const r of [first, second]) {
    assert.equal(r.tape, reference.tape, 'the tape');
    assert.equal(r.trades, reference.trades, 'the trades');
  }

  // A param of the feature set: it is computed again; the forecasts do not depend on it.
  const param = run(['--set', 'window=700']);
  assert.equal(cacheLine(param.stderr), 'features 0 hits, 1 miss; predictions 1 hit, 0 misses');
  assert.match(param.stdout, /^computed and cached: feats \(features\)$/m);
  assert.notEqual(param.tape, reference.tape);

  // The model file's bytes (its producer version, same length: still a valid model giving the same forecasts).
  const bytes = readFileSync(model);
  const at = bytes.indexOf('1.13.0');
  assert.ok(at > 0);
  bytes.write('1.13.9', at);
  writeFileSync(model, bytes);
  const changedModel = run();
  // The features are loaded (the model's input, returns, too: the first run stored it), the forecasts computed.
  assert.equal(cacheLine(changedModel.stderr), 'features 2 hits, 0 misses; predictions 0 hits, 1 miss');
  assert.match(changedModel.stdout, /^from the cache: feats \(features\), returns \(features\) \(not computed\)$/m);
  assert.match(changedModel.stdout, /^computed and cached: lstm \(predictions\)$/m);
  assert.equal(changedModel.tape, reference.tape);
  assert.equal(changedModel.trades, reference.trades);

  // The data: one close changed in a copy of the file; the same file elsewhere is the same content.
  const text = gunzipSync(readFileSync(dataFile(DATA))).toString('utf8').split('\n');
  const copy = join(tmp, 'same.csv.gz');
  writeFileSync(copy, gzipSync(text.join('\n')));
  const same = run([], { data: copy });
  assert.equal(cacheLine(same.stderr), 'features 1 hit, 0 misses; predictions 1 hit, 0 misses', 'the same candles from another file');
  const row = 5000;
  const cells = text[row].split(',');
  const header = text[0].split(',');
  const close = header.findIndex((h) => /close/i.test(h) && !/time/i.test(h));
  cells[close] = String(Number(cells[close]) + 1);
  text[row] = cells.join(',');
  const changed = join(tmp, 'changed.csv.gz');
  writeFileSync(changed, gzipSync(text.join('\n')));
  const changedData = run([], { data: changed });
  assert.equal(cacheLine(changedData.stderr), 'features 0 hits, 2 misses; predictions 0 hits, 1 miss');
  assert.notEqual(changedData.tape, reference.tape);
});

test('a damaged entry in Redis is reported, computed again and replaced; the outputs are unchanged', async () => {
  const reference = run([], { cache: false });
  run(); // stored (or already there)
  await redis.connect().catch(() => {});
  // Every stored forecast (the first test stored one per model file): one bit of its payload.
  const keys = await redis.keys(`${prefix}:predictions:*`);
  assert.ok(keys.length);
  for (const key of keys) {
    const entry = (await redis.getBuffer(key))!;
    entry[entry.length - 100] ^= 0x10;
    await redis.set(key, entry, 'KEEPTTL');
  }
  const damaged = run();
  assert.match(damaged.stderr, /warning cache: cache\/corrupt: cache: predictions entry ".*" in redis:\/\/\S+ ignored: checksum mismatch \(damaged bytes\); it is deleted and recomputed when needed/);
  assert.equal(cacheLine(damaged.stderr), 'features 2 hits, 0 misses; predictions 0 hits, 1 miss, 1 corrupt', 'the forecasts computed from the cached returns');
  assert.equal(damaged.tape, reference.tape);
  assert.equal(damaged.trades, reference.trades);
  const next = run();
  assert.equal(cacheLine(next.stderr), 'features 1 hit, 0 misses; predictions 1 hit, 0 misses', 'the recomputed entry replaced the damaged one');
  assert.equal(next.tape, reference.tape);
});

test('hean run --grid --cache memory: the cells of one process share the forecasts and the features, and the table and tapes are those without a cache', () => {
  const grid = (cache: boolean) => {
    const dir = mkdtempSync(join(tmp, 'grid-'));
    const argv = ['bin/hean.js', 'run', graph, '--grid', 'level=0.02,0.05,0.08', '--set', `model=${model}`, '--bind', `bars.file=${DATA}`, '--out-dir', dir, '--json', ...(cache ? ['--cache', 'memory'] : [])];
    const r = spawnSync(process.execPath, argv, { cwd: projectRoot, env: { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_CACHE: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const tapes = readdirSync(dir).sort();
    return { table: r.stdout.replaceAll(dir, 'DIR'), tapes: tapes.map((f) => [f, readFileSync(join(dir, f), 'utf8')]), stderr: r.stderr };
  };
  const plain = grid(false);
  const cached = grid(true);
  assert.equal(plain.tapes.length, 3);
  assert.deepEqual(cached.tapes, plain.tapes);
  assert.equal(cached.table, plain.table);
  // The first cell computes the forecasts, their inputs and the feature set; the two others load the forecasts and the feature set.
  assert.match(cached.stderr, /^hean: cache memory \([^)]*\): features 2 hits, 2 misses; predictions 2 hits, 1 miss$/m);
});

test('hean sweep --cache redis on two workers: a second sweep loads the forecasts and features the first stored, with the same table as a sweep without a cache', () => {
  const sweep = (cache: boolean) => {
    const dir = mkdtempSync(join(tmp, 'sweep-'));
    const argv = ['bin/hean.js', 'sweep', graph, '--grid', 'level=0.02,0.05,0.08,0.11', '--workers', '2', '--set', `model=${model}`, '--bind', `bars.file=${DATA}`, '--out-dir', dir, '--json', ...(cache ? ['--cache', REDIS] : [])];
    const r = spawnSync(process.execPath, argv, { cwd: projectRoot, env: { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_CACHE_PREFIX: `${prefix}:sweep`, HEAN_CACHE: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { cells } = JSON.parse(r.stdout) as { cells: { params: unknown; metrics: unknown }[] };
    return { cells: cells.map((c) => [c.params, c.metrics]), stderr: r.stderr };
  };
  const plain = sweep(false);
  assert.equal(plain.cells.length, 4);
  const first = sweep(true);
  const second = sweep(true);
  assert.deepEqual(first.cells, plain.cells);
  assert.deepEqual(second.cells, plain.cells);
  const line = (stderr: string) => /^hean: cache redis:\/\/\S+: features (\d+) hits?, (\d+) miss(?:es)?; predictions (\d+) hits?, (\d+) miss(?:es)?$/m.exec(stderr)?.slice(1).map(Number);
  // First sweep: each worker computes the forecasts once (the other cells of a worker replay them in memory), so some misses.
  const [, firstFeatureMisses, , firstModelMisses] = line(first.stderr)!;
  assert.ok(firstModelMisses >= 1 && firstFeatureMisses >= 1, first.stderr);
  // Second sweep: every lookup hits (each worker looks up once; its other cells replay in memory).
  const [featureHits, featureMisses, modelHits, modelMisses] = line(second.stderr)!;
  assert.deepEqual([featureMisses, modelMisses], [0, 0], second.stderr);
  assert.ok(featureHits >= 1 && modelHits >= 1, second.stderr);
});

test('hean tune --cache memory: trials that change no param of the model reuse its forecasts, with the trials of a tune without a cache', () => {
  const tune = (cache: boolean) => {
    const dir = mkdtempSync(join(tmp, 'tune-'));
    // A tune writes its cells' files in the working directory (it takes no --out-dir).
    const argv = [join(projectRoot, 'bin', 'hean.js'), 'tune', graph, '--param', 'level=0.01..0.2', '--trials', '4', '--sampler', 'random', '--seed', '7', '--set', `model=${model}`, '--bind', `bars.file=${DATA}`, '--json', ...(cache ? ['--cache', 'memory'] : [])];
    const r = spawnSync(process.execPath, argv, { cwd: dir, env: { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_CACHE: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { trials } = JSON.parse(r.stdout) as { trials: { params: unknown; metrics: unknown }[] };
    return { trials: trials.map((t) => [t.params, t.metrics]), stderr: r.stderr };
  };
  const plain = tune(false);
  const cached = tune(true);
  assert.equal(plain.trials.length, 4);
  assert.deepEqual(cached.trials, plain.trials);
  // The first trial computes the forecasts, their input (returns) and the feature set; the three others load the forecasts and the feature set.
  assert.match(cached.stderr, /^hean: cache memory \([^)]*\): features 3 hits, 2 misses; predictions 3 hits, 1 miss$/m);
});
