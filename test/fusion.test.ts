/**
 * Loop fusion (runtime/exec/fusion.ts): every fusible kind's per-event form gives the bits of its
 * own kernel, whatever the chunking (property tests); fused and unfused runs of every example
 * graph are identical; the groups are the ones intended (sma-cross and trend-confirm fused, a
 * column read outside its group still written, no group around a node it also feeds).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { allNodes } from '../nodes/index.js';
import type { AnyNodeDefinition, Kernel } from '../runtime/defineNode.js';
import { compileParams } from '../runtime/params.js';
import { testContext } from '../runtime/testing/runKernel.js';
import { fusedKernel } from '../runtime/testing/fusedKernel.js';
import { canFuse, fusionGroups } from '../runtime/exec/fusion.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { compileGraph, type CompiledGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { tradesCsv, summaryJson } from '../runtime/cli/summary.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const fusible = allNodes.filter((def) => def.fusible) as AnyNodeDefinition[];

/** Params (and wires per many port) to draw for each fusible kind: a new fusible kind must add its own. */
const paramsOf: Record<string, fc.Arbitrary<{ params: Record<string, unknown>; wires?: Record<string, number> }>> = {
  'signal.crossover': fc.constant({ params: {} }),
  'sizer.fixedFraction': fc.oneof(fc.constant(1), fc.constant(0.5), fc.double({ min: 1e-9, max: 1, noNaN: true })).map((fraction) => ({ params: { fraction } })),
  'indicator.sma': fc.integer({ min: 2, max: 40 }).map((timePeriod) => ({ params: { timePeriod } })),
  'indicator.ema': fc.integer({ min: 2, max: 40 }).map((timePeriod) => ({ params: { timePeriod } })),
  'signal.combine': fc
    .record({ mode: fc.constantFrom('all', 'any', 'vote'), minVotes: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), short: fc.boolean(), wires: fc.integer({ min: 0, max: 4 }) })
    .map(({ mode, minVotes, short, wires }) => ({ params: { mode, short, ...(mode === 'vote' && minVotes !== undefined ? { minVotes } : {}) }, wires: { signals: wires } })),
};

/** Values that hit every branch: ties, signs, zeros of both signs, NaN, and ordinary doubles. */
const value = fc.oneof(fc.constantFrom(NaN, 0, -0, 1, -1, 2, 0.5), fc.integer({ min: -3, max: 3 }), fc.double({ min: -1e6, max: 1e6 }));

/** Runs a kernel over whole columns in chunks of the given sizes (cycled), as the pipeline does; returns each output. */
function runChunked(kernel: Kernel, def: AnyNodeDefinition, inputs: Record<string, Float64Array | Float64Array[]>, length: number, sizes: number[]): Record<string, number[]> {
  const capacity = Math.max(1, ...sizes);
  const buffers = Object.fromEntries(Object.keys(def.outputs).map((name) => [name, new Float64Array(capacity)]));
  const result: Record<string, number[]> = Object.fromEntries(Object.keys(def.outputs).map((name) => [name, []]));
  const t = Float64Array.from({ length }, (_, i) => i);
  for (let start = 0, k = 0; start < length || k === 0; k++) {
    const n = Math.min(sizes[k % sizes.length], length - start);
    const view = (a: Float64Array) => a.subarray(start, start + n);
    const chunk = Object.fromEntries(Object.entries(inputs).map(([name, v]) => [name, Array.isArray(v) ? v.map(view) : view(v)]));
    for (const b of Object.values(buffers)) b.fill(777);
    kernel.step(n, view(t), chunk, buffers);
    for (const [name, b] of Object.entries(buffers)) result[name].push(...b.subarray(0, n));
    start += n;
    if (start >= length) break;
  }
  return result;
}

test('the fusible kinds: crossover, fixedFraction, combine, sma and ema, each with params to test', () => {
  assert.deepEqual(fusible.map((d) => d.kind).sort(), Object.keys(paramsOf).sort());
});

for (const def of fusible) {
  test(`${def.kind}: the fused form gives the kernel's bits, chunked any way (property)`, () => {
    const many = Object.entries(def.inputs).filter(([, spec]) => spec.many).map(([port]) => port);
    fc.assert(
      fc.property(paramsOf[def.kind], fc.integer({ min: 0, max: 120 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }), fc.infiniteStream(value), ({ params, wires = {} }, length, sizes, values) => {
        // Chunk sizes include 0 (empty chunks) and whole runs.
        const cut: number[] = sizes.map((s) => (s === 9 ? length : s));
        if (!cut.some((s) => s > 0)) cut.push(1);
        const column = () => Float64Array.from({ length }, () => values.next().value as number);
        const inputs: Record<string, Float64Array | Float64Array[]> = {};
        for (const port of Object.keys(def.inputs)) inputs[port] = many.includes(port) ? Array.from({ length: wires[port] ?? 1 }, column) : column();
        const parsed = compileParams(def).parse(params) as never;
        const inputWires = Object.fromEntries(Object.keys(def.inputs).map((port) => [port, Array.isArray(inputs[port]) ? (inputs[port] as Float64Array[]).map((_, j) => `w${j}`) : ['w']]));
        const reference = runChunked(def.create!(parsed, { ...testContext(def.kind), inputWires }) as Kernel, def, inputs, length, [Math.max(length, 1)]);
        const fused = runChunked(fusedKernel(def, params, wires), def, inputs, length, cut);
        for (const name of Object.keys(def.outputs)) {
          reference[name].forEach((v, i) => assert.ok(Object.is(fused[name][i], v), `${name}[${i}]: fused ${fused[name][i]}, kernel ${v} (chunks ${cut.join(',')})`));
        }
      }),
      { numRuns: 300 },
    );
  });
}

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const outDir = mkdtempSync(join(tmpdir(), 'hean-fusion-'));

async function fingerprint(graph: CompiledGraph, chunkSize: number, fuse: boolean): Promise<string> {
  const result = await runGraph(graph, { chunkSize, env, fuse, outputs: new OutputGuard({ dir: outDir, overwrite: true }) });
  const brokers = Object.values(result.reports).filter((r) => (r as BrokerReport).kind === 'broker') as BrokerReport[];
  assert.ok(brokers.length > 0);
  return JSON.stringify(summaryJson(result)) + brokers.map((b) => tradesCsv(b.trades) + Buffer.from(b.equity.buffer, b.equity.byteOffset, b.equity.byteLength).toString('base64')).join('\n');
}

function groupsOf(graph: CompiledGraph): { members: string[]; writes: string[]; reads: string[] }[] {
  const kernels = new Map(graph.nodes.filter((n) => n.def.fusible).map((n) => [n.id, n.def.create!(n.params as never, { ...testContext(n.kind), id: n.id, inputWires: Object.fromEntries(n.inputs.map((i) => [i.port, i.wires.map((w) => w.text)])) }) as Kernel]));
  const eligible = new Set(graph.nodes.filter((n) => !n.isSource && canFuse(n, kernels.get(n.id), graph)).map((n) => n.id));
  return fusionGroups(graph, eligible).map((g) => ({
    members: g.members.map((m) => m.id),
    writes: g.outputs.map((o) => `${g.members[o.member].id}.${o.port}`),
    reads: g.inputs.map((i) => `${g.producers[i.producer]}.${i.port}`),
  }));
}

const graphFiles = readdirSync(join(projectRoot, 'graphs')).filter((f) => f.endsWith('.yaml'));

test('sma-cross: fast, slow, cross and size run as one loop that writes only the orders', () => {
  const { graph } = loadGraph(join(projectRoot, 'graphs', 'sma-cross.yaml'));
  assert.deepEqual(groupsOf(graph!), [{ members: ['fast', 'slow', 'cross', 'size'], writes: ['size.orders'], reads: ['bars.close'] }]);
});

test('trend-confirm: the averages, the three crossovers, the vote and the sizer run as one loop around macd and bands', () => {
  const { graph } = loadGraph(join(projectRoot, 'graphs', 'trend-confirm.yaml'));
  assert.deepEqual(groupsOf(graph!), [
    { members: ['emaFast', 'emaSlow', 'trend', 'momentum', 'regime', 'vote', 'size'], writes: ['size.orders'], reads: ['bars.close', 'macd.macd', 'macd.macdSignal', 'bands.middleBand'] },
  ]);
});

// sma-cross with the fast average also feeding a Bollinger band (not fusible) whose middle band a
// crossover reads, voted with the main crossover: fast.value is read outside its group, and the
// vote may not join the averages' group (bands would sit between two members).
const TANGLED = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(
  /  size: .*\n/,
  `  bands:  { kind: indicator.bbands, in: { series: fast.value }, params: { timePeriod: 20 } }
  regime: { kind: signal.crossover, in: { a: bars.close, b: bands.middleBand } }
  vote:   { kind: signal.combine, in: { signals: [cross.signal, regime.signal] }, params: { mode: any } }
  size:   { kind: sizer.fixedFraction, in: { signal: vote.signal }, params: { fraction: 1 } }
`,
);

function tangled(): CompiledGraph {
  const { graph, diagnostics } = compileGraph(TANGLED, join(projectRoot, 'graphs', 'tangled.yaml'), defaultRegistry, { mode: 'backtest', requireBindings: true });
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  return graph;
}

test('a column read outside its group is written; a node is not fused around a node it feeds', () => {
  assert.deepEqual(groupsOf(tangled()), [
    { members: ['fast', 'slow', 'cross'], writes: ['fast.value', 'cross.signal'], reads: ['bars.close'] },
    { members: ['regime', 'vote', 'size'], writes: ['size.orders'], reads: ['bars.close', 'bands.middleBand', 'cross.signal'] },
  ]);
});

test('the tangled graph: fused and unfused runs are identical (chunk 1, 7, 1024)', async () => {
  const graph = tangled();
  for (const chunk of [1, 7, 1024]) assert.equal(await fingerprint(graph, chunk, true), await fingerprint(graph, chunk, false), `chunk ${chunk}`);
});

for (const name of graphFiles) {
  const { graph, diagnostics } = loadGraph(join(projectRoot, 'graphs', name));
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  // Only where something is fused (the others run the same code either way).
  if (groupsOf(graph).length === 0) continue;
  test(`${name}: fused and unfused runs are identical (chunk 7, 1024)`, async () => {
    for (const chunk of [7, 1024]) assert.equal(await fingerprint(graph, chunk, true), await fingerprint(graph, chunk, false), `chunk ${chunk}`);
  });
}
