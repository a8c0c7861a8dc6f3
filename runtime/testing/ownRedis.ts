// Shared by the tests that stop or restart Redis (not a test file itself): a redis-server of the
// test's own on a free port, so stopping it disturbs nobody else's. With `persist`, it keeps its
// data in an append-only file in `dir`, so a restart finds the streams, groups and checkpoints.
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OwnRedis {
  port: number;
  url: string;
  /** SHUTDOWN (flushing the append-only file when persisting). */
  stop(): void;
  /** Starts it again on the same port and directory; resolves once it answers. */
  start(): Promise<void>;
  cli(...args: string[]): string;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function ownRedis(dir: string, options: { persist?: boolean } = {}): Promise<OwnRedis> {
  const port = await freePort();
  const cli = (...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
  const persistence = options.persist ? ['--appendonly', 'yes', '--appendfilename', 'hean-test.aof'] : ['--appendonly', 'no'];
  const start = async () => {
    execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--daemonize', 'yes', '--dir', dir, '--logfile', join(dir, 'redis.log')]);
    for (let i = 0; i < 100; i++) {
      if (cli('ping') === 'PONG') return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${port} did not start (${join(dir, 'redis.log')})`);
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => void spawnSync('redis-cli', ['-p', String(port), 'shutdown', ...(options.persist ? [] : ['nosave'])], { stdio: 'ignore' }),
    start,
    cli,
  };
}
