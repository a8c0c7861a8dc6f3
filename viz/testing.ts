import { join } from 'node:path';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { computeMetrics, type Trade } from '../runtime/portfolio/metrics.js';
import { runGraph, type RunResult } from '../runtime/exec/runGraph.js';
import type { CompiledGraph } from '../runtime/graph/compileGraph.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { projectRoot } from '../runtime/testing/dataFile.js';

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
