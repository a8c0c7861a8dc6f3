import { join } from 'node:path';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { computeMetrics, type Trade } from '../runtime/portfolio/metrics.js';
import { runGraph, type RunResult } from '../runtime/exec/runGraph.js';
import type { CompiledGraph } from '../runtime/graph/compileGraph.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { Xoshiro128 } from '../runtime/tune/xoshiro128.js';
import type { TunePageData, TuneTrial } from './tunePage.js';
import type { WalkForwardFold, WalkForwardPageData } from './walkForwardPage.js';

/** Runs shared by the viz tests (unit and browser). */

export function compileExample(name = 'sma-cross', set: Record<string, unknown> = {}): CompiledGraph {
  const { graph, diagnostics } = loadGraph(join(projectRoot, 'graphs', `${name}.yaml`), { set });
  if (!graph) throw new Error(`graphs/${name}.yaml does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return graph;
}

/** The example backtest on the real data ($HEAN_DATA_DIR). */
export async function exampleRun(name = 'sma-cross'): Promise<RunResult> {
  return runGraph(compileExample(name));
}

/**
 * A run result of `bars` synthetic hourly bars (a deterministic random walk, trades every ~100
 * bars), for checking that reports stay small and fast on a million bars without a million-bar
 * data file. Its graph is the compiled sma-cross (only drawn, not run).
 */
export function syntheticRun(bars: number): RunResult {
  const graph = compileExample();
  const H = 3_600_000;
  const start = Date.UTC(2000, 0, 1);
  const eventTimes = new Float64Array(bars);
  const closes = new Float64Array(bars);
  const equity = new Float64Array(bars);
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const cash = 10_000;
  let price = 100;
  let qty = 0;
  let money = cash;
  const trades: Trade[] = [];
  let entry: { time: number; price: number; qty: number } | undefined;
  let inMarket = 0;
  for (let i = 0; i < bars; i++) {
    const open = price;
    price = Math.max(1, price * (1 + (random() - 0.4995) * 0.01 + (i % 250_000 === 1000 ? -0.3 : 0))); // a crash now and then
    if (i % 100 === 0 && i > 0) {
      const time = start + i * H;
      if (entry) {
        money += qty * open;
        trades.push({ entryTime: entry.time, entryPrice: entry.price, exitTime: time, exitPrice: open, qty: entry.qty, fees: 0, pnl: entry.qty * (open - entry.price) });
        qty = 0;
        entry = undefined;
      } else {
        qty = money / open;
        money = 0;
        entry = { time, price: open, qty };
      }
    }
    if (qty) inMarket++;
    eventTimes[i] = start + (i + 1) * H;
    closes[i] = price;
    equity[i] = money + qty * price;
  }
  const metrics = computeMetrics({ initialCash: cash, equity, eventTimes, startTime: start, barsInMarket: inMarket, trades });
  const report: BrokerReport = { kind: 'broker', metrics, trades, equity, eventTimes, closes, ordersReceived: trades.length * 2, fills: trades.length * 2, unfilledOrders: 0, ruined: false };
  return {
    graph,
    sources: { bars: { symbol: 'SYNTH', timeframe: '1h', file: 'synthetic', rows: bars, firstOpenTime: start, lastOpenTime: start + (bars - 1) * H, gaps: 0, missingBars: 0, gapList: [], rowsDropped: 0 } },
    reports: { broker: report },
    warnings: [],
    events: bars,
    chunks: Math.ceil(bars / 1024),
    mode: 'backtest',
    pulses: [],
    outputs: {},
    timings: { loadMs: 0, stepMs: 0, reportMs: 0 },
  };
}

/**
 * A graph of `n` chained nodes that each also read `bars.close` (node k: indicator.sub or
 * indicator.add of node k-1 and bars.close), then a crossover, a sizer and a broker: the shape
 * that made ELK's layered layout quadratic (every bars.close wire spans all the layers before
 * its reader). For the drawing tests and bench/drawing.ts.
 */
export function chainGraph(n: number): string {
  const lines = ['version: 1', `name: chain-${n}`, 'nodes:', '  bars: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }'];
  for (let k = 1; k <= n; k++) {
    lines.push(`  n${k}: { kind: indicator.${k % 2 ? 'sub' : 'add'}, in: { series0: ${k === 1 ? 'bars.close' : `n${k - 1}.value`}, series1: bars.close } }`);
  }
  lines.push(
    `  cross: { kind: signal.crossover, in: { a: n${n}.value, b: bars.close } }`,
    '  size: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 1 } }',
    '  broker: { kind: sink.broker, in: { orders: size.orders, market: bars } }',
    'modes:',
    '  backtest:',
    '    bars: { file: btcusdt_1h_binance_2017-08_2024-04.csv.gz }',
  );
  return lines.join('\n') + '\n';
}

/** The order-book test graph (test/book-report.yaml: the real 11-minute book and trades, trades recorded), run as `--report` runs it. */
export async function bookRun(): Promise<RunResult> {
  const { graph, diagnostics } = loadGraph(join(projectRoot, 'test', 'book-report.yaml'), { requireBindings: true });
  if (!graph) throw new Error(`test/book-report.yaml does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return runGraph(graph, { report: true });
}

/**
 * A synthetic study of `n` trials for the tune page's tests: four params (int, log int, log
 * float, categorical), Sharpe (maximised) and max drawdown (minimised) as objectives. Every 7th
 * trial is pruned (with its last value), every 13th failed. `paretoFront` is computed here by
 * brute force over the complete trials (no trial at least as good on both and better on one).
 */
export function syntheticStudy(n: number): TunePageData {
  const rng = new Xoshiro128(7);
  const kinds = ['sma', 'ema', 'wma'];
  const trials: TuneTrial[] = [];
  for (let k = 0; k < n; k++) {
    const fast = 2 + rng.nextInt(49);
    const slow = Math.round(10 * 20 ** rng.nextFloat());
    const stop = 0.001 * 100 ** rng.nextFloat();
    const kind = kinds[rng.nextInt(3)];
    const sharpe = 1.5 - ((fast - 12) / 20) ** 2 - (Math.log10(slow) - 1.7) ** 2 + (kind === 'ema' ? 0.2 : 0) + (rng.nextFloat() - 0.5) * 0.6;
    const drawdown = 12 + 25 * rng.nextFloat() + 5 * Math.abs(sharpe);
    const state = k % 13 === 12 ? 'failed' : k % 7 === 6 ? 'pruned' : 'complete';
    trials.push({
      number: k,
      params: { fast, slow, stop, kind },
      values: state === 'failed' ? [null, null] : [sharpe, drawdown],
      state,
      ...(state === 'pruned' ? { prunedAtStep: 3 } : {}),
      metrics: state === 'failed' ? {} : { sharpe, maxDrawdownPct: drawdown, trades: 20 + rng.nextInt(80) },
    });
  }
  const complete = trials.filter((t) => t.state === 'complete');
  const dominates = (a: TuneTrial, b: TuneTrial) => a.values[0]! >= b.values[0]! && a.values[1]! <= b.values[1]! && (a.values[0]! > b.values[0]! || a.values[1]! < b.values[1]!);
  return {
    title: 'tune: sma-cross',
    subtitle: `${n} trials of TPE (seed 7), sharpe maximised, drawdown minimised`,
    objectives: [
      { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 },
      { key: 'maxDrawdownPct', label: 'max drawdown %', higherIsBetter: false, digits: 1 },
    ],
    params: [
      { name: 'fast', type: 'int', low: 2, high: 50 },
      { name: 'slow', type: 'int', log: true, low: 10, high: 200 },
      { name: 'stop', type: 'float', log: true, low: 0.001, high: 0.1 },
      { name: 'kind', type: 'categorical', choices: kinds },
    ],
    trials,
    paretoFront: complete.filter((t) => !complete.some((o) => dominates(o, t))).map((t) => t.number),
    importance: [
      { name: 'fast', importance: 0.55 },
      { name: 'slow', importance: 0.3 },
      { name: 'kind', importance: 0.1 },
      { name: 'stop', importance: 0.05 },
    ],
    selection: { trials: n, sharpe: 1.62, expectedMaxSharpe: 1.21, deflatedSharpe: 0.71, pbo: 0.32 },
  };
}

/**
 * A synthetic walk-forward of `folds` folds over daily bars from 2020-01-01: a year's train
 * window then a quarter's test window per fold, rolling by the test window; the stitched equity
 * a deterministic random walk over the test windows, with a fixed-params comparison. Fold 2 has
 * no params (no trial gave a value in sample).
 */
export function syntheticWalkForward(folds: number): WalkForwardPageData {
  const rng = new Xoshiro128(11);
  const DAY = 86_400_000;
  const start = Date.UTC(2020, 0, 1);
  const out: WalkForwardFold[] = [];
  const t: number[] = [];
  const equity: number[] = [];
  const fixed: number[] = [];
  let e = 10_000;
  let f = 10_000;
  for (let k = 0; k < folds; k++) {
    const trainFrom = start + k * 91 * DAY;
    const testFrom = trainFrom + 365 * DAY;
    const testTo = testFrom + 91 * DAY;
    const first = e;
    for (let d = testFrom; d < testTo; d += DAY) {
      e *= 1 + (rng.nextFloat() - 0.48) * 0.04;
      f *= 1 + (rng.nextFloat() - 0.49) * 0.04;
      t.push(d);
      equity.push(e);
      fixed.push(f);
    }
    out.push({
      index: k + 1,
      trainFrom,
      trainTo: testFrom,
      testFrom,
      testTo,
      params: k === 2 ? null : { fast: [5, 10, 10, 15, 20][k % 5], slow: [30, 30, 50, 50, 100][k % 5], kind: ['sma', 'ema'][k % 2] },
      inSample: k === 2 ? null : 1 + rng.nextFloat(),
      outOfSample: k === 2 ? null : rng.nextFloat() * 2 - 0.5,
      returnPct: ((e - first) / first) * 100,
      trades: 5 + rng.nextInt(20),
    });
  }
  return {
    title: 'walk-forward: sma-cross',
    subtitle: `${folds} folds, 365-day train, 91-day test, rolling`,
    metric: { key: 'sharpe', label: 'Sharpe', higherIsBetter: true, digits: 2 },
    params: ['fast', 'slow', 'kind'],
    ranges: { fast: [5, 10, 15, 20, 25], slow: [30, 50, 100, 200], kind: ['sma', 'ema', 'wma'] },
    folds: out,
    stitched: { t, equity },
    comparisons: [{ label: 'fixed params (fast=10, slow=30)', t, equity: fixed }],
    summary: [
      { label: 'Sharpe', inSample: '1.48', outOfSample: '0.61' },
      { label: 'return %', inSample: '84.20', outOfSample: '23.10' },
      { label: 'max drawdown %', inSample: '12.40', outOfSample: '19.80' },
    ],
  };
}
