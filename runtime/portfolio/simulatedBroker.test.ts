import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { computeMetrics, type Metrics, type Trade } from './metrics.js';
import { ColumnTrail, SimulatedBroker, type BrokerReport, type SimulatedBrokerOptions, type SimulatedBrokerParams } from './simulatedBroker.js';
import { freezeColumns } from '../frozenColumns.js';
import { realCandles } from '../testing/realCandles.js';
import type { Candles } from '../ports.js';

const params: SimulatedBrokerParams = { cash: 10_000, fill: 'nextOpen', fees: { taker: 0.001 }, slippageBps: 0, latencyBars: 0, direction: 'longOnly' };

/** sma-cross's rule on closes: all in when SMA(fast) crosses above SMA(slow), flat when below; NaN = no order. */
function smaCrossOrders(close: Float64Array, fast = 10, slow = 30): Float64Array {
  const orders = new Float64Array(close.length).fill(NaN);
  let sumFast = 0;
  let sumSlow = 0;
  let side = 0;
  for (let i = 0; i < close.length; i++) {
    sumFast += close[i] - (i >= fast ? close[i - fast] : 0);
    sumSlow += close[i] - (i >= slow ? close[i - slow] : 0);
    if (i < slow - 1) continue;
    const a = sumFast / fast;
    const b = sumSlow / slow;
    const s = a > b ? 1 : a < b ? -1 : 0;
    if (s !== 0 && s !== side) {
      if (side !== 0) orders[i] = s > 0 ? 1 : 0;
      side = s;
    }
  }
  return orders;
}

interface Fed {
  broker: SimulatedBroker;
  report: BrokerReport;
  equityOut: Float64Array;
  positionOut: Float64Array;
  onTrade: Trade[];
}

/** Steps a broker over whole columns in chunks, as the runtime does (event times = open + spacing). */
function feed(c: Candles, orders: Float64Array, options: Partial<SimulatedBrokerOptions>, chunk = 1024, p = params, probe?: (b: SimulatedBroker, bars: number, out: { equity: Float64Array; position: Float64Array }) => void): Fed {
  const onTrade: Trade[] = [];
  const broker = new SimulatedBroker(p, { warn: () => {}, history: 'full', onTrade: (t) => onTrade.push(t), ...options });
  const n = c.close.length;
  const t = c.time.map((x) => x + 3_600_000);
  const out = { equity: new Float64Array(chunk), position: new Float64Array(chunk) };
  const equityOut = new Float64Array(n);
  const positionOut = new Float64Array(n);
  for (let s = 0; s < n; s += chunk) {
    const len = Math.min(chunk, n - s);
    const v = (a: Float64Array) => a.subarray(s, s + len);
    broker.step(len, v(t), { orders: v(orders), market: { time: v(c.time), open: v(c.open), high: v(c.high), low: v(c.low), close: v(c.close), volume: v(c.volume) } }, out);
    equityOut.set(out.equity.subarray(0, len), s);
    positionOut.set(out.position.subarray(0, len), s);
    probe?.(broker, s + len, out);
  }
  return { broker, report: broker.report(), equityOut, positionOut, onTrade };
}

function assertSameMetrics(a: Metrics, b: Metrics, label: string): void {
  for (const key of Object.keys(b) as (keyof Metrics)[]) assert.ok(Object.is(a[key], b[key]), `${label}: ${key} ${a[key]} vs ${b[key]}`);
}

const candles = realCandles(Infinity); // BTC 1h 2017-08 .. 2024-04, with 28 gaps
const orders = smaCrossOrders(candles.close);

test('full and bounded history: identical metrics, trades, outputs; full keeps every bar, its metrics equal computeMetrics', () => {
  const full = feed(candles, orders, { history: 'full', eventsHint: candles.close.length });
  const bounded = feed(candles, orders, { history: 'bounded' });
  const n = candles.close.length;
  assert.ok(full.report.trades.length > 1000, `${full.report.trades.length} trades`);
  assert.deepEqual(bounded.report.trades, full.report.trades, 'fewer than 10,000 trades: all kept');
  assert.equal(bounded.report.tradesDropped, 0);
  assertSameMetrics(bounded.report.metrics, full.report.metrics, 'bounded vs full');
  assert.deepEqual(bounded.equityOut, full.equityOut);
  assert.deepEqual(bounded.positionOut, full.positionOut);
  assert.deepEqual(full.onTrade, full.report.trades.filter((t) => t.exitTime !== null), 'onTrade: every closed trade, in order');
  assert.deepEqual(bounded.onTrade, full.onTrade);
  // full: the per-bar arrays, and metrics bit-identical to the whole-array computation
  assert.equal(full.report.equity.length, n);
  assert.deepEqual(full.report.equity, full.equityOut);
  assert.equal(full.report.historyDownsampled, undefined);
  let inMarket = 0;
  for (let i = 0; i < n; i++) if (full.positionOut[i] !== 0) inMarket++;
  const reference = computeMetrics({ initialCash: params.cash, equity: full.report.equity, eventTimes: full.report.eventTimes, startTime: candles.time[0], barsInMarket: inMarket, trades: full.report.trades });
  assertSameMetrics(full.report.metrics, reference, 'accumulator vs computeMetrics');
  assert.equal(bounded.report.historyDownsampled, true);
  for (const k of ['ordersReceived', 'fills', 'unfilledOrders', 'ruined'] as const) assert.equal(bounded.report[k], full.report[k], k);
});

test('results do not depend on chunking in either mode (1, 7, 1024)', () => {
  const c = realCandles(5000);
  const o = smaCrossOrders(c.close);
  for (const history of ['full', 'bounded'] as const) {
    const ref = feed(c, o, { history, historySlices: 64 }, 1024);
    for (const chunk of [1, 7]) {
      const other = feed(c, o, { history, historySlices: 64 }, chunk);
      assert.deepEqual(other.report, ref.report, `${history}, chunk ${chunk}`);
    }
  }
});

test('bounded history: exact bars only, the first, the last and every extreme; exact drawdown; month ends', () => {
  const full = feed(candles, orders, { history: 'full' }).report;
  const slices = 256;
  const b = feed(candles, orders, { history: 'bounded', historySlices: slices }).report;
  const n = full.equity.length;
  // width: a power of two with n / slices <= w < 2n / slices, so at most (slices + 1) * 8 points
  assert.ok(b.equity.length <= (slices + 1) * 8 && b.equity.length >= slices / 2, `${b.equity.length} points`);
  const index = new Map<number, number>();
  full.eventTimes.forEach((t, i) => index.set(t, i));
  let previous = -1;
  let peak = params.cash;
  const dd = Float64Array.from(full.equity, (e) => ((peak = Math.max(peak, e)), peak > 0 ? (e / peak - 1) * 100 : 0));
  for (let k = 0; k < b.equity.length; k++) {
    const i = index.get(b.eventTimes[k])!;
    assert.ok(i > previous, 'strictly increasing, each bar once');
    previous = i;
    assert.equal(b.equity[k], full.equity[i]);
    assert.equal(b.closes[k], full.closes[i]);
    assert.equal(b.drawdownPct![k], dd[i]);
  }
  assert.equal(b.eventTimes[0], full.eventTimes[0]);
  assert.equal(b.eventTimes[b.eventTimes.length - 1], full.eventTimes[n - 1]);
  const min = (a: Float64Array) => a.reduce((m, v) => Math.min(m, v), Infinity);
  const max = (a: Float64Array) => a.reduce((m, v) => Math.max(m, v), -Infinity);
  assert.equal(min(b.equity), min(full.equity));
  assert.equal(max(b.equity), max(full.equity));
  assert.equal(min(b.closes), min(full.closes));
  assert.equal(max(b.closes), max(full.closes));
  assert.equal(min(b.drawdownPct!), -full.metrics.maxDrawdownPct, 'the deepest drawdown is kept');
  // month ends: the last bar of each UTC calendar month (a bar belongs to the month of its last instant)
  const month = (t: number) => Math.floor(new Date(t - 1).getUTCFullYear() * 12 + new Date(t - 1).getUTCMonth());
  const ends: number[] = [];
  for (let i = 0; i < n; i++) if (i === n - 1 || month(full.eventTimes[i + 1]) !== month(full.eventTimes[i])) ends.push(i);
  assert.deepEqual([...b.monthEnds!.eventTimes], ends.map((i) => full.eventTimes[i]));
  assert.deepEqual([...b.monthEnds!.equity], ends.map((i) => full.equity[i]));
});

test('bounded history keeps the latest trades; metrics and onTrade still see them all', () => {
  const full = feed(candles, orders, { history: 'full' }).report;
  const b = feed(candles, orders, { history: 'bounded', maxTrades: 100 });
  const closed = full.trades.filter((t) => t.exitTime !== null);
  assert.equal(b.report.tradesDropped, closed.length - 100);
  assert.deepEqual(b.report.trades, full.trades.slice(-101), 'the latest 100 closed trades, then the open one');
  assert.equal(b.onTrade.length, closed.length);
  assertSameMetrics(b.report.metrics, full.metrics, 'bounded(100 trades) vs full');
});

test('snapshot(): equity, position, cash and metrics at any time, equal to a run stopped there', () => {
  const c = realCandles(6000);
  const o = smaCrossOrders(c.close);
  const seen: { bars: number; snap: ReturnType<SimulatedBroker['snapshot']>; equity: number; position: number }[] = [];
  feed(c, o, { history: 'bounded' }, 500, params, (broker, bars, out) => {
    const n = bars % 500 || 500;
    seen.push({ bars, snap: broker.snapshot(), equity: out.equity[n - 1], position: out.position[n - 1] });
  });
  assert.equal(seen.length, 12);
  for (const s of seen) {
    const prefix = (a: Float64Array) => a.slice(0, s.bars);
    const stopped = feed({ time: prefix(c.time), open: prefix(c.open), high: prefix(c.high), low: prefix(c.low), close: prefix(c.close), volume: prefix(c.volume) }, prefix(o), { history: 'full' }).report;
    assert.equal(s.snap.equity, s.equity);
    assert.equal(s.snap.position, s.position);
    assert.equal(s.snap.equity, stopped.metrics.finalEquity);
    assert.ok(Math.abs(s.snap.cash + s.snap.position * c.close[s.bars - 1] - s.snap.equity) <= 1e-9 * Math.abs(s.snap.equity));
    assertSameMetrics(s.snap.metrics, stopped.metrics, `after ${s.bars} bars`);
    // What monitoring reads (runtime/metrics): the peak for the current drawdown, the notional held, the order counts.
    assert.equal(s.snap.peakEquity, Math.max(stopped.metrics.initialCash, ...stopped.equity));
    assert.equal(s.snap.grossExposure, Math.abs(s.position * c.close[s.bars - 1]));
    assert.equal(s.snap.ordersReceived, stopped.ordersReceived);
    assert.equal(s.snap.fills, stopped.fills);
    assert.deepEqual(s.snap.rejections, { noBook: 0 });
  }
  assert.ok(seen.some((s) => s.snap.grossExposure > 0) && seen.some((s) => s.snap.peakEquity > s.snap.equity), 'positions held and drawdowns met');
});

test('bounded history: flat memory over 3,000,000 bars (real 1h bars repeated, prices scaled at the joins)', () => {
  setFlagsFromString('--expose-gc');
  const gc = ((globalThis as { gc?: () => void }).gc ?? runInNewContext('gc')) as () => void;
  const memory = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers; // typed arrays live outside the JS heap
  };
  const src = candles;
  const m = src.close.length;
  const total = 3_000_000;
  const chunk = 1024;
  const cols = { time: new Float64Array(chunk), open: new Float64Array(chunk), high: new Float64Array(chunk), low: new Float64Array(chunk), close: new Float64Array(chunk), volume: new Float64Array(chunk) };
  const t = new Float64Array(chunk);
  const o = new Float64Array(chunk);
  const out = { equity: new Float64Array(chunk), position: new Float64Array(chunk) };
  let closedTrades = 0;
  const broker = new SimulatedBroker(params, { warn: () => {}, history: 'bounded', onTrade: () => closedTrades++ });
  // sma-cross orders, computed as the bars stream (rings of the last 30 closes)
  const ring = new Float64Array(30);
  let sumFast = 0;
  let sumSlow = 0;
  let side = 0;
  let scale = 1;
  let atHalfMillion = 0;
  const H = 3_600_000;
  const start = performance.now();
  for (let s = 0; s < total; s += chunk) {
    const n = Math.min(chunk, total - s);
    for (let k = 0; k < n; k++) {
      const i = s + k;
      const j = i % m;
      if (i > 0 && j === 0) scale *= src.close[m - 1] / src.open[0]; // the next copy opens at the last close
      cols.time[k] = src.time[0] + i * H;
      cols.open[k] = src.open[j] * scale;
      cols.high[k] = src.high[j] * scale;
      cols.low[k] = src.low[j] * scale;
      cols.close[k] = src.close[j] * scale;
      t[k] = cols.time[k] + H;
      const close = cols.close[k];
      sumFast += close - (i >= 10 ? ring[(i - 10) % 30] : 0);
      sumSlow += close - (i >= 30 ? ring[i % 30] : 0);
      ring[i % 30] = close;
      o[k] = NaN;
      if (i >= 29) {
        const d = sumFast / 10 - sumSlow / 30;
        const sd = d > 0 ? 1 : d < 0 ? -1 : 0;
        if (sd !== 0 && sd !== side) {
          if (side !== 0) o[k] = sd > 0 ? 1 : 0;
          side = sd;
        }
      }
    }
    const v = (a: Float64Array) => (n === chunk ? a : a.subarray(0, n));
    broker.step(n, v(t), { orders: v(o), market: { time: v(cols.time), open: v(cols.open), high: v(cols.high), low: v(cols.low), close: v(cols.close), volume: v(cols.volume) } }, out);
    if (s < 500_000 && s + n >= 500_000) atHalfMillion = memory();
  }
  const growth = memory() - atHalfMillion;
  const ms = performance.now() - start;
  const report = broker.report();
  assert.equal(report.metrics.bars, total);
  assert.ok(closedTrades > 40_000, `${closedTrades} trades`);
  assert.equal(report.trades.length, 10_000 + (report.metrics.trades - report.metrics.closedTrades));
  assert.equal(report.tradesDropped, closedTrades - 10_000);
  assert.ok(report.equity.length <= 1025 * 8, `${report.equity.length} points`);
  // 'full' would hold 3 x 8 bytes x 2.5M more bars (60 MB) and every trade object
  assert.ok(growth < 20 * 2 ** 20, `memory grew by ${(growth / 2 ** 20).toFixed(1)} MB between 0.5M and 3M bars`);
  assert.ok(ms < 20_000, `${ms.toFixed(0)} ms`);
});

test('ColumnTrail: views of a frozen column without copying; copies of reused buffers; a broken run switches to copying', () => {
  const column = Float64Array.from({ length: 100 }, (_, i) => i * 1.5);
  freezeColumns([column]);
  const views = new ColumnTrail();
  for (let from = 10; from < 100; from += 30) views.append(30, column.subarray(from, from + 30));
  assert.deepEqual([...views.values()], [...column.subarray(10, 100)]);
  assert.equal(views.values().buffer, column.buffer, 'contiguous views of a frozen column are kept as one view');

  // A reused buffer (a node's output, a live staging buffer): each chunk is copied as it was.
  const reused = new Float64Array(4);
  const copies = new ColumnTrail();
  const chunks = [[1, 2, 3], [4, 5], [6]];
  for (const chunk of chunks) {
    reused.set(chunk);
    copies.append(chunk.length, reused);
    reused.fill(NaN);
  }
  assert.deepEqual([...copies.values()], chunks.flat());

  // Frozen views, then a chunk that does not continue them: the views so far become a copy.
  const mixed = new ColumnTrail();
  mixed.append(5, column.subarray(0, 5));
  mixed.append(2, Float64Array.of(-1, -2));
  mixed.append(3, column.subarray(5, 8)); // contiguous with the first views, but the run is broken
  assert.deepEqual([...mixed.values()], [...column.subarray(0, 5), -1, -2, ...column.subarray(5, 8)]);
  assert.notEqual(mixed.values().buffer, column.buffer);
});

test('full history: the equity column built from the holdings is, bit for bit, the equity the broker marked bar by bar (property)', async () => {
  const fc = (await import('fast-check')).default;
  const c = realCandles(600);
  const order = fc.oneof(fc.constant(NaN), fc.constant(NaN), fc.constant(NaN), fc.constantFrom(0, -0, 1, -1, 0.5, -0.5, 2, -3), fc.double({ min: -5, max: 5 }));
  const config = fc.record({
    fill: fc.constantFrom<'nextOpen' | 'close'>('nextOpen', 'close'),
    latencyBars: fc.integer({ min: 0, max: 3 }),
    direction: fc.constantFrom<'longOnly' | 'longShort'>('longOnly', 'longShort'),
    slippageBps: fc.constantFrom(0, 2, 500),
    taker: fc.constantFrom(0, 0.001, 0.05),
  });
  fc.assert(
    fc.property(config, fc.array(order, { minLength: c.close.length, maxLength: c.close.length }), fc.integer({ min: 1, max: 700 }), (k, list, chunk) => {
      const p: SimulatedBrokerParams = { cash: 10_000, fill: k.fill, fees: { taker: k.taker }, slippageBps: k.slippageBps, latencyBars: k.latencyBars, direction: k.direction };
      const fed = feed(c, Float64Array.from(list), { history: 'full' }, chunk, p);
      const built = fed.report.equity;
      assert.equal(built.length, fed.equityOut.length);
      fed.equityOut.forEach((e, i) => assert.ok(Object.is(built[i], e), `bar ${i}: built ${built[i]}, marked ${e} (chunk ${chunk}, ${JSON.stringify(k)})`));
    }),
    { numRuns: 200 },
  );
});
