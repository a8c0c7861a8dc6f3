/**
 * `npm run bench -- ml`: a model in a graph on >= 1,000,000 real hourly bars (the 2017-2024 BTC
 * file, 58,419 bars, tiled end to end with times shifted; prices the real ones), from a memory
 * feed (stepping, not file parsing):
 *
 * 1. the features alone (log-return and NATR, a 3-event window: test/direction-model.yaml's) as the
 *    baseline, then with a logistic classifier (model.onnx, fitted here on the first tile) after
 *    them: bars/s at chunk 1,024, and per-event inference (chunk 1) on a slice;
 * 2. onnxruntime alone on the same feature rows: batches of 1,024 and one row per call, in the same
 *    run: what the graph adds to inference;
 * 3. the PyTorch LSTM fixture (48-step windows) on the real file once: bars/s;
 * 4. graphs/ml-ensemble.yaml's strategy with fixed models (its six indicators, a histogram GBDT of
 *    102 trees (34 rounds x 3 classes), and a logistic model fitted here on the
 *    first tile, soft-voted, sized by confidence, into the broker): bars/s chunked over every bar
 *    and per event on a tile, trades checked equal; then the walk-forward example itself (refits
 *    included) on the real file.
 *
 * Every run's predictions are checked equal between chunk sizes. HEAN_BENCH_EVENTS overrides the
 * 1,000,000-bar minimum.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { exportLogistic, fitLogistic } from '../runtime/learn/logisticModel.js';
import { fitGbdt } from '../runtime/learn/gradientBoosting.js';
import { exportTreeEnsemble } from '../runtime/learn/treeEnsembleOnnx.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { OnnxSession } from '../runtime/onnx/onnxSession.js';
import { fixtureFile, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { bestOf, int, mega, peakRssMiB, round, type BenchOutcome, type Benchmark } from './harness.js';

const CHUNK = 1024;
const FILE = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';

function tiled(minBars: number): { t: Float64Array; columns: Record<string, Float64Array>; tiles: number; one: number } {
  const c = realCandles(Infinity, FILE);
  const n = c.time.length;
  const tiles = Math.ceil(minBars / n);
  const span = c.time[n - 1] - c.time[0] + 3_600_000;
  const fields = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
  const columns = Object.fromEntries(fields.map((f) => [f, new Float64Array(n * tiles)]));
  const t = new Float64Array(n * tiles);
  for (let k = 0; k < tiles; k++) {
    for (let i = 0; i < n; i++) {
      const r = k * n + i;
      for (const f of fields) columns[f][r] = f === 'time' ? c.time[i] + k * span : c[f][i];
      t[r] = columns.time[r] + 3_600_000;
    }
  }
  return { t, columns, tiles, one: n };
}

const FEATURES = [
  'ratio: { kind: indicator.rocr, in: { series: bars.close }, params: { timePeriod: 1 } }',
  'logret: { kind: indicator.ln, in: { series: ratio.value } }',
  'natr: { kind: indicator.natr, in: { high: bars.high, low: bars.low, close: bars.close }, params: { timePeriod: 14 } }',
  'now: { kind: features.vector, in: { series: [logret.value, natr.value] }, params: { names: [ret, natr], normalize: affine, mean: [0, 0], scale: [0.01, 1] } }',
  'last3: { kind: features.window, in: { features: now.features }, params: { length: 3 } }',
];

function graphOf(feed: string, lines: string[], sink?: string): string {
  return [
    'version: 1',
    'name: ml-bench',
    'nodes:',
    '  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }',
    ...lines.map((l) => `  ${l}`),
    ...(sink ? [`  out: { kind: sink.record, in: { series: [${sink}] } }`] : []),
    'modes:',
    '  backtest:',
    `    bars: { memory: ${feed} }`,
    ...(sink ? ['    out: { memory: ml-bench-out }'] : []),
  ].join('\n');
}

const compiled = (text: string) => {
  const { graph, diagnostics } = compileGraph(text, 'bench.yaml', defaultRegistry, { requireBindings: true });
  if (!graph) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return graph;
};

async function recorded(text: string, chunkSize: number): Promise<number[][]> {
  await runGraph(compiled(text), { chunkSize });
  return memorySinks.get('ml-bench-out')!.rows.map((r) => [...r]);
}

const ENSEMBLE_FEATURES = [
  'ret1: { kind: indicator.rocp, in: { series: bars.close }, params: { timePeriod: 1 } }',
  'ret24: { kind: indicator.rocp, in: { series: bars.close }, params: { timePeriod: 24 } }',
  'rsi: { kind: indicator.rsi, in: { series: bars.close }, params: { timePeriod: 14 } }',
  'natr: { kind: indicator.natr, in: { high: bars.high, low: bars.low, close: bars.close }, params: { timePeriod: 14 } }',
  'adx: { kind: indicator.adx, in: { high: bars.high, low: bars.low, close: bars.close }, params: { timePeriod: 14 } }',
  'mfi: { kind: indicator.mfi, in: { high: bars.high, low: bars.low, close: bars.close, volume: bars.volume }, params: { timePeriod: 14 } }',
  'feats: { kind: features.vector, in: { series: [ret1.value, ret24.value, rsi.value, natr.value, adx.value, mfi.value] }, params: { names: [ret1, ret24, rsi, natr, adx, mfi], normalize: zscore, window: 720 } }',
];

/** Section 4: the ml-ensemble strategy with fixed models over every bar, and the walk-forward example on the real file. */
async function ensembleBench(ctx: Parameters<Benchmark['run']>[0], data: ReturnType<typeof tiled>, failures: string[]) {
  const bars = data.t.length;
  const names = ['ret1', 'ret24', 'rsi', 'natr', 'adx', 'mfi'];
  const classes = ['DOWN', 'NEUTRAL', 'UP'];
  const rows = (await recorded(graphOf('ml-bench-one', ENSEMBLE_FEATURES, 'feats.features'), CHUNK)).map((r) => Float64Array.from(r));
  const close = data.columns.close;
  const usable = rows.map((r, i) => (r.every(Number.isFinite) && i + 24 < data.one ? i : -1)).filter((i) => i >= 0);
  const labels = Int32Array.from(usable, (i) => CLASSES_OF(close[i + 24] / close[i] - 1));
  const x = usable.map((i) => rows[i]);
  const started = performance.now();
  const trees = fitGbdt(x, labels, 3, { rounds: 34, maxDepth: 3, eta: 0.1, method: 'hist' });
  const fitMs = performance.now() - started;
  const dir = mkdtempSync(join(tmpdir(), 'hean-bench-'));
  const gbdtFile = join(dir, 'gbdt.onnx');
  const logitFile = join(dir, 'logit.onnx');
  writeFileSync(gbdtFile, exportTreeEnsemble({ trees: trees.trees, treeInfo: trees.treeInfo, baseScore: trees.baseScore, objective: 'multi:softprob', numClass: 3, features: names, classes, source: 'hean' }, 'bench').bytes);
  writeFileSync(logitFile, exportLogistic(fitLogistic(names, classes, x, labels, 1e-3), {}, 'bench'));
  const lines = [
    ...ENSEMBLE_FEATURES,
    `gbdt: { kind: model.onnx, in: { features: feats.features }, params: { model: ${JSON.stringify(gbdtFile)} } }`,
    `logit: { kind: model.onnx, in: { features: feats.features }, params: { model: ${JSON.stringify(logitFile)} } }`,
    'vote: { kind: model.ensemble, in: { predictions: [gbdt.prediction, logit.prediction] } }',
    'entry: { kind: signal.fromPrediction, in: { direction: vote.direction, confidence: vote.confidence }, params: { minConfidence: 0.45 } }',
    'size: { kind: sizer.confidence, in: { signal: entry.signal, confidence: vote.confidence }, params: { floor: 0.5, cap: 1, minConfidence: 0.45 } }',
    'broker: { kind: sink.broker, in: { orders: size.orders, market: bars }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly } }',
  ];
  const tradesOf = (r: Awaited<ReturnType<typeof runGraph>>) => JSON.stringify((r.reports.broker as { trades: unknown[] }).trades);
  const whole = compiled(graphOf('ml-bench-bars', lines));
  const chunked = await bestOf(2, 0, () => runGraph(whole, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
  const tile = compiled(graphOf('ml-bench-one', lines));
  const perEvent = await bestOf(1, 0, () => runGraph(tile, { chunkSize: 1 }), (r) => r.timings.stepMs);
  const tileChunked = await runGraph(tile, { chunkSize: CHUNK });
  if (tradesOf(perEvent.best) !== tradesOf(tileChunked)) failures.push('ml-ensemble with fixed models: per-event and chunked runs trade differently');
  // onnxruntime alone on the GBDT, batches of CHUNK rows: the floor under the graph.
  const session = OnnxSession.open(gbdtFile);
  const flat = Float32Array.from(x.flatMap((r) => [...r]));
  const ortAlone = await bestOf(3, 1, () => {
    for (let s = 0; s < x.length; s += CHUNK) {
      const m = Math.min(CHUNK, x.length - s);
      session.run({ features: { type: 'float32', data: flat.subarray(s * 6, (s + m) * 6), dims: [m, 6] } }, ['probabilities']);
    }
  });
  session.dispose();
  const out = {
    trees: trees.trees.length,
    gbdtAloneRowsPerSec: Math.round(x.length / (ortAlone.bestMs / 1000)),
    gbdtFitMs: Math.round(fitMs),
    fitRows: x.length,
    chunkedBarsPerSec: Math.round(bars / (chunked.bestMs / 1000)),
    perEventBars: data.one,
    perEventBarsPerSec: Math.round(data.one / (perEvent.bestMs / 1000)),
    walkForward: { bars: 0, seconds: 0, barsPerSec: 0 },
  };
  ctx.print(`ml-ensemble strategy, fixed models (6 indicators, GBDT of ${out.trees} trees fitted in ${round(fitMs / 1000)} s on ${int(x.length)} rows, logistic, soft vote, confidence sizer, broker):`);
  ctx.print(`  chunk ${CHUNK}: ${mega(out.chunkedBarsPerSec)} bars/s over ${int(bars)} bars (target >= 0.5 M/s); per event (chunk 1, ${int(data.one)} bars): ${mega(out.perEventBarsPerSec)} bars/s; trades identical`);
  ctx.print(`  onnxruntime alone on the GBDT, batches of ${CHUNK}: ${mega(out.gbdtAloneRowsPerSec)} rows/s; whole strategy / GBDT alone: ${round(out.chunkedBarsPerSec / out.gbdtAloneRowsPerSec)}x`);
  // The walk-forward example as it ships, refits included, on the real file.
  const example = loadGraph(join(projectRoot, 'graphs', 'ml-ensemble.yaml'));
  if (!example.graph) throw new Error(example.diagnostics.map((d) => d.message).join('; '));
  const wf = await bestOf(1, 0, () => runGraph(example.graph!, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
  const events = wf.best.events;
  out.walkForward = { bars: events, seconds: round(wf.bestMs / 1000), barsPerSec: Math.round(events / (wf.bestMs / 1000)) };
  ctx.print(`  graphs/ml-ensemble.yaml (walk-forward, every refit included) on ${int(events)} real bars: ${out.walkForward.seconds} s, ${mega(out.walkForward.barsPerSec)} bars/s`);
  return out;
}

const CLASSES_OF = (r: number) => (r > 0.005 ? 2 : r < -0.005 ? 0 : 1);

const bench: Benchmark = {
  name: 'ml',
  summary: 'a logistic classifier (model.onnx) after its features on >= 1 M real bars: chunked and per-event inference beside onnxruntime alone; the LSTM fixture',
  async run(ctx): Promise<BenchOutcome> {
    const failures: string[] = [];
    const data = tiled(Number(process.env.HEAN_BENCH_EVENTS ?? 1_000_000));
    const bars = data.t.length;
    ctx.progress(`${int(bars)} bars (${data.tiles} tiles of ${int(data.one)})`);
    memoryFeeds.set('ml-bench-bars', data);

    // The model: fitted on the first tile's features (their names from the graph), labels the next bar's direction.
    memoryFeeds.set('ml-bench-one', { t: data.t.subarray(0, data.one), columns: Object.fromEntries(Object.entries(data.columns).map(([k, v]) => [k, v.subarray(0, data.one)])) });
    const featureRows = (await recorded(graphOf('ml-bench-one', FEATURES, 'last3.features'), CHUNK)).map((r) => Float64Array.from(r));
    const names = ['ret[t-2]', 'natr[t-2]', 'ret[t-1]', 'natr[t-1]', 'ret[t-0]', 'natr[t-0]'];
    const close = data.columns.close;
    const usable = featureRows.map((r, i) => (r.every(Number.isFinite) && i + 1 < data.one ? i : -1)).filter((i) => i >= 0);
    const labels = Int32Array.from(usable, (i) => (close[i + 1] > close[i] * 1.001 ? 2 : close[i + 1] < close[i] * 0.999 ? 0 : 1));
    const model = fitLogistic(names, ['DOWN', 'NEUTRAL', 'UP'], usable.map((i) => featureRows[i]), labels, 1e-3);
    const file = join(mkdtempSync(join(tmpdir(), 'hean-bench-')), 'direction.onnx');
    writeFileSync(file, exportLogistic(model, {}, 'bench'));
    const withModel = [...FEATURES, `model: { kind: model.onnx, in: { features: last3.features }, params: { model: ${JSON.stringify(file)} } }`];

    // 1. features alone, then with the model; predictions equal at chunk 1 and 1,024 (on the first tile).
    const perEventBars = data.one;
    const a = await recorded(graphOf('ml-bench-one', withModel, 'model.prediction'), 1);
    const b = await recorded(graphOf('ml-bench-one', withModel, 'model.prediction'), CHUNK);
    if (a.length !== b.length || a.some((row, i) => row.some((v, j) => !Object.is(v, b[i][j])))) failures.push('per-event and chunked inference disagree');
    const featuresOnly = compiled(graphOf('ml-bench-bars', FEATURES));
    const full = compiled(graphOf('ml-bench-bars', withModel));
    const base = await bestOf(3, 1, () => runGraph(featuresOnly, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
    const chunked = await bestOf(3, 1, () => runGraph(full, { chunkSize: CHUNK }), (r) => r.timings.stepMs);
    const single = await bestOf(1, 0, () => runGraph(compiled(graphOf('ml-bench-one', withModel)), { chunkSize: 1 }), (r) => r.timings.stepMs);
    const graph = {
      bars,
      featuresOnlyBarsPerSec: Math.round(bars / (base.bestMs / 1000)),
      chunkedBarsPerSec: Math.round(bars / (chunked.bestMs / 1000)),
      perEventBars,
      perEventBarsPerSec: Math.round(perEventBars / (single.bestMs / 1000)),
    };
    ctx.print(`features only (rocr, ln, natr, vector, window 3), chunk ${CHUNK}: ${mega(graph.featuresOnlyBarsPerSec)} bars/s over ${int(bars)} bars`);
    ctx.print(`  + logistic model.onnx, chunk ${CHUNK}: ${mega(graph.chunkedBarsPerSec)} bars/s (target >= 0.5 M/s); per event (chunk 1, ${int(perEventBars)} bars): ${mega(graph.perEventBarsPerSec)} bars/s; predictions identical`);

    // 2. onnxruntime alone on the same rows.
    const session = OnnxSession.open(file);
    const rows = usable.length;
    const flat = Float32Array.from(usable.flatMap((i) => [...featureRows[i]]));
    const batched = await bestOf(3, 1, () => {
      for (let s = 0; s < rows; s += CHUNK) {
        const m = Math.min(CHUNK, rows - s);
        session.run({ features: { type: 'float32', data: flat.subarray(s * 6, (s + m) * 6), dims: [m, 6] } }, ['probabilities']);
      }
    });
    const oneByOne = await bestOf(1, 0, () => {
      for (let s = 0; s < rows; s++) session.run({ features: { type: 'float32', data: flat.subarray(s * 6, s * 6 + 6), dims: [1, 6] } }, ['probabilities']);
    });
    session.dispose();
    const ort = { rows, batchRowsPerSec: Math.round(rows / (batched.bestMs / 1000)), singleRowsPerSec: Math.round(rows / (oneByOne.bestMs / 1000)) };
    ctx.print(`onnxruntime alone on ${int(rows)} rows: batches of ${CHUNK} ${mega(ort.batchRowsPerSec)} rows/s, one row per call ${mega(ort.singleRowsPerSec)} rows/s; graph with model / model alone (batched): ${round(graph.chunkedBarsPerSec / ort.batchRowsPerSec)}x`);

    // 3. the LSTM fixture on the real file.
    const lstmLines = [
      'ratio: { kind: indicator.rocr, in: { series: bars.close }, params: { timePeriod: 1 } }',
      'logret: { kind: indicator.ln, in: { series: ratio.value } }',
      'returns: { kind: features.vector, in: { series: [logret.value] }, params: { names: [ret], normalize: affine, mean: [0], scale: [0.01] } }',
      'last48: { kind: features.window, in: { features: returns.features }, params: { length: 48 } }',
      `lstm: { kind: model.onnx, in: { features: last48.features }, params: { model: ${JSON.stringify(fixtureFile('lstm_forecaster.onnx'))} } }`,
    ];
    const lstmRun = await bestOf(2, 0, () => runGraph(compiled(graphOf('ml-bench-one', lstmLines)), { chunkSize: CHUNK }), (r) => r.timings.stepMs);
    const lstm = { bars: data.one, barsPerSec: Math.round(data.one / (lstmRun.bestMs / 1000)) };
    ctx.print(`LSTM fixture (48-step windows, [N, 48, 1]) over ${int(data.one)} real bars, chunk ${CHUNK}: ${mega(lstm.barsPerSec)} bars/s`);
    const ensemble = await ensembleBench(ctx, data, failures);
    const rss = round(peakRssMiB());
    ctx.print(`peak RSS ${rss} MiB`);
    return { bench: 'ml', ok: failures.length === 0, failures, graph, onnxruntime: ort, lstm, ensemble, peakRssMiB: rss };
  },
};
export default bench;
