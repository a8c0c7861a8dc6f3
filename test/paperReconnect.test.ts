/**
 * A paper session survives a Redis that drops its connections mid-run: it says so on stderr,
 * reconnects with backoff, re-reads what was delivered but lost, and loses and repeats nothing —
 * its trades stay byte-identical to the backtest's. Runs against a redis-server of its own (on a
 * free port), so killing connections disturbs no other test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-reconnect-'));
const hean = join(projectRoot, 'bin', 'hean.js');
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
let port = 0;

before(async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes', '--dir', dir, '--logfile', join(dir, 'redis.log')]);
  for (let i = 0; i < 50; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
    await sleep(100);
  }
  throw new Error(`redis-server on port ${port} did not start (${join(dir, 'redis.log')})`);
});

after(() => {
  spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
});

test('connections killed during a paper session: reconnected, nothing lost or repeated', async () => {
  const url = `redis://127.0.0.1:${port}`;
  const published = spawnSync(process.execPath, [hean, 'publish', 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', '--stream', 'bars', '--redis', url], { env, encoding: 'utf8' });
  assert.equal(published.status, 0, published.stderr);
  const backtest = spawnSync(process.execPath, [hean, 'run', graph, '--trades', join(dir, 'backtest.csv')], { env, encoding: 'utf8' });
  assert.equal(backtest.status, 0, backtest.stderr);

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
