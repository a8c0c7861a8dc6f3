/**
 * `npm run bench [-- [--json] [NAME...]]`: runs the benchmarks of bench/ in order and prints
 * their figures; with --json, one JSON object per benchmark per line on stdout (progress stays on
 * stderr; npm itself prints a "> hean@... bench" banner on stdout unless run as `npm run -s bench`).
 * NAME selects benchmarks by name. Exits 1 if a benchmark fails a check (e.g. the graph
 * and the hand loop disagree) or throws, 2 on bad arguments. Speed targets are printed, never
 * asserted. The benchmarks run in a child process with a fixed young generation (see SEMI_SPACE).
 */
import { parseArgs } from 'node:util';
import type { BenchContext, BenchOutcome, Benchmark } from './harness.js';

/** Every benchmark, in the order they run. A new one is one line here. */
const benchmarks: (() => Promise<{ default: Benchmark }>)[] = [
  () => import('./backtest.js'),
  () => import('./indicators.js'),
  () => import('./live.js'),
  () => import('./drawing.js'),
  () => import('./orderbook.js'),
  () => import('./ml.js'),
  () => import('./sweep.js'),
  () => import('./cache.js'),
];

// Benchmarks time parsing and write nothing of their own accord into the user's column cache
// (backtest measures the cache in a directory of its own); HEAN_CACHE_DIR set by the caller wins.
process.env.HEAN_CACHE_DIR ??= 'off';

async function main(argv: string[]): Promise<number> {
  let values: { json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } }));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\nusage: npm run bench -- [--json] [NAME...]`);
    return 2;
  }
  const json = Boolean(values.json);
  const ctx: BenchContext = {
    json,
    print: (line = '') => {
      if (!json) process.stdout.write(line + '\n');
    },
    progress: (message) => process.stderr.write(`[bench] ${message}\n`),
  };

  const loaded = await Promise.all(benchmarks.map(async (load) => (await load()).default));
  const unknown = positionals.filter((name) => !loaded.some((b) => b.name === name));
  if (unknown.length) {
    console.error(`bench: no benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; available: ${loaded.map((b) => b.name).join(', ')}`);
    return 2;
  }
  const selected = positionals.length ? loaded.filter((b) => positionals.includes(b.name)) : loaded;

  ctx.print(`node ${process.version}, ${process.platform}/${process.arch}`);
  let failed = false;
  for (const bench of selected) {
    ctx.print();
    ctx.print(`== ${bench.name}: ${bench.summary}`);
    let outcome: BenchOutcome;
    try {
      outcome = await bench.run(ctx);
    } catch (e) {
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      console.error(`bench ${bench.name} failed: ${message}`);
      outcome = { bench: bench.name, ok: false, failures: [e instanceof Error ? e.message : String(e)] };
    }
    if (!outcome.ok) {
      failed = true;
      for (const f of outcome.failures) console.error(`bench ${bench.name}: FAIL: ${f}`);
    }
    if (json) process.stdout.write(JSON.stringify({ node: process.version, ...outcome }) + '\n');
  }
  return failed ? 1 : 0;
}

/**
 * The benchmarks run in a child process with a fixed 64 MB young generation. On this project's
 * VMs a first touch of a memory page costs ~12 us, and after each scavenge V8 hands the evacuated
 * semi-space's pages back to the kernel: a loop that allocates a few MB (the hand loops' trade
 * lists) re-faulted ~1,000 pages per run, 10 ms -> 22-27 ms for the sma-cross hand loop, more
 * or less depending on the process's history (a reason the bench process read slower figures
 * than a small process). With a 64 MB semi-space scavenges are rare and both sides of every ratio
 * run at their speed. `hean run` children keep Node's defaults. The child's malloc also asks for
 * transparent huge pages (glibc.malloc.hugetlb=1), as `hean` does (bin/hean.js's #! line): column
 * arrays of many MB are then faulted in 2 MB at a time in the in-process figures too.
 * HEAN_BENCH_SEMI_SPACE=0 runs in this process with the defaults.
 */
const SEMI_SPACE = ['--min-semi-space-size=64', '--max-semi-space-size=64'];
if (process.env.HEAN_BENCH_SEMI_SPACE !== '0' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const { spawnSync } = await import('node:child_process');
  const env = { ...process.env, GLIBC_TUNABLES: `${process.env.GLIBC_TUNABLES ?? ''}:glibc.malloc.hugetlb=1` };
  const child = spawnSync(process.execPath, [...SEMI_SPACE, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  process.exitCode = child.status ?? 1;
} else {
  process.exitCode = await main(process.argv.slice(2));
}
