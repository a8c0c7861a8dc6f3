/**
 * `npm run bench -- drawing`: `hean viz` of chains of 10, 50, 100 and 1,000 nodes that each also
 * read bars.close (viz/testing.ts chainGraph), the shape that made ELK's layered layout
 * quadratic. Each drawing runs as the user runs it, in a child process of its own (so a crash or
 * an out-of-memory abort is measured rather than fatal), with a time limit. Prints the wall time,
 * the exit code, the SVG's size and whether every node is in it. Then, in process, the layout
 * alone by each engine: hean's layered layout and ELK (in its worker, with a time limit), which
 * is how layoutGraph.ts's ELK_MAX_COST was chosen.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { vizFromCompiled } from '../viz/graphModel.js';
import { elkCost, layoutGraph, type LayoutOptions } from '../viz/layoutGraph.js';
import { chainGraph } from '../viz/testing.js';
import { round, type BenchOutcome, type Benchmark } from './harness.js';

const SIZES = [10, 50, 100, 1000];
const LIMIT_MS = 180_000;
const ELK_LIMIT_MS = 60_000;

function hean(args: string[], limitMs: number): Promise<{ code: number | null; signal: string | null; ms: number; err: string; timedOut: boolean }> {
  return new Promise((done) => {
    const start = performance.now();
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, ms: performance.now() - start, err, timedOut });
    });
  });
}

const bench: Benchmark = {
  name: 'drawing',
  summary: '`hean viz` of chains of 10 to 1,000 nodes that all read bars.close (time, exit code, every node drawn)',
  async run(ctx): Promise<BenchOutcome> {
    const failures: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'hean-bench-drawing-'));
    const rows: Record<string, unknown>[] = [];
    ctx.print('hean viz, as a user runs it (a process of its own):');
    try {
      for (const n of SIZES) {
        const graph = join(dir, `chain-${n}.yaml`);
        const svg = join(dir, `chain-${n}.svg`);
        writeFileSync(graph, chainGraph(n));
        ctx.progress(`hean viz chain-${n}.yaml (${n + 4} nodes)`);
        const r = await hean(['viz', graph, '-o', svg], LIMIT_MS);
        const text = r.code === 0 && existsSync(svg) ? readFileSync(svg, 'utf8') : '';
        const drawn = (text.match(/<g class="node /g) ?? []).length;
        const lastLine = r.err.trim().split('\n').pop() ?? '';
        const outcome = r.timedOut ? `killed after ${LIMIT_MS / 1000} s` : r.code === 0 ? `${drawn} of ${n + 4} nodes drawn, ${(text.length / 1024).toFixed(0)} KB` : `exit ${r.code ?? r.signal}: ${lastLine.slice(0, 120)}`;
        ctx.print(`  ${String(n).padStart(5)} nodes  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${outcome}`);
        if (r.code !== 0 || drawn !== n + 4) failures.push(`chain of ${n}: ${outcome}`);
        rows.push({ nodes: n, seconds: round(r.ms / 1000), exit: r.code, drawn, svgKB: Math.round(text.length / 1024) });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    ctx.print(`in process, the layout alone (ELK in its worker, cold for the first size, at most ${ELK_LIMIT_MS / 1000} s):`);
    const engines: Record<string, unknown>[] = [];
    for (const n of [10, 20, 50, 100, 1000]) {
      const model = vizFromCompiled(compileGraph(chainGraph(n), `chain-${n}.yaml`, defaultRegistry).graph!);
      const time = async (options: LayoutOptions) => {
        const start = performance.now();
        try {
          await layoutGraph(model, options);
          return { ms: performance.now() - start, text: `${((performance.now() - start) / 1000).toFixed(3)} s` };
        } catch (e) {
          return { ms: null, text: `failed after ${((performance.now() - start) / 1000).toFixed(1)} s: ${(e as Error).message}` };
        }
      };
      ctx.progress(`layout of chain-${n}`);
      const layers = await time({ engine: 'layers' });
      const elk = await time({ engine: 'elk', elkTimeoutMs: ELK_LIMIT_MS });
      ctx.print(`  ${String(n).padStart(5)} nodes  cost ${String(elkCost(model)).padStart(6)}  layers ${layers.text}   elk ${elk.text}`);
      if (layers.ms === null) failures.push(`layers on chain of ${n}: ${layers.text}`);
      engines.push({ nodes: n, cost: elkCost(model), layersS: layers.ms === null ? null : round(layers.ms / 1000), elkS: elk.ms === null ? null : round(elk.ms / 1000), elk: elk.text });
    }
    return { bench: 'drawing', ok: failures.length === 0, failures, chains: rows, engines };
  },
};

export default bench;
