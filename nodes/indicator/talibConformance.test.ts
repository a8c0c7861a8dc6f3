import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { AnyNodeDefinition } from '../../runtime/defineNode.js';
import { compileParams } from '../../runtime/params.js';
import { runKernel } from '../../runtime/testing/runKernel.js';
import { dataFile, fixtureFile } from '../../runtime/testing/dataFile.js';
import { sma } from './sma.js';
import { ema } from './ema.js';
import { rsi } from './rsi.js';
import { macd } from './macd.js';
import { bbands } from './bbands.js';
import { atr } from './atr.js';

const ROWS = 1500;
const CHUNK_SIZES = [1, 7, 64, 1500];

/** A CSV as columns of numbers; an empty cell is NaN (and remembered as empty). */
interface Table {
  columns: Map<string, Float64Array>;
  empty: Map<string, Set<number>>;
}

function parseCsv(text: string, maxRows: number): Table {
  const lines = text.split('\n');
  const header = lines[0].trim().split(',');
  const columns = new Map(header.map((h) => [h, new Float64Array(maxRows)] as const));
  const empty = new Map(header.map((h) => [h, new Set<number>()] as const));
  let row = 0;
  for (let li = 1; li < lines.length && row < maxRows; li++) {
    const line = lines[li].trim();
    if (line === '') continue;
    const cells = line.split(',');
    assert.equal(cells.length, header.length, `CSV line ${li + 1} has ${cells.length} cells`);
    header.forEach((h, j) => {
      const cell = cells[j];
      if (cell === '') {
        columns.get(h)![row] = NaN;
        empty.get(h)!.add(row);
      } else {
        columns.get(h)![row] = Number(cell);
      }
    });
    row++;
  }
  assert.equal(row, maxRows, `expected ${maxRows} rows, read ${row}`);
  return { columns, empty };
}

const readText = (path: string) => {
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
};

const data = parseCsv(readText(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz')), ROWS);
const col = (t: Table, name: string) => {
  const c = t.columns.get(name);
  assert.ok(c, `column ${name} missing`);
  return c;
};
const bars = { high: col(data, 'high'), low: col(data, 'low'), close: col(data, 'close') };

interface Case {
  def: AnyNodeDefinition;
  params: Record<string, unknown>;
  /** hean output name -> fixture column. */
  columns: Record<string, string>;
}

/** Runs a case at every chunk size, checks bit-identity across them, returns the outputs. */
function runAllChunkSizes(c: Case): Record<string, Float64Array> {
  const inputs = Object.keys(c.def.inputs).length === 1 ? { series: bars.close } : bars;
  let first: Record<string, Float64Array> | undefined;
  for (const chunkSize of CHUNK_SIZES) {
    const out = runKernel(c.def, c.params, inputs, { chunkSize });
    if (!first) {
      first = out;
      continue;
    }
    for (const name of Object.keys(first)) {
      for (let i = 0; i < ROWS; i++) {
        assert.ok(
          Object.is(out[name][i], first[name][i]),
          `${c.def.kind}.${name}[${i}]: chunk ${chunkSize} gave ${out[name][i]}, chunk ${CHUNK_SIZES[0]} gave ${first[name][i]}`,
        );
      }
    }
  }
  return first!;
}

/** Compares outputs with fixture columns; returns the max relative error per column. */
function compare(c: Case, out: Record<string, Float64Array>, fixture: Table): Record<string, number> {
  const errors: Record<string, number> = {};
  const params = compileParams(c.def).parse(c.params);
  const warmup = c.def.warmup!(params);
  for (const [name, column] of Object.entries(c.columns)) {
    const got = out[name];
    const want = col(fixture, column);
    const empty = fixture.empty.get(column)!;
    let maxRel = 0;
    let leadingNaN = 0;
    while (leadingNaN < ROWS && Number.isNaN(got[leadingNaN])) leadingNaN++;
    assert.equal(leadingNaN, warmup, `${column}: leading NaNs vs declared warmup`);
    for (let i = 0; i < ROWS; i++) {
      if (empty.has(i)) {
        assert.ok(Number.isNaN(got[i]), `${column}[${i}]: TA-Lib has no value, hean gave ${got[i]}`);
        continue;
      }
      assert.ok(!Number.isNaN(got[i]), `${column}[${i}]: hean gave NaN, TA-Lib ${want[i]}`);
      const diff = Math.abs(got[i] - want[i]);
      assert.ok(diff <= 1e-9 * Math.max(1, Math.abs(want[i])), `${column}[${i}]: hean ${got[i]}, TA-Lib ${want[i]}`);
      maxRel = Math.max(maxRel, diff / Math.max(1, Math.abs(want[i])));
    }
    errors[column] = maxRel;
  }
  return errors;
}

function assertTimesAlign(fixture: Table, label: string) {
  const ft = col(fixture, 'time');
  const dt = col(data, 'time');
  for (let i = 0; i < ROWS; i++) assert.equal(ft[i], dt[i], `${label}: row ${i} time differs from the data file`);
}

test('TA-Lib fixture talib_btcusdt_1h_first1500.csv: sma20 ema20 rsi14 macd(12,26,9) bbands(20,2,2) atr14', (t) => {
  const fixture = parseCsv(readText(fixtureFile('talib_btcusdt_1h_first1500.csv')), ROWS);
  assertTimesAlign(fixture, 'talib_btcusdt_1h_first1500.csv');
  const closeFixture = col(fixture, 'close');
  for (let i = 0; i < ROWS; i++) assert.equal(closeFixture[i], bars.close[i], `close[${i}]`);
  const cases: Case[] = [
    { def: sma, params: { timePeriod: 20 }, columns: { value: 'sma20' } },
    { def: ema, params: { timePeriod: 20 }, columns: { value: 'ema20' } },
    { def: rsi, params: { timePeriod: 14 }, columns: { value: 'rsi14' } },
    {
      def: macd,
      params: { fastPeriod: 12, slowPeriod: 26, signalPeriod: 9 },
      columns: { macd: 'macd', macdSignal: 'macd_signal', macdHist: 'macd_hist' },
    },
    {
      def: bbands,
      params: { timePeriod: 20, nbDevUp: 2, nbDevDn: 2 },
      columns: { upperBand: 'bb_upper', middleBand: 'bb_middle', lowerBand: 'bb_lower' },
    },
    { def: atr, params: { timePeriod: 14 }, columns: { value: 'atr14' } },
  ];
  for (const c of cases) {
    const errors = compare(c, runAllChunkSizes(c), fixture);
    for (const [column, e] of Object.entries(errors)) t.diagnostic(`max relative error ${column}: ${e.toExponential(2)}`);
  }
});

interface TalibFunction {
  name: string;
  kind: string;
  inputPorts: string[];
  optInputs: { heanName: string; default: unknown; range?: { min: number; max: number }; defaultHean?: string }[];
  outputs: { heanName: string }[];
  lookbackWithDefaults: number;
}
const functions = JSON.parse(readText(fixtureFile('talib_functions.json'))) as TalibFunction[];
const defs: Record<string, AnyNodeDefinition> = { sma, ema, rsi, macd, bbands, atr };

/** Optional inputs of TA-Lib that these nodes deliberately do not declare. */
const NOT_DECLARED: Record<string, string[]> = {
  // hean's bbands is the SMA-middle-band form only (TA-Lib default maType = SMA).
  bbands: ['maType'],
};

test('TA-Lib fixture talib_all_first1500.csv.gz: the six functions at default params', (t) => {
  const fixture = parseCsv(readText(fixtureFile('talib_all_first1500.csv.gz')), ROWS);
  assertTimesAlign(fixture, 'talib_all_first1500.csv.gz');
  for (const [lower, def] of Object.entries(defs)) {
    const outputs = Object.keys(def.outputs);
    const columns = Object.fromEntries(outputs.map((o) => [o, `${lower}.${o}`]));
    for (const column of Object.values(columns)) assert.ok(fixture.columns.has(column), `column ${column} missing`);
    const c: Case = { def, params: {}, columns };
    const errors = compare(c, runAllChunkSizes(c), fixture);
    for (const [column, e] of Object.entries(errors)) t.diagnostic(`max relative error ${column}: ${e.toExponential(2)}`);
  }
});

test('declarations match talib_functions.json (kind, ports, params, defaults, ranges, lookback)', () => {
  for (const [lower, def] of Object.entries(defs)) {
    const fn = functions.find((f) => f.kind === `indicator.${lower}`);
    assert.ok(fn, `indicator.${lower} not in talib_functions.json`);
    assert.equal(def.kind, fn.kind);
    assert.deepEqual(Object.keys(def.inputs), fn.inputPorts, `${def.kind} input ports`);
    assert.deepEqual(Object.keys(def.outputs), fn.outputs.map((o) => o.heanName), `${def.kind} outputs`);
    const properties = def.params.properties as Record<string, { default?: unknown; minimum?: number; maximum?: number }>;
    const skipped = NOT_DECLARED[lower] ?? [];
    const expected = fn.optInputs.filter((o) => !skipped.includes(o.heanName));
    assert.deepEqual(Object.keys(properties).sort(), expected.map((o) => o.heanName).sort(), `${def.kind} params`);
    for (const o of expected) {
      const p = properties[o.heanName];
      assert.equal(p.default, o.default, `${def.kind}.${o.heanName} default`);
      assert.ok(o.range, `${def.kind}.${o.heanName} has a range in the table`);
      assert.equal(p.minimum, o.range.min, `${def.kind}.${o.heanName} minimum`);
      assert.equal(p.maximum, o.range.max, `${def.kind}.${o.heanName} maximum`);
    }
    for (const name of skipped) assert.ok(!(name in properties), `${def.kind}.${name} is now declared: update NOT_DECLARED`);
    const defaults = compileParams(def).parse({});
    assert.equal(def.warmup!(defaults), fn.lookbackWithDefaults, `${def.kind} warmup at defaults`);
  }
});
