/**
 * Row sinks of a crash-safe paper session, exactly once across kill -9: the sma-cross graph with
 * three record sinks (a CSV file, a JSON-lines file, a Redis stream), the real BTC 1h history
 * published into a stream of the test's own redis-server, killed with SIGKILL at seeded random
 * points (each time while rows were written after the last checkpoint) and restarted with the
 * same command until it ends. The files end byte for byte equal to those of an uninterrupted
 * paper run (and of the backtest), the stream holds the uninterrupted run's rows once each, in
 * order. A file changed behind the session's back, or bound elsewhere, stops the restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connectRedis, ready } from '../runtime/adapters/redis/connection.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { ownRedis, type OwnRedis } from '../runtime/testing/ownRedis.js';
import { Xoshiro128 } from '../runtime/tune/xoshiro128.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-crash-sinks-'));
const hean = join(projectRoot, 'bin', 'hean.js');
const graph = join(dir, 'recorded.yaml');
const EVENTS = 58_419;
let server: OwnRedis;
let redis: Redis;
let whole: { csv: Buffer; jsonl: Buffer; stream: string[][] };

// sma-cross with its SMAs, signal and orders recorded three ways.
writeFileSync(
  graph,
  readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8')
    .replace('name: sma-cross', 'name: sma-cross-recorded')
    .replace(
      'modes:',
      '  rec:   { kind: sink.record, in: { series: [fast.value, slow.value, cross.signal] } }\n' +
        '  recj:  { kind: sink.record, in: { series: [fast.value, cross.signal, size.orders] } }\n' +
        '  recs:  { kind: sink.record, in: { series: [slow.value, size.orders] }, params: { skipEmpty: true } }\n' +
        'modes:',
    )
    .replace('    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }', '    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }\n    rec: { file: rec.csv }\n    recj: { file: rec.jsonl }\n    recs: { file: recs.csv }')
    .replace(/(    bars: \{ stream: btcusdt-1h \}.*)/, '$1\n    rec: { file: rec.csv }\n    recj: { file: rec.jsonl }\n    recs: { stream: rows }'),
);

before(async () => {
  server = await ownRedis(dir);
  redis = connectRedis(server.url, { name: 'hean-test', log: () => {} });
  await ready(redis, 5000);
  const published = spawnSync(process.execPath, [hean, 'publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', 'bars', '--redis', server.url], { env, encoding: 'utf8' });
  assert.equal(published.status, 0, published.stderr);
  const uninterrupted = paper('whole', '--exit-when-idle', '2');
  assert.equal((await uninterrupted.exited).code, 0, uninterrupted.err());
  whole = { csv: readFileSync(join(dir, 'whole', 'rec.csv')), jsonl: readFileSync(join(dir, 'whole', 'rec.jsonl')), stream: await rowsOf('rows-whole') };
  assert.equal(whole.csv.toString().split('\n').length, EVENTS + 2, 'the uninterrupted run recorded a row per event (and a header)');
  assert.ok(whole.stream.length > 50, 'and the orders it decided into the stream');
});

after(async () => {
  await redis?.quit();
  server?.stop();
});

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  err: () => string;
}

/** A paper session of group `group`, its files in DIR/group (named by the graph: a restart must keep them without --overwrite). */
function paper(group: string, ...extra: string[]): Run {
  mkdirSync(join(dir, group), { recursive: true });
  const args = [hean, 'run', graph, '--mode', 'paper', '--bind', 'bars.stream=bars', '--bind', `bars.group=${group}`, '--bind', `recs.stream=rows-${group}`, '--out-dir', join(dir, group), '--redis', server.url, '--json', ...extra];
  const child = spawn(process.execPath, args, { env });
  let stderr = '';
  child.stdout!.resume();
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, err: () => stderr };
}

interface Saved {
  events: number;
  sinks: Record<string, { target: string; rows: number; bytes?: number; lastId?: string }>;
}

async function checkpoint(group: string): Promise<Saved | undefined> {
  const state = await redis.hget(`hean:checkpoint:sma-cross-recorded:bars/${group}/main`, 'state');
  return state === null ? undefined : JSON.parse(state);
}

/** A stream's rows as their fields (the ids are Redis's arrival times, which differ between runs). */
async function rowsOf(key: string): Promise<string[][]> {
  return ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(([, fields]) => fields);
}

/**
 * Waits until the checkpoint covers `events`, then until the CSV file holds rows after the
 * checkpoint's committed length (a write the next checkpoint has not covered yet), and kills the
 * session there with SIGKILL. Returns whether the file still held uncommitted rows after the kill.
 */
async function killBetweenWriteAndCheckpoint(group: string, events: number, run: Run): Promise<boolean> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  const file = join(dir, group, 'rec.csv');
  while (!ended && ((await checkpoint(group))?.events ?? 0) < events) await sleep(2);
  while (!ended) {
    const committed = (await checkpoint(group))!.sinks.rec.bytes!;
    if (statSync(file).size > committed) break;
  }
  run.child.kill('SIGKILL');
  const { signal } = await run.exited;
  assert.equal(signal, 'SIGKILL', `the session was still running at ${events} events\n${run.err()}`);
  return statSync(file).size > (await checkpoint(group))!.sinks.rec.bytes!;
}

test('kill -9 between writes and checkpoints (3 seeds, up to 3 kills each): every output holds the rows of an uninterrupted run exactly once, byte for byte', async () => {
  let uncommittedAtKill = 0;
  let kills = 0;
  for (const seed of [1, 2, 3]) {
    const rng = new Xoshiro128(seed);
    const group = `crash-${seed}`;
    const points = Array.from({ length: 1 + Math.floor(rng.nextFloat() * 3) }, () => 1000 + Math.floor(rng.nextFloat() * (EVENTS - 5000))).sort((a, b) => a - b);
    let uncommitted = false;
    for (const point of points) {
      const run = paper(group, '--exit-when-idle', '5');
      uncommitted = await killBetweenWriteAndCheckpoint(group, point, run);
      if (uncommitted) uncommittedAtKill++;
      kills++;
    }
    const saved = (await checkpoint(group))!;
    assert.ok(saved.events > 0 && saved.events < EVENTS, `seed ${seed}: killed mid-run`);
    assert.ok(saved.sinks.rec.bytes! < whole.csv.length && whole.csv.subarray(0, saved.sinks.rec.bytes!).equals(readFileSync(join(dir, group, 'rec.csv')).subarray(0, saved.sinks.rec.bytes!)), `seed ${seed}: the committed part of the file is the uninterrupted run's`);
    if (seed === 2) appendFileSync(join(dir, group, 'rec.csv'), '2021-01-01T00:00:00.000Z,29'); // a torn row, as a power cut may leave: past the committed length, so cut off

    const last = paper(group, '--exit-when-idle', '2');
    const { code } = await last.exited;
    assert.equal(code, 0, last.err());
    if (uncommitted || seed === 2) assert.match(last.err(), /sink rec: .*rec\.csv: cut back to the [\d,]+ rows \([\d,]+ bytes\) of the last checkpoint/);
    assert.ok(readFileSync(join(dir, group, 'rec.csv')).equals(whole.csv), `seed ${seed}: the CSV file equals the uninterrupted run's, byte for byte`);
    assert.ok(readFileSync(join(dir, group, 'rec.jsonl')).equals(whole.jsonl), `seed ${seed}: the JSON-lines file equals the uninterrupted run's, byte for byte`);
    assert.deepEqual(await rowsOf(`rows-${group}`), whole.stream, `seed ${seed}: the stream holds every row of the uninterrupted run once, in order`);
    const final = (await checkpoint(group))!;
    assert.equal(final.events, EVENTS);
    assert.equal(final.sinks.rec.rows, EVENTS, 'the last checkpoint counts every row once');
    assert.equal(final.sinks.rec.bytes, whole.csv.length);
    assert.equal(final.sinks.recs.rows, whole.stream.length);
  }
  assert.ok(uncommittedAtKill >= 1, `some kill (${uncommittedAtKill} of ${kills}) left rows written after the last checkpoint in the file`);
});

test('the uninterrupted paper run records the same files as the backtest', () => {
  const backtest = spawnSync(process.execPath, [hean, 'run', graph, '--out-dir', join(dir, 'backtest')], { env, encoding: 'utf8' });
  assert.equal(backtest.status, 0, backtest.stderr);
  assert.ok(readFileSync(join(dir, 'backtest', 'rec.csv')).equals(whole.csv), 'CSV');
  assert.ok(readFileSync(join(dir, 'backtest', 'rec.jsonl')).equals(whole.jsonl), 'JSON lines');
  const recs = readFileSync(join(dir, 'backtest', 'recs.csv'), 'utf8').trim().split('\n').slice(1);
  assert.equal(recs.length, whole.stream.length, 'the stream has a row for each row of the backtest file');
  assert.equal(new Date(Number(whole.stream.at(-1)![1])).toISOString(), recs.at(-1)!.split(',')[0], 'ending at the same event');
});

test('a restart refuses a file changed within its committed rows, or bound elsewhere, saying what to do; a new session still refuses to replace a graph-named file', async () => {
  const group = 'tampered';
  const first = paper(group, '--max-events', '3000');
  assert.equal((await first.exited).code, 0, first.err());
  const file = join(dir, group, 'rec.csv');
  const saved = (await checkpoint(group))!;
  assert.equal(saved.sinks.rec.bytes, statSync(file).size, 'a clean stop commits everything written');

  const moved = paper(group, '--bind', `rec.file=${join(dir, group, 'other.csv')}`, '--exit-when-idle', '1');
  assert.equal((await moved.exited).code, 1, moved.err());
  assert.match(moved.err(), /sink rec: the session's checkpoint .* has its rows in file .*tampered\/rec\.csv, but this run binds it to file .*other\.csv; .*bind it as before \(--bind rec\.file=.*rec\.csv\)/);
  assert.equal(existsSync(join(dir, group, 'other.csv')), false, 'nothing written elsewhere');

  truncateSync(file, saved.sinks.rec.bytes! - 10);
  const cut = paper(group, '--exit-when-idle', '1');
  assert.equal((await cut.exited).code, 1, cut.err());
  assert.match(cut.err(), /sink rec: .*rec\.csv holds [\d,]+ bytes, fewer than the 3,000 rows \([\d,]+ bytes\) the session's checkpoint committed: .*restore it, or start a new session/);

  const text = readFileSync(join(dir, group, 'rec.jsonl'));
  text[text.length - 5] ^= 1;
  writeFileSync(join(dir, group, 'rec.jsonl'), text);
  truncateSync(file, 0);
  writeFileSync(file, whole.csv.subarray(0, saved.sinks.rec.bytes!));
  const changed = paper(group, '--exit-when-idle', '1');
  assert.equal((await changed.exited).code, 1, changed.err());
  assert.match(changed.err(), /sink recj: .*rec\.jsonl no longer ends its committed 3,000 rows .* with the bytes the session wrote/);
  assert.equal((await checkpoint(group))!.events, 3000, 'the refused restarts changed nothing');

  mkdirSync(join(dir, 'fresh'), { recursive: true });
  writeFileSync(join(dir, 'fresh', 'rec.csv'), 'not ours\n');
  const fresh = paper('fresh', '--max-events', '10');
  assert.equal((await fresh.exited).code, 2, fresh.err()); // an output refused, as in any run
  assert.match(fresh.err(), /sink rec: .*rec\.csv exists; a graph's outputs replace a file only when the command says --overwrite/);
  assert.equal(readFileSync(join(dir, 'fresh', 'rec.csv'), 'utf8'), 'not ours\n', 'a new session did not touch a file it does not own');
});
