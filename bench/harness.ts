/**
 * What every benchmark in bench/ shares: the shape bench/run.ts drives, timing helpers and number
 * formatting. A benchmark module default-exports a Benchmark; run.ts lists the modules.
 */

export interface BenchContext {
  /** True under `--json`: human lines are dropped, run.ts prints the outcome as one JSON line. */
  json: boolean;
  /** A human-readable result line (stdout; dropped under --json). */
  print(line?: string): void;
  /** Progress while the benchmark runs (always stderr, so stdout stays clean). */
  progress(message: string): void;
}

/** The result of one benchmark: JSON-able figures; `ok: false` makes `npm run bench` exit non-zero. */
export interface BenchOutcome {
  bench: string;
  ok: boolean;
  /** Why `ok` is false. */
  failures: string[];
  [figure: string]: unknown;
}

export interface Benchmark {
  name: string;
  summary: string;
  run(ctx: BenchContext): Promise<BenchOutcome>;
}

/** Runs `fn` `warmup` times untimed, then `runs` times; returns every timed result (ms) and the best. */
export async function bestOf<T>(runs: number, warmup: number, fn: () => T | Promise<T>, ms: (value: T, wallMs: number) => number = (_v, wall) => wall): Promise<{ best: T; bestMs: number; allMs: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  let best: T | undefined;
  let bestMs = Infinity;
  const allMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const value = await fn();
    const wall = performance.now() - start;
    const t = ms(value, wall);
    allMs.push(t);
    if (t < bestMs) {
      bestMs = t;
      best = value;
    }
  }
  return { best: best as T, bestMs, allMs };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

/** What bench/peakRss.ts, preloaded into a child process, writes to stderr at exit: `PEAK_RSS_LINE KIB SOURCE`. */
export const PEAK_RSS_LINE = 'hean-bench-peak-rss';

/** 12_345_678 -> "12.35 M" (rates), 950_000 -> "0.95 M". */
export function mega(perSecond: number): string {
  return `${(perSecond / 1e6).toFixed(2)} M`;
}

export function int(n: number): string {
  return n.toLocaleString('en-US');
}

/** Rounds a figure for JSON output without losing what matters (3 significant digits minimum). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const scale = 10 ** Math.max(digits, digits - Math.floor(Math.log10(Math.abs(x))) - 1);
  return Math.round(x * scale) / scale;
}
