import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, maskUrl, ready, redisUrl, retryDelay, type Redis } from './connection.js';
import { publishColumns } from './publish.js';
import { readRange } from './readRange.js';

describe('redisUrl', () => {
  it('takes the flag, else HEAN_REDIS_URL, else the local default', () => {
    assert.equal(redisUrl('redis://a:1', { HEAN_REDIS_URL: 'redis://b:2' }), 'redis://a:1');
    assert.equal(redisUrl(undefined, { HEAN_REDIS_URL: 'redis://b:2' }), 'redis://b:2');
    assert.equal(redisUrl(undefined, {}), 'redis://127.0.0.1:6379');
    assert.equal(redisUrl('', { HEAN_REDIS_URL: '' }), 'redis://127.0.0.1:6379');
  });
});

describe('maskUrl', () => {
  it('hides the password, keeps the rest', () => {
    assert.equal(maskUrl('redis://user:s3cret@host:6380/2'), 'redis://user:***@host:6380/2');
    assert.equal(maskUrl('redis://:s3cret@host:6380'), 'redis://:***@host:6380');
    assert.equal(maskUrl('rediss://default:p%40ss@example.com'), 'rediss://default:***@example.com');
    assert.equal(maskUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
    // Not a parsable URL: still masked.
    assert.equal(maskUrl('redis://user:s3cret@ho st:1'), 'redis://user:***@ho st:1');
  });
});

describe('retryDelay', () => {
  it('starts at 100 ms, doubles, and is capped at 5 s', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 100].map(retryDelay), [100, 200, 400, 800, 1600, 3200, 5000, 5000]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('a dead Redis', () => {
  it('ready() rejects within the timeout with what to do, and never shows the password', async () => {
    const lines: string[] = [];
    const redis = connectRedis('redis://hean:topsecret@127.0.0.1:1', { name: 'hean-test', log: (m) => lines.push(m) });
    const queued = redis.ping(); // issued before the connection was up
    const start = performance.now();
    await assert.rejects(ready(redis, 800), (e: Error) => {
      assert.match(
        e.message,
        /^cannot reach Redis at redis:\/\/hean:\*\*\*@127\.0\.0\.1:1 after 0\.8 s: .*ECONNREFUSED.*; start redis-server or pass --redis URL$/,
      );
      assert.doesNotMatch(e.message, /topsecret/);
      return true;
    });
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 790 && elapsed < 2000, `rejected after ${elapsed.toFixed(0)} ms`);
    await assert.rejects(queued, /cannot reach Redis at/, 'queued commands fail with the same message instead of hanging');
    let retries = 0;
    redis.on('reconnecting', () => retries++);
    await sleep(500);
    assert.equal(retries, 0, 'the client stops retrying');
    // One line for the outage however many attempts, password masked.
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /^redis redis:\/\/hean:\*\*\*@127\.0\.0\.1:1: cannot connect \(.*ECONNREFUSED.*\); retrying in 100 ms$/);
  });
});

describe('reconnect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hean-redis-'));
  const pidfile = join(dir, 'redis.pid');
  let port = 0;
  let client: Redis | undefined;

  function startServer(): void {
    execFileSync('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--daemonize', 'yes', '--pidfile', pidfile, '--dir', dir, '--logfile', join(dir, 'redis.log'),
    ]);
  }
  async function waitUntilUp(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      try {
        if (execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === 'PONG') return;
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    throw new Error(`test redis-server on port ${port} did not start; see ${join(dir, 'redis.log')}`);
  }

  after(() => {
    client?.disconnect();
    try {
      execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { stdio: 'ignore' });
    } catch {
      // already down: fall back to the pid it wrote
      try {
        process.kill(Number(readFileSync(pidfile, 'utf8')));
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command issued while the server is down completes after it is back; one "lost" and one "reconnected" line', async () => {
    port = await freePort();
    startServer();
    await waitUntilUp();
    const lines: string[] = [];
    const url = `redis://127.0.0.1:${port}`;
    client = connectRedis(url, { name: 'hean-test-reconnect', log: (m) => lines.push(m) });
    const redis = client;
    await ready(redis, 5000);
    const key = 'hean-test:reconnect';
    await publishColumns(redis, key, { t: Float64Array.of(1000, 2000), names: ['x'], columns: [Float64Array.of(1, 2)] });

    const closed = new Promise((resolve) => redis.once('close', resolve));
    execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
    await closed;
    // Issued during the outage: queued, not failed.
    let settled = false;
    const during = publishColumns(redis, key, { t: Float64Array.of(3000, 4000, 5000), names: ['x'], columns: [Float64Array.of(3, 4, 5)] }).finally(() => {
      settled = true;
    });
    const ping = redis.ping();
    await sleep(700); // several retries (100 + 200 + 400 ms)
    assert.equal(settled, false, 'still waiting for the server');
    assert.ok(redis.status === 'reconnecting' || redis.status === 'connecting', redis.status);

    startServer(); // an empty server: the old entries were not saved
    assert.equal(await ping, 'PONG');
    assert.deepEqual(await during, { entries: 3, firstId: '3000-0', lastId: '5000-0' });
    const back = await readRange(redis, key, { fieldNames: ['x'] });
    assert.deepEqual([...back.t], [3000, 4000, 5000], 'everything issued during the outage arrived, once');
    assert.deepEqual([...back.columns[0]], [3, 4, 5]);

    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(lines[0], new RegExp(`^redis ${url}: connection lost \\(connection closed by the server\\); retrying in 100 ms$`));
    assert.match(lines[1], new RegExp(`^redis ${url}: reconnected after \\d+ attempts$`));
    const attempts = Number(/after (\d+) attempts/.exec(lines[1])?.[1]);
    assert.ok(attempts >= 3, `${attempts} attempts`);
  });
});
