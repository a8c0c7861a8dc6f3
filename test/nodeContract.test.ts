/**
 * The node contract suite: every registered kind must pass it (STYLE.md, trading-signals'
 * testIndicatorContract). It checks the declaration (names, params schema, defaults, clear
 * rejection of bad params) and, for every streaming kind, behaviour on real data: identical
 * results for any chunk size, causality (a longer history never changes earlier outputs) and
 * the declared warm-up (exactly the leading events without output).
 */
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allNodes } from '../nodes/index.js';
import { familyOf, isSourceDefinition, type AnyNodeDefinition, type Kernel } from '../runtime/defineNode.js';
import { compileParams, ajv } from '../runtime/params.js';
import { isPulse, type Book, type Candles, type Features, type PortSpec, type Texts, type Trades } from '../runtime/ports.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { runKernel } from '../runtime/testing/runKernel.js';
import { smallSentimentModel } from '../runtime/testing/textModels.js';
import { smallFeatureModel } from '../runtime/testing/featureModels.js';
import { dataFile } from '../runtime/testing/dataFile.js';
import { fileSource } from '../runtime/adapters/file/fileSource.js';
import type { RowWriter } from '../runtime/adapters/contract.js';
import { recordFields, type SourceSpec } from '../runtime/records/sourceSpec.js';
import { REAL_BOOK_FILE, REAL_TRADES_FILE, realOrderFlow } from '../runtime/testing/realOrderFlow.js';
import { EVENT_TIMES } from '../runtime/testing/runKernel.js';
import { REAL_TEXTS_FILE, realTexts, realTextsCsv } from '../runtime/testing/realTexts.js';
import { caseFiles } from '../runtime/testing/caseFiles.js';

const ROWS = 2000;

/** A real file per record type for the source kinds (their exampleParams fit it), and how many events it holds at least. */
const REAL_DATA: Record<SourceSpec['record'], { file: string; rows: number }> = {
  candles: { file: 'btcusdt_1h_binance_2017-08_2024-04.csv.gz', rows: 50_000 },
  series: { file: 'crypto_fear_greed_index_daily_2018-02_2025-01.csv', rows: 2_500 },
  book: { file: REAL_BOOK_FILE, rows: 6_000 },
  trades: { file: REAL_TRADES_FILE, rows: 19_000 },
  // Real sentences stamped by the test (the corpus has no times): realTextsCsv.
  text: { file: REAL_TEXTS_FILE, rows: 3_000 },
};
const textFiles = caseFiles('contract-text');
const bars = realCandles(ROWS);
const texts = realTexts(ROWS);
const FEATURE_NAMES = ['close', 'volume'];
/** Real book and trades on one timeline, for kinds that read order flow (they step on these times). */
const flow = realOrderFlow(ROWS);
const readsOrderFlow = (def: AnyNodeDefinition) => Object.values(def.inputs).some((spec) => spec.type === 'book' || spec.type === 'trades');

/** Deterministic pulses derived from real prices: a decision after three rising or falling closes. */
function pulsesFrom(close: Float64Array, values: [number, number, number]): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  for (let i = 3; i < close.length; i++) {
    if (close[i] > close[i - 1] && close[i - 1] > close[i - 2] && close[i - 2] > close[i - 3]) out[i] = values[0];
    else if (close[i] < close[i - 1] && close[i - 1] < close[i - 2] && close[i - 2] < close[i - 3]) out[i] = values[i % 2 ? 1 : 2];
  }
  return out;
}

const CLASSES = ['DOWN', 'NEUTRAL', 'UP'];
/**
 * A classifier's prediction made from real bars: softmax over (DOWN, NEUTRAL, UP) of (-s, 0.5 - |s|, s), with s
 * the bar's move in percent (variant 0) or where it closed in its range (variant 1, columns in another order).
 */
function realPrediction(variant: number): Features {
  const order = variant % 2 ? [2, 1, 0] : [0, 1, 2];
  const columns = order.map(() => new Float64Array(ROWS));
  for (let i = 0; i < ROWS; i++) {
    const range = bars.high[i] - bars.low[i];
    const s = variant % 2 ? (range > 0 ? ((bars.close[i] - bars.low[i]) / range - 0.5) * 4 : 0) : ((bars.close[i] - bars.open[i]) / bars.open[i]) * 100;
    const e = [Math.exp(-s), Math.exp(0.5 - Math.abs(s)), Math.exp(s)];
    const sum = e[0] + e[1] + e[2];
    order.forEach((k, j) => (columns[j][i] = e[k] / sum));
  }
  return { names: order.map((k) => `probabilities.${CLASSES[k]}`), columns };
}
const prediction = realPrediction(0);
/** What model.onnx gives for that prediction: the most probable class as a direction, and its probability. */
const predicted = { direction: new Float64Array(ROWS), confidence: new Float64Array(ROWS) };
for (let i = 0; i < ROWS; i++) {
  const p = prediction.columns.map((c) => c[i]);
  const best = p.indexOf(Math.max(...p));
  predicted.direction[i] = best - 1;
  predicted.confidence[i] = p[best];
}

/** The feature bundles a features input gets: class probabilities for a model or stacker that combines predictions (many wires), else close and volume. */
function featuresFor(def: AnyNodeDefinition, spec: PortSpec): Features | Features[] {
  if (['model', 'stacker'].includes(familyOf(def.kind)) && spec.many) return [realPrediction(0), realPrediction(1)];
  return { names: FEATURE_NAMES, columns: [bars.close, bars.volume] };
}

/** Real inputs for a port: price fields by name, else close; pulses for signal/orders ports. */
function inputFor(def: AnyNodeDefinition, name: string, spec: PortSpec, index: number): Float64Array | Float64Array[] | Features | Features[] | Candles | Candles[] | Trades | Book | Texts {
  const one = (): Float64Array => {
    if (spec.type === 'signal') return pulsesFrom(bars.close, [1, -1, 0]);
    if (spec.type === 'orders') return pulsesFrom(bars.close, [1, 0, 0.5]);
    // A model's direction and confidence, for kinds that trade on them.
    if (name === 'direction' || name === 'confidence') return predicted[name];
    const field = (['open', 'high', 'low', 'close', 'volume'] as const).find((f) => name.toLowerCase().includes(f));
    if (field) return bars[field];
    // Distinct real series for distinct inputs (series0/series1, a/b), so a kernel that mixes them up fails.
    return index % 2 ? bars.open : bars.close;
  };
  if (spec.type === 'candles') return spec.many ? [bars, bars] : bars;
  if (spec.type === 'book') return flow.book;
  if (spec.type === 'trades') return flow.trades;
  // Real financial-news sentences, one per row (a text reader's kernel gets them as its own events).
  if (spec.type === 'text') return texts;
  // Two real series as a named feature vector (model inputs), or real class probabilities.
  if (spec.type === 'features') return featuresFor(def, spec);
  if (spec.many) return [one(), spec.type === 'signal' ? pulsesFrom(bars.open, [1, 0, -1]) : bars.open];
  return one();
}

function paramsFor(def: AnyNodeDefinition): Record<string, unknown> {
  const params: Record<string, unknown> = { ...(def.exampleParams ?? {}) };
  // A kind that runs a model gets a real one, trained for the test.
  if (def.kind === 'sentiment.classify') params.model = smallSentimentModel();
  if (def.kind === 'model.onnx') params.model = smallFeatureModel(FEATURE_NAMES.length, FEATURE_NAMES);
  return params;
}

/** Runs a streaming kind; returns its outputs and report/file contents as comparable text. */
function runStreaming(def: AnyNodeDefinition, chunkSize: number, rows = ROWS): { outputs: Record<string, Float64Array>; extra: string } {
  const params = paramsFor(def);
  const inputs: Record<string, ReturnType<typeof inputFor>> = {};
  Object.entries(def.inputs).forEach(([name, spec], i) => {
    const value = inputFor(def, name, spec, i);
    inputs[name] = slice(value, rows);
  });
  let kernel: Kernel | undefined;
  // A row sink writes through its adapter: capture the rows as text, to compare across chunkings.
  const written: string[] = [];
  const sink: RowWriter = {
    start: (columns) => void written.push(columns.join(',') + '\n'),
    write: (n, t, columns) => {
      for (let i = 0; i < n; i++) written.push([t[i], ...columns.map((c) => c[i])].join(',') + '\n');
    },
    close: async () => {},
    describe: () => 'test rows',
  };
  const wrapped: AnyNodeDefinition = {
    ...def,
    create: (p, ctx) =>
      (kernel = def.create!(p, {
        ...ctx,
        sink: def.sink ? sink : undefined,
        inputWires: Object.fromEntries(Object.keys(def.inputs).map((k) => [k, [`in.${k}`, `in.${k}2`]])),
        inputFeatures: Object.fromEntries(
          Object.entries(def.inputs)
            .filter(([, spec]) => spec.type === 'features')
            .map(([k, spec]) => {
              const bundles = featuresFor(def, spec);
              return [k, Array.isArray(bundles) ? bundles.map((b) => b.names) : [bundles.names]];
            }),
        ),
      }) as Kernel),
  };
  const t = readsOrderFlow(def) ? flow.t.subarray(0, rows) : Float64Array.from(bars.time.subarray(0, rows), (x) => x + 3_600_000);
  const outputs = runKernel(wrapped, params, inputs as never, { chunkSize, t, length: rows });
  kernel!.end?.();
  let extra = kernel!.report ? JSON.stringify(kernel!.report(), (_k, v) => (v instanceof Float64Array ? Array.from(v) : v)) : '';
  extra += written.join('');
  return { outputs, extra };
}

function slice<T extends ReturnType<typeof inputFor>>(value: T, rows: number): T {
  if (value instanceof Float64Array) return value.subarray(0, rows) as T;
  if (Array.isArray(value)) return value.map((v) => (v instanceof Float64Array ? v.subarray(0, rows) : 'columns' in v ? { names: v.names, columns: v.columns.map((c) => c.subarray(0, rows)) } : slice(v, rows))) as T;
  if ((value as Texts).strings) return { index: (value as Texts).index.subarray(0, rows), strings: (value as Texts).strings } as T;
  if (Array.isArray((value as { columns?: unknown }).columns)) return { ...value, columns: (value as unknown as { columns: Float64Array[] }).columns.map((v) => v.subarray(0, rows)) } as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, (v as Float64Array).subarray(0, rows)])) as T;
}

/** Params without a description, nested keys too (`fees.taker`): `hean nodes KIND` would show them bare. */
function undocumentedParams(schema: { properties?: Record<string, any> }, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => {
    const nested = [s, ...(s.anyOf ?? []), s.items ?? {}].filter((b) => b.properties).flatMap((b) => undocumentedParams(b, `${prefix}${name}.`));
    return [...(s.description ? [] : [prefix + name]), ...nested];
  });
}

function sameBits(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths differ`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: row ${i} differs: ${a[i]} vs ${b[i]}`);
}

test('the registry lists every kind once, named family.name', () => {
  const kinds = allNodes.map((d) => d.kind);
  assert.equal(new Set(kinds).size, kinds.length);
  for (const kind of kinds) assert.match(kind, /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9_]*$/);
});

for (const def of allNodes) {
  test(`${def.kind}: declaration`, () => {
    assert.ok(def.summary.length > 10 && def.summary.length < 200, 'summary is one sentence');
    assert.ok(ajv.validateSchema(JSON.parse(JSON.stringify(def.params))), 'params is a valid JSON Schema');
    assert.equal(def.params.additionalProperties, false, 'params reject unknown keys');
    assert.deepEqual(undocumentedParams(JSON.parse(JSON.stringify(def.params))), [], 'every param, nested keys too, has a description');
    const valid = compileParams(def).validate(structuredClone(paramsFor(def)));
    assert.deepEqual(valid, [], 'defaults plus exampleParams are valid');
    const errors = compileParams(def).validate({ ...paramsFor(def), notAParam: 1 });
    assert.ok(errors.some((e) => e.keyword === 'additionalProperties'), 'an unknown param is rejected');
    for (const [name, spec] of [...Object.entries(def.inputs), ...Object.entries(def.outputs)]) {
      assert.match(name, /^[a-z][a-zA-Z0-9]*$/, `port ${name} is lower camelCase`);
      assert.ok(['number', 'candles', 'signal', 'orders', 'features', 'book', 'trades', 'text', 'any'].includes(spec.type));
    }
    if (familyOf(def.kind) !== 'sink') assert.ok(Object.keys(def.outputs).length > 0, 'non-sinks have outputs');
    if (def.timeline) assert.ok(def.inputs[def.timeline], 'timeline names an input');
  });

  if (isSourceDefinition(def)) {
    test(`${def.kind}: replays real data in time order`, async () => {
      const params = compileParams(def).parse(paramsFor(def));
      const spec = def.source!(params);
      const io = { env: process.env, node: def.kind, graph: 'contract', graphFile: 'contract.yaml', outputs: new OutputGuard(), commandLine: new Set<string>(), warn: () => {}, log: () => {} };
      const real = REAL_DATA[spec.record];
      const file = spec.record === 'text' ? textFiles.write(realTextsCsv()) : dataFile(real.file);
      const data = await fileSource.replay!({ file }, spec, io);
      assert.ok(data.t.length >= real.rows, `${data.t.length} events from ${real.file}, expected at least ${real.rows}`);
      for (let i = 1; i < data.t.length; i++) if (!(data.t[i] > data.t[i - 1])) assert.fail(`event times not increasing at ${i}`);
      for (const [name, port] of Object.entries(def.outputs)) {
        const fields = ['candles', 'book', 'trades', 'text'].includes(port.type) ? recordFields(spec).filter((f) => f !== 'updateId') : [name];
        for (const field of fields) assert.equal(data.columns[field]?.length, data.t.length, `column ${field} of output ${name}`);
      }
    });
    continue;
  }

  test(`${def.kind}: same results for any chunk size`, () => {
    const whole = runStreaming(def, ROWS);
    for (const size of [1, 7, 256]) {
      const chunked = runStreaming(def, size);
      for (const column of Object.keys(whole.outputs)) sameBits(chunked.outputs[column], whole.outputs[column], `${column} at chunk ${size}`);
      assert.equal(chunked.extra, whole.extra, `report/file at chunk ${size}`);
    }
  });

  test(`${def.kind}: causal (more history never changes earlier outputs)`, () => {
    const short = runStreaming(def, 64, ROWS / 2);
    const long = runStreaming(def, 64, ROWS);
    // A kind that makes its own events: the events made from the first half are the first ones made from the whole.
    const made = short.outputs[EVENT_TIMES]?.length ?? ROWS / 2;
    for (const column of Object.keys(long.outputs)) sameBits(short.outputs[column], long.outputs[column].subarray(0, made), column);
  });

  if (def.warmup) {
    test(`${def.kind}: declared warm-up is exactly the leading events without output`, () => {
      const params = compileParams(def).parse(paramsFor(def));
      const warmup = def.warmup!(params);
      const { outputs } = runStreaming(def, 128);
      for (const [column, values] of Object.entries(outputs)) {
        if (column === EVENT_TIMES) continue;
        const spec = def.outputs[column.split('.')[0]];
        for (let i = 0; i < warmup; i++) assert.ok(Number.isNaN(values[i]), `${column}[${i}] must be NaN during the ${warmup}-event warm-up`);
        // NaN can be a value (ACOS of prices is NaN everywhere): only a column that has numbers must start right after the warm-up.
        const hasNumbers = values.some((v) => !Number.isNaN(v));
        if (!isPulse(spec.type) && hasNumbers) assert.ok(!Number.isNaN(values[warmup]), `${column}[${warmup}] must have a value right after warm-up`);
      }
    });
  }
}
