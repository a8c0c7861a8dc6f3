/**
 * The live portfolio's crash safety at the kernel (ExchangePortfolio: checkpoint, resume, the
 * journal's replay, the look-up of the orders of the gap), against the fake Binance over HTTP with
 * real ccxt, two markets (BTC/USDT, ETH/USDT) priced by the recorded hourly candles. A first kernel
 * trades, is checkpointed, sends two more orders and is abandoned (the crash); a second one, opened
 * later on the same account, resumes from the checkpoint. The CLI's end-to-end test is
 * test/livePortfolioCrash.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readCandleCsv } from '../file/readCandleCsv.js';
import { compileGraph } from '../../graph/compileGraph.js';
import { defaultRegistry } from '../../loadGraph.js';
import { memorySource } from '../memory.js';
import type { AdapterIO } from '../contract.js';
import type { Kernel } from '../../defineNode.js';
import { PortfolioBroker, type PortfolioInputs, type PortfolioOutputs, type PortfolioParams } from '../../portfolio/portfolioBroker.js';
import { clientOrderId } from '../../portfolio/clientOrderId.js';
import { startFakeBinance, type FakeBinance } from '../../testing/fakeBinance/fakeBinance.js';
import type { SymbolData } from '../../testing/fakeBinance/marketData.js';
import { dataDir } from '../../testing/dataFile.js';
import { exchangePortfolio } from './exchangePortfolioAdapter.js';

const HOUR = 3_600_000;
const FILES = { BTCUSDT: 'btcusdt_1h_binance_2024-09_2026-02.csv.gz', ETHUSDT: 'ethusdt_1h_binance_2024-09_2026-02.csv.gz' } as const;
/** The events stepped start 2,000 hours into both files (they start together, no gaps). */
const FIRST = 2000;
const SESSION = 'portfolio-kernel-resume';

let data: Map<string, SymbolData>;
let params: PortfolioParams;

before(async () => {
  data = new Map();
  for (const [symbol, file] of Object.entries(FILES)) {
    const c = await readCandleCsv(join(dataDir(), file), { timeframeMs: HOUR });
    data.set(symbol, { candles: { time: c.time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume } });
  }
  // The params as a graph gives them (defaults filled in by the kind's schema).
  const text = `version: 1\nname: ${SESSION}\nnodes:\n  btc: { kind: source.candles, params: { symbol: BTCUSDT, timeframe: 1h } }\n  eth: { kind: source.candles, params: { symbol: ETHUSDT, timeframe: 1h } }\n  cross: { kind: signal.crossover, in: { a: btc.close, b: eth.close } }\n  a: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 0.4 } }\n  b: { kind: sizer.fixedFraction, in: { signal: cross.signal }, params: { fraction: 0.3 } }\n  book: { kind: sink.portfolio, in: { orders: [a.orders, b.orders], markets: [btc, eth] }, params: { cash: 10000, fill: nextOpen, fees: { taker: 0.001 }, direction: longOnly, instruments: [{ name: BTCUSDT }, { name: ETHUSDT }] } }\nmodes:\n  backtest:\n    btc: { memory: a }\n    eth: { memory: b }\n`;
  const { graph, diagnostics } = compileGraph(text, 'g.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true, adapters: { sources: [memorySource], sinks: [] } });
  assert.ok(graph, JSON.stringify(diagnostics));
  params = graph.byId.get('book')!.params as unknown as PortfolioParams;
});

type LiveKernel = Omit<Kernel<PortfolioInputs, PortfolioOutputs>, 'report' | 'checkpoint' | 'resume'> & {
  settle(): Promise<void>;
  resume(saved: unknown): Promise<void>;
  checkpoint(): Record<string, unknown>;
  report(): { exchange: { cash: number; positions: Record<string, number>; ordersFoundAfterRestart: number; ordersMissedWhileDown: number; orders: { clientOrderId: string; status: string }[] } };
};

interface Opened {
  kernel: LiveKernel;
  warnings: { code: string; message: string }[];
  logs: string[];
}

async function open(fake: FakeBinance, account: { apiKey: string; secret: string }): Promise<Opened> {
  const warnings: Opened['warnings'] = [];
  const logs: string[] = [];
  const io = { env: { HEAN_BINANCE_API_KEY: account.apiKey, HEAN_BINANCE_SECRET: account.secret }, node: 'book', graph: SESSION, warn: (code: string, message: string) => warnings.push({ code, message }), log: (m: string) => logs.push(m) } as unknown as AdapterIO;
  const kernel = (await exchangePortfolio.open(params, { exchange: 'binance', symbols: ['BTC/USDT', 'ETH/USDT'], url: fake.url }, io, { inputWires: { markets: ['btc', 'eth'], orders: ['a', 'b'] } })) as unknown as LiveKernel;
  return { kernel, warnings, logs };
}

/** Event e: the candles of hour FIRST + e of both markets, at their close; `targets` the orders (NaN: none). */
function step(kernel: LiveKernel, e: number, targets: [number, number]): void {
  const row = (symbol: string) => {
    const c = data.get(symbol)!.candles!;
    const i = FIRST + e;
    const pick = (a: Float64Array) => Float64Array.of(a[i]);
    return { time: pick(c.time), open: pick(c.open), high: pick(c.high), low: pick(c.low), close: pick(c.close), volume: pick(c.volume) };
  };
  const out: PortfolioOutputs = { equity: new Float64Array(1), exposure: new Float64Array(1), positions: { names: ['BTCUSDT', 'ETHUSDT'], columns: [new Float64Array(1), new Float64Array(1)] } };
  kernel.step(1, Float64Array.of(closeOf(e)), { orders: targets.map((x) => Float64Array.of(x)), markets: [row('BTCUSDT'), row('ETHUSDT')] }, out);
}

const closeOf = (e: number) => data.get('BTCUSDT')!.candles!.time[FIRST + e] + HOUR;

/** The script: event -> [BTC, ETH] targets (fractions of equity; 0 sells). */
const N = NaN;
const SCRIPT: [number, number][] = [
  [N, N],
  [0.4, N],
  [N, N],
  [N, 0.4],
  [N, N],
  [0, N],
  [N, N],
  // after the checkpoint: sent by the first kernel, which dies before it checkpoints
  [0.3, 0],
  // decided before the restart, never sent: not sent late
  [0, N],
  // after the restart
  [N, 0.3],
];
const CHECKPOINTED = 7;

test('a resumed live portfolio rebuilds its state from the journal without calling the exchange, finds the orders sent before the crash by client id, never sends a missed one late, and ends with the account\'s balances', async () => {
  const account = { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') };
  const fake = await startFakeBinance({ data, manual: true, start: closeOf(0) - 30 * 60_000, accounts: [{ ...account, balances: { USDT: 10000 } }] });
  const acct = fake.trading.accounts.get(account.apiKey)!;
  let first: Opened | undefined;
  let second: Opened | undefined;
  try {
    first = await open(fake, account);
    await first.kernel.resume(undefined);
    let saved: Record<string, unknown> | undefined;
    for (let e = 0; e < 8; e++) {
      fake.advanceTo(closeOf(e));
      step(first.kernel, e, SCRIPT[e]);
      await first.kernel.settle();
      if (e === CHECKPOINTED - 1) saved = JSON.parse(JSON.stringify(first.kernel.checkpoint()));
    }
    const id = (instrument: string, e: number) => clientOrderId({ session: SESSION, node: 'book', instrument, time: closeOf(e) });
    const inFlight = [id('BTCUSDT', 7), id('ETHUSDT', 7)];
    assert.deepEqual(acct.orders.map((o) => o.clientOrderId), [id('BTCUSDT', 1), id('ETHUSDT', 3), id('BTCUSDT', 5), ...inFlight], 'the first kernel sent the script\'s orders');
    const beforeCrash = first.kernel.report().exchange;
    // ETH sold: what is left is below its lot (the commission taken in ETH when it was bought).
    assert.ok(beforeCrash.positions.BTCUSDT > 0 && beforeCrash.positions.ETHUSDT < 0.0001, JSON.stringify(beforeCrash.positions));
    const x = (saved as { exchange: { bars: number; fills: { m: number }[]; orders: unknown[] } }).exchange;
    assert.equal(x.bars, CHECKPOINTED);
    assert.deepEqual(x.fills.map((f) => f.m), [0, 1, 0], 'each fill journalled with its instrument');
    assert.equal(x.orders.length, 3);

    // The crash: the first kernel is gone after event 7. The market moves on past event 8 before the restart.
    fake.advanceTo(closeOf(8) + 30 * 60_000);
    const placed = acct.orders.length;
    second = await open(fake, account);
    await second.kernel.resume(saved);
    for (let e = 0; e < CHECKPOINTED; e++) {
      step(second.kernel, e, SCRIPT[e]);
      await second.kernel.settle();
    }
    assert.equal(acct.orders.length, placed, 'nothing sent while rebuilding');
    assert.deepEqual(JSON.parse(JSON.stringify(second.kernel.checkpoint())), saved, 'the rebuilt state is the checkpoint\'s');
    assert.ok(second.logs.some((l) => /resuming the session's portfolio: 3 orders, 3 fills to apply again over 7 events/.test(l)), second.logs.join('\n'));

    step(second.kernel, 7, SCRIPT[7]);
    await second.kernel.settle();
    assert.equal(acct.orders.length, placed, 'the orders of the gap found on the exchange are not sent again');
    const found = second.kernel.report().exchange;
    assert.equal(found.ordersFoundAfterRestart, 2);
    assert.deepEqual(found.orders.map((o) => o.clientOrderId), acct.orders.map((o) => o.clientOrderId), 'the report lists the orders of both processes, each once');
    // Their fills applied once: the money the first kernel had after them.
    assert.ok(Math.abs(found.cash - beforeCrash.cash) < 1e-9, `cash ${found.cash} vs ${beforeCrash.cash}`);
    assert.deepEqual(found.positions, beforeCrash.positions);

    step(second.kernel, 8, SCRIPT[8]);
    await second.kernel.settle();
    assert.equal(acct.orders.length, placed, 'a decision of the gap the crashed process never sent is not sent late');
    assert.equal(second.kernel.report().exchange.ordersMissedWhileDown, 1);
    assert.ok(second.warnings.some((w) => w.code === 'live/missed-while-down'), JSON.stringify(second.warnings));

    fake.advanceTo(closeOf(9));
    step(second.kernel, 9, SCRIPT[9]);
    await second.kernel.settle();
    assert.deepEqual(acct.orders.slice(placed).map((o) => o.clientOrderId), [id('ETHUSDT', 9)], 'a decision after the restart goes out');
    await second.kernel.end!();
    assert.ok(second.logs.some((l) => /account checked after the restart: [\d.e-]+ BTC, [\d.e-]+ ETH and [\d.e-]+ USDT, as the portfolio's positions and cash say/.test(l)), second.logs.join('\n'));
    assert.ok(!second.warnings.some((w) => w.code === 'live/balance-mismatch'), JSON.stringify(second.warnings));
    const end = second.kernel.report().exchange;
    assert.ok(Math.abs(end.cash - acct.balance('USDT').free) < 1e-6, `cash ${end.cash} vs ${acct.balance('USDT').free}`);
    assert.ok(Math.abs(end.positions.BTCUSDT - acct.balance('BTC').free) < 1e-9 && Math.abs(end.positions.ETHUSDT - acct.balance('ETH').free) < 1e-9, JSON.stringify(end.positions));
  } finally {
    await first?.kernel.end?.();
    await second?.kernel.end?.();
    await fake.close();
  }
});

test('a checkpoint without the exchange portfolio\'s state (a simulated portfolio\'s) is refused, saying to start a new session; a new session checks the account', async () => {
  const account = { apiKey: randomBytes(32).toString('hex'), secret: randomBytes(32).toString('hex') };
  const fake = await startFakeBinance({ data, manual: true, start: closeOf(0), accounts: [{ ...account, balances: { USDT: 5000 } }] });
  try {
    const { kernel } = await open(fake, account);
    const simulated = new PortfolioBroker(params, { warn: () => {}, marketWires: ['btc', 'eth'], history: 'bounded' }).checkpoint();
    await assert.rejects(kernel.resume(JSON.parse(JSON.stringify(simulated))), /portfolio "book" \(binance BTC\/USDT, ETH\/USDT\): the session's checkpoint has no exchange portfolio state for this node \(it was saved by a simulated portfolio.*start a new session/);
    // A new session: the account (5,000 USDT for a cash of 10,000) is checked now, not when the kernel opened.
    await assert.rejects(kernel.resume(undefined), /5000 USDT free and the broker's cash is 10000/);
    assert.equal(fake.trading.accounts.get(account.apiKey)!.orders.length, 0);
    await kernel.end!();
  } finally {
    await fake.close();
  }
});
