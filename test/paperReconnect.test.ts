/**
 * A paper session survives a Redis that drops its connections mid-run: it says so on stderr,
 * reconnects with backoff, re-reads what was delivered but lost, and loses and repeats nothing —
 * its trades stay byte-identical to the backtest's. Runs against a redis-server of its own (on a
 * free port), so killing connections disturbs no other test. The server is stopped and started
 * again too (it persists to an append-only file): the session waits, reconnects, and still loses
 * and repeats nothing, its checkpoints acknowledging each entry once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { ownRedis, type OwnRedis } from '../runtime/testing/ownRedis.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-reconnect-'));
const hean = join(projectRoot, 'bin', 'hean.js');
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
let server: OwnRedis;
let port = 0;

before(async () => {
  // Persisting (append-only file), so the restarted server still has the streams, groups and checkpoints.
  server = await ownRedis(dir, { persist: true });
  port = server.port;
});

after(() => server?.stop());

test('connections killed during a paper session: reconnected, nothing lost or repeated', async () => {
  const url = `redis://127.0.0.1:${port}`;
  publishAndBacktest(url);

  const paper = spawn(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--bind', 'bars.stream=bars', '--redis', url, '--exit-when-idle', '3', '--json', '--trades', join(dir, 'paper.csv')], { env });
  let stderr = '';
  let stdout = '';
  paper.stderr.on('data', (d) => (stderr += d));
  paper.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => paper.on('exit', resolve));
  while (!stderr.includes('consumer main')) await sleep(10);
  let kills = 0;
  for (let i = 0; i < 5; i++) {
    await sleep(60);
    const killed = Number(spawnSync('redis-cli', ['-p', String(port), 'client', 'kill', 'type', 'normal'], { encoding: 'utf8' }).stdout.trim());
    if (killed > 0) kills++;
  }
  assert.equal(await exited, 0, stderr);
  assert.ok(kills >= 2, 'the connections were killed while the session ran');
  assert.match(stderr, /connection lost/);
  assert.match(stderr, /reconnected/);
  assert.ok(readFileSync(join(dir, 'paper.csv')).equals(readFileSync(join(dir, 'backtest.csv'))), 'the same trades as the backtest');
  const summary = JSON.parse(stdout);
  assert.equal(summary.bars, 58_419, 'every event processed once');
  assert.deepEqual(summary.lateEvents, {});
});

let published = false;
function publishAndBacktest(url: string): void {
  if (published) return;
  published = true;
  const publish = spawnSync(process.execPath, [hean, 'publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', 'bars', '--redis', url], { env, encoding: 'utf8' });
  assert.equal(publish.status, 0, publish.stderr);
  const backtest = spawnSync(process.execPath, [hean, 'run', graph, '--trades', join(dir, 'backtest.csv')], { env, encoding: 'utf8' });
  assert.equal(backtest.status, 0, backtest.stderr);
}

test('Redis stopped and started again during a paper session: it waits, reconnects, and loses and repeats nothing', async () => {
  const url = server.url;
  publishAndBacktest(url);
  const paper = spawn(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--bind', 'bars.stream=bars', '--bind', 'bars.group=restart', '--redis', url, '--exit-when-idle', '5', '--json', '--trades', join(dir, 'paper-restart.csv')], { env });
  let stderr = '';
  let stdout = '';
  paper.stderr.on('data', (d) => (stderr += d));
  paper.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => paper.on('exit', resolve));
  const checkpointed = () => {
    const state = server.cli('hget', 'hean:checkpoint:sma-cross:bars/restart/main', 'state');
    return state ? JSON.parse(state).events : 0;
  };
  while (checkpointed() < 5000) await sleep(5);
  server.stop();
  const down = server.cli('ping');
  await sleep(1500);
  await server.start();
  const atRestart = checkpointed();
  assert.equal(await exited, 0, stderr);
  assert.notEqual(down, 'PONG', 'the server was down');
  assert.ok(atRestart < 58_419, `the server went down mid-session (checkpoint at ${atRestart} events when it came back)`);
  assert.match(stderr, /connection lost/);
  assert.match(stderr, /reconnected/);
  assert.ok(readFileSync(join(dir, 'paper-restart.csv')).equals(readFileSync(join(dir, 'backtest.csv'))), 'the same trades as the backtest');
  const summary = JSON.parse(stdout);
  assert.equal(summary.sources.bars.received, 58_419, 'every event processed once');
  assert.equal(summary.checkpoint.events, 58_419);
  assert.equal(Number(server.cli('hget', 'hean:checkpoint:sma-cross:bars/restart/main', 'acked')), 58_419, 'each entry acknowledged once, across the restart');
  assert.equal(server.cli('xpending', 'bars', 'restart').split('\n')[0], '0');
});
