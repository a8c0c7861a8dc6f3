import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadGraph } from '../loadGraph.js';
import { projectRoot } from '../testing/dataFile.js';
import { NodeOutputCache, Recorder, nodeKeys, replayer } from './nodeOutputCache.js';

const env = { HEAN_DATA_DIR: '/data' };
const keysOf = (name: string, set: Record<string, unknown>, chunk = 1024) => {
  const { graph } = loadGraph(join(projectRoot, 'graphs', `${name}.yaml`), { set, requireBindings: true });
  assert.ok(graph, `graphs/${name}.yaml compiles`);
  return nodeKeys(graph, chunk, env);
};

test('node keys: equal for the same kind, params and upstream, whatever the node is called; different otherwise', () => {
  const a = keysOf('sma-cross', { fast: 10, slow: 30 });
  const b = keysOf('sma-cross', { fast: 30, slow: 40 });
  assert.equal(a.get('slow'), b.get('fast'), 'an SMA(30) of the same closes, named slow in one graph and fast in the other');
  assert.notEqual(a.get('fast'), a.get('slow'));
  assert.notEqual(a.get('cross'), b.get('cross'), 'a crossover of other SMAs');
  assert.notEqual(keysOf('sma-cross', { fast: 10, slow: 30 }, 512).get('fast'), a.get('fast'), 'another chunk size');
  assert.notEqual(nodeKeys(loadGraph(join(projectRoot, 'graphs', 'sma-cross.yaml'), { set: { fast: 10 }, requireBindings: true }).graph!, 1024, { HEAN_DATA_DIR: '/other' }).get('fast'), a.get('fast'), 'another data directory');
  // Not shared: sources, sinks (the broker), and readers of pulse wires (the sizer reads signals).
  assert.deepEqual([...a.keys()].sort(), ['cross', 'fast', 'slow']);
});

test('node keys: members of a feedback loop are not shared', () => {
  const keys = keysOf('sma-cross-risk', {});
  const { graph } = loadGraph(join(projectRoot, 'graphs', 'sma-cross-risk.yaml'), { requireBindings: true });
  const inLoop = graph!.loops.flatMap((l) => l.members);
  assert.ok(inLoop.length > 0);
  for (const id of inLoop) assert.equal(keys.has(id), false, id);
});

test('a recording replays the frames it recorded, chunk by chunk', () => {
  const recorder = new Recorder();
  const frames = [
    { seq: 0, n: 3, t: Float64Array.of(1, 2, 3, 0), ports: { value: Float64Array.of(NaN, 1.5, 2.5, 99) } },
    { seq: 1, n: 0, t: new Float64Array(4), ports: { value: new Float64Array(4) } },
    { seq: 2, n: 2, t: Float64Array.of(4, 5, 0, 0), ports: { value: Float64Array.of(3.5, -1, 99, 99) } },
  ];
  // A buffer reused between chunks, as steppers do: the recording must copy.
  const buffer = { seq: 0, n: 0, t: new Float64Array(4), ports: { value: new Float64Array(4) } };
  for (const f of frames) {
    buffer.seq = f.seq;
    buffer.n = f.n;
    buffer.t.set(f.t);
    buffer.ports.value.set(f.ports.value);
    recorder.add(buffer);
  }
  const replay = replayer(recorder.finish());
  for (const f of frames) {
    const r = replay(f.seq);
    assert.equal(r.n, f.n);
    assert.deepEqual([...r.t], [...f.t.subarray(0, f.n)]);
    assert.deepEqual([...(r.ports.value as Float64Array)], [...f.ports.value.subarray(0, f.n)]);
  }
});

test('the cache keeps what a later backtest needs, drops the rest, and stays within its budget', () => {
  const recording = (rows: number) => {
    const r = new Recorder();
    r.add({ seq: 0, n: rows, t: new Float64Array(rows), ports: { value: new Float64Array(rows) } });
    return r.finish();
  };
  const cache = new NodeOutputCache(new Map([['a', 3], ['b', 5], ['c', 9]]), 5_000);
  assert.equal(cache.shareable('a'), true);
  assert.equal(cache.shareable('z'), false);
  cache.store('a', recording(100)); // 1,608 bytes
  cache.store('b', recording(100));
  cache.release(3); // a's last user was backtest 3
  assert.equal(cache.take('a'), undefined);
  assert.ok(cache.take('b'));
  cache.store('c', recording(100));
  cache.store('a', recording(100));
  cache.take('b'); // b is now the most recently used: c goes first
  cache.store('d', recording(100));
  assert.equal(cache.take('c'), undefined, 'the least recently used went over the budget');
  assert.ok(cache.take('b'));
  const stats = cache.stats();
  assert.ok(stats.peakBytes <= 5_000);
  assert.equal(stats.evicted, 2);
});
