import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensemble } from './ensemble.js';
import { compileParams } from '../../runtime/params.js';
import { runEveryChunking, closeTo } from '../../runtime/testing/chunkings.js';
import type { Features } from '../../runtime/ports.js';
import { fitLogistic, exportLogistic } from '../../runtime/learn/logisticModel.js';
import { loadGraph } from '../../runtime/loadGraph.js';
import { realCandles } from '../../runtime/testing/realCandles.js';
import { runGraph } from '../../runtime/exec/runGraph.js';
import { OutputGuard } from '../../runtime/adapters/outputGuard.js';
import { dataDir } from '../../runtime/testing/dataFile.js';
import { parseCsv } from '../../runtime/text/labelledTexts.js';

const N = NaN;
const CLASSES = ['DOWN', 'NEUTRAL', 'UP'];

/** A prediction bundle: rows of probabilities in the given class order. */
function bundle(classes: string[], rows: number[][], output = 'probabilities'): Features {
  return { names: classes.map((c) => `${output}.${c}`), columns: classes.map((_, k) => Float64Array.from(rows, (r) => r[k])) };
}

// Three models' probabilities over (DOWN, NEUTRAL, UP), five rows; model b lists its classes in another order.
const A = [
  [0.2, 0.3, 0.5],
  [0.6, 0.3, 0.1],
  [0.4, 0.4, 0.2],
  [0.1, 0.1, 0.8],
  [N, 0.5, 0.5],
];
const B = [
  [0.5, 0.4, 0.1],
  [0.2, 0.2, 0.6],
  [0.3, 0.3, 0.4],
  [0.2, 0.2, 0.6],
  [0.3, 0.3, 0.4],
];
const C = [
  [0.3, 0.3, 0.4],
  [0.5, 0.4, 0.1],
  [0.1, 0.2, 0.7],
  [0.6, 0.2, 0.2],
  [0.3, 0.3, 0.4],
];
const reorder = (rows: number[][]) => rows.map((r) => [r[2], r[0], r[1]]); // UP, DOWN, NEUTRAL
const inputs = () => ({ predictions: [bundle(CLASSES, A), bundle(['UP', 'DOWN', 'NEUTRAL'], reorder(B)), bundle(CLASSES, C)] });

/** The reference: combined distribution per row from the definition (weights normalised), NaN rows NaN. */
function reference(mode: 'soft' | 'hard' | 'weighted', weights = [1, 1, 1]): number[][] {
  const total = weights.reduce((a, b) => a + b, 0);
  return A.map((_, i) => {
    const models = [A[i], B[i], C[i]];
    if (models.some((p) => p.some(Number.isNaN))) return [N, N, N];
    const out = [0, 0, 0];
    models.forEach((p, m) => {
      const w = mode === 'soft' ? 1 / 3 : weights[m] / total;
      if (mode === 'hard') out[p.indexOf(Math.max(...p))] += w; // indexOf: the first maximum, classes in name order
      else p.forEach((x, k) => (out[k] += w * x));
    });
    return out;
  });
}

function check(params: Record<string, unknown>, expected: number[][]): Record<string, Float64Array> {
  const out = runEveryChunking(ensemble, params, inputs());
  CLASSES.forEach((c, k) => closeTo(out[`prediction.probabilities.${c}`], expected.map((r) => r[k]), c));
  const confidence = expected.map((r) => (r.some(Number.isNaN) ? N : Math.max(...r)));
  closeTo(out.confidence, confidence, 'confidence');
  const minConfidence = (params.minConfidence as number | undefined) ?? 0;
  const direction = expected.map((r, i) => (Number.isNaN(confidence[i]) ? N : confidence[i] < minConfidence ? 0 : [-1, 0, 1][r.indexOf(confidence[i])]));
  closeTo(out.direction, direction, 'direction');
  return out;
}

test('model.ensemble soft: the mean of the class probabilities, aligned by class name; a NaN row is NaN', () => {
  const out = check({}, reference('soft'));
  // row 0: DOWN (0.2 + 0.5 + 0.3) / 3 = 1/3, NEUTRAL 1/3, UP (0.5 + 0.1 + 0.4) / 3 = 1/3: a three-way tie goes to DOWN, the first in name order
  assert.equal(out.direction[0], -1);
  assert.deepEqual(Object.keys(out).filter((k) => k.startsWith('prediction.')), CLASSES.map((c) => `prediction.probabilities.${c}`));
});

test('model.ensemble weighted: the weighted mean, weights normalised to sum 1', () => {
  check({ mode: 'weighted', weights: [3, 1, 1] }, reference('weighted', [3, 1, 1]));
  check({ mode: 'weighted', weights: [0, 2, 0], minConfidence: 0.5 }, reference('weighted', [0, 2, 0]));
});

test('model.ensemble hard: each model votes for its most probable class; the output is the vote shares', () => {
  const out = check({ mode: 'hard' }, reference('hard'));
  // row 2: a votes DOWN (0.4 = 0.4 tie with NEUTRAL: DOWN first), b UP, c UP -> UP 2/3
  closeTo(out['prediction.probabilities.UP'].subarray(2, 3), [2 / 3], 'UP share');
  closeTo(out['prediction.probabilities.DOWN'].subarray(2, 3), [1 / 3], 'DOWN share');
  // vote weights
  check({ mode: 'hard', weights: [1, 1, 4], minConfidence: 0.6 }, reference('hard', [1, 1, 4]));
});

test('model.ensemble check(): weighted needs weights, soft takes none, weights must not all be 0', () => {
  const c = (p: Record<string, unknown>) => ensemble.check!(compileParams(ensemble).parse(p) as never);
  assert.deepEqual(c({}), []);
  assert.deepEqual(c({ mode: 'hard', weights: [1, 2] }), []);
  assert.match(c({ mode: 'weighted' })[0].message, /found mode: weighted without weights/);
  assert.match(c({ weights: [1, 2] })[0].message, /found weights \(1, 2\) with mode: soft/);
  assert.match(c({ mode: 'weighted', weights: [0, 0] })[0].message, /summing to 0/);
  const v = compileParams(ensemble).validate;
  assert.notDeepEqual(v({ mode: 'average' }), []);
  assert.notDeepEqual(v({ minConfidence: 1.5 }), []);
  assert.notDeepEqual(v({ mode: 'weighted', weights: [-1, 2] }), []);
});

test('model.ensemble checkWiring: names the wire whose classes differ, wires that carry no probabilities, and a wrong number of weights', () => {
  const wiring = (features: (string[] | undefined)[], p: Record<string, unknown> = {}) =>
    ensemble.checkWiring!(compileParams(ensemble).parse(p) as never, { graphFile: 'g.yaml', wires: { predictions: features.map((_, w) => `m${w + 1}.prediction`) }, features: { predictions: features } });
  const names = (classes: string[]) => classes.map((c) => `probabilities.${c}`);
  assert.deepEqual(wiring([names(CLASSES), names(['UP', 'NEUTRAL', 'DOWN'])]), []);
  const [differ] = wiring([names(CLASSES), names(['DOWN', 'UP'])]);
  assert.equal(
    differ.message,
    'the wired classifiers predict different classes: wire 1 (m1.prediction) has DOWN, NEUTRAL, UP; wire 2 (m2.prediction) has DOWN, UP; expected every wire to have the same classes (in any order)',
  );
  assert.match(wiring([names(CLASSES), ['score', 'mix[0]']])[0].message, /wire 2 \(m2\.prediction\) carries no class probabilities \(columns: score, mix\[0\]\); expected columns named <output>\.<class>/);
  assert.match(wiring([names(CLASSES)])[0].message, /found 1 prediction wire\(s\); expected at least 2/);
  assert.match(wiring([names(CLASSES), names(CLASSES)], { mode: 'weighted', weights: [1, 2, 3] })[0].message, /found 3 weights \(1, 2, 3\) for 2 prediction wires/);
});

/** Two logistic classifiers fitted on a few synthetic rows, written to temp files. */
function classifier(dir: string, name: string, classes: string[]): string {
  const rows = Array.from({ length: 60 }, (_, i) => Float64Array.of(Math.sin(i), Math.cos(i * 0.7)));
  const labels = Int32Array.from(rows, (r) => (r[0] > 0.3 ? classes.length - 1 : r[0] < -0.3 ? 0 : 1 % classes.length));
  const file = join(dir, `${name}.onnx`);
  writeFileSync(file, exportLogistic(fitLogistic(['close', 'volume'], classes, rows, labels, 0.1), {}, 'test'));
  return file;
}

test('model.ensemble: wiring classifiers with different classes is a compile error naming each wire\'s classes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hean-ensemble-'));
  const three = classifier(dir, 'three', CLASSES);
  const two = classifier(dir, 'two', ['DOWN', 'UP']);
  const graph = (second: string) => {
    const file = join(dir, `g-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      [
        'version: 1',
        'name: ensemble-check',
        'nodes:',
        '  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }',
        '  x:    { kind: features.vector, in: { series: [bars.close, bars.volume] }, params: { names: [close, volume] } }',
        `  a:    { kind: model.onnx, in: { features: x.features }, params: { model: ${JSON.stringify(three)} } }`,
        `  b:    { kind: model.onnx, in: { features: x.features }, params: { model: ${JSON.stringify(second)} } }`,
        '  vote: { kind: model.ensemble, in: { predictions: [a.prediction, b.prediction] } }',
        '  tape: { kind: sink.record, in: { series: [vote.prediction, vote.direction] } }',
        'modes:',
        '  backtest:',
        '    bars: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }',
        '    tape: { file: votes.csv }',
      ].join('\n'),
    );
    return loadGraph(file).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}: ${d.message}`);
  };
  assert.deepEqual(graph(three), []);
  const errors = graph(two);
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /^8: the wired classifiers predict different classes: wire 1 \(a\.prediction\) has DOWN, NEUTRAL, UP; wire 2 \(b\.prediction\) has DOWN, UP/);
});

test('model.ensemble on real bars: soft votes of two classifiers equal the mean of their probabilities', () => {
  const bars = realCandles(500);
  // Two "models" from real prices: softmax over (DOWN, UP) of the bar's move and of its close within the range.
  const softmax2 = (s: number) => [1 / (1 + Math.exp(s)), 1 / (1 + Math.exp(-s))];
  const move = Array.from(bars.close, (c, i) => softmax2(((c - bars.open[i]) / bars.open[i]) * 100));
  const place = Array.from(bars.close, (c, i) => softmax2(bars.high[i] > bars.low[i] ? ((c - bars.low[i]) / (bars.high[i] - bars.low[i]) - 0.5) * 4 : 0));
  const out = runEveryChunking(ensemble, { minConfidence: 0.6 }, { predictions: [bundle(['DOWN', 'UP'], move, 'p'), bundle(['DOWN', 'UP'], place, 'q')] }, [1, 64]);
  const up = move.map((p, i) => (p[1] + place[i][1]) / 2);
  closeTo(out['prediction.probabilities.UP'], up, 'UP');
  closeTo(out.direction, up.map((u) => (Math.max(u, 1 - u) < 0.6 ? 0 : u > 1 - u ? 1 : -1)), 'direction');
  assert.ok(out.direction.some((d) => d === 1) && out.direction.some((d) => d === -1) && out.direction.some((d) => d === 0));
});

test('a graph on real bars: two classifiers -> model.ensemble -> signal.fromPrediction -> sizer.confidence -> broker, the vote the mean of the recorded predictions', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hean-ensemble-run-'));
  // Two logistic models on the last three hourly log-returns (in percent), trained on real bars from another period; b lists its classes in another order.
  const bars = realCandles(3000);
  const ret = Array.from(bars.close, (c, i) => (i ? Math.log(c / bars.close[i - 1]) / 0.01 : NaN));
  const rows: Float64Array[] = [];
  const next: number[] = [];
  for (let i = 3; i + 1 < ret.length; i++) rows.push(Float64Array.of(ret[i - 2], ret[i - 1], ret[i])), next.push(ret[i + 1]);
  const names = ['ret[t-2]', 'ret[t-1]', 'ret[t-0]'];
  const fit = (classes: string[], lambda: number, file: string) => {
    const labels = Int32Array.from(next, (r) => classes.indexOf(r > 0.2 ? 'UP' : r < -0.2 ? 'DOWN' : 'NEUTRAL'));
    writeFileSync(join(dir, file), exportLogistic(fitLogistic(names, classes, rows, labels, lambda), {}, 'test'));
  };
  fit(CLASSES, 0.01, 'a.onnx');
  fit(['UP', 'NEUTRAL', 'DOWN'], 1, 'b.onnx');
  const graphFile = join(dir, 'ensemble.yaml');
  writeFileSync(
    graphFile,
    [
      'version: 1',
      'name: ensemble-run',
      'nodes:',
      "  bars:   { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h, start: '2025-06-01', end: '2025-08-01' } }",
      '  ratio:  { kind: indicator.rocr, in: { series: bars.close }, params: { timePeriod: 1 } }',
      '  logret: { kind: indicator.ln, in: { series: ratio.value } }',
      '  now:    { kind: features.vector, in: { series: [logret.value] }, params: { names: [ret], normalize: affine, mean: [0], scale: [0.01] } }',
      '  last3:  { kind: features.window, in: { features: now.features }, params: { length: 3 } }',
      '  a:      { kind: model.onnx, in: { features: last3.features }, params: { model: a.onnx } }',
      '  b:      { kind: model.onnx, in: { features: last3.features }, params: { model: b.onnx } }',
      '  vote:   { kind: model.ensemble, in: { predictions: [a.prediction, b.prediction] } }',
      '  trade:  { kind: signal.fromPrediction, in: { direction: vote.direction, confidence: vote.confidence }, params: { minConfidence: 0.4, allowShort: true } }',
      '  size:   { kind: sizer.confidence, in: { signal: trade.signal, confidence: vote.confidence }, params: { floor: 0.25, cap: 1, minConfidence: 0.4 } }',
      '  broker: { kind: sink.broker, in: { orders: size.orders, market: bars }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 } } }',
      '  tape:   { kind: sink.record, in: { series: [a.prediction, b.prediction, vote.prediction, vote.confidence, trade.signal, size.orders] } }',
      'modes:',
      '  backtest:',
      '    bars: { file: btcusdt_1h_binance_2024-09_2026-02.csv.gz }',
      '    tape: { file: votes.csv }',
    ].join('\n'),
  );
  const { graph, diagnostics } = loadGraph(graphFile);
  assert.ok(graph, diagnostics.map((d) => d.message).join('\n'));
  await runGraph(graph, { chunkSize: 100, env: { ...process.env, HEAN_DATA_DIR: dataDir() }, outputs: new OutputGuard({ dir, overwrite: true }) });
  const csv = parseCsv('votes.csv', readFileSync(join(dir, 'votes.csv'), 'utf8'));
  const rowsOut = csv.rows.map((r) => r.cells.slice(1).map((c) => (c === '' ? NaN : Number(c))));
  assert.deepEqual(csv.header.slice(1, 7), ['a.prediction.probabilities.DOWN', 'a.prediction.probabilities.NEUTRAL', 'a.prediction.probabilities.UP', 'b.prediction.probabilities.UP', 'b.prediction.probabilities.NEUTRAL', 'b.prediction.probabilities.DOWN']);
  assert.ok(rowsOut.length > 1000);
  let trades = 0;
  rowsOut.forEach((r, i) => {
    const [aD, aN, aU, bU, bN, bD, vD, vN, vU, conf, signal, order] = r;
    // The first three rows have no complete window: NaN through the chain.
    if (i < 3) return assert.ok(Number.isNaN(vD) && Number.isNaN(conf) && Number.isNaN(signal), `row ${i}`);
    [(aD + bD) / 2, (aN + bN) / 2, (aU + bU) / 2].forEach((want, k) => assert.ok(Math.abs([vD, vN, vU][k] - want) < 1e-6, `row ${i}: vote ${[vD, vN, vU][k]} vs ${want}`));
    assert.ok(Math.abs(conf - Math.max(vD, vN, vU)) < 1e-6);
    if (!Number.isNaN(signal)) {
      trades++;
      const fraction = 0.25 + 0.75 * Math.min(1, Math.max(0, (conf - 0.4) / 0.6));
      assert.ok(Math.abs(order - signal * fraction) < 1e-6, `row ${i}: order ${order} for signal ${signal} at confidence ${conf}`);
    } else assert.ok(Number.isNaN(order));
  });
  assert.ok(trades > 0, 'the ensemble traded');
});
