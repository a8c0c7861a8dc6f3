import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { keyParams, vizFromCompiled, vizFromSource } from './graphModel.js';
import { compileExample } from './testing.js';

test('from a compiled graph: every node with its kind, family, ports and key params; every wire typed', () => {
  const model = vizFromCompiled(compileExample());
  assert.deepEqual(model.nodes.map((n) => `${n.id}:${n.family}`), ['bars:source', 'fast:indicator', 'slow:indicator', 'cross:signal', 'size:sizer', 'broker:sink']);
  const fast = model.nodes.find((n) => n.id === 'fast')!;
  assert.deepEqual(fast.keyParams, ['timePeriod=10']);
  assert.deepEqual(fast.inputs.map((p) => `${p.name}:${p.type}`), ['series:number']);
  assert.equal(fast.warmup, 9);
  const bars = model.nodes.find((n) => n.id === 'bars')!;
  assert.deepEqual(bars.outputs.map((p) => p.name), ['candles', 'close'], 'wired outputs only');
  assert.deepEqual(bars.allOutputs.find((o) => o.name === 'close')!.readers, ['fast.series', 'slow.series']);
  assert.equal(model.edges.length, 7);
  assert.ok(model.edges.some((e) => e.from === 'bars' && e.fromPort === 'candles' && e.to === 'broker' && e.toPort === 'market' && e.type === 'candles'));
  assert.equal(model.edges.find((e) => e.to === 'fast')!.label, 'close → series: number');
  assert.ok(model.nodes.every((n) => n.status === 'ok') && model.edges.every((e) => e.status === 'ok'));
});

test('key params: set values before defaults, nested params flattened, long lists cut with "+N more"', () => {
  const broker = defaultRegistry.get('sink.broker')!;
  const lines = keyParams({ cash: 5000, fill: 'nextOpen', fees: { taker: 0.002 }, slippageBps: 0, latencyBars: 0, direction: 'longOnly' }, broker);
  assert.deepEqual(lines, ['cash=5000', 'fees.taker=0.002', '+4 more']);
  assert.deepEqual(keyParams({}, undefined), []);
});

const BROKEN = `version: 1
name: broken
params: { fast: 10 }
nodes:
  bars:   { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }
  fast:   { kind: indicator.smaa, in: { series: bars.close }, params: { timePeriod: $fast } }
  slow:   { kind: indicator.sma, in: { series: bars.close }, params: { timePeriod: 1 } }
  cross:  { kind: signal.crossover, in: { a: fast.value, b: slwo.value } }
  size:   { kind: sizer.fixedFraction, in: { signal: bars }, params: { fraction: 1 } }
  broker: { kind: sink.broker, in: { orders: size.orders }, params: { cash: 10000 } }
`;

test('from the YAML of a graph with errors: the offending nodes, ports and wires are marked, a missing node is a ghost', () => {
  const { graph, diagnostics } = compileGraph(BROKEN, 'broken.yaml', defaultRegistry);
  assert.equal(graph, undefined);
  const model = vizFromSource(BROKEN, 'broken.yaml', defaultRegistry, diagnostics);
  const node = (id: string) => model.nodes.find((n) => n.id === id)!;
  assert.equal(node('fast').status, 'error', 'unknown kind');
  assert.equal(node('fast').family, 'indicator');
  assert.deepEqual(node('fast').params, { timePeriod: 10 }, '$fast resolved');
  assert.equal(node('slow').status, 'error', 'param out of range');
  assert.ok(node('slow').problems[0].includes('params/range'));
  assert.equal(node('slwo').ghost, true);
  const wrongWire = model.edges.find((e) => e.to === 'size' && e.toPort === 'signal')!;
  assert.equal(wrongWire.status, 'error', 'type mismatch');
  assert.equal(wrongWire.type, 'candles');
  assert.equal(node('size').inputs.find((p) => p.name === 'signal')!.status, 'error');
  assert.equal(model.edges.find((e) => e.from === 'slwo')!.status, 'error');
  assert.equal(node('broker').status, 'error');
  assert.equal(node('broker').inputs.find((p) => p.name === 'market')!.status, 'error', 'unconnected input');
  assert.equal(node('bars').status, 'ok');
  assert.equal(model.edges.find((e) => e.from === 'bars' && e.to === 'slow')!.status, 'ok');
  assert.equal(model.diagnostics.length, diagnostics.length);
});

test('even an unparseable document gives a model (with nothing to draw but the diagnostics)', () => {
  const text = 'version: 1\nnodes: [\n';
  const { diagnostics } = compileGraph(text, 'x.yaml', defaultRegistry);
  const model = vizFromSource(text, 'x.yaml', defaultRegistry, diagnostics);
  assert.ok(model.diagnostics.length > 0);
  assert.equal(model.name, 'x.yaml');
});
