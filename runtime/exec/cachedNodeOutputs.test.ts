import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceData } from '../adapters/contract.js';
import { OutputGuard } from '../adapters/outputGuard.js';
import { Cache } from '../cache/Cache.js';
import { MemoryStore } from '../cache/MemoryStore.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import { loadGraph } from '../loadGraph.js';
import { dataDir } from '../testing/dataFile.js';
import { smallFeatureModel } from '../testing/featureModels.js';
import { cachePlans } from './cachedNodeOutputs.js';
import { runGraph, type RunResult } from './runGraph.js';

/**
 * Node outputs in the value cache (cachedNodeOutputs.ts): what their keys depend on, and runs
 * that load them give exactly what runs that compute them give. The reference for "exactly" is
 * always a run without any cache.
 */

const tmp = mkdtempSync(join(tmpdir(), 'hean-cached-outputs-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const model = smallFeatureModel(2);

const GRAPH = `version: 1
name: cache-unit
params: { model: MODEL, period: 14, window: 100 }
nodes:
  bars:  { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  rsi:   { kind: indicator.rsi, in: { series: bars.close }, params: { timePeriod: $period } }
  natr:  { kind: indicator.natr, in: { high: bars.high, low: bars.low, close: bars.close }, params: { timePeriod: 14 } }
  FEATS: { kind: features.vector, in: { series: [rsi.value, natr.value] }, params: { names: [rsi, natr], normalize: zscore, window: $window } }
  model: { kind: model.onnx, in: { features: FEATS.features }, params: { model: $model } }
  long:  { kind: signal.compare, in: { a: model.value }, params: { level: 0, enter: above } }
  size:  { kind: sizer.fixedFraction, in: { signal: long.signal }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders, market: bars }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 } } }
  tape:  { kind: sink.record, in: { series: [model.prediction, FEATS.features] } }
modes:
  backtest:
    bars: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }
    tape: { file: tape.csv }
`;

function compile(set: Record<string, unknown> = {}, featsId = 'feats'): CompiledGraph {
  const file = join(tmp, `g-${featsId}.yaml`);
  writeFileSync(file, GRAPH.replace('MODEL', model).replaceAll('FEATS', featsId));
  const { graph, diagnostics } = loadGraph(file, { set, requireBindings: true });
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  return graph;
}

/** A source's data: real-looking hourly closes, with one value changed when asked. */
function bars(change = false): SourceData {
  const n = 500;
  const t = Float64Array.from({ length: n }, (_, i) => 1.7e12 + i * 3_600_000);
  const close = Float64Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 7) * 5 + i / 50);
  if (change) close[250] += 0.01;
  const columns = { open: close.map((c) => c - 0.1), high: close.map((c) => c + 1), low: close.map((c) => c - 1), close, volume: close.map(() => 10) };
  return { t, columns, info: {} };
}

const keysOf = (graph: CompiledGraph, loaded = [bars()], options: { chunk?: number; code?: string; locate?: (p: string) => string } = {}) => {
  const plans = cachePlans(graph, loaded, options.chunk ?? 1024, { code: options.code ?? 'test', locate: options.locate ?? ((p) => p) });
  return { feats: plans.get(graph.byId.has('feats') ? 'feats' : 'renamed')!.key, model: plans.get('model')!.key, plans };
};

test('keys: which nodes are cached, under which kind; the same subgraph has the same key whatever its nodes are called', () => {
  const { plans, feats, model: m } = keysOf(compile());
  assert.deepEqual([...plans].map(([id, p]) => [id, p.kind]), [['feats', 'features'], ['model', 'predictions']], 'models and feature sets; not indicators, signals, sizers or sinks');
  assert.deepEqual(plans.get('model')!.files, [model]);
  const renamed = keysOf(compile({}, 'renamed'));
  assert.equal(renamed.feats, feats);
  assert.equal(renamed.model, m);
});

test('keys: a param, the data, the model file\'s bytes, the kind\'s version, the code version or the chunking changes the key of everything downstream', () => {
  const base = keysOf(compile());
  const changed = (what: string, k: { feats: string; model: string }, feats: boolean) => {
    assert.equal(k.feats !== base.feats, feats, `${what}: the feature set's key ${feats ? 'changes' : 'stays'}`);
    assert.notEqual(k.model, base.model, `${what}: the model's key changes`);
  };
  changed('an upstream indicator\'s param', keysOf(compile({ period: 15 })), true);
  changed('the feature set\'s own param', keysOf(compile({ window: 99 })), true);
  changed('one close of the data', keysOf(compile(), [bars(true)]), true);
  changed('the chunk size', keysOf(compile(), [bars()], { chunk: 512 }), true);
  changed('the code version', keysOf(compile(), [bars()], { code: 'other' }), true);
  // The same content at another path, or another copy of the loaded data, is the same key.
  assert.deepEqual(keysOf(compile(), [bars()]).model, base.model);
  const copy = join(mkdtempSync(join(tmpdir(), 'hean-model-copy-')), 'copy.onnx');
  copyFileSync(model, copy);
  assert.equal(keysOf(compile(), [bars()], { locate: () => copy }).model, base.model, 'a byte-identical model file elsewhere');
  const bytes = readFileSync(model);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(copy, bytes);
  changed('one bit of the model file', keysOf(compile(), [bars()], { locate: () => copy }), false);
  // A kind's version: the node definition says it (NodeDefinition.version).
  const graph = compile();
  const rsi = graph.byId.get('rsi')!;
  rsi.def = { ...rsi.def, version: 2 };
  changed('the version of an upstream kind', keysOf(graph), true);
  const own = compile();
  const m = own.byId.get('model')!;
  m.def = { ...m.def, version: 2 };
  changed('the version of the model kind', keysOf(own), false);
});

const outputs = (dir: string) => new OutputGuard({ dir, overwrite: true });

/** A backtest of the unit graph on the real 2024-2026 hourly file: the tape's bytes and the trades. */
async function backtest(cache?: Cache, set: Record<string, unknown> = {}, cachedOutputMaxBytes?: number): Promise<{ tape: string; trades: string; result: RunResult }> {
  const dir = mkdtempSync(join(tmp, 'run-'));
  const result = await runGraph(compile(set), { env, cache, codeVersion: 'test', outputs: outputs(dir), cachedOutputMaxBytes });
  const broker = result.reports.broker as { trades: unknown[] };
  return { tape: readFileSync(join(dir, 'tape.csv'), 'utf8'), trades: JSON.stringify(broker.trades), result };
}

test('a memory cache shared by the runs of one process: the second run loads the model and the features instead of computing them, with byte-identical results', async () => {
  const reference = await backtest();
  assert.equal(reference.result.cachedOutputs, undefined, 'no cache, no cached outputs');
  const cache = new Cache({ store: new MemoryStore(), warn: (code, message) => assert.fail(`${code}: ${message}`) });
  const first = await backtest(cache);
  assert.deepEqual(first.result.cachedOutputs, { loaded: {}, stored: { feats: 'features', model: 'predictions' } });
  const second = await backtest(cache);
  // The model is loaded; the tape also records the features, so they are loaded too, and the indicators never run.
  assert.deepEqual(second.result.cachedOutputs, { loaded: { feats: 'features', model: 'predictions' }, stored: {} });
  for (const run of [first, second]) {
    assert.equal(run.tape, reference.tape);
    assert.equal(run.trades, reference.trades);
  }
  assert.ok(JSON.parse(reference.trades).length > 10, 'the graph trades');
  const stats = cache.stats();
  assert.deepEqual([stats.features.hits, stats.features.misses, stats.predictions.hits, stats.predictions.misses], [1, 1, 1, 1]);
  // Another param of the feature set: both miss (the model's key hangs on the features'), and both are stored anew.
  const other = await backtest(cache, { window: 50 });
  assert.deepEqual(other.result.cachedOutputs, { loaded: {}, stored: { feats: 'features', model: 'predictions' } });
  assert.notEqual(other.tape, reference.tape);
  await cache.close();
});

test('an entry that is no output of this node (its envelope intact) is reported corrupt, recomputed and replaced, and the run is unchanged', async () => {
  const reference = await backtest();
  const warnings: string[] = [];
  // A store that remembers the keys written, to find the model's entry.
  const written: string[] = [];
  const memory = new MemoryStore();
  const store = Object.assign(Object.create(memory) as MemoryStore, { set: (key: string, bytes: Uint8Array, ttl: number) => (written.push(key), memory.set(key, bytes, ttl)) });
  const cache = new Cache({ store, warn: (code, message) => warnings.push(`${code}: ${message}`) });
  await backtest(cache);
  const storeKey = written.find((k) => k.includes(':predictions:'))!;
  const key = storeKey.slice(storeKey.lastIndexOf(':') + 1);
  assert.equal(cache.storeKey('predictions', key), storeKey);
  // Overwrite the model's entry with a value of the right kind but the wrong shape: one chunk too few.
  const stored = (await cache.get('predictions', key)) as { rows: Int32Array };
  await cache.set('predictions', key, { ...stored, rows: stored.rows.subarray(1) } as never);
  const again = await backtest(cache);
  assert.equal(again.tape, reference.tape);
  assert.equal(again.trades, reference.trades);
  assert.deepEqual(again.result.cachedOutputs, { loaded: { feats: 'features' }, stored: { model: 'predictions' } });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^cache\/corrupt: cache: predictions entry ".*" in memory .* ignored: node model's stored output does not fit this run: \d+ chunks, this run has \d+; it is deleted and recomputed/);
  assert.equal(cache.stats().predictions.corrupt, 1);
  // The recomputed output replaced it: the next run loads it.
  assert.deepEqual((await backtest(cache)).result.cachedOutputs, { loaded: { feats: 'features', model: 'predictions' }, stored: {} });
});

test('an output larger than the budget is computed, not stored', async () => {
  const cache = new Cache({ store: new MemoryStore(), warn: (code, message) => assert.fail(`${code}: ${message}`) });
  // The feature set's 2 columns and its times, 8 bytes a value; the model's 6 columns (score, mix[0], mix[1], value, direction, confidence) take more.
  const rows = (await backtest()).result.events;
  const featsBytes = 3 * rows * 8;
  const small = await backtest(cache, {}, featsBytes);
  assert.deepEqual(small.result.cachedOutputs, { loaded: {}, stored: { feats: 'features' } });
  assert.deepEqual((await backtest(cache, {}, featsBytes - 1)).result.cachedOutputs, { loaded: { feats: 'features' }, stored: {} }, 'the model still too large; the features loaded');
});
