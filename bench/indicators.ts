/**
 * Every indicator kind, in M bars/s on >= 1,000,000 real bars (the chained input of
 * bench/backtest.ts), streamed through its kernel in chunks of 1,024 as the runtime does.
 * Baselines measured in the same run:
 * - hand-written Float64Array loops of RSI, EMA, MACD, BBANDS and ATR (TA-Lib's arithmetic, so
 *   their values are checked equal to hean's): the floor to approach;
 * - technicalindicators 3.1.0 (`X.calculate` over plain arrays) and trading-signals 8.3.0
 *   (`update` per value) for the indicators they have, at the same parameters.
 * Targets (printed, not asserted): hean >= 0.5x the hand loop; >= 5x technicalindicators.
 */
import { allNodes } from '../nodes/index.js';
import type { AnyNodeDefinition, Kernel } from '../runtime/defineNode.js';
import { compileParams } from '../runtime/params.js';
import type { Features } from '../runtime/ports.js';
import { buildInput } from './backtest.js';
import { bestOf, int, mega, round, type BenchContext, type BenchOutcome, type Benchmark } from './harness.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { indicatorReferences } from '../runtime/testing/indicatorReference.js';
import * as TI from 'technicalindicators';
import * as TS from 'trading-signals';

const BARS = Number(process.env.HEAN_BENCH_BARS ?? 1_000_000);
/** pandas-ta runs on fewer bars (its Python-level loops (rolling apply) take over ten minutes in all on 200,000 bars); rates are per bar. */
const PANDAS_BARS = Math.min(BARS, 50_000);
const PYTHON = '/usr/bin/python3';

/**
 * pandas-ta's own code timed on the first PANDAS_BARS bars, for each kind with a pandas-ta
 * reference case (its default-params call), when PANDAS_TA_DIR names a pandas-ta checkout and
 * Debian's Python has pandas; undefined (and why) otherwise.
 */
function timePandasTa(c: Columns): { ms?: Record<string, number>; why?: string } {
  if (!process.env.PANDAS_TA_DIR) return { why: 'set PANDAS_TA_DIR to a pandas-ta 0.3.14b0 checkout to compare with pandas-ta' };
  if (!existsSync(PYTHON)) return { why: `${PYTHON} not found (apt-get install python3-pandas python3-scipy)` };
  const cases = new Map<string, string>();
  for (const file of indicatorReferences()) {
    if (!file.reference.startsWith('pandas-ta')) continue;
    for (const k of file.cases) if (!cases.has(k.kind) && Object.keys(k.params).length === 0) cases.set(k.kind, k.call);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hean-bench-pandas-ta-'));
  try {
    const lines = ['time,open,high,low,close,volume'];
    for (let i = 0; i < PANDAS_BARS; i++) lines.push(`${c.time[i]},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`);
    writeFileSync(join(dir, 'bars.csv'), lines.join('\n') + '\n');
    writeFileSync(join(dir, 'cases.json'), JSON.stringify([...cases].map(([kind, call]) => ({ kind, call }))));
    const r = spawnSync(PYTHON, [join(projectRoot, 'bench', 'pandas_ta_speed.py'), join(dir, 'bars.csv'), join(dir, 'cases.json')], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) return { why: `pandas-ta timing failed: ${(r.stderr || String(r.error)).trim().split('\n').slice(-3).join(' ')}` };
    return { ms: JSON.parse(r.stdout) as Record<string, number> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const CHUNK = 1024;
type Columns = ReturnType<typeof buildInput>['columns'];

/** Real inputs by port name, as in the conformance tests: one real input = close; two = close, volume; any other port close or open. */
function inputsFor(def: AnyNodeDefinition, c: Columns): Record<string, Float64Array | Float64Array[]> {
  const periods = Float64Array.from(c.volume, (v) => Math.round(v) % 40);
  const map: Record<string, Float64Array> = { ...c, series: c.close, series0: c.close, series1: c.volume, periods };
  // Other number ports (long_run's fast and slow, tsignals' trend): close and open in turn, as the contract suite does.
  return Object.fromEntries(Object.entries(def.inputs).map(([name, spec], i) => [name, spec.many ? [c.close, c.open] : (map[name] ?? (i % 2 ? c.open : c.close))]));
}

/**
 * Streams a kernel over the columns in chunks of CHUNK, reusing its output buffers as the runtime
 * does. With `keep`, also copies every chunk's outputs into whole columns (for checking values;
 * not timed).
 */
function runHean(def: AnyNodeDefinition, params: Record<string, unknown>, inputs: Record<string, Float64Array | Float64Array[]>, closeTimes: Float64Array, n: number, keep = false): Record<string, Float64Array> {
  const kernel = def.create!(compileParams(def).parse(params) as never, {
    id: def.kind,
    inputWires: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Array.isArray(v) ? v.map((_, i) => `${k}${i}`) : [k]])),
    warn: () => {},
  }) as Kernel;
  const outputs: Record<string, Float64Array | Features> = {};
  const whole: Record<string, Float64Array> = {};
  for (const [name, spec] of Object.entries(def.outputs)) {
    if (spec.type === 'features') {
      const names = kernel.featureNames?.[name] ?? [];
      outputs[name] = { names, columns: names.map(() => new Float64Array(CHUNK)) };
    } else {
      outputs[name] = new Float64Array(CHUNK);
      if (keep) whole[name] = new Float64Array(n);
    }
  }
  const chunkInputs: Record<string, Float64Array | Float64Array[]> = {};
  for (let start = 0; start < n; start += CHUNK) {
    const m = Math.min(CHUNK, n - start);
    for (const [k, v] of Object.entries(inputs)) chunkInputs[k] = Array.isArray(v) ? v.map((a) => a.subarray(start, start + m)) : v.subarray(start, start + m);
    kernel.step(m, closeTimes.subarray(start, start + m), chunkInputs, outputs);
    for (const name of Object.keys(whole)) whole[name].set((outputs[name] as Float64Array).subarray(0, m), start);
  }
  return whole;
}

// ---------------------------------------------------------------------------------------------
// Hand-written loops: whole arrays, no runtime, TA-Lib's arithmetic.

function handEma(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  const k = 2 / (p + 1);
  let s = 0.0;
  for (let i = 0; i < p; i++) s += x[i];
  let prev = s / p;
  out[p - 1] = prev;
  for (let i = p; i < x.length; i++) {
    prev = (x[i] - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

function handRsi(x: Float64Array, p: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  let gain = 0.0;
  let loss = 0.0;
  for (let i = 1; i <= p; i++) {
    const d = x[i] - x[i - 1];
    if (d < 0) loss -= d;
    else gain += d;
  }
  gain /= p;
  loss /= p;
  const value = (g: number, l: number) => (Math.abs(g + l) < 1e-8 ? 0 : 100 * (g / (g + l)));
  out[p] = value(gain, loss);
  for (let i = p + 1; i < x.length; i++) {
    const d = x[i] - x[i - 1];
    loss *= p - 1;
    gain *= p - 1;
    if (d < 0) loss -= d;
    else gain += d;
    loss /= p;
    gain /= p;
    out[i] = value(gain, loss);
  }
  return out;
}

function handMacd(x: Float64Array, fast: number, slow: number, signal: number): Float64Array {
  // TA-Lib seeds the fast EMA with the SMA of the `fast` values ending where the slow EMA starts.
  // Writes all three outputs, as the node does; returns the histogram.
  const n = x.length;
  const kf = 2 / (fast + 1);
  const ks = 2 / (slow + 1);
  const kg = 2 / (signal + 1);
  const hist = new Float64Array(n).fill(NaN);
  const macdLine = new Float64Array(n).fill(NaN);
  const signalLine = new Float64Array(n).fill(NaN);
  let sf = 0.0;
  let ss = 0.0;
  for (let i = 0; i < slow; i++) {
    ss += x[i];
    if (i >= slow - fast) sf += x[i];
  }
  let ef = sf / fast;
  let es = ss / slow;
  let sig = 0.0;
  let seed = ef - es;
  let count = 1;
  for (let i = slow; i < n; i++) {
    ef = (x[i] - ef) * kf + ef;
    es = (x[i] - es) * ks + es;
    const m = ef - es;
    if (count < signal) {
      seed += m;
      if (++count === signal) {
        sig = seed / signal;
        macdLine[i] = m;
        signalLine[i] = sig;
        hist[i] = m - sig;
      }
    } else {
      sig = (m - sig) * kg + sig;
      macdLine[i] = m;
      signalLine[i] = sig;
      hist[i] = m - sig;
    }
  }
  return hist;
}

function handBbandsUpper(x: Float64Array, p: number, dev: number): Float64Array {
  // Writes all three bands, as the node does; returns the upper one.
  const out = new Float64Array(x.length).fill(NaN);
  const middle = new Float64Array(x.length).fill(NaN);
  const lower = new Float64Array(x.length).fill(NaN);
  let sum = 0.0;
  let sq = 0.0;
  for (let i = 0; i < x.length; i++) {
    sum += x[i];
    sq += x[i] * x[i];
    if (i >= p - 1) {
      const mean = sum / p;
      const variance = sq / p - mean * mean;
      const sd = variance > 1e-14 ? Math.sqrt(variance) : 0;
      out[i] = mean + dev * sd;
      middle[i] = mean;
      lower[i] = mean - dev * sd;
      sum -= x[i - p + 1];
      sq -= x[i - p + 1] * x[i - p + 1];
    }
  }
  return out;
}

function handAtr(h: Float64Array, l: Float64Array, c: Float64Array, p: number): Float64Array {
  const out = new Float64Array(c.length).fill(NaN);
  let atr = 0.0;
  for (let i = 1; i < c.length; i++) {
    let tr = h[i] - l[i];
    const a = Math.abs(c[i - 1] - h[i]);
    if (a > tr) tr = a;
    const b = Math.abs(c[i - 1] - l[i]);
    if (b > tr) tr = b;
    if (i <= p) {
      atr += tr;
      if (i === p) out[i] = atr /= p;
    } else {
      atr = (atr * (p - 1) + tr) / p;
      out[i] = atr;
    }
  }
  return out;
}

interface HandCase {
  kind: string;
  params: Record<string, unknown>;
  output: string;
  run: (c: Columns) => Float64Array;
}
const handCases: HandCase[] = [
  { kind: 'indicator.rsi', params: { timePeriod: 14 }, output: 'value', run: (c) => handRsi(c.close, 14) },
  { kind: 'indicator.ema', params: { timePeriod: 30 }, output: 'value', run: (c) => handEma(c.close, 30) },
  { kind: 'indicator.macd', params: {}, output: 'macdHist', run: (c) => handMacd(c.close, 12, 26, 9) },
  { kind: 'indicator.bbands', params: { timePeriod: 20 }, output: 'upperBand', run: (c) => handBbandsUpper(c.close, 20, 2) },
  { kind: 'indicator.atr', params: { timePeriod: 14 }, output: 'value', run: (c) => handAtr(c.high, c.low, c.close, 14) },
];

// ---------------------------------------------------------------------------------------------
// Peer libraries, same parameters.

type Peer = (c: { close: number[]; high: number[]; low: number[]; volume: number[] }) => unknown;
const peers: Record<string, { technicalindicators?: Peer; tradingSignals?: Peer; params: Record<string, unknown> }> = {
  'indicator.sma': { params: { timePeriod: 30 }, technicalindicators: (c) => TI.SMA.calculate({ period: 30, values: c.close }), tradingSignals: (c) => each(new TS.SMA(30), c.close) },
  'indicator.ema': { params: { timePeriod: 30 }, technicalindicators: (c) => TI.EMA.calculate({ period: 30, values: c.close }), tradingSignals: (c) => each(new TS.EMA(30), c.close) },
  'indicator.wma': { params: { timePeriod: 30 }, technicalindicators: (c) => TI.WMA.calculate({ period: 30, values: c.close }), tradingSignals: (c) => each(new TS.WMA(30), c.close) },
  'indicator.rsi': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.RSI.calculate({ period: 14, values: c.close }), tradingSignals: (c) => each(new TS.RSI(14), c.close) },
  'indicator.macd': {
    params: {},
    technicalindicators: (c) => TI.MACD.calculate({ values: c.close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    tradingSignals: (c) => each(new TS.MACD(new TS.EMA(12), new TS.EMA(26), new TS.EMA(9)), c.close),
  },
  'indicator.bbands': { params: { timePeriod: 20 }, technicalindicators: (c) => TI.BollingerBands.calculate({ period: 20, values: c.close, stdDev: 2 }), tradingSignals: (c) => each(new TS.BollingerBands(20, 2), c.close) },
  'indicator.atr': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.ATR.calculate({ period: 14, high: c.high, low: c.low, close: c.close }), tradingSignals: (c) => eachCandle(new TS.ATR(14), c) },
  'indicator.adx': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.ADX.calculate({ period: 14, high: c.high, low: c.low, close: c.close }), tradingSignals: (c) => eachCandle(new TS.ADX(14), c) },
  'indicator.cci': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.CCI.calculate({ period: 14, high: c.high, low: c.low, close: c.close }), tradingSignals: (c) => eachCandle(new TS.CCI(14), c) },
  'indicator.willr': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.WilliamsR.calculate({ period: 14, high: c.high, low: c.low, close: c.close }), tradingSignals: (c) => eachCandle(new TS.WilliamsR(14), c) },
  'indicator.roc': { params: { timePeriod: 10 }, technicalindicators: (c) => TI.ROC.calculate({ period: 10, values: c.close }), tradingSignals: (c) => each(new TS.ROC(10), c.close) },
  'indicator.obv': { params: {}, technicalindicators: (c) => TI.OBV.calculate({ close: c.close, volume: c.volume }) },
  'indicator.mfi': { params: { timePeriod: 14 }, technicalindicators: (c) => TI.MFI.calculate({ period: 14, high: c.high, low: c.low, close: c.close, volume: c.volume }) },
  'indicator.trix': { params: { timePeriod: 30 }, technicalindicators: (c) => TI.TRIX.calculate({ period: 30, values: c.close }) },
  'indicator.stoch': {
    params: { fastKPeriod: 14, slowKPeriod: 3, slowDPeriod: 3 },
    technicalindicators: (c) => TI.Stochastic.calculate({ period: 14, signalPeriod: 3, high: c.high, low: c.low, close: c.close }),
    tradingSignals: (c) => eachCandle(new TS.StochasticOscillator({ kPeriod: 14, dPeriod: 3, kSlowingPeriod: 3 }), c),
  },
  'indicator.sar': { params: {}, technicalindicators: (c) => TI.PSAR.calculate({ high: c.high, low: c.low, step: 0.02, max: 0.2 }) },
};

function each(indicator: { update(x: number, replace: boolean): unknown }, values: number[]): unknown {
  let last: unknown;
  for (let i = 0; i < values.length; i++) last = indicator.update(values[i], false);
  return last;
}

function eachCandle(indicator: { update(c: { high: number; low: number; close: number }, replace: boolean): unknown }, c: { high: number[]; low: number[]; close: number[] }): unknown {
  let last: unknown;
  for (let i = 0; i < c.close.length; i++) last = indicator.update({ high: c.high[i], low: c.low[i], close: c.close[i] }, false);
  return last;
}

// ---------------------------------------------------------------------------------------------

const benchmark: Benchmark = {
  name: 'indicators',
  summary: `every indicator kind on >= ${int(BARS)} real bars, beside hand loops and peer libraries`,
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    const failures: string[] = [];
    ctx.progress('building the chained input');
    const { columns: all } = buildInput(BARS);
    const n = all.close.length;
    // Event times are bar closes (anchored kinds group by them): open time + the bar spacing.
    const closeTimes = all.time.map((t) => t + (all.time[1] - all.time[0]));
    const rate = (ms: number) => n / (ms / 1000);
    const defs = allNodes.filter((d) => d.kind.startsWith('indicator.'));
    const rows: Record<string, { heanMbps: number; handMbps?: number; handRatio?: number; tiMbps?: number; tiRatio?: number; tsMbps?: number; tsRatio?: number; pandasTaMbps?: number; pandasTaRatio?: number }> = {};

    for (const def of defs) {
      ctx.progress(def.kind);
      const params = peers[def.kind]?.params ?? handCases.find((h) => h.kind === def.kind)?.params ?? {};
      const inputs = inputsFor(def, all);
      const timed = await bestOf(3, 1, () => runHean(def, params, inputs, closeTimes, n));
      rows[def.kind] = { heanMbps: rate(timed.bestMs) / 1e6 };
    }

    for (const hand of handCases) {
      const def = defs.find((d) => d.kind === hand.kind);
      if (!def) continue;
      ctx.progress(`hand loop ${hand.kind}`);
      const timed = await bestOf(5, 1, () => hand.run(all));
      const hean = runHean(def, hand.params, inputsFor(def, all), closeTimes, n, true)[hand.output];
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const a = hean[i];
        const b = timed.best[i];
        if (Number.isNaN(a) !== Number.isNaN(b)) worst = Infinity;
        else if (!Number.isNaN(a)) worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
      if (!(worst <= 1e-9)) failures.push(`${hand.kind}: the hand loop disagrees with hean (max relative difference ${worst})`);
      const row = rows[hand.kind];
      row.handMbps = rate(timed.bestMs) / 1e6;
      row.handRatio = row.heanMbps / row.handMbps;
    }

    const plain = { close: Array.from(all.close), high: Array.from(all.high), low: Array.from(all.low), volume: Array.from(all.volume) };
    for (const [kind, peer] of Object.entries(peers)) {
      const row = rows[kind];
      if (!row) continue;
      if (peer.technicalindicators) {
        ctx.progress(`technicalindicators ${kind}`);
        const timed = await bestOf(2, 0, () => peer.technicalindicators!(plain));
        row.tiMbps = rate(timed.bestMs) / 1e6;
        row.tiRatio = row.heanMbps / row.tiMbps;
      }
      if (peer.tradingSignals) {
        ctx.progress(`trading-signals ${kind}`);
        const timed = await bestOf(2, 0, () => peer.tradingSignals!(plain));
        row.tsMbps = rate(timed.bestMs) / 1e6;
        row.tsRatio = row.heanMbps / row.tsMbps;
      }
    }

    ctx.progress(`pandas-ta on ${int(PANDAS_BARS)} bars`);
    const pandas = timePandasTa(all);
    for (const [kind, ms] of Object.entries(pandas.ms ?? {})) {
      const row = rows[kind];
      if (!row) continue;
      row.pandasTaMbps = PANDAS_BARS / (ms / 1000) / 1e6;
      row.pandasTaRatio = row.heanMbps / row.pandasTaMbps;
    }

    const f = (x?: number) => (x === undefined ? '' : x.toFixed(1));
    const r = (x?: number) => (x === undefined ? '' : `${x.toFixed(2)}x`);
    ctx.print(`${defs.length} indicator kinds, ${int(n)} bars each, chunks of ${CHUNK}; M bars/s (ratio = hean / baseline)`);
    ctx.print(`${'kind'.padEnd(30)} ${'hean'.padStart(7)}  ${'hand loop'.padStart(16)}  ${'technicalind.'.padStart(17)}  ${'trading-signals'.padStart(17)}  ${'pandas-ta'.padStart(17)}`);
    for (const [kind, row] of Object.entries(rows)) {
      const cell = (m?: number, ratio?: number) => (m === undefined ? '' : `${f(m)} (${r(ratio)})`);
      ctx.print(`${kind.padEnd(30)} ${f(row.heanMbps).padStart(7)}  ${cell(row.handMbps, row.handRatio).padStart(16)}  ${cell(row.tiMbps, row.tiRatio).padStart(17)}  ${cell(row.tsMbps, row.tsRatio).padStart(17)}  ${cell(row.pandasTaMbps, row.pandasTaRatio).padStart(17)}`);
    }
    const handRatios = Object.values(rows).flatMap((row) => (row.handRatio === undefined ? [] : [row.handRatio]));
    const tiRatios = Object.values(rows).flatMap((row) => (row.tiRatio === undefined ? [] : [row.tiRatio]));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const heanRates = Object.values(rows).map((row) => row.heanMbps);
    const pandasRatios = Object.values(rows).flatMap((row) => (row.pandasTaRatio === undefined ? [] : [row.pandasTaRatio]));
    ctx.print();
    ctx.print(`median over all kinds: ${median(heanRates).toFixed(1)} M bars/s; slowest: ${Object.entries(rows).sort((a, b) => a[1].heanMbps - b[1].heanMbps).slice(0, 3).map(([k, v]) => `${k} ${v.heanMbps.toFixed(1)}`).join(', ')}`);
    if (handRatios.length) ctx.print(`vs hand loops: min ${Math.min(...handRatios).toFixed(2)}x, median ${median(handRatios).toFixed(2)}x  (target >= 0.5x: ${Math.min(...handRatios) >= 0.5 ? 'met' : 'NOT met'})`);
    if (tiRatios.length) ctx.print(`vs technicalindicators: min ${Math.min(...tiRatios).toFixed(1)}x, median ${median(tiRatios).toFixed(1)}x  (target >= 5x: ${Math.min(...tiRatios) >= 5 ? 'met' : 'NOT met'})`);

    if (pandasRatios.length) ctx.print(`vs pandas-ta (pandas ${int(PANDAS_BARS)} bars, its own code): min ${Math.min(...pandasRatios).toFixed(1)}x, median ${median(pandasRatios).toFixed(1)}x over ${pandasRatios.length} kinds`);
    else ctx.print(`pandas-ta: not compared (${pandas.why})`);

    return {
      bench: 'indicators',
      ok: failures.length === 0,
      failures,
      bars: n,
      chunk: CHUNK,
      kinds: defs.length,
      rows: Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([a, b]) => [a, round(b)]))])),
      pandasTa: pandasRatios.length ? { bars: PANDAS_BARS, kinds: pandasRatios.length, minRatio: round(Math.min(...pandasRatios)), medianRatio: round(median(pandasRatios)) } : { skipped: pandas.why },
      targets: { handLoopRatio: { target: 0.5, min: round(Math.min(...handRatios)) }, technicalindicatorsRatio: { target: 5, min: round(Math.min(...tiRatios)) } },
    };
  },
};

export default benchmark;
