/**
 * The sweep of issue 11 on the real hourly file: graphs/sma-cross.yaml over fast 5..50 x slow
 * 10..100 step 2 with fast < slow (1,675 combinations, every metric), on one worker with and
 * without shared node outputs and on two (checked to give the same table), beside the old
 * `hean run --grid` loop (each cell re-reads and re-parses the data) on the first 46
 * combinations, timed in the same run.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gridMetric, parseGridSpec, runGrid } from '../runtime/cli/grid.js';
import { runSweep, type SweepResult } from '../runtime/sweep/runSweep.js';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { int, peakRssMiB, round, type BenchContext, type BenchOutcome, type Benchmark } from './harness.js';

const GRAPH = join(projectRoot, 'graphs', 'sma-cross.yaml');
const TARGET_RATE = 200;
const TARGET_SCALING = 1.8;
const TARGET_RSS = 1024;

async function run(ctx: BenchContext): Promise<BenchOutcome> {
  const failures: string[] = [];
  const axes = [parseGridSpec('fast=5..50'), parseGridSpec('slow=10..100:2')];
  const metric = gridMetric('sharpe');
  const sweep = async (workers: number, shareOutputs = true): Promise<SweepResult> => {
    ctx.progress(`sweep on ${workers} worker${workers === 1 ? '' : 's'}${shareOutputs ? '' : ', every node computed'}`);
    return runSweep({ file: GRAPH, axes, where: 'fast < slow', metric, sets: {}, bind: {}, chunkSize: 1024, workers, shareOutputs });
  };
  const unshared = await sweep(1, false);
  const one = await sweep(1);
  const two = await sweep(2);
  if (!isDeepStrictEqual(one.cells, unshared.cells)) failures.push('sharing node outputs changed the table');
  if (one.cells.length !== 1675) failures.push(`the sweep ran ${one.cells.length} combinations, not 1,675`);
  if (!isDeepStrictEqual(one.cells, two.cells)) failures.push('one worker and two workers gave different tables');
  const rate = (s: SweepResult) => s.cells.length / (s.elapsedMs / 1000);

  ctx.progress('the old grid loop (hean run --grid) on fast 5..50 x slow 100');
  const started = performance.now();
  const grid = await runGrid({ file: GRAPH, axes: [parseGridSpec('fast=5..50'), parseGridSpec('slow=100')], metric, sets: {}, chunkSize: 1024, bind: {} });
  const gridRate = grid.cells.length / ((performance.now() - started) / 1000);
  const same = grid.cells.every((c) => {
    const twin = one.cells.find((s) => s.params.fast === c.params.fast && s.params.slow === 100);
    return twin && isDeepStrictEqual(twin.metrics, c.metrics);
  });
  if (!same) failures.push('the sweep and the old grid disagree on a shared combination');

  const rss = peakRssMiB();
  const scaling = rate(two) / rate(one);
  ctx.progress('this machine on two threads: a plain Float64Array loop on one thread, then on two at once');
  const ceiling = await threadScaling();
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  ctx.print(`graphs/sma-cross.yaml on btcusdt_1h_binance_2017-08_2024-04.csv.gz (58,419 bars), fast 5..50 x slow 10..100:2 where fast < slow: ${int(one.cells.length)} combinations (${int(one.excluded)} excluded), every metric`);
  ctx.print(`  1 worker, every node computed: ${rate(unshared).toFixed(1)} combinations/s (${(unshared.elapsedMs / 1000).toFixed(2)} s)`);
  ctx.print(`  1 worker:  ${rate(one).toFixed(1)} combinations/s (${(one.elapsedMs / 1000).toFixed(2)} s), ${(rate(one) / rate(unshared)).toFixed(2)}x; ${one.sharing?.recorded} SMAs computed, reused ${one.sharing?.replayed} times (${one.sharing?.peakMiB} MiB at most); same table: ${isDeepStrictEqual(one.cells, unshared.cells) ? 'yes' : 'NO'}`);
  ctx.print(`  2 workers: ${rate(two).toFixed(1)} combinations/s (${(two.elapsedMs / 1000).toFixed(2)} s)  target >= ${TARGET_RATE}/s: ${met(rate(two) >= TARGET_RATE)}; ${scaling.toFixed(2)}x one worker, target >= ${TARGET_SCALING}x: ${met(scaling >= TARGET_SCALING)}; same table: ${isDeepStrictEqual(one.cells, two.cells) ? 'yes' : 'NO'}`);
  ctx.print(`  the machine's own ceiling: a plain Float64Array loop runs ${ceiling.toFixed(2)}x as fast on two threads as on one, so the sweep's scaling is ${(scaling / ceiling).toFixed(2)} of what this machine allows`);
  ctx.print(`  the old --grid loop: ${gridRate.toFixed(1)} cells/s on ${grid.cells.length} of them (same metrics: ${same ? 'yes' : 'NO'}): the sweep on 2 workers is ${(rate(two) / gridRate).toFixed(1)}x`);
  ctx.print(`  peak RSS (this process and its workers): ${rss.toFixed(0)} MiB, target <= ${TARGET_RSS}: ${met(rss <= TARGET_RSS)}`);
  if (one.selection) ctx.print(`  the best: Sharpe ${one.cells.reduce((b, c) => Math.max(b, c.value ?? -Infinity), -Infinity).toFixed(2)}; deflated Sharpe ratio ${one.selection.deflatedSharpe.toFixed(3)}, PBO ${one.selection.pbo?.toFixed(3) ?? 'n/a'}`);
  return {
    bench: 'sweep',
    ok: failures.length === 0,
    failures,
    combinations: one.cells.length,
    oneWorkerUnshared: { perSecond: round(rate(unshared), 1), ms: round(unshared.elapsedMs) },
    oneWorker: { perSecond: round(rate(one), 1), ms: round(one.elapsedMs), sharing: one.sharing },
    twoWorkers: { perSecond: round(rate(two), 1), ms: round(two.elapsedMs) },
    scaling: round(scaling),
    machineScaling: round(ceiling),
    oldGrid: { perSecond: round(gridRate, 1), cells: grid.cells.length },
    peakRssMiB: round(rss, 1),
    targets: {
      perSecond: { target: TARGET_RATE, value: round(rate(two), 1), met: rate(two) >= TARGET_RATE },
      scaling: { target: TARGET_SCALING, value: round(scaling), met: scaling >= TARGET_SCALING },
      peakRssMiB: { target: TARGET_RSS, value: round(rss, 1), met: rss <= TARGET_RSS },
    },
  };
}

/** How much faster two threads finish two copies of a plain Float64Array loop than one thread finishes one, times two: the machine's own parallel ceiling. */
async function threadScaling(): Promise<number> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    parentPort.on('message', () => {
      const a = new Float64Array(1 << 16);
      const start = performance.now();
      let s = 0;
      for (let r = 0; r < 4000; r++) for (let i = 0; i < a.length; i++) { a[i] = a[i] * 0.5 + i; s += a[i]; }
      parentPort.postMessage([performance.now() - start, s]);
    });`;
  const timed = async (threads: number) => {
    const workers = Array.from({ length: threads }, () => new Worker(code, { eval: true }));
    const round = () => Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.once('message', () => resolve()), w.postMessage(0)))));
    await round(); // warm-up
    const start = performance.now();
    await round();
    const ms = performance.now() - start;
    await Promise.all(workers.map((w) => w.terminate()));
    return ms;
  };
  const one = await timed(1);
  const two = await timed(2);
  return (2 * one) / two;
}

const bench: Benchmark = {
  name: 'sweep',
  summary: 'hean sweep of sma-cross over 1,675 (fast, slow) combinations on the real hourly file: 1 vs 2 workers, shared node outputs or not, beside the old --grid loop',
  run,
};
export default bench;
