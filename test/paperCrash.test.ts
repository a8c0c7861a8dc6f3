/**
 * Crash safety of a paper session, through the CLI as a user runs it, against a redis-server of
 * the test's own: the real BTC 1h history published into a stream, then a paper session killed
 * with SIGKILL at random points (after some checkpoints, seeded) and restarted until it ends. The
 * final trades are byte-identical to the backtest's on the file (an uninterrupted run of the same
 * graph through the other driver), the metrics equal, and the checkpoint's audit shows each of
 * the 58,419 entries acknowledged exactly once, every one stepped once in the final state. SIGTERM
 * drains what was delivered, checkpoints and exits 0. A checkpoint the history cannot back (the
 * stream trimmed) or a changed graph is refused with what to do.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connectRedis, ready } from '../runtime/adapters/redis/connection.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { ownRedis, type OwnRedis } from '../runtime/testing/ownRedis.js';
import { clientOrderId } from '../runtime/portfolio/clientOrderId.js';
import { Xoshiro128 } from '../runtime/tune/xoshiro128.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const dir = mkdtempSync(join(tmpdir(), 'hean-crash-'));
const hean = join(projectRoot, 'bin', 'hean.js');
const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
const FILE = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const EVENTS = 58_419;
let server: OwnRedis;
let redis: Redis;
let backtestTrades: Buffer;
let backtestSummary: Record<string, unknown>;

before(async () => {
  server = await ownRedis(dir);
  redis = connectRedis(server.url, { name: 'hean-test', log: () => {} });
  await ready(redis, 5000);
  const published = spawnSync(process.execPath, [hean, 'publish', FILE, '--stream', 'bars', '--redis', server.url], { env, encoding: 'utf8' });
  assert.equal(published.status, 0, published.stderr);
  const backtest = spawnSync(process.execPath, [hean, 'run', graph, '--json', '--trades', join(dir, 'backtest.csv')], { env, encoding: 'utf8' });
  assert.equal(backtest.status, 0, backtest.stderr);
  backtestTrades = readFileSync(join(dir, 'backtest.csv'));
  backtestSummary = JSON.parse(backtest.stdout);
});

after(async () => {
  await redis?.quit();
  server?.stop();
});

interface Run {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: () => string;
  err: () => string;
}

function paper(group: string, ...extra: string[]): Run {
  return paperOn('bars', group, ...extra);
}

function paperOn(stream: string, group: string, ...extra: string[]): Run {
  const child = spawn(process.execPath, [hean, 'run', graph, '--mode', 'paper', '--bind', `bars.stream=${stream}`, '--bind', `bars.group=${group}`, '--redis', server.url, '--json', ...extra], { env });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => stdout, err: () => stderr };
}

const checkpointKey = (group: string, stream = 'bars') => `hean:checkpoint:sma-cross:${stream}/${group}/main`;

interface Saved {
  events: number;
  streams: Record<string, { entries: number; lastId: string; firstId: string }>;
  nodes: { broker: { cash: number; ordersReceived: number; lastOrder: { time: number; target: number; clientOrderId: string } } };
}

async function checkpoint(group: string, stream = 'bars'): Promise<{ state: Saved; acked: number } | undefined> {
  const [state, acked] = await redis.hmget(checkpointKey(group, stream), 'state', 'acked');
  return state === null ? undefined : { state: JSON.parse(state), acked: Number(acked) };
}

/** Resolves once the checkpoint covers at least `events`, or the run ended. */
async function waitForCheckpoint(group: string, events: number, run: Run): Promise<void> {
  let ended = false;
  void run.exited.then(() => (ended = true));
  while (!ended && ((await checkpoint(group))?.state.events ?? 0) < events) await sleep(2);
}

/** The broker's numbers of a --json summary (what must not depend on the mode or on crashes). */
function metricsOf(summary: Record<string, unknown>): Record<string, unknown> {
  const { sources: _s, mode: _m, outputs: _o, stopped: _st, lateEvents: _l, checkpoint: _c, ...rest } = summary;
  return rest;
}

async function assertExactlyOnce(group: string): Promise<void> {
  const saved = (await checkpoint(group))!;
  const [lastId] = ((await redis.xrevrange('bars', '+', '-', 'COUNT', 1)) as [string, string[]][])[0];
  assert.equal(saved.state.events, EVENTS, 'the final state stepped every event once');
  assert.equal(saved.acked, EVENTS, 'the checkpoints acknowledged each entry exactly once');
  assert.equal(saved.state.streams.bars.entries, EVENTS);
  assert.equal(saved.state.streams.bars.lastId, lastId);
  const pending = (await redis.xpending('bars', group)) as [number, ...unknown[]];
  assert.equal(pending[0], 0, 'nothing left delivered and unacknowledged');
  const { lastOrder, ordersReceived } = saved.state.nodes.broker;
  assert.equal(ordersReceived, backtestSummary.ordersReceived, 'no order decided twice');
  assert.equal(lastOrder.clientOrderId, clientOrderId({ session: 'sma-cross', node: 'broker', time: lastOrder.time }), 'the checkpoint names the last order by its client order id');
}

test('kill -9 at random points (3 seeds, up to 3 kills each): the restarted session ends with the trades of an uninterrupted run, each entry processed once', async () => {
  for (const seed of [1, 2, 3]) {
    const rng = new Xoshiro128(seed);
    const group = `crash-${seed}`;
    const kills = 1 + Math.floor(rng.nextFloat() * 3);
    // Increasing random points of the 58,419 events, each after at least one checkpoint.
    const points = Array.from({ length: kills }, () => 1000 + Math.floor(rng.nextFloat() * (EVENTS - 5000))).sort((a, b) => a - b);
    const killedAt: number[] = [];
    for (const point of points) {
      const run = paper(group, '--exit-when-idle', '5');
      await waitForCheckpoint(group, point, run);
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      assert.equal(signal, 'SIGKILL', `seed ${seed}: the session was still running at ${point} events\n${run.err()}`);
      killedAt.push((await checkpoint(group))!.state.events);
    }
    const before = (await checkpoint(group))!.state.events;
    assert.ok(before > 0 && before < EVENTS, `seed ${seed}: killed mid-run (checkpoints at ${killedAt.join(', ')} events)`);

    const last = paper(group, '--exit-when-idle', '2', '--trades', join(dir, `paper-${seed}.csv`));
    const { code } = await last.exited;
    assert.equal(code, 0, last.err());
    assert.ok(readFileSync(join(dir, `paper-${seed}.csv`)).equals(backtestTrades), `seed ${seed}: the same trades as the uninterrupted run`);
    const summary = JSON.parse(last.out());
    assert.deepEqual(metricsOf(summary), metricsOf(backtestSummary), `seed ${seed}: the same metrics and final equity`);
    assert.ok(summary.finalEquity > 10_000, 'the strategy traded');
    assert.equal(summary.checkpoint.replayed, before, 'the restart replayed exactly the checkpointed events');
    assert.equal(summary.sources.bars.received, EVENTS - before, 'and processed only the others as new');
    assert.match(last.err(), /rebuilt and verified the state of [\d,]+ events/);
    await assertExactlyOnce(group);
  }
});

test('SIGTERM drains the events delivered, checkpoints them and exits 0; a restart goes on from there', async () => {
  const group = 'sigterm';
  const run = paper(group);
  await waitForCheckpoint(group, 20_000, run);
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 0, run.err());
  assert.match(run.err(), /SIGTERM: stopping after the events already received/);
  const summary = JSON.parse(run.out());
  assert.equal(summary.stopped, 'signal');
  assert.ok(summary.events < EVENTS, 'stopped before the end of the stream');
  const saved = (await checkpoint(group))!;
  assert.equal(saved.state.events, summary.events, 'every event stepped is in the checkpoint');
  assert.equal(saved.acked, summary.events);
  const pending = (await redis.xpending('bars', group)) as [number, ...unknown[]];
  assert.equal(pending[0], 0, 'every entry delivered to the session was processed and acknowledged');

  const rest = paper(group, '--exit-when-idle', '2', '--trades', join(dir, 'paper-sigterm.csv'));
  assert.equal((await rest.exited).code, 0, rest.err());
  assert.ok(readFileSync(join(dir, 'paper-sigterm.csv')).equals(backtestTrades), 'the same trades as the uninterrupted run');
  await assertExactlyOnce(group);
});

test('a restart refuses a checkpoint its stream can no longer back (trimmed), and a changed graph, saying what to do', async () => {
  const group = 'trimmed';
  const first = paper(group, '--max-events', '3000');
  assert.equal((await first.exited).code, 0, first.err());
  const changed = paper(group, '--set', 'fast=12', '--exit-when-idle', '1');
  assert.equal((await changed.exited).code, 1, changed.err());
  assert.match(changed.err(), /checkpoint hean:checkpoint:sma-cross:bars\/trimmed\/main was saved by a different graph .*bind a new group \(--bind bars\.group=NAME\)/);

  // A copy of the stream trimmed to its latest 50,000 entries: the session's first 3,000 are gone.
  await redis.copy('bars', 'trimmed-bars');
  await redis.copy('bars:meta', 'trimmed-bars:meta');
  const second = paperOn('trimmed-bars', 'trimmed-2', '--max-events', '3000');
  assert.equal((await second.exited).code, 0, second.err());
  await redis.xtrim('trimmed-bars', 'MAXLEN', 50_000);
  const resumed = paperOn('trimmed-bars', 'trimmed-2', '--exit-when-idle', '1');
  assert.equal((await resumed.exited).code, 1, resumed.err());
  assert.match(resumed.err(), /stream trimmed-bars no longer holds entry 1502946000000-0, where this session began \(it now starts at \d+-0\): it was trimmed .* 3,000 entries .*cannot be replayed.*Keep a session's whole history/);
  assert.equal((await checkpoint('trimmed-2', 'trimmed-bars'))!.state.events, 3000, 'the refused restart changed nothing');
});

test('a rebuilt state that differs from the checkpoint stops the restart, naming what differs', async () => {
  const group = 'tampered';
  const first = paper(group, '--max-events', '5000');
  assert.equal((await first.exited).code, 0, first.err());
  const key = checkpointKey(group);
  const saved = JSON.parse((await redis.hget(key, 'state'))!);
  const cash = saved.nodes.broker.cash;
  saved.nodes.broker.cash = cash + 1;
  await redis.hset(key, 'state', JSON.stringify(saved));
  const resumed = paper(group, '--exit-when-idle', '1');
  assert.equal((await resumed.exited).code, 1, resumed.err());
  assert.match(resumed.err(), new RegExp(`after replaying the session's 5,000 events, node broker\\.cash is ${String(cash).replace('.', '\\.')} where the checkpoint has ${String(cash + 1).replace('.', '\\.')}: .*the run stops`));
  const after = (await checkpoint(group))!;
  assert.equal(after.acked, 5000, 'nothing new was acknowledged');
  assert.equal(after.state.nodes.broker.cash, cash + 1, 'nor the checkpoint replaced');
});
