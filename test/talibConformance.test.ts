/**
 * TA-Lib conformance of every indicator kind (issue: the indicator library). For each function
 * of ../shared/fixtures/talib_functions.json that hean registers:
 * - the declaration follows the naming contract (kind, ports, params with TA-Lib's defaults and
 *   ranges, MA types by name, outputs) and the declared warm-up equals TA-Lib's lookback;
 * - outputs equal TA-Lib 0.6.4's in talib_all_first1500.csv.gz (defaults) and
 *   talib_btcusdt_1h_first1500.csv (other params): same empty cells, values within 1e-9
 *   relative, NaN/Infinity where TA-Lib writes nan/inf;
 * - outputs equal the TA-Lib C library itself (npm `talib`, TA-Lib 0.6 built from source) on
 *   5,000 real bars, at the defaults and at other params and every MA type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { allNodes } from '../nodes/index.js';
import type { AnyNodeDefinition } from '../runtime/defineNode.js';
import { compileParams } from '../runtime/params.js';
import { dataFile, fixtureFile } from '../runtime/testing/dataFile.js';
import { runKernel } from '../runtime/testing/runKernel.js';
import { talibFunctions, talibReference, type TalibFunction } from '../runtime/testing/talib.js';

const ROWS = 5000;
const FIXTURE_ROWS = 1500;

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const raw = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return { header: lines[0].trim().split(','), rows: lines.slice(1).map((l) => l.trim().split(',')) };
}

const data = readCsv(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz'));
const column = (name: string) => Float64Array.from(data.rows.slice(0, ROWS), (r) => Number(r[data.header.indexOf(name)]));
const bars = { time: column('time'), open: column('open'), high: column('high'), low: column('low'), close: column('close'), volume: column('volume') };
/** MAVP's periods input: a deterministic integer series from the data (TA-Lib clamps it to min/max). */
const periods = Float64Array.from(bars.volume, (v) => Math.round(v) % 40);
/** What the fixture's MAVP column was computed with: a constant period of 14 (found by matching it). */
const fixturePeriods = new Float64Array(ROWS).fill(14);

/** Real inputs by hean port name (the fixture's convention: one real input = close; two = close, volume). */
function inputsFor(fn: TalibFunction, forFixture = false): Record<string, Float64Array> {
  const map: Record<string, Float64Array> = { ...bars, series: bars.close, series0: bars.close, series1: bars.volume, periods: forFixture ? fixturePeriods : periods };
  return Object.fromEntries(fn.inputPorts.map((p) => [p, map[p]]));
}

const registered = new Map(allNodes.map((d) => [d.kind, d]));
const covered = talibFunctions.filter((fn) => registered.has(fn.kind));

function sameValue(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want));
}

function assertColumn(label: string, got: Float64Array, want: Float64Array, noOutput: (i: number) => boolean, warmup: number, rows: number): void {
  for (let i = 0; i < rows; i++) {
    if (noOutput(i)) {
      assert.ok(i < warmup, `${label}[${i}]: TA-Lib gives no output here but the declared warm-up is ${warmup}`);
      assert.ok(Number.isNaN(got[i]), `${label}[${i}]: TA-Lib gives no output, hean gave ${got[i]}`);
    } else {
      assert.ok(i >= warmup, `${label}[${i}]: TA-Lib gives ${want[i]} but the declared warm-up is ${warmup}`);
      if (!sameValue(got[i], want[i])) assert.fail(`${label}[${i}]: hean ${got[i]}, TA-Lib ${want[i]}`);
    }
  }
}

function run(def: AnyNodeDefinition, fn: TalibFunction, params: Record<string, unknown>, rows: number, forFixture = false) {
  const inputs = Object.fromEntries(Object.entries(inputsFor(fn, forFixture)).map(([k, v]) => [k, v.subarray(0, rows)]));
  return runKernel(def, params, inputs, { chunkSize: 333, length: rows });
}

test('every TA-Lib function is registered under its talib_functions.json kind', () => {
  assert.equal(talibFunctions.length, 161);
  assert.deepEqual(talibFunctions.filter((fn) => !registered.has(fn.kind)).map((fn) => fn.kind), []);
});

for (const fn of covered) {
  const def = registered.get(fn.kind)!;

  test(`${fn.kind}: declaration follows talib_functions.json`, () => {
    assert.deepEqual(Object.keys(def.inputs), fn.inputPorts, 'input ports');
    assert.deepEqual(Object.keys(def.outputs), fn.outputs.map((o) => o.heanName), 'outputs');
    const properties = def.params.properties as Record<string, { default?: unknown; minimum?: number; maximum?: number; anyOf?: { const: string }[]; enum?: string[] }>;
    assert.deepEqual(Object.keys(properties).sort(), fn.optInputs.map((o) => o.heanName).sort(), 'params');
    for (const o of fn.optInputs) {
      const p = properties[o.heanName];
      if (o.isMAType) {
        assert.equal(p.default, o.defaultHean, `${o.heanName} default`);
        const names = (p.anyOf?.map((b) => b.const) ?? p.enum ?? []).slice().sort();
        assert.deepEqual(names, o.allowed!.map((a) => a.heanValue).sort(), `${o.heanName} MA types`);
      } else {
        assert.equal(p.default, o.default, `${o.heanName} default`);
        if (o.range) {
          assert.equal(p.minimum, o.range.min, `${o.heanName} minimum`);
          assert.equal(p.maximum, o.range.max, `${o.heanName} maximum`);
        }
      }
    }
    assert.equal(def.warmup?.(compileParams(def).parse({})) ?? 0, fn.lookbackWithDefaults, 'warm-up at the defaults = TA-Lib lookback');
  });

  test(`${fn.kind}: equals the TA-Lib C library on ${ROWS} real bars (defaults, other params, every MA type)`, () => {
    for (const params of paramVariants(fn)) {
      const parsed = compileParams(def).parse(params);
      const warmup = def.warmup?.(parsed) ?? 0;
      const got = run(def, fn, params, ROWS);
      const want = talibReference(fn, inputsFor(fn), parsed, ROWS);
      for (const o of fn.outputs) {
        assertColumn(`${fn.kind}.${o.heanName} ${JSON.stringify(params)}`, got[o.heanName], want[o.heanName], (i) => i < firstOutput(want), warmup, ROWS);
      }
    }
  });
}

/** First row with an output: TA-Lib's begIndex (NaN before it in the reference columns). */
function firstOutput(want: Record<string, Float64Array>): number {
  const first = Object.values(want)[0];
  let i = 0;
  while (i < first.length && Number.isNaN(first[i])) i++;
  // A function can output NaN as a value (ACOS of prices): then its begIndex is its lookback 0.
  return i === first.length ? 0 : i;
}

/** Defaults; every integer param doubled (capped) and at its minimum; each MA type; reals scaled. */
function paramVariants(fn: TalibFunction): Record<string, unknown>[] {
  const variants: Record<string, unknown>[] = [{}];
  const integers = fn.optInputs.filter((o) => o.valueType === 'integer' && !o.isMAType && o.range);
  if (integers.length) {
    variants.push(Object.fromEntries(integers.map((o) => [o.heanName, Math.min(o.range!.max, Math.max(o.range!.min, o.default * 2 + 1))])));
    variants.push(Object.fromEntries(integers.map((o) => [o.heanName, Math.max(o.range!.min, Math.min(o.default, o.range!.min + 1))])));
  }
  const reals = fn.optInputs.filter((o) => o.valueType === 'real');
  if (reals.length) variants.push(Object.fromEntries(reals.map((o) => [o.heanName, o.range ? Math.min(o.range.max, o.default * 1.5 + 0.01) : o.default])));
  for (const o of fn.optInputs.filter((x) => x.isMAType)) {
    for (const a of o.allowed!) if (a.heanValue !== o.defaultHean) variants.push({ [o.heanName]: a.heanValue });
  }
  return variants;
}

test('TA-Lib 0.6.4 fixtures: every covered column of talib_all_first1500.csv.gz and talib_btcusdt_1h_first1500.csv', (t) => {
  const all = readCsv(fixtureFile('talib_all_first1500.csv.gz'));
  let checked = 0;
  // Every column is checked even when one fails, so one broken kind cannot hide the others.
  const failures: string[] = [];
  const check = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      failures.push((e as Error).message.split('\n')[0]);
    }
  };
  for (const fn of covered) {
    const def = registered.get(fn.kind)!;
    const lower = fn.kind.slice('indicator.'.length);
    const columns = fn.outputs.map((o) => [o.heanName, all.header.indexOf(`${lower}.${o.heanName}`)] as const).filter(([, i]) => i >= 0);
    if (!columns.length) continue;
    const warmup = def.warmup?.(compileParams(def).parse({})) ?? 0;
    const got = run(def, fn, {}, FIXTURE_ROWS, true);
    for (const [name, index] of columns) {
      const cells = all.rows.map((r) => r[index]);
      const want = Float64Array.from(cells, (c) => (c === '' ? NaN : c === 'nan' ? NaN : c === 'inf' ? Infinity : c === '-inf' ? -Infinity : Number(c)));
      check(() => assertColumn(`${lower}.${name}`, got[name], want, (i) => cells[i] === '', warmup, FIXTURE_ROWS));
      checked++;
    }
  }
  const other = readCsv(fixtureFile('talib_btcusdt_1h_first1500.csv'));
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['sma20', 'indicator.sma', { timePeriod: 20 }, 'value'], ['ema20', 'indicator.ema', { timePeriod: 20 }, 'value'],
    ['wma20', 'indicator.wma', { timePeriod: 20 }, 'value'], ['dema20', 'indicator.dema', { timePeriod: 20 }, 'value'],
    ['tema20', 'indicator.tema', { timePeriod: 20 }, 'value'], ['rsi14', 'indicator.rsi', { timePeriod: 14 }, 'value'],
    ['macd', 'indicator.macd', {}, 'macd'], ['macd_signal', 'indicator.macd', {}, 'macdSignal'], ['macd_hist', 'indicator.macd', {}, 'macdHist'],
    ['stoch_slowk', 'indicator.stoch', { fastKPeriod: 14 }, 'slowK'], ['stoch_slowd', 'indicator.stoch', { fastKPeriod: 14 }, 'slowD'],
    ['cci20', 'indicator.cci', { timePeriod: 20 }, 'value'], ['willr14', 'indicator.willr', { timePeriod: 14 }, 'value'],
    ['adx14', 'indicator.adx', { timePeriod: 14 }, 'value'], ['plus_di14', 'indicator.plus_di', { timePeriod: 14 }, 'value'], ['minus_di14', 'indicator.minus_di', { timePeriod: 14 }, 'value'],
    ['bb_upper', 'indicator.bbands', { timePeriod: 20 }, 'upperBand'], ['bb_middle', 'indicator.bbands', { timePeriod: 20 }, 'middleBand'], ['bb_lower', 'indicator.bbands', { timePeriod: 20 }, 'lowerBand'],
    ['atr14', 'indicator.atr', { timePeriod: 14 }, 'value'], ['natr14', 'indicator.natr', { timePeriod: 14 }, 'value'], ['trange', 'indicator.trange', {}, 'value'],
    ['obv', 'indicator.obv', {}, 'value'], ['ad', 'indicator.ad', {}, 'value'], ['roc10', 'indicator.roc', { timePeriod: 10 }, 'value'],
    ['mom10', 'indicator.mom', { timePeriod: 10 }, 'value'], ['cmo14', 'indicator.cmo', { timePeriod: 14 }, 'value'],
    ['linearreg14', 'indicator.linearreg', { timePeriod: 14 }, 'value'], ['stddev20', 'indicator.stddev', { timePeriod: 20, nbDev: 1 }, 'value'],
    ['cdl_doji', 'indicator.cdldoji', {}, 'value'], ['cdl_engulfing', 'indicator.cdlengulfing', {}, 'value'], ['cdl_hammer', 'indicator.cdlhammer', {}, 'value'],
    ['cdl_shootingstar', 'indicator.cdlshootingstar', {}, 'value'], ['cdl_marubozu', 'indicator.cdlmarubozu', {}, 'value'],
  ];
  for (const [col, kind, params, output] of cases) {
    const def = registered.get(kind);
    const fn = talibFunctions.find((f) => f.kind === kind)!;
    if (!def) continue;
    const index = other.header.indexOf(col);
    assert.ok(index >= 0, `fixture column ${col}`);
    const cells = other.rows.map((r) => r[index]);
    const want = Float64Array.from(cells, (c) => (c === '' ? NaN : Number(c)));
    const warmup = def.warmup?.(compileParams(def).parse(params)) ?? 0;
    check(() => assertColumn(`${col} (${kind} ${JSON.stringify(params)})`, run(def, fn, params, FIXTURE_ROWS)[output], want, (i) => cells[i] === '', warmup, FIXTURE_ROWS));
    checked++;
  }
  t.diagnostic(`${checked} fixture columns checked`);
  assert.ok(checked > 0);
  assert.deepEqual(failures, [], `${failures.length} of ${checked} fixture columns differ`);
});
