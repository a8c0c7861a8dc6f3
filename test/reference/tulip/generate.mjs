/**
 * Reference values from Tulip Indicators for hean's conformance tests (test/indicatorReferences.test.ts),
 * for the kinds hean takes from Tulip because neither TA-Lib nor pandas-ta has them.
 *
 * Tulip Indicators (tulipindicators.org, Lewis Van Winkle; C library 0.8.4) through its Node
 * binding, the npm package tulind 0.8.20, which compiles the library's own C code. Install tulind
 * anywhere outside the project (it is not a dependency of hean) and point TULIND_DIR at the folder
 * whose node_modules holds it:
 *
 *     mkdir /tmp/tul && (cd /tmp/tul && npm install tulind@0.8.20)
 *     TULIND_DIR=/tmp/tul HEAN_DATA_DIR=/work/shared/data node test/reference/tulip/generate.mjs
 *
 * It writes tulip.json.gz beside itself, in the layout of the pandas_ta files (see
 * test/reference/pandas_ta/reference.py and runtime/testing/indicatorReference.ts). A case: the
 * hean kind and params, which data column feeds each input port, the tulind call that computes
 * the same thing (as text), and which Tulip output is each hean output. Tulip has no defaults:
 * the options of a case with params {} are the defaults hean documents for the kind. Tulip's
 * outputs are shorter than its inputs by the indicator's start (lookback); they are padded with
 * null at the front so that row i is the value at input row i. Values are written to 12
 * significant digits (the tests compare at 1e-9 relative); null where Tulip gives no value or NaN.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const DATA = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const ROWS = 400;

/**
 * kind, hean params, hean port -> data column, Tulip indicator and options, hean output -> Tulip
 * output; `post`: a rescaling of Tulip's values, as JavaScript text appended to the call (for a
 * hean param Tulip fixes, e.g. volatility's annualization).
 */
function c(kind, params, inputs, name, options, outputs, post) {
  return { kind, params, inputs, name, options, outputs, post };
}
const HL = { high: 'high', low: 'low' };
const HLV = { high: 'high', low: 'low', volume: 'volume' };
const HLC = { high: 'high', low: 'low', close: 'close' };
const S = { series: 'close' };
const V = { volume: 'volume' };

const CASES = [
  c('indicator.cvi', {}, HL, 'cvi', [10], { value: 'cvi' }),
  c('indicator.cvi', { period: 5 }, HL, 'cvi', [5], { value: 'cvi' }),
  c('indicator.fosc', {}, S, 'fosc', [14], { value: 'fosc' }),
  c('indicator.fosc', { period: 5 }, S, 'fosc', [5], { value: 'fosc' }),
  c('indicator.marketfi', {}, HLV, 'marketfi', [], { value: 'marketfi' }),
  c('indicator.vosc', {}, V, 'vosc', [5, 10], { value: 'vosc' }),
  c('indicator.vosc', { shortPeriod: 2, longPeriod: 5 }, V, 'vosc', [2, 5], { value: 'vosc' }),
  c('indicator.vosc', { shortPeriod: 14, longPeriod: 28 }, V, 'vosc', [14, 28], { value: 'vosc' }),
  c('indicator.wad', {}, HLC, 'wad', [], { value: 'wad' }),
  c('indicator.volatility', {}, S, 'volatility', [20], { value: 'volatility' }),
  c('indicator.volatility', { period: 10 }, S, 'volatility', [10], { value: 'volatility' }),
  // Hourly bars around the clock: Tulip's sqrt(252) replaced by sqrt(24 * 365).
  c('indicator.volatility', { period: 24, periodsPerYear: 8760 }, S, 'volatility', [24], { value: 'volatility' }, ' / Math.sqrt(252) * Math.sqrt(8760)'),
  c('indicator.stderr', {}, S, 'stderr', [14], { value: 'stderr' }),
  c('indicator.stderr', { period: 5 }, S, 'stderr', [5], { value: 'stderr' }),
  c('indicator.msw', {}, S, 'msw', [5], { sine: 'msw_sine', lead: 'msw_lead' }),
  c('indicator.msw', { period: 20 }, S, 'msw', [20], { sine: 'msw_sine', lead: 'msw_lead' }),
  c('indicator.lag', {}, S, 'lag', [1], { value: 'lag' }),
  c('indicator.lag', { period: 5 }, S, 'lag', [5], { value: 'lag' }),
  c('indicator.lag', { period: 0 }, S, 'lag', [0], { value: 'lag' }),
  c('indicator.edecay', {}, S, 'edecay', [5], { value: 'edecay' }),
  c('indicator.edecay', { period: 2 }, S, 'edecay', [2], { value: 'edecay' }),
  c('indicator.emv', {}, HLV, 'emv', [], { value: 'emv' }),
  // pandas-ta's decay as fixed after its issue #715 is Tulip's decay / edecay floored at 0 (prices never reach the floor).
  c('indicator.decay', {}, S, 'decay', [5], { value: 'decay' }),
  c('indicator.decay', { length: 3, mode: 'exp' }, S, 'edecay', [3], { value: 'edecay' }),
];

function number(v) {
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return Number(v.toPrecision(12));
}

function load() {
  const dir = process.env.TULIND_DIR;
  if (!dir) {
    console.error('set TULIND_DIR to a folder whose node_modules holds tulind 0.8.20');
    process.exit(1);
  }
  const require = createRequire(join(dir, 'x'));
  const tulind = require('tulind');
  const pkg = require('tulind/package.json');
  const lines = gunzipSync(readFileSync(join(process.env.HEAN_DATA_DIR ?? '../shared/data', DATA)))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0);
  const header = lines[0].split(',');
  const df = Object.fromEntries(header.map((h) => [h, []]));
  for (const line of lines.slice(1, ROWS + 1)) line.split(',').forEach((v, k) => df[header[k]].push(Number(v)));
  return { tulind, version: `Tulip Indicators ${tulind.version} via tulind ${pkg.version}`, df };
}

async function main() {
  const { tulind, version, df } = load();
  const out = [];
  for (const k of CASES) {
    const ind = tulind.indicators[k.name];
    const columns = ind.input_names.map((n) => (n === 'real' ? 'close' : n));
    for (const col of columns) if (!Object.values(k.inputs).includes(col)) throw new Error(`${k.kind}: tulip input ${col} not fed`);
    const call = `tulind.indicators.${k.name}.indicator([${columns.join(', ')}], [${k.options.join(', ')}])${k.post ? ` (each value${k.post})` : ''}`;
    const post = k.post ? new Function('v', `return v${k.post};`) : (v) => v;
    const result = await ind.indicator(columns.map((col) => df[col]), k.options);
    const start = ind.start(k.options);
    const outputs = {};
    for (const [port, name] of Object.entries(k.outputs)) {
      const series = result[ind.output_names.indexOf(name)];
      if (series.length !== ROWS - start) throw new Error(`${k.kind}: ${call} gave ${series.length} values, expected ${ROWS - start}`);
      outputs[port] = [...new Array(start).fill(null), ...series.map((v) => number(post(v)))];
    }
    out.push({ kind: k.kind, params: k.params, inputs: k.inputs, call, columns: k.outputs, outputs });
  }
  const path = join(dirname(fileURLToPath(import.meta.url)), 'tulip.json.gz');
  const doc = { generator: 'test/reference/tulip/generate.mjs', reference: version, data: DATA, rows: ROWS, cases: out };
  writeFileSync(path, gzipSync(JSON.stringify(doc)));
  console.log(`wrote ${path}: ${out.length} cases, ${statSync(path).size} bytes`);
}

await main();
