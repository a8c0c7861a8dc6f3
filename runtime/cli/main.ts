import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { isMainThread, workerData } from 'node:worker_threads';
import { parseArgs } from 'node:util';
// Only small modules are imported here: each command imports what it uses when it runs. In the
// bundle (dist/cli/hean.cjs) a module behind an import() is evaluated at its first import, so that
// `hean run` evaluates none of the sweep, tune, viz or training code. (bin/hean.js answers
// --version and --help without loading the bundle: start.ts.)
import { defaultOutputOf, familyOf, type AnyNodeDefinition } from '../defineNode.js';
import { formatDiagnostic, hasErrors, sortDiagnostics, didYouMean } from '../diagnostics.js';
import { MODES, type Mode } from '../adapters/contract.js';
import { OutputError, OutputGuard, writeAtomically } from '../adapters/outputGuard.js';
import { resolveDataFile, userDataDir } from '../adapters/file/resolveDataFile.js';
import { parseTimeParam, timeframeMs } from '../data/timeframe.js';
import { CANDLE_FIELDS } from '../ports.js';
import { progressBar } from './progressBar.js';
import { INVALID, OK, RUN_FAILED, USAGE, packageRoot, versionOrHelp } from './usage.js';
import type { GridAxis, GridMetric, GridValue } from './grid.js';
import type { HeatmapView } from './sweepOutput.js';

/** The BullMQ queue of `hean sweep --queue` and `hean worker` unless --queue-name says otherwise. */
const DEFAULT_QUEUE = 'hean-sweep';

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const quick = versionOrHelp(command);
    if (quick !== undefined) return quick;
    switch (command) {
      case 'run':
        return await runCommand(rest);
      case 'sweep':
        return await sweepCommand(rest);
      case 'tune':
        return await tuneCommand(rest);
      case 'walkforward':
        return await walkForwardCommand(rest);
      case 'worker':
        return await workerCommand(rest);
      case 'validate':
        return await validateCommand(rest);
      case 'viz':
        return await vizCommand(rest);
      case 'nodes':
        return await nodesCommand(rest);
      case 'schema':
        return await schemaCommand(rest);
      case 'data':
        return await dataCommand(rest);
      case 'publish':
        return await publishCommand(rest);
      case 'adapters':
        return await adaptersCommand();
      case 'train':
        return await trainCommand(rest);
      case 'text':
        return await textCommand(rest);
      case 'model':
        return await modelCommand(rest);
      case 'dataset':
        return await datasetCommand(rest);
      case 'fake-exchange':
        return await (await import('./fakeExchangeCommand.js')).fakeExchangeCommand(rest);
      default: {
        const guess = didYouMean(command, ['run', 'sweep', 'tune', 'walkforward', 'worker', 'validate', 'viz', 'nodes', 'schema', 'data', 'publish', 'adapters', 'train', 'text', 'model', 'dataset', 'fake-exchange', 'help']);
        throw new UsageError(`unknown command "${command}"${guess ? `; did you mean "${guess}"?` : ''}`);
      }
    }
  } catch (e) {
    if (e instanceof OutputError) {
      console.error(`hean: ${e.message}`);
      return INVALID;
    }
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`hean: ${(e as Error).message}\n\n${USAGE}`);
      return INVALID;
    }
    console.error(`hean: ${(e as Error).message}`);
    return RUN_FAILED;
  }
}

async function trainCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === 'logistic' || what === 'gbdt') return trainClassifierCommand(what, rest);
  if (what !== 'text') throw new UsageError(`train ${what ?? ''}: expected "train text" (a text classifier), "train logistic" or "train gbdt" (classifiers on a dataset's features)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      out: { type: 'string', short: 'o' },
      'text-column': { type: 'string', default: 'sentence' },
      'label-column': { type: 'string', default: 'label' },
      lambda: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`train text takes no positional arguments, found ${positionals.join(' ')}`);
  if (!values.data) throw new UsageError('train text needs --data FILE.csv (columns sentence and label)');
  if (!values.out) throw new UsageError('train text needs -o MODEL.onnx (where to write the model)');
  if (extname(values.out).toLowerCase() !== '.onnx') throw new UsageError(`-o ${values.out}: expected a file ending in .onnx`);
  const lambda = values.lambda === undefined ? undefined : Number(values.lambda);
  if (lambda !== undefined && !(lambda > 0 && Number.isFinite(lambda))) throw new UsageError(`--lambda ${values.lambda}: expected a positive number such as 1e-5`);
  const { trainText, trainTextReport } = await import('./textCommands.js');
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;
  const started = performance.now();
  const result = trainText(
    { data: resolveDataFile(values.data, process.env), out: values.out, textColumn: values['text-column']!, labelColumn: values['label-column']!, lambda, version, log: (line) => console.error(line) },
    outputGuard({}),
  );
  console.log(trainTextReport(result));
  console.log(`wrote ${values.out} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return OK;
}

async function trainClassifierCommand(kind: 'logistic' | 'gbdt', argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      out: { type: 'string', short: 'o' },
      label: { type: 'string', default: 'direction' },
      features: { type: 'string' },
      lambda: { type: 'string' },
      'test-fraction': { type: 'string', default: '0.2' },
      purge: { type: 'string', default: '0' },
      rounds: { type: 'string' },
      'max-depth': { type: 'string' },
      eta: { type: 'string' },
      'min-child-weight': { type: 'string' },
      method: { type: 'string' },
      'max-bins': { type: 'string' },
      growth: { type: 'string' },
      'max-leaves': { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`train ${kind} takes no positional arguments, found ${positionals.join(' ')}`);
  if (!values.data) throw new UsageError(`train ${kind} needs --data DATASET.csv or DATASET.parquet (made by hean dataset)`);
  if (!values.out || extname(values.out).toLowerCase() !== '.onnx') throw new UsageError(`train ${kind} needs -o MODEL.onnx`);
  const number = (flag: string, text: string | undefined, ok: (x: number) => boolean, expected: string) => {
    if (text === undefined) return undefined;
    const x = Number(text);
    if (!ok(x)) throw new UsageError(`--${flag} ${text}: expected ${expected}`);
    return x;
  };
  if (kind === 'logistic') for (const flag of ['rounds', 'max-depth', 'eta', 'min-child-weight', 'method', 'max-bins', 'growth', 'max-leaves'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is a train gbdt option`);
  const method = values.method ?? 'exact';
  if (method !== 'exact' && method !== 'hist') throw new UsageError(`--method ${method}: expected exact (every threshold between distinct values) or hist (binned features)`);
  const growth = values.growth ?? 'depthwise';
  if (growth !== 'depthwise' && growth !== 'leafwise') throw new UsageError(`--growth ${growth}: expected depthwise or leafwise`);
  const methodGrowth = { method, growth } as { method: 'exact' | 'hist'; growth: 'depthwise' | 'leafwise' };
  if (method === 'exact') for (const flag of ['max-bins', 'growth', 'max-leaves'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --method hist (the exact method grows trees depth-wise over every threshold, as XGBoost's)`);
  const lambda = number('lambda', values.lambda, (x) => x >= 0 && Number.isFinite(x) && (kind === 'gbdt' || x > 0), 'a non-negative number such as 1e-3');
  const testFraction = number('test-fraction', values['test-fraction'], (x) => x > 0 && x < 1, 'a number between 0 and 1 such as 0.2')!;
  const purge = number('purge', values.purge, (x) => Number.isInteger(x) && x >= 0, 'a whole number of rows (the label horizon)')!;
  const boosting = {
    ...(values.rounds !== undefined ? { rounds: number('rounds', values.rounds, (x) => Number.isInteger(x) && x >= 1 && x <= 10000, 'a whole number of rounds, 1 to 10000') } : {}),
    ...(values['max-depth'] !== undefined
      ? { maxDepth: method === 'hist' ? number('max-depth', values['max-depth'], (x) => Number.isInteger(x) && x >= 0 && x <= 64, 'a depth from 1 to 64, or 0 for no limit') : number('max-depth', values['max-depth'], (x) => Number.isInteger(x) && x >= 1 && x <= 16, 'a depth from 1 to 16') }
      : growth === 'leafwise'
        ? { maxDepth: 0 } // leaf-wise trees are bounded by their leaf count (LightGBM's default)
        : {}),
    ...methodGrowth,
    ...(values['max-bins'] !== undefined ? { maxBins: number('max-bins', values['max-bins'], (x) => Number.isInteger(x) && x >= 2 && x <= 65536, 'a whole number of bins, 2 to 65536') } : {}),
    ...(values['max-leaves'] !== undefined ? { maxLeaves: number('max-leaves', values['max-leaves'], (x) => Number.isInteger(x) && (x === 0 || (x >= 2 && x <= 1 << 16)), 'a whole number of leaves, 2 or more, or 0 for no limit') } : {}),
    ...(values.eta !== undefined ? { eta: number('eta', values.eta, (x) => x > 0 && x <= 1, 'a learning rate in (0, 1]') } : {}),
    ...(values['min-child-weight'] !== undefined ? { minChildWeight: number('min-child-weight', values['min-child-weight'], (x) => x >= 0 && Number.isFinite(x), 'a non-negative number') } : {}),
    ...(kind === 'gbdt' && lambda !== undefined ? { lambda } : {}),
  };
  const { trainClassifier, trainClassifierReport } = await import('./trainClassifier.js');
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;
  const started = performance.now();
  const result = await trainClassifier(
    { kind, boosting, data: values.data, out: values.out, label: values.label!, features: values.features?.split(',').map((f) => f.trim()), lambda: kind === 'logistic' ? lambda : undefined, testFraction, purge, version, log: (line) => console.error(line) },
    outputGuard({}),
  );
  console.log(trainClassifierReport(result));
  console.log(`wrote ${values.out} (${result.features.length} features: ${result.features.join(', ')}; ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return OK;
}

async function textCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what !== 'classify') throw new UsageError(`text ${what ?? ''}: expected "text classify --model MODEL.onnx INPUT.csv -o OUT.csv"`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { model: { type: 'string' }, out: { type: 'string', short: 'o' }, column: { type: 'string', default: 'sentence' } },
  });
  if (positionals.length !== 1) throw new UsageError(`text classify takes one INPUT.csv, found ${positionals.length}`);
  if (!values.model) throw new UsageError('text classify needs --model MODEL.onnx');
  if (!values.out) throw new UsageError('text classify needs -o OUT.csv');
  const { classifyTextFile } = await import('./textCommands.js');
  const rows = classifyTextFile(values.model, resolveDataFile(positionals[0], process.env), values.out, values.column!, outputGuard({}), (line) => console.error(line));
  console.log(`wrote ${values.out} (${rows} rows with label and confidence)`);
  return OK;
}

async function modelImportCommand(argv: string[]): Promise<number> {
  const [format, ...rest] = argv;
  if (format !== 'xgboost') throw new UsageError(`model import ${format ?? ''}: hean imports xgboost models (model import xgboost MODEL.json -o MODEL.onnx)`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, features: { type: 'string' }, classes: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError(`model import xgboost takes one MODEL.json, found ${positionals.length}`);
  if (!values.out || extname(values.out).toLowerCase() !== '.onnx') throw new UsageError('model import needs -o MODEL.onnx');
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim());
  const outputs = outputGuard({});
  outputs.input(positionals[0], 'MODEL.json');
  const target = outputs.file(values.out, '-o', 'command line');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(positionals[0], 'utf8'));
  } catch (e) {
    throw new Error(`${positionals[0]}: ${e instanceof SyntaxError ? `not JSON (${e.message}); expected a model saved with Booster.save_model("model.json")` : (e as Error).message}`);
  }
  const { importXgboost } = await import('../learn/xgboostImport.js');
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;
  const imported = importXgboost(json, positionals[0], { features: list(values.features), classes: list(values.classes) }, version);
  writeAtomically(target, imported.bytes);
  console.log(`wrote ${values.out} (XGBoost ${imported.objective}, ${imported.trees} trees, features ${imported.features.join(', ')}${imported.classes ? `, classes ${imported.classes.join(', ')}` : ''})`);
  return OK;
}

async function modelCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (what === 'import') return modelImportCommand(rest);
  if (what !== 'inspect') throw new UsageError(`model ${what ?? ''}: expected "model inspect MODEL.onnx" or "model import xgboost MODEL.json -o MODEL.onnx"`);
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new UsageError(`model inspect takes one MODEL.onnx, found ${positionals.length}`);
  const { readModelInfo } = await import('../onnx/featureModel.js');
  const info = readModelInfo(positionals[0]);
  if (typeof info === 'string') {
    console.error(`hean: ${info}`);
    return RUN_FAILED;
  }
  if (values.json) {
    console.log(JSON.stringify(info, null, 2));
    return OK;
  }
  const shape = (v: { name: string; type: string; shape: (number | string)[] }) => `  ${v.name}: ${v.type} [${v.shape.join(', ')}]`;
  console.log(`${positionals[0]}: ONNX IR ${info.irVersion}, by ${info.producer || 'an unnamed producer'} ${info.producerVersion}, opsets ${Object.entries(info.opsets).map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ')}`);
  console.log(['inputs:', ...info.inputs.map(shape), 'outputs:', ...info.outputs.map(shape)].join('\n'));
  const keys = Object.keys(info.metadata);
  if (keys.length) {
    console.log('metadata:');
    for (const key of keys) {
      const value = info.metadata[key];
      if (key === 'hean.importance' && printImportance(value)) continue;
      let shown = value;
      try {
        shown = JSON.stringify(JSON.parse(value));
      } catch {
        // not JSON: shown as it is
      }
      console.log(`  ${key}: ${shown.length > 400 ? `${shown.slice(0, 400)}... (${shown.length} characters)` : shown}`);
    }
  }
  return OK;
}

/**
 * hean.importance, one line per kind ({ permutation, gain, splits } by feature for boosted trees;
 * models trained before kinds were stored hold the permutation figures alone). False when it is
 * neither shape, to print it as it is.
 */
function printImportance(value: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object') return false;
  const isByFeature = (v: unknown): v is Record<string, number> => !!v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number');
  const kinds: Record<string, unknown> = isByFeature(parsed) ? { permutation: parsed } : (parsed as Record<string, unknown>);
  if (!Object.values(kinds).every(isByFeature)) return false;
  console.log('  hean.importance:');
  for (const [kind, byFeature] of Object.entries(kinds as Record<string, Record<string, number>>)) {
    console.log(`    ${kind}: ${Object.entries(byFeature).map(([name, x]) => `${name} ${Number.isInteger(x) ? x : x.toPrecision(4)}`).join(', ')}`);
  }
  return true;
}

/** Most bars a label may look ahead. */
const MAX_HORIZON = 1_000_000;

/**
 * `hean dataset GRAPH -o FILE.csv|FILE.parquet`: the backtest of the graph that trades, one row per event of a
 * features output with labels from the prices that follow (runtime/data/dataset.ts, labels.ts).
 */
async function datasetCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      features: { type: 'string' },
      price: { type: 'string' },
      horizon: { type: 'string' },
      band: { type: 'string' },
      barrier: { type: 'string' },
      'drop-incomplete': { type: 'boolean', default: false },
      set: { type: 'string', multiple: true },
      bind: { type: 'string', multiple: true },
      data: { type: 'string', multiple: true },
      format: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`dataset takes one GRAPH file, found ${positionals.length}`);
  if (!values.out) throw new UsageError('dataset needs -o FILE.csv or -o FILE.parquet (where to write the rows)');
  if (values.format !== undefined && values.format !== 'csv' && values.format !== 'parquet') throw new UsageError(`--format ${values.format}: expected csv or parquet`);
  const ext = extname(values.out).toLowerCase();
  if (values.format === undefined && ext !== '.csv' && ext !== '.parquet') throw new UsageError(`-o ${values.out}: expected a file ending in .csv or .parquet (or say which with --format csv|parquet)`);
  const format = values.format ?? (ext === '.parquet' ? 'parquet' : 'csv');
  if ((ext === '.csv' || ext === '.parquet') && ext !== `.${format}`) throw new UsageError(`-o ${values.out} --format ${format}: the file name says ${ext.slice(1)}; name it .${format} (readers such as hean train choose by the extension)`);
  const horizon = values.horizon === undefined ? 1 : wholeNumber('--horizon', values.horizon, MAX_HORIZON, 'bars of the price timeline a label looks ahead, default 1');
  const band = values.band === undefined ? 0 : Number(values.band);
  if (values.band !== undefined && !(values.band.trim() !== '' && Number.isFinite(band) && band >= 0)) {
    throw new UsageError(`--band expects a fraction >= 0 (returns within ±band are NEUTRAL, e.g. 0.001 for 0.1 %), found "${values.band}"`);
  }
  let barrier: { up: number; down: number } | undefined;
  if (values.barrier !== undefined) {
    const parts = values.barrier.split(',');
    const [up, down] = parts.map((x) => (x.trim() === '' ? NaN : Number(x)));
    if (parts.length !== 2 || !(up > 0 && Number.isFinite(up)) || !(down > 0 && down < 1)) {
      throw new UsageError(`--barrier expects UP,DOWN: two fractions of the price, UP > 0 and DOWN between 0 and 1 (e.g. 0.02,0.01: take profit 2 % above, stop 1 % below), found "${values.barrier}"`);
    }
    barrier = { up, down };
  }
  const file = positionals[0];
  const sets = parseSets(values.set);
  const bind = await commandLineBindings(file, values, sets, 'backtest');
  const { loadGraph } = await import('../loadGraph.js');
  // The graph's own row sinks do not run during an export (buildDataset runs the features'
  // upstream only): bound to memory here so the graph needs no backtest binding for them.
  const first = loadGraph(file, { set: sets, bind, wiringChecks: false });
  if (!first.graph) {
    printDiagnostics(first.diagnostics);
    return INVALID;
  }
  for (const node of first.graph.nodes) if (node.def.sink === 'rows') bind[node.id] = { memory: `dataset-${node.id}` };
  const { graph, diagnostics } = loadGraph(file, { set: sets, bind, requireBindings: true, wiringChecks: false });
  // A features node that nothing reads is what an export reads: "not used" would be wrong here.
  const exported = (id: string) => (values.features === undefined ? Object.values(first.graph!.byId.get(id)?.def.outputs ?? {}).some((o) => o.type === 'features') : values.features.split('.')[0] === id);
  printDiagnostics(diagnostics.filter((d) => !(d.code === 'node/unused' && exported(d.path.replace(/^nodes\./, '')))));
  if (!graph || hasErrors(diagnostics)) return INVALID;
  const outputs = outputGuard({}, file);
  const target = outputs.file(values.out, '-o', 'command line');
  const { buildDataset, classBalance, datasetCsv, DatasetUsageError } = await import('../data/dataset.js');
  const options = { features: values.features, price: values.price, horizon, band, barrier, dropIncomplete: values['drop-incomplete']! };
  const progress = progressBar('dataset');
  let data;
  try {
    data = await buildDataset(graph, options, {
      outputs,
      onProgress: progress,
      onWarning: (w) => {
        progress.finish();
        console.error(`warning ${w.node}: ${w.code}: ${w.message}`);
      },
      onLog: (message) => console.error(`hean: ${message}`),
    });
  } catch (e) {
    if (e instanceof DatasetUsageError) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.finish();
  }
  if (format === 'parquet') {
    const { datasetParquet } = await import('../data/datasetParquet.js');
    writeAtomically(target, datasetParquet(data, `hean ${JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version}`));
  } else {
    writeAtomically(target, datasetCsv(data));
  }
  const labels = [`forwardReturn and direction over ${horizon} bar${horizon === 1 ? '' : 's'} (band ${band})`, ...(barrier ? [`barrier (up ${barrier.up}, down ${barrier.down})`] : [])];
  const dropped = data.dropped ? `, ${data.dropped.toLocaleString('en-US')} incomplete rows dropped` : '';
  console.log(`wrote ${values.out} (${format === 'parquet' ? 'Parquet, ' : ''}${data.t.length.toLocaleString('en-US')} rows, ${data.names.length} features, labels: ${labels.join(', ')}${dropped})`);
  console.log(`direction: ${classBalance(data.direction)}`);
  if (data.barrier) console.log(`barrier: ${classBalance(data.barrier)}`);
  return OK;
}

function parseSets(values: string[] | undefined): Record<string, string> {
  // No prototype: `--set __proto__=1` stays an own key, which the compiler then rejects like
  // any name the graph does not declare (on a plain object it would vanish silently).
  const set: Record<string, string> = Object.create(null);
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects name=value, found "${item}"`);
    set[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return set;
}

function printDiagnostics(list: Parameters<typeof sortDiagnostics>[0]): void {
  for (const d of sortDiagnostics(list)) console.error(formatDiagnostic(d));
}

async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { set: { type: 'string', multiple: true } } });
  if (!positionals.length) throw new UsageError('validate needs at least one GRAPH file');
  const { loadGraph } = await import('../loadGraph.js');
  let failed = false;
  for (const file of positionals) {
    const { graph, diagnostics } = loadGraph(file, { set: parseSets(values.set) });
    printDiagnostics(diagnostics);
    if (hasErrors(diagnostics) || !graph) {
      const errors = diagnostics.filter((d) => d.severity === 'error').length;
      console.error(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
      failed = true;
    } else {
      const warmup = graph.warmupBars;
      console.log(`${file}: ok (${graph.nodes.length} nodes, warm-up ${warmup} bar${warmup === 1 ? '' : 's'})`);
    }
  }
  return failed ? INVALID : OK;
}

/** Where a command may write, from --out-dir and --overwrite (outputGuard.ts has the rule). */
function outputGuard(values: { 'out-dir'?: string; overwrite?: boolean }, graphFile?: string): OutputGuard {
  const guard = new OutputGuard({ dir: values['out-dir'], overwrite: values.overwrite });
  if (graphFile !== undefined) guard.input(graphFile, 'the graph');
  return guard;
}

/** `.svg` or `.html`/`.htm`, from an output file's name. */
function drawingFormat(file: string, flag: string): 'svg' | 'html' {
  const ext = extname(file).toLowerCase();
  if (ext === '.svg') return 'svg';
  if (ext === '.html' || ext === '.htm') return 'html';
  throw new UsageError(`${flag} ${file}: expected a file ending in .svg or .html`);
}

async function vizCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, set: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) throw new UsageError(`viz takes one GRAPH file, found ${positionals.length}`);
  const outputs = outputGuard({}, positionals[0]);
  const format = values.out === undefined ? 'svg' : drawingFormat(values.out, '-o');
  const { drawGraph } = await import('../../viz/drawGraph.js');
  const drawing = await drawGraph(positionals[0], format, parseSets(values.set));
  printDiagnostics(drawing.diagnostics);
  if (drawing.note) console.error(`hean: warning: ${drawing.note}`);
  if (drawing.text === undefined) return INVALID;
  if (values.out === undefined) process.stdout.write(drawing.text);
  else {
    outputs.writeFile(values.out, drawing.text, '-o');
    const errors = drawing.diagnostics.filter((d) => d.severity === 'error').length;
    console.log(`wrote ${values.out}${errors ? ` (the graph has ${errors} error${errors === 1 ? '' : 's'}, marked in the drawing)` : ''}`);
  }
  return drawing.ok ? OK : INVALID;
}

/**
 * `--mode live` without `--confirm-live`: nothing runs. Says what the run would do (which broker
 * sends which orders to which account) and how to go ahead; names the key variables, never a key.
 */
async function refuseLive(graph: import('../graph/compileGraph.js').CompiledGraph, file: string, argv: string[]): Promise<number> {
  const { defaultAdapters } = await import('../adapters/index.js');
  const lines = graph.nodes
    .filter((n) => n.adapter && defaultAdapters.brokers?.some((a) => a.name === n.adapter && a.kinds.includes(n.kind)))
    .map((n) => `  broker "${n.id}" would ${defaultAdapters.brokers!.find((a) => a.name === n.adapter)!.describe(n.binding, process.env)}`);
  console.error(
    [
      `hean run ${file} --mode live: not started. A live run sends real orders:`,
      ...(lines.length ? lines : ['  (this graph has no broker: it would run its live feeds only)']),
      'To go ahead, run the same command with --confirm-live:',
      `  hean run ${argv.map((a) => (/^[\w./:=@,+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')} --confirm-live`,
      'To try it without money: hean fake-exchange, and bind the broker with url: http://127.0.0.1:8765 (README "Live trading"); or --mode paper for the simulated broker.',
    ].join('\n'),
  );
  return INVALID;
}

type RunValues = {
  mode?: string;
  bind?: string[];
  redis?: string;
  cache?: string;
  'exit-when-idle'?: string;
  'max-events'?: string;
  late?: string;
  data?: string[];
  set?: string[];
  json?: boolean;
  trades?: string;
  chunk?: string;
  report?: string;
  grid?: string[];
  heatmap?: string;
  metric?: string;
  'out-dir'?: string;
  overwrite?: boolean;
  'confirm-live'?: boolean;
  'metrics-port'?: string;
  'metrics-host'?: string;
};

async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string' },
      bind: { type: 'string', multiple: true },
      redis: { type: 'string' },
      cache: { type: 'string' },
      'exit-when-idle': { type: 'string' },
      'max-events': { type: 'string' },
      late: { type: 'string' },
      data: { type: 'string', multiple: true },
      set: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      trades: { type: 'string' },
      chunk: { type: 'string' },
      report: { type: 'string' },
      grid: { type: 'string', multiple: true },
      heatmap: { type: 'string' },
      metric: { type: 'string' },
      'confirm-live': { type: 'boolean', default: false },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      symbols: { type: 'string' },
      partition: { type: 'string' },
      consumer: { type: 'string' },
      'claim-idle': { type: 'string' },
      ...OUTPUT_OPTIONS,
    },
  });
  if (positionals.length === 0) throw new UsageError('run takes a GRAPH file (or several)');
  const chunkSize = chunkOption(values.chunk);
  if (values.report !== undefined && drawingFormat(values.report, '--report') !== 'html') throw new UsageError(`--report ${values.report}: expected a file ending in .html`);
  const mode = parseMode(values.mode);
  const metricsAt = metricsOptions(values, mode);
  if (values.grid?.length) {
    if (positionals.length > 1) throw new UsageError(`--grid sweeps one graph, found ${positionals.length}: ${positionals.join(', ')}`);
    if (mode !== 'backtest') throw new UsageError('--grid runs backtests; drop --mode');
    return await gridCommand(positionals[0], values, chunkSize);
  }
  if (values.heatmap !== undefined || values.metric !== undefined) {
    throw new UsageError(`${values.heatmap !== undefined ? '--heatmap' : '--metric'} needs a parameter grid, e.g. --grid fast=5..20:5 --grid slow=20..60:10`);
  }
  const live = liveSettings(values, mode);
  if (mode !== 'backtest' && values.chunk !== undefined) throw new UsageError(`--chunk sets the replay's chunk size; a ${mode} run steps event by event`);
  const sets = parseSets(values.set);
  if (positionals.length > 1 || values.symbols !== undefined || values.partition !== undefined || values.consumer !== undefined || values['claim-idle'] !== undefined) {
    // Real orders stay one graph per process, behind --confirm-live; monitoring and the value cache are per run for now.
    if (mode === 'live') throw new UsageError('--mode live runs one graph per process (each behind its own --confirm-live); several graphs, --symbols and --partition are for backtests and paper runs');
    for (const flag of ['metrics-port', 'metrics-host', 'cache', 'confirm-live'] as const) {
      if (values[flag] !== undefined && values[flag] !== false) throw new UsageError(`--${flag} applies to a run of one graph; several graphs, --symbols and --partition do not take it yet`);
    }
    const [{ runMany }, { loadGraph }] = await Promise.all([import('./runMany.js'), import('../loadGraph.js')]);
    return await runMany({ files: positionals, mode, sets, values, chunkSize, live, bind: (file) => commandLineBindings(file, values, sets, mode), load: loadGraph, printDiagnostics, hasErrors, usage: (m) => new UsageError(m) });
  }
  const [{ loadGraph }, { runGraph }, { isBrokerKind }, { brokerReports, summaryJson, summaryText, tradesCsv }] = await Promise.all([
    import('../loadGraph.js'),
    import('../exec/runGraph.js'),
    import('../portfolio/simulatedBroker.js'),
    import('./summary.js'),
  ]);
  const bind = await commandLineBindings(positionals[0], values, sets, mode);
  const { graph, diagnostics } = loadGraph(positionals[0], { set: sets, mode, bind, requireBindings: true });
  printDiagnostics(diagnostics);
  if (!graph || hasErrors(diagnostics)) return INVALID;
  if (mode === 'live' && !values['confirm-live']) return refuseLive(graph, positionals[0], argv);
  if (mode !== 'live' && values['confirm-live']) throw new UsageError(`--confirm-live confirms a live run (--mode live); this is a ${mode} run: drop it`);
  const templated = graph.nodes.find((n) => Object.values(n.binding).some((x) => typeof x === 'string' && x.includes('{symbol}')));
  if (templated) throw new UsageError(`${templated.isSource ? 'source' : 'sink'} ${templated.id} has {symbol} in its binding; give the symbols to run with --symbols A,B,...`);
  if (values.trades !== undefined && graph.nodes.filter((n) => isBrokerKind(n.kind)).length !== 1) {
    throw new UsageError('--trades needs a graph with exactly one broker (sink.broker or sink.portfolio)');
  }
  // The command line's own outputs are claimed first, so a clash with an input or a sink's file
  // is found before the run, not after it.
  const outputs = outputGuard(values, positionals[0]);
  const trades = values.trades === undefined ? undefined : outputs.file(values.trades, '--trades', 'command line');
  const report = values.report === undefined ? undefined : outputs.file(values.report, '--report', 'command line');

  const progress = progressBar(mode);
  // Served before the run starts, so a taken port fails at once rather than after loading.
  const metricsServer = metricsAt && (await import('../metrics/metricsServer.js')).startMetricsServer({ ...metricsAt, graph: graph.name, mode });
  const served = metricsServer && (await metricsServer.catch((e: Error) => Promise.reject(new Error(`--metrics-port: ${e.message}`))));
  if (served) console.error(`hean: metrics at ${served.url}`);
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C: stop now
    console.error(`\n${signal}: stopping after the events already received (again to stop at once)`);
    stop.abort();
  };
  const signals = mode === 'backtest' ? [] : (['SIGINT', 'SIGTERM'] as const);
  for (const signal of signals) process.on(signal, onSignal);
  let lastStatus = 0;
  let snapshots: () => Record<string, unknown> = () => ({});
  let result;
  const cache = await runCache(values.cache);
  try {
    result = await runGraph(graph, {
      chunkSize,
      outputs,
      redisUrl: values.redis,
      cache,
      codeVersion: cache && codeVersion(),
      onProgress: progress,
      onWarning: (w) => {
        progress.finish();
        console.error(`warning ${w.node}: ${w.code}: ${w.message}`);
      },
      onLog: (message) => console.error(`hean: ${message}`),
      onSnapshots: (get) => (snapshots = get),
      metrics: served?.metrics,
      report: values.report !== undefined,
      live: {
        ...live,
        signal: stop.signal,
        onEvents: (events, time) => {
          if (events - lastStatus < 10_000 && lastStatus > 0) return;
          lastStatus = events;
          const brokers = Object.entries(snapshots()).filter(([, v]) => typeof (v as { equity?: unknown }).equity === 'number') as [string, { equity: number; position?: number; positions?: Record<string, number> }][];
          // sink.broker holds one position, sink.portfolio one per instrument
          const held = (b: { position?: number; positions?: Record<string, number> }) => (b.positions ? `positions ${Object.entries(b.positions).map(([name, q]) => `${name} ${+q.toPrecision(6)}`).join(' ')}` : `position ${+(b.position ?? 0).toPrecision(6)}`);
          const money = brokers.map(([id, b]) => `${id} equity ${b.equity.toFixed(2)} ${held(b)}`).join(', ');
          progress.status(`${events.toLocaleString('en-US')} events, clock ${new Date(time).toISOString().slice(0, 16).replace('T', ' ')}${money ? `, ${money}` : ''}`);
        },
      },
    });
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
    progress.finish();
    await served?.close();
    if (cache) {
      console.error(`hean: ${cacheSummary(cache)}`);
      await cache.close();
    }
  }

  if (values.trades !== undefined) {
    const broker = Object.values(brokerReports(result))[0];
    writeAtomically(trades!, tradesCsv(broker.trades));
    console.error(`wrote ${values.trades} (${broker.trades.length} trades${broker.tradesDropped ? `: the latest; ${broker.tradesDropped} earlier ones were not kept` : ''})`);
  }
  for (const [id, what] of Object.entries(result.outputs)) console.error(`wrote ${what} (sink ${id})`);
  let reportFailed = false;
  if (values.report !== undefined) {
    // The run is done: whatever happens to its report, the summary below is still printed.
    try {
      const [{ reportDrawing }, { reportPage }] = await Promise.all([import('../../viz/drawGraph.js'), import('../../viz/reportPage.js')]);
      const drawing = await reportDrawing(graph);
      if ('error' in drawing) console.error(`hean: warning: the report has no drawing of the graph: ${drawing.error}`);
      else if (drawing.layout.note) console.error(`hean: warning: ${drawing.layout.note}`);
      writeAtomically(report!, reportPage({ result, drawing, settings: { command: commandLine('run', argv), chunkSize, set: sets } }));
      console.error(`wrote ${values.report}`);
    } catch (e) {
      console.error(`hean: could not write the report ${values.report}: ${(e as Error).message}`);
      reportFailed = true;
    }
  }
  if (values.json) console.log(JSON.stringify(summaryJson(result)));
  else console.log(summaryText(result));
  return reportFailed ? RUN_FAILED : OK;
}

/** `--cache SPEC` (else $HEAN_CACHE): the cache adapters may use (AdapterIO.cache); none by default. */
async function runCache(flag: string | undefined): Promise<import('../cache/Cache.js').Cache | undefined> {
  const spec = flag ?? process.env.HEAN_CACHE;
  if (spec === undefined || spec === '') return undefined;
  const [{ openCache }, { cacheHit, cacheMiss }] = await Promise.all([import('../cache/openCache.js'), import('../metrics/cacheMetrics.js')]);
  // Hits and misses feed hean_cache_* on /metrics (a corrupt entry is also counted as a miss).
  const observer = { hit: (kind: string) => cacheHit(kind), miss: (kind: string) => cacheMiss(kind), corrupt: () => {} };
  try {
    return await openCache(spec, { observer, prefix: process.env.HEAN_CACHE_PREFIX, warn: (code, message) => console.error(`warning cache: ${code}: ${message}`), log: (message) => console.error(`hean: ${message}`) });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The version of the running code, for the keys of cached node outputs: hean's version and a
 * hash of the file this code runs from (the CLI bundle, dist/cli/hean.cjs: every node kind's
 * code), so outputs cached by another build of hean are never read.
 */
function codeVersion(): string {
  const version = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version as string;
  return `hean ${version} ${createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('base64url').slice(0, 22)}`;
}

/** `--cache SPEC` (else $HEAN_CACHE) for sweeps and tunes, whose runners open it themselves (a worker thread its own): checked here, handed on as settings. */
async function cellCache(flag: string | undefined): Promise<import('../sweep/runSweep.js').CellCache | undefined> {
  const checked = await runCache(flag);
  if (!checked) return undefined;
  await checked.close();
  return { spec: (flag ?? process.env.HEAN_CACHE)!, prefix: process.env.HEAN_CACHE_PREFIX, code: codeVersion() };
}

/** `cache redis://127.0.0.1:6379: history 1 hit, 0 misses` (kinds that were looked up). */
function cacheSummary(cache: Pick<import('../cache/Cache.js').Cache, 'describe' | 'stats'>): string {
  const used = Object.entries(cache.stats()).filter(([, s]) => s.hits + s.misses > 0);
  const parts = used.map(([kind, s]) => {
    const extra = (['stale', 'corrupt', 'errors'] as const).filter((k) => s[k] > 0).map((k) => `, ${s[k]} ${k}`).join('');
    return `${kind} ${s.hits} hit${s.hits === 1 ? '' : 's'}, ${s.misses} miss${s.misses === 1 ? '' : 'es'}${extra}`;
  });
  return `cache ${cache.describe()}: ${parts.length ? parts.join('; ') : 'not used by this run'}`;
}

function parseMode(text: string | undefined): Mode {
  if (text === undefined) return 'backtest';
  if ((MODES as readonly string[]).includes(text)) return text as Mode;
  const guess = didYouMean(text, [...MODES]);
  throw new UsageError(`--mode ${text}: expected backtest, paper or live${guess ? ` (did you mean "${guess}"?)` : ''}`);
}

/** Largest --chunk: every node holds chunk-sized buffers (8 bytes per event per output), so 1e6 is ~8 MB each. */
const MAX_CHUNK = 1_000_000;
const MAX_IDLE_SECONDS = 365 * 24 * 3600;

/** A whole-number flag from 1 to `max`, or a usage error saying the range and what the flag means. */
function wholeNumber(flag: string, text: string, max: number, meaning: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${flag} expects a whole number from 1 to ${max.toLocaleString('en-US')} (${meaning}), found "${text}"`);
  }
  return n;
}

/**
 * --metrics-port and --metrics-host. Paper and live runs only: a backtest ends with its data and
 * reports its numbers in the summary, and counting every kernel step would slow the hot path.
 */
function metricsOptions(values: RunValues, mode: Mode): { port: number; host?: string } | undefined {
  const portText = values['metrics-port'];
  const host = values['metrics-host'];
  if (portText === undefined) {
    if (host !== undefined) throw new UsageError('--metrics-host says where --metrics-port serves /metrics; add --metrics-port PORT (0 picks a free port)');
    return undefined;
  }
  if (mode === 'backtest') throw new UsageError('--metrics-port serves /metrics while a paper or live run runs (--mode paper); a backtest ends with its data and reports its numbers in the summary (--json)');
  const port = Number(portText);
  if (portText.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--metrics-port expects a port from 0 to 65535 (0 picks a free one), found "${portText}"`);
  if (host !== undefined && host.trim() === '') throw new UsageError('--metrics-host expects an address to bind, such as 127.0.0.1 (the default) or 0.0.0.0 (every interface)');
  return { port, host };
}

/** --exit-when-idle, --max-events, --late: paper/live only. */
function liveSettings(values: RunValues, mode: Mode): { exitWhenIdleMs?: number; maxEvents?: number; lateness?: 'drop' | 'fail' } {
  const flags = (['exit-when-idle', 'max-events', 'late'] as const).filter((f) => values[f] !== undefined);
  if (mode === 'backtest') {
    if (flags.length) throw new UsageError(`--${flags[0]} applies to paper runs (--mode paper); a backtest ends with its data`);
    return {};
  }
  const idle = values['exit-when-idle'];
  const max = values['max-events'];
  const late = values.late;
  if (idle !== undefined && !(Number(idle) > 0 && Number(idle) <= MAX_IDLE_SECONDS)) {
    throw new UsageError(`--exit-when-idle expects seconds > 0 and at most ${MAX_IDLE_SECONDS.toLocaleString('en-US')} (a year), found "${idle}"; leave it out to wait for events without a limit`);
  }
  const maxEvents = max === undefined ? undefined : wholeNumber('--max-events', max, Number.MAX_SAFE_INTEGER, 'events to process before stopping');
  if (late !== undefined && late !== 'drop' && late !== 'fail') throw new UsageError(`--late expects drop or fail, found "${late}"`);
  return {
    exitWhenIdleMs: idle === undefined ? undefined : Number(idle) * 1000,
    maxEvents,
    lateness: late as 'drop' | 'fail' | undefined,
  };
}

/**
 * --bind node.key=value and --data [node=]FILE as bindings by node id. `--data FILE` without a
 * node binds the graph's only source (the graph is read once to find it).
 */
async function commandLineBindings(file: string, values: RunValues, sets: Record<string, string>, mode: Mode): Promise<Record<string, Record<string, unknown>>> {
  const [{ parseSetValue }, { loadGraph }] = await Promise.all([import('../graph/compileGraph.js'), import('../loadGraph.js')]);
  // No prototypes: `--bind __proto__.x=1` must not reach Object.prototype; the compiler rejects
  // such ids and keys like any unknown one.
  const bind: Record<string, Record<string, unknown>> = Object.create(null);
  for (const item of values.bind ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(item);
    if (!m) throw new UsageError(`--bind expects node.key=value (e.g. --bind bars.stream=btc-1h), found "${item}"`);
    (bind[m[1]] ??= Object.create(null))[m[2]] = parseSetValue(m[3]);
  }
  for (const item of values.data ?? []) {
    const eq = item.indexOf('=');
    let node = eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(item.slice(0, eq)) ? item.slice(0, eq) : undefined;
    const dataFile = node === undefined ? item : item.slice(eq + 1);
    if (node === undefined) {
      const sources = loadGraph(file, { set: sets, mode }).graph?.nodes.filter((n) => n.isSource).map((n) => n.id) ?? [];
      if (sources.length !== 1) throw new UsageError(`--data ${item}: the graph has ${sources.length} sources (${sources.join(', ')}); name one: --data ${sources[0] ?? 'node'}=FILE`);
      node = sources[0];
    }
    bind[node] = { ...(bind[node] ?? {}), file: dataFile };
  }
  return bind;
}

/** The command as typed, for reports (arguments with spaces or quotes quoted). */
function commandLine(command: string, argv: string[]): string {
  return ['hean', command, ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * `hean run GRAPH --grid a=FROM..TO:STEP [--grid b=...] [--metric M] [--heatmap FILE.html]`:
 * one independent backtest per combination of values (each compiled with those values as --set),
 * the chosen metric as a table on stdout (rows: the first grid param, columns: the second) and,
 * with --heatmap, as a heatmap page. A combination that makes the graph invalid is a cell marked
 * invalid; one whose run fails is marked failed (and the command exits 1).
 */
async function gridCommand(file: string, values: RunValues, chunkSize: number): Promise<number> {
  if (values.report !== undefined) throw new UsageError('--report shows one run; with --grid, write a heatmap with --heatmap FILE.html');
  if (values.trades !== undefined) throw new UsageError('--trades writes the trades of one run; it cannot be combined with --grid');
  if (values.heatmap !== undefined && drawingFormat(values.heatmap, '--heatmap') !== 'html') throw new UsageError(`--heatmap ${values.heatmap}: expected a file ending in .html`);
  const { parseGridSpec, gridMetric, runGrid, gridTable, gridJson, GridSpecError } = await import('./grid.js');
  const sets = parseSets(values.set);
  let axes;
  let metric;
  try {
    axes = (values.grid ?? []).map(parseGridSpec);
    metric = gridMetric(values.metric ?? 'sharpe');
  } catch (e) {
    if (e instanceof GridSpecError) throw new UsageError(e.message);
    throw e;
  }
  if (axes.length > 2) throw new UsageError(`--grid takes one or two params (a heatmap has two axes), found ${axes.length}: ${axes.map((a) => a.name).join(', ')}`);
  if (axes.length === 2 && axes[0].name === axes[1].name) throw new UsageError(`--grid ${axes[0].name} is given twice`);
  for (const axis of axes) if (Object.hasOwn(sets, axis.name)) throw new UsageError(`${axis.name} is both swept (--grid) and fixed (--set); drop one`);
  const cells = axes.reduce((n, a) => n * a.values.length, 1);
  if (cells > 10_000) throw new UsageError(`the grid has ${cells.toLocaleString('en-US')} cells; the built-in grid runs at most 10,000 backtests (narrow the ranges or raise the steps)`);

  // Bindings are the same for every cell: a bad one is a usage problem, not a grid of invalid cells.
  const bind = await searchBindings(file, values, sets);
  if (!bind) return INVALID;
  const heatmap = values.heatmap === undefined ? undefined : outputGuard(values, file).file(values.heatmap, '--heatmap', 'command line');
  const progress = progressBar('grid');
  const cache = await runCache(values.cache);
  let grid;
  try {
    grid = await runGrid({
      file,
      axes,
      metric,
      sets,
      chunkSize,
      bind,
      outputs: { dir: values['out-dir'], overwrite: values.overwrite },
      onCell: (done, total) => progress(done, total),
      cache,
      codeVersion: cache && codeVersion(),
    });
  } finally {
    progress.finish();
    if (cache) {
      console.error(`hean: ${cacheSummary(cache)}`);
      await cache.close();
    }
  }
  if (grid.unknownParams) {
    printDiagnostics(grid.unknownParams);
    return INVALID;
  }
  for (const message of grid.failures) console.error(`hean: ${message}`);
  const written = grid.cells.flatMap((c) => Object.entries(c.outputs ?? {}));
  const sinks = [...new Set(written.map(([id]) => id))];
  for (const id of sinks) {
    const files = written.filter(([sink]) => sink === id).map(([, what]) => what);
    console.error(`wrote ${files.length === 1 ? files[0] : `${files.length} files, one per combination: ${files[0]} .. ${files[files.length - 1]}`} (sink ${id})`);
  }
  if (values.heatmap !== undefined) {
    const { heatmapPage } = await import('../../viz/heatmapPage.js');
    writeAtomically(heatmap!, heatmapPage(grid.heatmap));
    console.error(`wrote ${values.heatmap}`);
  }
  if (values.json) console.log(JSON.stringify(gridJson(grid)));
  else console.log(gridTable(grid));
  if (grid.failures.length) return RUN_FAILED;
  return grid.cells.some((c) => c.status === 'ok') ? OK : INVALID;
}

/** `hean worker --queue URL`: runs sweep combinations from a BullMQ queue (runtime/sweep/queue.ts) until SIGINT or SIGTERM. */
async function workerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { queue: { type: 'string' }, 'queue-name': { type: 'string' }, concurrency: { type: 'string' }, verbose: { type: 'boolean', default: false } } });
  if (!values.queue) throw new UsageError('worker needs --queue redis://HOST:PORT (the Redis that hean sweep --queue uses)');
  const concurrency = values.concurrency === undefined ? 1 : wholeNumber('--concurrency', values.concurrency, 64, 'combinations at once in this process, default 1');
  const name = values['queue-name'] ?? DEFAULT_QUEUE;
  const { startQueueWorker } = await import('../sweep/queue.js');
  const worker = await startQueueWorker(values.queue, name, {
    concurrency,
    onJob: values.verbose ? (job, cell) => console.error(`worker: combination ${job.index} (${Object.entries(job.params).map(([k, v]) => `${k}=${v}`).join(', ')}): ${cell.status}`) : undefined,
  });
  console.error(`worker: taking combinations from the queue ${name} at ${values.queue} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.close();
  console.error(`worker: ${worker.done.toLocaleString('en-US')} combination${worker.done === 1 ? '' : 's'} done`);
  return OK;
}

/** The options sweep, tune and walkforward share with run: the graph's params, bindings, data files, chunk size. */
/** Where a command's files go (outputGuard). */
const OUTPUT_OPTIONS = {
  'out-dir': { type: 'string' },
  overwrite: { type: 'boolean', default: false },
} as const;

const SEARCH_INPUT_OPTIONS = {
  set: { type: 'string', multiple: true },
  bind: { type: 'string', multiple: true },
  data: { type: 'string', multiple: true },
  chunk: { type: 'string' },
} as const;

function chunkOption(chunk: string | undefined): number {
  return chunk === undefined ? 1024 : wholeNumber('--chunk', chunk, MAX_CHUNK, 'events per chunk, default 1024; results never depend on it');
}

/** The command line's bindings for backtests of the graph, or undefined once the problems with them are printed: a bad binding is a usage problem, not a table of failed runs. */
async function searchBindings(file: string, values: RunValues, sets: Record<string, string>): Promise<Record<string, Record<string, unknown>> | undefined> {
  const bind = await commandLineBindings(file, values, sets, 'backtest');
  const { loadGraph } = await import('../loadGraph.js');
  const errors = loadGraph(file, { set: sets, bind, requireBindings: true }).diagnostics.filter((d) => d.severity === 'error' && /^(mode|binding|graph|yaml)\//.test(d.code));
  if (!errors.length) return bind;
  printDiagnostics(errors);
  return undefined;
}

/**
 * `hean sweep GRAPH --grid a=SPEC --grid b=SPEC ... [--where 'a < b'] [--workers N]`: every
 * combination of any number of params on worker threads (runtime/sweep/runSweep.ts); says how
 * many combinations and, once the first ones are timed, how long; progress with an ETA (a bar on
 * a terminal, a line every 10 % otherwise); the ranked summary, the results table (-o), a heatmap.
 */
async function sweepCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      grid: { type: 'string', multiple: true },
      where: { type: 'string' },
      workers: { type: 'string' },
      queue: { type: 'string' },
      'queue-name': { type: 'string' },
      metric: { type: 'string' },
      out: { type: 'string', short: 'o' },
      heatmap: { type: 'string' },
      'heatmap-axes': { type: 'string' },
      'heatmap-at': { type: 'string', multiple: true },
      'heatmap-others': { type: 'string' },
      json: { type: 'boolean', default: false },
      cache: { type: 'string' },
      ...SEARCH_INPUT_OPTIONS,
      ...OUTPUT_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`sweep takes one GRAPH file, found ${positionals.length}`);
  const cache = await cellCache(values.cache);
  if (cache && values.queue) throw new UsageError('--cache is not passed to hean worker processes yet: drop --cache or --queue');
  const file = positionals[0];
  if (!values.grid?.length) throw new UsageError('sweep needs at least one --grid name=FROM..TO[:STEP] or name=V1,V2,... (e.g. --grid fast=5..50 --grid slow=10..100:2)');
  const chunkSize = chunkOption(values.chunk);
  const workers = values.workers === undefined ? availableParallelism() : wholeNumber('--workers', values.workers, 256, 'worker threads, default one per core');
  if (values.heatmap !== undefined && drawingFormat(values.heatmap, '--heatmap') !== 'html') throw new UsageError(`--heatmap ${values.heatmap}: expected a file ending in .html`);
  const ext = values.out === undefined ? undefined : extname(values.out).toLowerCase();
  if (ext !== undefined && ext !== '.csv' && ext !== '.parquet') throw new UsageError(`-o ${values.out}: expected a file ending in .csv or .parquet`);
  const { parseGridSpec, gridMetric, GridSpecError } = await import('./grid.js');
  const { runSweep, combinations } = await import('../sweep/runSweep.js');
  const { WhereError } = await import('../sweep/where.js');
  const sets = parseSets(values.set);
  let axes;
  let metric;
  try {
    axes = (values.grid ?? []).map(parseGridSpec);
    metric = gridMetric(values.metric ?? 'sharpe');
  } catch (e) {
    if (e instanceof GridSpecError) throw new UsageError(e.message);
    throw e;
  }
  const names = axes.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(`--grid ${twice} is given twice`);
  for (const axis of axes) if (Object.hasOwn(sets, axis.name)) throw new UsageError(`${axis.name} is both swept (--grid) and fixed (--set); drop one`);
  const all = axes.reduce((n, a) => n * a.values.length, 1);
  if (all > 1_000_000) throw new UsageError(`the sweep has ${all.toLocaleString('en-US')} combinations; at most 1,000,000 (narrow the ranges or raise the steps)`);
  try {
    combinations(axes.slice(0, 0), values.where, Object.fromEntries(names.map((n) => [n, 0])));
  } catch (e) {
    if (e instanceof WhereError) throw new UsageError(e.message);
    throw e;
  }
  if (values.heatmap === undefined && (values['heatmap-axes'] ?? values['heatmap-at'] ?? values['heatmap-others']) !== undefined) throw new UsageError('--heatmap-axes, --heatmap-at and --heatmap-others shape the page --heatmap FILE.html writes; add --heatmap');
  const view = heatmapView(values, axes);
  const bind = await searchBindings(file, values as RunValues, sets);
  if (!bind) return INVALID;
  const guard = outputGuard(values, file);
  const resultsFile = values.out === undefined ? undefined : guard.file(values.out, '-o', 'command line');
  const heatmapFile = values.heatmap === undefined ? undefined : guard.file(values.heatmap, '--heatmap', 'command line');
  const progress = progressBar('sweep');
  const tty = Boolean(process.stderr.isTTY);
  let nextLine = 0.1;
  let estimated = false;
  let first: { done: number; elapsed: number } | undefined;
  const seconds = (ms: number) => (ms < 100_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`);
  let sweep;
  try {
    sweep = await runSweep({
      file,
      axes,
      where: values.where,
      metric,
      sets,
      bind,
      chunkSize,
      workers,
      ...(values.queue ? { queue: { url: values.queue, name: values['queue-name'] ?? DEFAULT_QUEUE } } : {}),
      ...(cache ? { cache } : {}),
      outputs: { dir: values['out-dir'], overwrite: values.overwrite },
      onStart: (total, excluded, w) => console.error(`sweep: ${total.toLocaleString('en-US')} combination${total === 1 ? '' : 's'} of ${axes.map((a) => `${a.name} (${a.values.length})`).join(' x ')}${excluded ? ` (${excluded.toLocaleString('en-US')} excluded by --where)` : ''} on ${values.queue ? `the queue ${values['queue-name'] ?? DEFAULT_QUEUE} at ${values.queue} (start hean worker --queue ${values.queue} on any machine with the data)` : `${w} worker${w === 1 ? '' : 's'}`}`),
      onProgress: (done, total, elapsed) => {
        const eta = (elapsed / done) * (total - done);
        // A first estimate from the pace after the first result (which carries the start-up: threads
        // loading, data parsed), once that pace has run half a second or a twentieth of the sweep.
        first ??= { done, elapsed };
        const paced = done - first.done >= Math.min(total - 1 - first.done, Math.max(4 * workers, total / 20));
        if (!estimated && (elapsed - first.elapsed >= 500 || paced || elapsed > 5000) && done < total) {
          estimated = true;
          const rate = done > first.done ? (done - first.done) / (elapsed - first.elapsed) : done / elapsed;
          progress.finish();
          console.error(`sweep: about ${seconds(elapsed + (total - done) / rate)} in all (${(rate * 1000).toFixed(1)} combinations/s so far)`);
        }
        if (tty) progress.status(`${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor((100 * done) / total)} %), ${seconds(elapsed)} elapsed, ETA ${seconds(eta)}`);
        else if (done / total >= nextLine && done < total) {
          nextLine = Math.floor((done / total) * 10 + 1) / 10;
          console.error(`sweep: ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${Math.floor((100 * done) / total)} %), ${seconds(elapsed)} elapsed, ETA ${seconds(eta)}`);
        }
      },
    });
  } finally {
    progress.finish();
  }
  if (sweep.unknownParams) {
    printDiagnostics(sweep.unknownParams);
    return INVALID;
  }
  if (sweep.cache) console.error(`hean: ${cacheSummary({ describe: () => sweep.cache!.describe, stats: () => sweep.cache!.stats })}`);
  const { sweepText, sweepJson, resultsCsv, resultsParquet, sweepHeatmap } = await import('./sweepOutput.js');
  const written = sweep.cells.flatMap((c) => Object.entries(c.outputs ?? {}));
  for (const id of new Set(written.map(([sink]) => sink))) {
    const files = written.filter(([sink]) => sink === id).map(([, what]) => what);
    console.error(`wrote ${files.length === 1 ? files[0] : `${files.length} files, one per combination: ${files[0]} .. ${files[files.length - 1]}`} (sink ${id})`);
  }
  if (resultsFile) {
    const table = { params: axes.map((a) => a.name), cells: sweep.cells };
    writeAtomically(resultsFile, ext === '.parquet' ? resultsParquet(table, `hean ${JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version}`) : resultsCsv(table));
    console.error(`wrote ${values.out} (${sweep.cells.length.toLocaleString('en-US')} combinations, every metric)`);
  }
  if (heatmapFile) {
    const { heatmapPage } = await import('../../viz/heatmapPage.js');
    writeAtomically(heatmapFile, heatmapPage(sweepHeatmap(sweep, view)));
    console.error(`wrote ${values.heatmap}`);
  }
  console.log(values.json ? JSON.stringify(sweepJson(sweep)) : sweepText(sweep));
  if (sweep.failures.length) return RUN_FAILED;
  return sweep.cells.some((c) => c.status === 'ok') ? OK : INVALID;
}

/**
 * `hean tune GRAPH --param fast=5..50 --param slow=10..100 --trials 100`: TPE (or random search)
 * over the params, one backtest per trial (runtime/sweep/runTune.ts), progress with the best so
 * far; several --objectives give a Pareto front, --prune median stops poor backtests early,
 * --study records the trials and resumes them, --page draws the study.
 */
async function tuneCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      param: { type: 'string', multiple: true },
      trials: { type: 'string' },
      metric: { type: 'string' },
      objectives: { type: 'string' },
      prune: { type: 'string' },
      checkpoints: { type: 'string' },
      study: { type: 'string' },
      sampler: { type: 'string' },
      seed: { type: 'string' },
      where: { type: 'string' },
      out: { type: 'string', short: 'o' },
      page: { type: 'string' },
      json: { type: 'boolean', default: false },
      cache: { type: 'string' },
      ...SEARCH_INPUT_OPTIONS,
      ...OUTPUT_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`tune takes one GRAPH file, found ${positionals.length}`);
  const cache = await cellCache(values.cache);
  const file = positionals[0];
  const chunkSize = chunkOption(values.chunk);
  const ext = values.out === undefined ? undefined : extname(values.out).toLowerCase();
  if (ext !== undefined && ext !== '.csv' && ext !== '.parquet') throw new UsageError(`-o ${values.out}: expected a file ending in .csv or .parquet`);
  if (values.page !== undefined && drawingFormat(values.page, '--page') !== 'html') throw new UsageError(`--page ${values.page}: expected a file ending in .html`);
  if (values.metric !== undefined && values.objectives !== undefined) throw new UsageError('--metric names one objective, --objectives several: give one of them');
  if (values.prune !== undefined && values.prune !== 'median') throw new UsageError(`--prune ${values.prune}: expected median (Optuna's median rule)`);
  if (values.checkpoints !== undefined && values.prune === undefined) throw new UsageError('--checkpoints sets where --prune median judges a backtest; add --prune median');
  const checkpoints = values.checkpoints === undefined ? 10 : wholeNumber('--checkpoints', values.checkpoints, 1000, 'checkpoints per backtest');
  if (checkpoints < 2) throw new UsageError('--checkpoints must be at least 2 (the last is the end of the backtest, where nothing is left to prune)');
  const sets = parseSets(values.set);
  const { space, trials, seed, sampler } = await tuneSearch(values, sets, 'tune');
  const { gridMetric, GridSpecError } = await import('./grid.js');
  const { WhereError, parseWhere } = await import('../sweep/where.js');
  const { loadGraph } = await import('../loadGraph.js');
  let objectives: GridMetric[];
  try {
    objectives = (values.objectives ?? values.metric ?? 'sharpe').split(',').map((name) => objective(name.trim(), gridMetric));
    const twice = objectives.find((m, i) => objectives.findIndex((o) => o.key === m.key) !== i);
    if (twice) throw new UsageError(`--objectives names ${twice.key} twice`);
    if (values.where !== undefined) parseWhere(values.where, [...Object.keys(space), ...Object.keys(loadGraph(file, { set: sets }).graph?.params ?? {})]);
  } catch (e) {
    if (e instanceof GridSpecError || e instanceof WhereError) throw new UsageError(e.message.replace('--metric', values.objectives === undefined ? '--metric' : '--objectives'));
    throw e;
  }
  if (values.prune !== undefined && objectives.length > 1) throw new UsageError('--prune judges one objective against the median of the others; with several --objectives there is none (Optuna refuses it too)');
  const bind = await searchBindings(file, values as RunValues, sets);
  if (!bind) return INVALID;
  const guard = outputGuard(values, file);
  const resultsFile = values.out === undefined ? undefined : guard.file(values.out, '-o', 'command line');
  const pageFile = values.page === undefined ? undefined : guard.file(values.page, '--page', 'command line');
  const { runTune } = await import('../sweep/runTune.js');
  const { StudyJournalError } = await import('../tune/studyJournal.js');
  const progress = progressBar('tune');
  const tty = Boolean(process.stderr.isTTY);
  const metric = objectives[0];
  const goal = objectives.map((m) => `${m.key} ${m.higherIsBetter ? 'maximised' : 'minimised'}`).join(', ');
  console.error(`tune: ${trials.toLocaleString('en-US')} trials of ${sampler === 'tpe' ? 'TPE' : 'random search'} (seed ${seed}) over ${Object.keys(space).join(', ')}, ${goal}${values.prune ? `, median pruning at ${checkpoints} checkpoints` : ''}${values.study ? `, study ${values.study}` : ''}`);
  let nextLine = 0.1;
  let tune;
  try {
    tune = await runTune({
      file,
      space,
      trials,
      metric,
      objectives,
      sampler,
      seed,
      where: values.where,
      sets,
      bind,
      chunkSize,
      ...(values.prune ? { prune: { checkpoints } } : {}),
      ...(values.study ? { study: values.study } : {}),
      ...(cache ? { cache } : {}),
      onWarning: (message) => console.error(`hean: warning: ${message}`),
      onTrial: (done, total, elapsed, best) => {
        const line = `${done}/${total} trials, ${(elapsed / 1000).toFixed(1)} s, ETA ${((elapsed / done) * (total - done) / 1000).toFixed(1)} s, best ${metric.key} ${best ? `${best.value!.toFixed(metric.digits)} at ${Object.entries(best.params).map(([k, v]) => `${k}=${v}`).join(', ')}` : 'none yet'}`;
        if (tty) progress.status(line);
        else if (done / total >= nextLine && done < total) {
          nextLine = Math.floor((done / total) * 10 + 1) / 10;
          console.error(`tune: ${line}`);
        }
      },
    });
  } catch (e) {
    if (e instanceof StudyJournalError) {
      console.error(`hean: ${e.message}`);
      return INVALID;
    }
    throw e;
  } finally {
    progress.finish();
  }
  if (tune.unknownParams) {
    printDiagnostics(tune.unknownParams);
    return INVALID;
  }
  if (tune.cache) console.error(`hean: ${cacheSummary({ describe: () => tune.cache!.describe, stats: () => tune.cache!.stats })}`);
  const { tuneText, tuneJson, tunePageData, resultsCsv, resultsParquet } = await import('./sweepOutput.js');
  if (resultsFile) {
    // One row per trial, in the order they ran.
    const table = { params: Object.keys(space), cells: tune.trials };
    writeAtomically(resultsFile, ext === '.parquet' ? resultsParquet(table) : resultsCsv(table));
    console.error(`wrote ${values.out} (${tune.trials.length} trials, every metric)`);
  }
  if (pageFile) {
    const { tunePage } = await import('../../viz/tunePage.js');
    writeAtomically(pageFile, tunePage(tunePageData(tune)));
    console.error(`wrote ${values.page}`);
  }
  console.log(values.json ? JSON.stringify(tuneJson(tune)) : tuneText(tune));
  return tune.trials.some((t) => t.status === 'ok') ? OK : INVALID;
}

/** An objective: a metric in its own direction, or `+name` / `-name` to maximise / minimise it. */
function objective(text: string, lookup: (name: string) => GridMetric): GridMetric {
  const sign = text[0] === '+' || text[0] === '-' ? text[0] : '';
  const m = lookup(sign ? text.slice(1) : text);
  return sign ? { ...m, higherIsBetter: sign === '+' } : m;
}

/** --heatmap-axes a,b, --heatmap-at name=value..., --heatmap-others best|mean, checked against the swept params before anything runs. */
function heatmapView(values: { 'heatmap-axes'?: string; 'heatmap-at'?: string[]; 'heatmap-others'?: string }, axes: GridAxis[]): HeatmapView {
  const swept = axes.map((a) => a.name).join(', ');
  const axisOf = (name: string, flag: string) => {
    const axis = axes.find((a) => a.name === name);
    if (!axis) throw new UsageError(`${flag} ${name}: not a swept param (${swept})`);
    return axis;
  };
  const names = values['heatmap-axes']?.split(',').map((n) => n.trim());
  if (names && (names.length < 1 || names.length > 2 || new Set(names).size !== names.length)) throw new UsageError(`--heatmap-axes ${values['heatmap-axes']}: expected one or two different swept params, e.g. --heatmap-axes fast,slow`);
  for (const n of names ?? []) axisOf(n, '--heatmap-axes');
  const at: Record<string, GridValue> = {};
  for (const item of values['heatmap-at'] ?? []) {
    const eq = item.indexOf('=');
    const axis = axisOf(eq < 0 ? item : item.slice(0, eq), '--heatmap-at');
    if (eq < 0) throw new UsageError(`--heatmap-at ${item}: expected name=value`);
    if ((names ?? axes.slice(0, 2).map((a) => a.name)).includes(axis.name)) throw new UsageError(`--heatmap-at ${item}: ${axis.name} is an axis of the heatmap`);
    const value = axis.values.find((v) => String(v) === item.slice(eq + 1));
    if (value === undefined) throw new UsageError(`--heatmap-at ${item}: not one of its values (${axis.values.join(', ')})`);
    at[axis.name] = value;
  }
  const others = values['heatmap-others'] ?? 'best';
  if (others !== 'best' && others !== 'mean') throw new UsageError(`--heatmap-others ${others}: expected best or mean (how each cell reduces the params that are neither axes nor --heatmap-at)`);
  return { axes: names, at, others };
}

/** --param, --trials, --seed, --sampler: the search of `hean tune`, and of `hean walkforward` on each train window. */
async function tuneSearch(values: { param?: string[]; trials?: string; seed?: string; sampler?: string }, sets: Record<string, string>, command: string) {
  if (!values.param?.length) throw new UsageError(`${command} needs at least one --param name=LO..HI (e.g. --param fast=5..50 --param slow=10..100)`);
  if (values.trials === undefined) throw new UsageError(`${command} needs --trials N (the budget of backtests${command === 'tune' ? '' : ' on each train window'}, e.g. --trials 100)`);
  const trials = wholeNumber('--trials', values.trials, 100_000, 'backtests to run');
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (values.seed !== undefined && !(/^\d+$/.test(values.seed) && seed <= 2 ** 32 - 1)) throw new UsageError(`--seed expects a whole number from 0 to 4,294,967,295 (the sampler's seed, default 0), found "${values.seed}"`);
  const sampler = values.sampler ?? 'tpe';
  if (sampler !== 'tpe' && sampler !== 'random') throw new UsageError(`--sampler ${sampler}: expected tpe or random`);
  const { parseParamSpec, ParamSpecError } = await import('../sweep/paramSpec.js');
  const { SearchSpaceError, validateSpace } = await import('../tune/space.js');
  try {
    const entries = values.param.map(parseParamSpec);
    const names = entries.map(([n]) => n);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new UsageError(`--param ${twice} is given twice`);
    for (const n of names) if (Object.hasOwn(sets, n)) throw new UsageError(`${n} is both tuned (--param) and fixed (--set); drop one`);
    const space = Object.fromEntries(entries);
    validateSpace(space);
    return { space, trials, seed, sampler: sampler as 'tpe' | 'random' };
  } catch (e) {
    if (e instanceof ParamSpecError || e instanceof SearchSpaceError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `hean walkforward GRAPH --train 2y --test 3mo --grid ...`: a sweep on each train window, the
 * best params traded on the test window after it, the test windows stitched (runWalkForward.ts).
 */
async function walkForwardCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      train: { type: 'string' },
      test: { type: 'string' },
      anchored: { type: 'boolean', default: false },
      purge: { type: 'string' },
      grid: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      trials: { type: 'string' },
      sampler: { type: 'string' },
      seed: { type: 'string' },
      where: { type: 'string' },
      metric: { type: 'string' },
      workers: { type: 'string' },
      page: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...SEARCH_INPUT_OPTIONS,
      ...OUTPUT_OPTIONS,
    },
  });
  if (positionals.length !== 1) throw new UsageError(`walkforward takes one GRAPH file, found ${positionals.length}`);
  const file = positionals[0];
  if (!values.train || !values.test) throw new UsageError('walkforward needs --train and --test lengths (e.g. --train 2y --test 3mo)');
  if (values.grid?.length && values.param?.length) throw new UsageError('walkforward optimises each train window by a sweep (--grid) or by tuning (--param with --trials), not both');
  if (!values.grid?.length && !values.param?.length) throw new UsageError('walkforward needs what to optimise on each train window: --grid name=SPEC (a sweep) or --param name=LO..HI with --trials N (TPE)');
  if (values.grid?.length && (values.trials ?? values.sampler ?? values.seed) !== undefined) throw new UsageError('--trials, --sampler and --seed tune with --param; a --grid sweep runs every combination');
  if (values.page !== undefined && drawingFormat(values.page, '--page') !== 'html') throw new UsageError(`--page ${values.page}: expected a file ending in .html`);
  const { parseDuration, runWalkForward } = await import('../sweep/runWalkForward.js');
  const { parseGridSpec, gridMetric, GridSpecError } = await import('./grid.js');
  let train;
  let test;
  let purge;
  let axes;
  let metric;
  try {
    train = parseDuration(values.train, '--train');
    test = parseDuration(values.test, '--test');
    purge = values.purge === undefined ? undefined : parseDuration(values.purge, '--purge');
    axes = (values.grid ?? []).map(parseGridSpec);
    metric = gridMetric(values.metric ?? 'sharpe');
  } catch (e) {
    if (e instanceof RangeError || e instanceof GridSpecError) throw new UsageError(e.message);
    throw e;
  }
  const sets = parseSets(values.set);
  const tune = values.param?.length ? await tuneSearch(values, sets, 'walkforward') : undefined;
  const chunkSize = chunkOption(values.chunk);
  const workers = values.workers === undefined ? availableParallelism() : wholeNumber('--workers', values.workers, 256, 'worker threads, default one per core');
  const bind = await searchBindings(file, values as RunValues, sets);
  if (!bind) return INVALID;
  const pageFile = values.page === undefined ? undefined : outputGuard(values, file).file(values.page, '--page', 'command line');
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  const result = await runWalkForward({
    file,
    axes,
    where: values.where,
    metric,
    sets,
    bind,
    chunkSize,
    workers,
    train,
    test,
    anchored: values.anchored,
    purge,
    tune,
    onFold: (done, total, f) => console.error(`walkforward: fold ${done}/${total}: trained ${iso(f.trainFrom)} .. ${iso(f.trainTo)} -> ${f.params ? Object.entries(f.params).map(([k, v]) => `${k}=${v}`).join(', ') : 'no params'}; tested ${iso(f.testFrom)} .. ${iso(f.testTo)}`),
  });
  if (result.problems?.length) {
    printDiagnostics(result.problems);
    return INVALID;
  }
  const { walkForwardText, walkForwardJson, walkForwardPageData } = await import('./sweepOutput.js');
  if (pageFile) {
    const { walkForwardPage } = await import('../../viz/walkForwardPage.js');
    writeAtomically(pageFile, walkForwardPage(walkForwardPageData(result)));
    console.error(`wrote ${values.page}`);
  }
  console.log(values.json ? JSON.stringify(walkForwardJson(result)) : walkForwardText(result));
  return result.stitched ? OK : RUN_FAILED;
}

/** A params schema as JSON, the parts `hean nodes` shows. */
interface ParamSchema {
  type?: string;
  const?: unknown;
  anyOf?: ParamSchema[];
  items?: ParamSchema;
  properties?: Record<string, ParamSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

/** One line per param; the keys of an object param follow it, indented, so that none goes undocumented. */
function describeProperties(schema: ParamSchema, indent: string): string[] {
  const typeOf = (s: ParamSchema): string =>
    s.anyOf ? s.anyOf.map((b) => (b.const !== undefined ? JSON.stringify(b.const) : typeOf(b))).join(' | ') : s.type === 'array' && s.items ? `${typeOf(s.items)}[]` : String(s.type);
  return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => {
    const range = [
      s.minimum !== undefined ? `>= ${s.minimum}` : '',
      s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '',
      s.maximum !== undefined ? `<= ${s.maximum}` : '',
    ].filter(Boolean).join(', ');
    const required = schema.required?.includes(name) && s.default === undefined ? ' (required)' : '';
    const dflt = s.default !== undefined ? ` = ${JSON.stringify(s.default)}` : '';
    const line = `${indent}${name}: ${typeOf(s)}${range ? ` (${range})` : ''}${dflt}${required}${s.description ? `  — ${s.description}` : ''}`;
    return [line, ...(s.properties ? describeProperties(s, indent + '  ') : [])];
  });
}

/** One line: inputs (`b?` when optional), params with defaults, outputs — `(high, low, close) timePeriod=14 -> value`. */
function signature(def: AnyNodeDefinition, schema: ParamSchema): string {
  const params = Object.entries(schema.properties ?? {}).map(([name, s]) => (s.default === undefined ? name : `${name}=${typeof s.default === 'object' ? JSON.stringify(s.default) : s.default}`));
  const inputs = Object.entries(def.inputs).map(([name, spec]) => (spec.optional ? `${name}?` : name));
  return `${inputs.length ? `(${inputs.join(', ')})` : '(source)'}${params.length ? ' ' + params.join(' ') : ''} -> ${Object.keys(def.outputs).join(', ') || '(sink)'}`;
}

async function nodesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
  const [{ allNodes }, { toJson }] = await Promise.all([import('../../nodes/index.js'), import('../graph/graphSchema.js')]);
  const paramsOf = (d: AnyNodeDefinition) => toJson(d.params) as ParamSchema;
  const filter = positionals[0];
  const exact = allNodes.find((d) => d.kind === filter);
  const selected = exact ? [exact] : allNodes.filter((d) => !filter || d.kind.startsWith(filter.endsWith('.') ? filter : `${filter}.`) || familyOf(d.kind) === filter);
  if (!selected.length) {
    const guess = didYouMean(filter!, [...allNodes.map((d) => d.kind), ...new Set(allNodes.map((d) => familyOf(d.kind)))]);
    throw new UsageError(`no node kind or family "${filter}"${guess ? `; did you mean "${guess}"?` : ''}`);
  }
  if (values.json) {
    console.log(JSON.stringify(selected.map((d) => ({ kind: d.kind, summary: d.summary, description: d.description, params: toJson(d.params), inputs: d.inputs, outputs: d.outputs })), null, 2));
    return OK;
  }
  if (!exact) {
    const width = Math.max(...selected.map((d) => d.kind.length));
    let family = '';
    for (const d of selected) {
      if (familyOf(d.kind) !== family) {
        family = familyOf(d.kind);
        console.log(`${family === '' ? '' : '\n'}${family}`);
      }
      console.log(`  ${d.kind.padEnd(width)}  ${d.summary}`);
      console.log(`  ${' '.padEnd(width)}  ${signature(d, paramsOf(d))}`);
    }
    console.log(`\n${selected.length} kinds. \`hean nodes KIND\` shows one in full.`);
    return OK;
  }
  const d = exact;
  const ports = (ps: Record<string, { type: string; many?: boolean; optional?: boolean }>) =>
    Object.entries(ps).map(([name, p]) => `    ${name}: ${p.type}${p.many ? ' (list)' : ''}${p.optional ? ' (optional)' : ''}${name === defaultOutputOf(d) && ps === d.outputs ? ' (default)' : ''}`);
  console.log(`${d.kind} — ${d.summary}`);
  if (d.description) console.log(`\n${d.description}`);
  console.log('\n  inputs:', Object.keys(d.inputs).length ? '' : 'none (source)');
  ports(d.inputs).forEach((l) => console.log(l));
  console.log('  outputs:', Object.keys(d.outputs).length ? '' : 'none (sink)');
  ports(d.outputs).forEach((l) => console.log(l));
  console.log('  params:');
  describeProperties(paramsOf(d), '    ').forEach((l) => console.log(l));
  return OK;
}

async function schemaCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { write: { type: 'boolean', default: false } } });
  const [{ allNodes }, { schemaFiles }] = await Promise.all([import('../../nodes/index.js'), import('../graph/schemaFiles.js')]);
  const files = schemaFiles(allNodes);
  if (!values.write) {
    process.stdout.write(files.get('graph.schema.json')!);
    return OK;
  }
  const dir = resolve(positionals[0] ?? join(packageRoot, 'schemas'));
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  console.log(`wrote ${files.size} schemas to ${dir}`);
  return OK;
}

/** Above this, pacing is moot: Redis takes a few hundred thousand entries per second at best. */
const MAX_RATE = 1_000_000;

/** `hean publish FILE --stream KEY`: a candle file's events into a Redis stream, ids = event times. */
async function publishCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stream: { type: 'string' },
      timeframe: { type: 'string' },
      symbol: { type: 'string' },
      rate: { type: 'string' },
      maxlen: { type: 'string' },
      replace: { type: 'boolean', default: false },
      redis: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`publish takes one data FILE, found ${positionals.length}`);
  if (!values.stream) throw new UsageError('publish needs --stream KEY, the stream to write (e.g. --stream btcusdt-1h)');
  const file = positionals[0];
  const name = basename(file);
  const timeframe = values.timeframe ?? /_(\d+[smhdw])_/.exec(name)?.[1];
  if (!timeframe) throw new UsageError(`publish cannot tell the timeframe of ${name} from its name; pass --timeframe (e.g. --timeframe 1h)`);
  let tfMs: number;
  try {
    tfMs = timeframeMs(timeframe);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(rate > 0 && rate <= MAX_RATE)) {
    throw new UsageError(`--rate expects events per second > 0 and at most ${MAX_RATE.toLocaleString('en-US')}, found "${values.rate}"; leave it out to publish as fast as Redis takes them`);
  }
  const maxlen = values.maxlen === undefined ? undefined : wholeNumber('--maxlen', values.maxlen, Number.MAX_SAFE_INTEGER, 'about how many entries the stream keeps');
  const symbol = values.symbol ?? /^([a-z0-9]+)_/i.exec(name)?.[1]?.toUpperCase() ?? '';

  const { readCandleCsv } = await import('../adapters/file/readCandleCsv.js');
  const path = resolveDataFile(file);
  const data = await readCandleCsv(path, { timeframeMs: tfMs });
  const { connectRedis, ready, redisUrl, maskUrl } = await import('../adapters/redis/connection.js');
  const { publishColumns } = await import('../adapters/redis/publish.js');
  const url = redisUrl(values.redis);
  const redis = connectRedis(url, { name: 'hean-publish', log: (m) => console.error(`hean: ${m}`) });
  const progress = progressBar(`publish ${values.stream}`);
  try {
    await ready(redis, 10_000);
    const start = performance.now();
    const columns = CANDLE_FIELDS.map((f) => data[f]);
    const result = await publishColumns(redis, values.stream, {
      t: data.t,
      names: CANDLE_FIELDS,
      columns,
      // revision: a fresh id per publish, so caches of this stream's ranges know its content changed
      meta: { record: 'candles', symbol, timeframe, file: name, revision: randomUUID() },
      maxlen,
      rate,
      replace: values.replace,
      onProgress: progress,
    });
    progress.finish();
    const seconds = (performance.now() - start) / 1000;
    console.log(`published ${result.entries.toLocaleString('en-US')} ${timeframe} candles of ${path} to stream ${values.stream} on ${maskUrl(url)}`);
    console.log(`  ids ${result.firstId} .. ${result.lastId} (event times: candle close), ${Math.round(result.entries / seconds).toLocaleString('en-US')} events/s`);
    return OK;
  } finally {
    progress.finish();
    await redis.quit().catch(() => {});
  }
}

/** `hean adapters`: where sources' events come from and sinks' rows go, per mode. */
async function adaptersCommand(): Promise<number> {
  const [{ defaultAdapters }, { toJson }] = await Promise.all([import('../adapters/index.js'), import('../graph/graphSchema.js')]);
  for (const adapter of [...defaultAdapters.sources, ...defaultAdapters.sinks, ...(defaultAdapters.brokers ?? [])]) {
    const modes = adapter.role === 'source' ? MODES.filter((m) => (m === 'backtest' ? adapter.replay : adapter.live)) : adapter.role === 'broker' ? ['live'] : MODES;
    console.log(`${adapter.role} ${adapter.name} — ${adapter.summary}`);
    console.log(`  bind: ${adapter.example}   modes: ${modes.join(', ')}${adapter.role === 'source' ? `   records: ${adapter.records.join(', ')}` : ''}`);
    const schema = toJson(adapter.binding) as { properties: Record<string, { description?: string }>; required?: string[] };
    for (const [key, s] of Object.entries(schema.properties)) console.log(`    ${key}${schema.required?.includes(key) ? '' : ' (optional)'}: ${s.description ?? ''}`);
  }
  return OK;
}

async function dataCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, dir: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' } },
  });
  const [verb, exchange, symbol, timeframe] = positionals;
  if (verb !== 'download') throw new UsageError(`unknown data command "${verb ?? ''}"; expected: hean data download binance SYMBOL TIMEFRAME --from DATE --to DATE`);
  if (exchange !== 'binance') throw new UsageError(`exchange "${exchange ?? ''}" is not supported; supported: binance`);
  if (!symbol || !timeframe) throw new UsageError('data download needs SYMBOL and TIMEFRAME, e.g. hean data download binance BTCUSDT 1h --from 2024-01-01 --to 2024-02-01');
  if (!values.from || !values.to) throw new UsageError('data download needs --from DATE and --to DATE (ISO-8601, UTC)');
  let from: number;
  let to: number;
  try {
    from = parseTimeParam(values.from);
    to = parseTimeParam(values.to);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (to <= from) throw new UsageError(`--to (${values.to}) must be after --from (${values.from})`);
  const dir = resolve(values.dir ?? process.env.HEAN_DATA_DIR ?? userDataDir());
  const { downloadCandles, parseTimeframe, normaliseSymbol, candleFileFormat, ExchangeRejection } = await import('../data/downloadCandles.js');
  let format;
  try {
    normaliseSymbol(symbol);
    parseTimeframe(timeframe);
    format = candleFileFormat(values.format, values.out);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.out !== undefined) outputGuard({}).file(values.out, '--out', 'command line'); // a file, not a directory or device
  const progress = progressBar(`${symbol} ${timeframe}`);
  let result;
  try {
    result = await downloadCandles({
      exchange: 'binance',
      symbol,
      timeframe,
      from,
      to,
      dir,
      out: values.out,
      format,
      baseUrl: process.env.HEAN_BINANCE_URL,
      onProgress: progress,
    });
  } catch (e) {
    // HTTP 400: the exchange says the symbol, timeframe or dates given are wrong.
    if (e instanceof ExchangeRejection && e.status === 400) throw new UsageError(e.message);
    throw e;
  } finally {
    progress.finish();
  }
  const missing = result.gaps.reduce((s: number, g: { missingBars: number }) => s + g.missingBars, 0);
  console.log(`${result.file}: ${result.rows.toLocaleString('en-US')} bars${result.resumedFrom !== undefined ? ` (resumed from ${new Date(result.resumedFrom).toISOString()})` : ''}`);
  console.log(result.gaps.length ? `${result.gaps.length} gaps, ${missing} missing bars (kept as gaps):` : 'no gaps');
  for (const g of result.gaps.slice(0, 50)) console.log(`  ${new Date(g.from).toISOString()} -> ${new Date(g.to).toISOString()} (${g.missingBars} missing)`);
  return OK;
}

// The worker threads of a sweep and the fitting thread of a walk-forward model run the module that
// starts them; in the bundle (dist/cli/hean.cjs) that is the whole CLI, where those modules are
// evaluated on their first import: import the one this thread is for.
const threadOf = isMainThread ? undefined : (workerData as { heanSweepWorker?: unknown; heanFitWorker?: unknown } | null);
if (threadOf?.heanSweepWorker) void import('../sweep/runSweep.js');
if (threadOf?.heanFitWorker) void import('../learn/walkForward.js');
// Run as a program (node dist/runtime/cli/main.js), not imported by bin/hean.js nor by a worker thread.
const isMain = isMainThread && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
