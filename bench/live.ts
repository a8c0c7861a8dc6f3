/**
 * `npm run bench -- live`: graphs/sma-cross.yaml in paper mode (live driver, chunks of one event).
 * 1. In process: latency from an event's delivery to the end of its step through the whole graph
 *    (indicators, crossover, sizer, broker), p50/p99/p99.9 after warm-up, GC included; beside
 *    the per-bar cost of a fused hand loop of the same strategy in the same run. Then the same
 *    latency with Prometheus metrics on (hean run --metrics-port: every kernel step, arrival and
 *    chunk timed and counted) and off, runs interleaved, best of each; and the time of one scrape.
 * 2. Through the real Redis: events/s of publish (XADD, pipelined) and of a paper run that reads
 *    the stream through a consumer group and publishes its orders back to another stream; and
 *    event-to-order latency while events are published at a steady rate.
 * 3. Crash safety: the cost of checkpointing with every acknowledgement (paper runs from the
 *    stream with checkpoints on and off, interleaved, best of 3), and the time from `kill -9` of a
 *    paper session (a CLI child process) to its restart stepping the first new event, with the
 *    replay that rebuilt its state.
 * 4. Scale-out: four symbol streams (the same file under four names) consumed by `hean run
 *    --symbols ... --partition ...` in one process, then in two, as child processes of the CLI;
 *    events/s from the first entry read to the last one acknowledged, best of three, interleaved.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Type } from '@sinclair/typebox';
import { parse, stringify } from 'yaml';
import type { AdapterRegistry, LiveBatch, SourceAdapter } from '../runtime/adapters/contract.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import { connectRedis, ready, redisUrl } from '../runtime/adapters/redis/connection.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { RedisCheckpointStore } from '../runtime/adapters/redis/checkpointStore.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { RunTally } from '../runtime/metrics/runTally.js';
import { prometheusView } from '../runtime/metrics/prometheusExporter.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { smaCrossHandLoop } from './smaCrossHandLoop.js';
import { int, round, type BenchOutcome, type Benchmark } from './harness.js';

const FILE = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const H = 3_600_000;
const WARMUP = 5_000;
const RATE = 5_000; // events/s published during the latency run

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** graphs/sma-cross.yaml with its source bound for paper mode, plus extra nodes and bindings. */
function smaCross(bindings: Record<string, unknown>, extraNodes: Record<string, unknown> = {}): string {
  const doc = parse(readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8'));
  Object.assign(doc.nodes, extraNodes);
  doc.modes = { paper: bindings };
  return stringify(doc);
}

const bench: Benchmark = {
  name: 'live',
  summary: 'sma-cross in paper mode: in-process latency per event, and through Redis streams',
  async run(ctx): Promise<BenchOutcome> {
    const failures: string[] = [];
    const bars = await readCandleCsv(dataFile(FILE), { timeframeMs: H });
    const n = bars.rows;

    // 1. In process. A feed that hands the driver one event per read and stamps when.
    const delivered = new Float64Array(n);
    let at = 0;
    const oneByOne: SourceAdapter = {
      role: 'source',
      name: 'bench',
      key: 'bench',
      summary: 'one event per read',
      binding: Type.Object({ bench: Type.String() }, { additionalProperties: false }),
      example: '{ bench: x }',
      records: ['candles'],
      async live() {
        at = 0;
        return {
          async next(): Promise<LiveBatch | null> {
            if (at >= n) return null;
            const i = at++;
            delivered[i] = performance.now();
            return { n: 1, t: bars.t.subarray(i, i + 1), columns: Object.fromEntries(CANDLE_FIELDS.map((f) => [f, bars[f].subarray(i, i + 1)])) };
          },
          info: () => ({}),
          async close() {},
        };
      },
    };
    const adapters: AdapterRegistry = { sources: [...defaultAdapters.sources, oneByOne], sinks: defaultAdapters.sinks };
    const { graph } = compileGraph(smaCross({ bars: { bench: 'x' } }), 'sma-cross (bench)', defaultRegistry, { mode: 'paper', adapters, requireBindings: true });
    if (!graph) throw new Error('sma-cross does not compile for paper mode');
    const latency = new Float64Array(n);
    ctx.progress(`in process: ${int(n)} events one by one`);
    const result = await runGraph(graph, { adapters, live: { onEvents: (events) => (latency[events - 1] = performance.now() - delivered[events - 1]) } });
    const sorted = latency.slice(WARMUP).sort();
    const us = (p: number) => percentile(sorted, p) * 1000;
    const hand = smaCrossHandLoop(bars.time, bars.open, bars.close, 10, 30, 10_000, 0.001);
    const handStart = performance.now();
    for (let r = 0; r < 20; r++) smaCrossHandLoop(bars.time, bars.open, bars.close, 10, 30, 10_000, 0.001);
    const handUs = ((performance.now() - handStart) / 20 / n) * 1000;
    const broker = result.reports.broker as { trades: unknown[] };
    if (broker.trades.length !== hand.trades.length) failures.push(`paper run made ${broker.trades.length} trades, the hand loop ${hand.trades.length}`);
    const inProcess = { events: n, p50Us: round(us(0.5)), p99Us: round(us(0.99)), p999Us: round(us(0.999)), maxUs: round(sorted[sorted.length - 1] * 1000), handLoopUsPerBar: round(handUs), p50OverHandLoop: round(us(0.5) / handUs) };
    ctx.print(`in process, event delivered -> stepped through the graph (after ${int(WARMUP)} warm-up events):`);
    ctx.print(`  p50 ${inProcess.p50Us} us   p99 ${inProcess.p99Us} us   p99.9 ${inProcess.p999Us} us   max ${inProcess.maxUs} us   (target p99 <= 100 us)`);
    ctx.print(`  fused hand loop: ${inProcess.handLoopUsPerBar} us per bar; p50 is ${inProcess.p50OverHandLoop}x that`);

    // Metrics on vs off: the same in-process run, interleaved (off, on, off, on, ...), best of each.
    const prom = await import('prom-client');
    const ROUNDS = 4;
    const best = { off: { p50: Infinity, p99: Infinity }, on: { p50: Infinity, p99: Infinity } };
    let scrapeBytes = 0;
    let scrapeMs = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      for (const on of [false, true]) {
        ctx.progress(`metrics ${on ? 'on' : 'off'}, round ${r + 1} of ${ROUNDS}`);
        const tally = on ? new RunTally() : undefined;
        const view = tally && prometheusView(prom, tally, { graph: 'sma-cross', mode: 'paper' });
        await runGraph(graph, { adapters, metrics: tally, live: { onEvents: (events) => (latency[events - 1] = performance.now() - delivered[events - 1]) } });
        // This feed never waits, so no scrape can interleave with the run: a scrape's cost is timed apart (it runs between events in a real session).
        for (let k = 0; view && k < 10; k++) {
          const start = performance.now();
          scrapeBytes = (await view.scrape()).length;
          scrapeMs = Math.min(scrapeMs, performance.now() - start);
        }
        const s = latency.slice(WARMUP).sort();
        const b = best[on ? 'on' : 'off'];
        b.p50 = Math.min(b.p50, percentile(s, 0.5) * 1000);
        b.p99 = Math.min(b.p99, percentile(s, 0.99) * 1000);
        if (tally && tally.nodes.find((node) => node.node === 'broker')?.eventsIn !== n) failures.push('metrics on: the broker tally does not count every event');
      }
    }
    const metrics = { rounds: ROUNDS, offP50Us: round(best.off.p50), onP50Us: round(best.on.p50), offP99Us: round(best.off.p99), onP99Us: round(best.on.p99), p50CostUs: round(best.on.p50 - best.off.p50), scrapeMs: round(scrapeMs), scrapeBytes };
    ctx.print(`metrics on vs off (same graph, interleaved, best of ${ROUNDS} each; on = 5 kernels, the feed and each chunk timed and counted per event):`);
    ctx.print(`  off: p50 ${metrics.offP50Us} us   p99 ${metrics.offP99Us} us;   on: p50 ${metrics.onP50Us} us   p99 ${metrics.onP99Us} us   (p50 cost ${metrics.p50CostUs} us per event)`);
    ctx.print(`  one /metrics scrape (default process metrics included): ${metrics.scrapeMs} ms, ${int(scrapeBytes)} bytes`);

    // 2. Through Redis.
    const url = redisUrl(undefined);
    const redis = connectRedis(url, { name: 'hean-bench', log: (m) => ctx.progress(m) });
    await ready(redis, 5000);
    const prefix = `hean-bench:${process.pid}`;
    const input = `${prefix}:bars`;
    const output = `${prefix}:orders`;
    try {
      const columns = CANDLE_FIELDS.map((f) => bars[f]);
      ctx.progress(`publishing ${int(n)} events to ${input}`);
      const publishStart = performance.now();
      await publishColumns(redis, input, { t: bars.t, names: CANDLE_FIELDS, columns, meta: { record: 'candles', timeframe: '1h', symbol: 'BTCUSDT' }, replace: true });
      const publishPerSec = n / ((performance.now() - publishStart) / 1000);

      ctx.progress('paper run from the stream, orders published back');
      const text = smaCross({ bars: { stream: input, group: 'bench' }, orders: { stream: output } }, { orders: { kind: 'sink.record', in: { series: ['size.orders'] } } });
      const streamGraph = compileGraph(text, 'sma-cross (redis bench)', defaultRegistry, { mode: 'paper', requireBindings: true }).graph!;
      const drainStart = performance.now();
      const drained = await runGraph(streamGraph, { live: { maxEvents: n } });
      const drainPerSec = drained.events / ((performance.now() - drainStart) / 1000);
      const written = await redis.xlen(output);
      if (written !== n) failures.push(`the paper run published ${written} order rows for ${n} events`);

      // Latency at a steady rate: publish in small batches, stamp each batch, match the order rows.
      ctx.progress(`latency: publishing ${int(n)} events at ${int(RATE)}/s while a paper run consumes them`);
      await redis.del(input, `${input}:meta`, output);
      const sent = new Float64Array(n);
      const consumer = runGraph(streamGraph, { live: { maxEvents: n } });
      const batch = 50;
      const rateStart = Date.now();
      for (let i = 0; i < n; i += batch) {
        const due = rateStart + (i / RATE) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const end = Math.min(n, i + batch);
        const pipeline = redis.pipeline();
        for (let k = i; k < end; k++) pipeline.xadd(input, `${bars.t[k]}-0`, ...CANDLE_FIELDS.flatMap((f) => [f, String(bars[f][k])]));
        const now = Date.now();
        for (let k = i; k < end; k++) sent[k] = now;
        await pipeline.exec();
      }
      await consumer;
      // Each order row's entry id carries the Redis server's clock (ms) when it was added.
      const rows = (await redis.xrange(output, '-', '+')) as [string, string[]][];
      const lag = new Float64Array(rows.length);
      rows.forEach(([id, fields], k) => {
        const eventTime = Number(fields[fields.indexOf('time') + 1]);
        const i = eventTime === bars.t[k] ? k : bars.t.indexOf(eventTime);
        lag[k] = Number(id.split('-')[0]) - sent[i];
      });
      const lagSorted = lag.slice(WARMUP).sort();
      const viaRedis = {
        publishPerSec: Math.round(publishPerSec),
        paperPerSec: Math.round(drainPerSec),
        latencyRate: RATE,
        latencyP50Ms: percentile(lagSorted, 0.5),
        latencyP99Ms: percentile(lagSorted, 0.99),
        latencyMaxMs: lagSorted[lagSorted.length - 1],
      };
      ctx.print('through Redis (publish: pipelined XADD; paper: XREADGROUP 1024 per read, XACK after processing, order rows added back in batches by one script call):');
      ctx.print(`  publish ${int(viaRedis.publishPerSec)} events/s; paper run ${int(viaRedis.paperPerSec)} events/s in and orders out (target >= 50,000)`);
      ctx.print(`  at ${int(RATE)} events/s published: event -> order row in Redis p50 ${viaRedis.latencyP50Ms} ms, p99 ${viaRedis.latencyP99Ms} ms, max ${viaRedis.latencyMaxMs} ms (ms clock of Redis ids)`);

      // 3. Crash safety.
      ctx.progress('checkpoint cost: paper runs with checkpoints on and off, interleaved');
      await redis.del(input, `${input}:meta`, output);
      await publishColumns(redis, input, { t: bars.t, names: CANDLE_FIELDS, columns, meta: { record: 'candles', timeframe: '1h', symbol: 'BTCUSDT' }, replace: true });
      const plain = compileGraph(smaCross({ bars: { stream: input } }), 'sma-cross (checkpoint bench)', defaultRegistry, { mode: 'paper', requireBindings: true }).graph!;
      const best = { on: 0, off: 0 };
      for (let pass = 0; pass < 3; pass++) {
        for (const mode of ['on', 'off'] as const) {
          plain.byId.get('bars')!.binding = { stream: input, group: `ab-${mode}-${pass}` };
          const start = performance.now();
          const r = await runGraph(plain, { checkpoint: mode === 'on', live: { maxEvents: n } });
          best[mode] = Math.max(best[mode], r.events / ((performance.now() - start) / 1000));
        }
      }
      // Live at a steady rate, reads bring one event each and every event is its own checkpoint:
      // the cost of one, a real session's state (the A/B's) acknowledging one entry.
      const state = (await redis.hget(`hean:checkpoint:sma-cross:${input}/ab-on-0/main`, 'state'))!;
      const ids = (await redis.xrange(input, '-', '+', 'COUNT', 2000)).map(([id]) => id);
      await redis.xgroup('CREATE', input, 'one-by-one', '0');
      await redis.xreadgroup('GROUP', 'one-by-one', 'c', 'COUNT', 2000, 'STREAMS', input, '>');
      const store = new RedisCheckpointStore(redis, `${prefix}:one-by-one`);
      const commitStart = performance.now();
      for (const id of ids) await store.commit(state, [{ key: input, group: 'one-by-one', ids: [id] }]);
      const commitUs = ((performance.now() - commitStart) / ids.length) * 1000;
      await redis.del(`${prefix}:one-by-one`);
      const resume = await killAndResume(url, input, n, (m) => ctx.progress(m));
      const crash = { checkpointOnPerSec: Math.round(best.on), checkpointOffPerSec: Math.round(best.off), checkpointCostPct: round((1 - best.on / best.off) * 100), checkpointBytes: state.length, oneCheckpointUs: round(commitUs), ...resume };
      ctx.print('crash safety (a checkpoint with every acknowledgement: one Lua script = XACK + the state, JSON):');
      ctx.print(`  paper run from the stream: ${int(crash.checkpointOnPerSec)} events/s with checkpoints, ${int(crash.checkpointOffPerSec)} without (${crash.checkpointCostPct > 0 ? `${crash.checkpointCostPct}% slower` : 'no measurable cost'}; best of 3 each, interleaved, on a noisy machine)`);
      ctx.print(`  one checkpoint acknowledging one entry (live at a steady rate): ${crash.oneCheckpointUs} us round trip, ${int(crash.checkpointBytes)} bytes of state`);
      ctx.print(`  kill -9 at ${int(resume.killedAtEvents)} events checkpointed -> restart replays ${int(resume.replayedEvents)} events, verifies the state, steps the first new event: ${int(resume.killToFirstNewMs)} ms after the kill (${int(resume.restartToFirstNewMs)} ms after the restart began; rebuild ${int(resume.rebuildMs)} ms of it)`);

      const scaleOut = await partitionThroughput(ctx, redis, prefix, bars, failures);
      return { bench: 'live', ok: failures.length === 0, failures, inProcess, metrics, viaRedis, crash, scaleOut };
    } finally {
      await deleteUnder(redis, prefix);
      const checkpoints = await redis.keys(`hean:checkpoint:sma-cross:${prefix}:*`);
      await redis.del(input, `${input}:meta`, output, ...checkpoints);
      await redis.quit();
    }
  },
};

const SCALE_SYMBOLS = ['S1', 'S2', 'S3', 'S4'];

/** Section 3: one consumer process against two, same four streams, fresh consumer groups each time. */
async function partitionThroughput(ctx: Parameters<Benchmark['run']>[0], redis: Redis, prefix: string, bars: Awaited<ReturnType<typeof readCandleCsv>>, failures: string[]) {
  const n = bars.rows;
  const dir = mkdtempSync(join(tmpdir(), 'hean-bench-partition-'));
  writeFileSync(join(dir, 'g.yaml'), smaCross({ bars: { stream: `${prefix}:candles:{symbol}` }, orders: { stream: `${prefix}:out:{symbol}` } }, { orders: { kind: 'sink.record', in: { series: ['size.orders'] } } }));
  ctx.progress(`scale-out: publishing ${int(n)} events to each of ${SCALE_SYMBOLS.length} symbol streams`);
  for (const s of SCALE_SYMBOLS) await publishColumns(redis, `${prefix}:candles:${s}`, { t: bars.t, names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => bars[f]), meta: { record: 'candles', timeframe: '1h', symbol: s }, replace: true });
  const total = n * SCALE_SYMBOLS.length;
  const once = async (processes: number, round: number): Promise<number> => {
    for (const s of SCALE_SYMBOLS) {
      await redis.del(`${prefix}:out:${s}`, `${prefix}:out:${s}:meta`);
      await redis.xgroup('DESTROY', `${prefix}:candles:${s}`, 'hean.sma-cross.bars').catch(() => 0);
    }
    const partition = `${prefix}:part${processes}-${round}`;
    const children = Array.from({ length: processes }, (_, k) =>
      spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'run', 'g.yaml', '--mode', 'paper', '--symbols', SCALE_SYMBOLS.join(','), '--partition', partition, '--consumer', `c${k}`, '--exit-when-idle', '1', '--json'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    let stderr = '';
    for (const c of children) c.stderr!.on('data', (d) => (stderr += d));
    const exits = children.map((c) => new Promise<number | null>((resolve) => c.on('exit', resolve)));
    const read = async () => {
      let entries = 0;
      let pending = 0;
      for (const s of SCALE_SYMBOLS) {
        const groups = (await redis.xinfo('GROUPS', `${prefix}:candles:${s}`)) as unknown[][];
        const g = groups.find((x) => x[1] === 'hean.sma-cross.bars');
        if (!g) continue;
        entries += Number(g[g.indexOf('entries-read') + 1]);
        pending += Number(g[g.indexOf('pending') + 1]);
      }
      return { entries, pending };
    };
    let first = 0;
    for (;;) {
      const { entries, pending } = await read();
      if (!first && entries > 0) first = performance.now();
      if (entries === total && pending === 0) break;
      await sleep(5);
    }
    const ms = performance.now() - first;
    const codes = await Promise.all(exits);
    if (codes.some((c) => c !== 0)) failures.push(`scale-out with ${processes} processes: exit codes ${codes.join(', ')}: ${stderr.slice(-500)}`);
    return total / (ms / 1000);
  };
  const best = { one: 0, two: 0 };
  for (let round = 0; round < 3; round++) {
    ctx.progress(`scale-out round ${round + 1}/3: one process, then two`);
    best.one = Math.max(best.one, await once(1, round));
    best.two = Math.max(best.two, await once(2, round));
  }
  const result = { symbols: SCALE_SYMBOLS.length, events: total, oneProcessPerSec: Math.round(best.one), twoProcessesPerSec: Math.round(best.two), ratio: round(best.two / best.one) };
  ctx.print(`scale-out (${SCALE_SYMBOLS.length} symbols x ${int(n)} events, one consumer group, first entry read -> last acknowledged, best of 3):`);
  ctx.print(`  one process ${int(result.oneProcessPerSec)} events/s; two processes ${int(result.twoProcessesPerSec)} events/s; ratio ${result.ratio}x`);
  return result;
}

async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export default bench;

/**
 * A paper session (the CLI, as users run it) killed with SIGKILL once its checkpoint covers half
 * the stream, then restarted: milliseconds from the kill, and from the restart's spawn, to the
 * line it logs when it steps its first new event (checkpoint.ts), and the replay's length.
 */
async function killAndResume(url: string, stream: string, n: number, progress: (m: string) => void): Promise<{ killedAtEvents: number; replayedEvents: number; killToFirstNewMs: number; restartToFirstNewMs: number; rebuildMs: number }> {
  const hean = join(projectRoot, 'bin', 'hean.js');
  const graph = join(projectRoot, 'graphs', 'sma-cross.yaml');
  const args = ['run', graph, '--mode', 'paper', '--bind', `bars.stream=${stream}`, '--bind', 'bars.group=crash', '--redis', url, '--exit-when-idle', '1'];
  const key = `hean:checkpoint:sma-cross:${stream}/crash/main`;
  const redis = connectRedis(url, { name: 'hean-bench-crash', log: progress });
  await ready(redis, 5000);
  try {
    progress('kill -9 of a paper session, then a restart');
    const first = spawn(process.execPath, [hean, ...args], { stdio: ['ignore', 'ignore', 'ignore'] });
    const exited = new Promise((resolve) => first.on('exit', resolve));
    const events = async () => JSON.parse((await redis.hget(key, 'state')) ?? '{"events":0}').events as number;
    while ((await events()) < n / 2) await new Promise((r) => setTimeout(r, 2));
    first.kill('SIGKILL');
    const killedAt = performance.now();
    await exited;
    const killedAtEvents = await events();
    const restartAt = performance.now();
    const second = spawn(process.execPath, [hean, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let firstNewAt = NaN;
    let rebuildMs = NaN;
    let replayed = NaN;
    second.stderr!.on('data', (d) => {
      stderr += d;
      const line = /first new event stepped \d+ ms after the session opened \(([\d,]+) events replayed\)/.exec(stderr);
      if (line && Number.isNaN(firstNewAt)) {
        firstNewAt = performance.now();
        replayed = Number(line[1].replaceAll(',', ''));
      }
      const rebuilt = /rebuilt and verified the state of [\d,]+ events in (\d+) ms/.exec(stderr);
      if (rebuilt) rebuildMs = Number(rebuilt[1]);
    });
    const code = await new Promise((resolve) => second.on('exit', resolve));
    if (code !== 0 || Number.isNaN(firstNewAt)) throw new Error(`the restarted paper session failed (exit ${code}):\n${stderr}`);
    return { killedAtEvents, replayedEvents: replayed, killToFirstNewMs: Math.round(firstNewAt - killedAt), restartToFirstNewMs: Math.round(firstNewAt - restartAt), rebuildMs };
  } finally {
    await redis.quit();
  }
}
