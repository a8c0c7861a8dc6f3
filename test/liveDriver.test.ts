/**
 * The live driver on feeds whose timing the test controls (a scripted adapter, written against
 * the adapter contract like any third-party one): feeds merged by event time whatever the order
 * and pace of arrival, equal to the replay of the same data; late events dropped and counted, or
 * failing the run; a stop signal drains what has arrived; the clock never goes backwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Type } from '@sinclair/typebox';
import type { AdapterRegistry, LiveBatch, SourceAdapter } from '../runtime/adapters/contract.js';
import { defaultAdapters } from '../runtime/adapters/index.js';
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { CANDLE_FIELDS, type Candles } from '../runtime/ports.js';

const H = 3_600_000;
const M5 = 300_000;

/** Real hourly candles, and 5m candles interpolated within each hour, as feeds (event time = close). */
function feeds(hours: number) {
  const h = realCandles(hours);
  const five = { time: new Float64Array(hours * 12), open: new Float64Array(hours * 12), high: new Float64Array(hours * 12), low: new Float64Array(hours * 12), close: new Float64Array(hours * 12), volume: new Float64Array(hours * 12) };
  for (let i = 0; i < hours; i++) {
    for (let k = 0; k < 12; k++) {
      const j = i * 12 + k;
      const price = h.open[i] + ((h.close[i] - h.open[i]) * (k + 1)) / 12;
      five.time[j] = h.time[i] + k * M5;
      five.open[j] = five.high[j] = five.low[j] = five.close[j] = price;
      five.volume[j] = h.volume[i] / 12;
    }
  }
  const asFeed = (c: Candles, tf: number) => ({ t: Float64Array.from(c.time, (x) => x + tf), columns: Object.fromEntries(CANDLE_FIELDS.map((f) => [f, c[f]])) as Record<string, Float64Array> });
  return { hourly: asFeed(h, H), fiveMin: asFeed(five, M5) };
}

interface Step {
  /** Deliver events [from, to) of the feed, after waiting `delayMs`. */
  from: number;
  to: number;
  delayMs?: number;
}

const scripts = new Map<string, { feed: { t: Float64Array; columns: Record<string, Float64Array> }; steps: Step[] }>();

/** A test adapter: delivers a feed's events in the scripted batches and pauses. */
const scripted: SourceAdapter = {
  role: 'source',
  name: 'scripted',
  key: 'script',
  summary: 'Test feed with scripted batches and pauses.',
  binding: Type.Object({ script: Type.String() }, { additionalProperties: false }),
  example: '{ script: name }',
  records: ['candles'],
  async live(binding) {
    const { feed, steps } = scripts.get(String(binding.script))!;
    let s = 0;
    return {
      async next(): Promise<LiveBatch | null> {
        if (s >= steps.length) return null;
        const { from, to, delayMs } = steps[s++];
        if (delayMs) await sleep(delayMs);
        return { n: to - from, t: feed.t.slice(from, to), columns: Object.fromEntries(Object.entries(feed.columns).map(([k, v]) => [k, v.slice(from, to)])) };
      },
      info: () => ({ script: binding.script }),
      async close() {},
    };
  },
};
const adapters: AdapterRegistry = { sources: [...defaultAdapters.sources, scripted], sinks: defaultAdapters.sinks };

const graphText = (modes: string) => `
version: 1
name: live-merge
nodes:
  hourly: { kind: source.candles, params: { symbol: X, timeframe: 1h } }
  fiveMin: { kind: source.candles, params: { symbol: X, timeframe: 5m } }
  slow: { kind: indicator.sma, in: { series: hourly.close }, params: { timePeriod: 3 } }
  fast: { kind: indicator.ema, in: { series: fiveMin.close }, params: { timePeriod: 6 } }
  out: { kind: sink.record, in: { series: [hourly.close, fiveMin.close, slow.value, fast.value] } }
modes:
${modes}
`;

async function run(mode: 'backtest' | 'paper', modes: string, live: Record<string, unknown> = {}) {
  const { graph, diagnostics } = compileGraph(graphText(modes), 'live.yaml', defaultRegistry, { mode, adapters, requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  return runGraph(graph, { adapters, live });
}

const rowsOf = (name: string) => {
  const sink = memorySinks.get(name)!;
  return sink.t.map((t, i) => [t, ...sink.rows[i]].join(','));
};

test('feeds arriving out of step are merged by event time: the same rows as the replay', async () => {
  const { hourly, fiveMin } = feeds(200);
  memoryFeeds.set('h', hourly);
  memoryFeeds.set('f', fiveMin);
  await run('backtest', `  backtest:\n    hourly: { memory: h }\n    fiveMin: { memory: f }\n    out: { memory: replayed }`);
  const expected = rowsOf('replayed');
  assert.equal(expected.length, 200 * 12, 'one row per distinct time (hourly closes coincide with 5m closes)');

  // The hourly feed delivers everything at once; the 5m feed trickles in, in uneven batches.
  scripts.set('h-all', { feed: hourly, steps: [{ from: 0, to: 200 }] });
  const steps: Step[] = [];
  for (let at = 0, k = 0; at < fiveMin.t.length; k++) {
    const to = Math.min(fiveMin.t.length, at + 1 + ((k * 37) % 151));
    steps.push({ from: at, to, delayMs: k % 5 === 0 ? 5 : 0 });
    at = to;
  }
  scripts.set('f-trickle', { feed: fiveMin, steps });
  const result = await run('paper', `  paper:\n    hourly: { script: h-all }\n    fiveMin: { script: f-trickle }\n    out: { memory: live }`);
  assert.deepEqual(rowsOf('live'), expected);
  assert.equal(result.live?.stopped, 'ended');
  assert.deepEqual(result.live?.late, {});
});

test('a quiet feed holds events only maxWaitMs; what it delivers later for earlier times is late: dropped and counted, or a failure', async () => {
  const { hourly, fiveMin } = feeds(40);
  // The hourly feed delivers 10 bars, goes quiet for 400 ms, then delivers the rest.
  scripts.set('h-pause', { feed: hourly, steps: [{ from: 0, to: 10 }, { from: 10, to: 40, delayMs: 400 }] });
  scripts.set('f-steady', { feed: fiveMin, steps: Array.from({ length: 48 }, (_, k) => ({ from: k * 10, to: k * 10 + 10 })) });
  const modes = `  paper:\n    hourly: { script: h-pause }\n    fiveMin: { script: f-steady }\n    out: { memory: late }`;
  const result = await run('paper', modes, { maxWaitMs: 50 });
  // The 5m events after hour 10 wait 50 ms for the quiet hourly feed, then go: the clock passes
  // hours 11..40, and the 30 hourly bars that arrive later are late.
  const late = result.live!.late.hourly ?? 0;
  assert.deepEqual(result.live!.late, { hourly: 30 });
  const times = memorySinks.get('late')!.t;
  for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `the clock never goes backwards (row ${i})`);
  assert.equal(result.events, 40 + 480 - late, `every event but the late ones was processed (late ${late}, ${JSON.stringify(result.live)})`);

  await assert.rejects(run('paper', modes, { maxWaitMs: 50, lateness: 'fail' }), /arrived after the clock reached .* fail on late events/);
});

test('a stop signal ends a paper run after the events already received; maxEvents stops exactly', async () => {
  const { hourly } = feeds(100);
  scripts.set('h-slow', { feed: hourly, steps: Array.from({ length: 100 }, (_, k) => ({ from: k, to: k + 1, delayMs: 10 })) });
  scripts.set('f-none', { feed: { t: new Float64Array(0), columns: Object.fromEntries(CANDLE_FIELDS.map((f) => [f, new Float64Array(0)])) }, steps: [] });
  const modes = `  paper:\n    hourly: { script: h-slow }\n    fiveMin: { script: f-none }\n    out: { memory: stopped }`;
  const controller = new AbortController();
  const stopped = await run('paper', modes, { signal: controller.signal, onEvents: (events: number) => events === 20 && controller.abort() });
  assert.equal(stopped.live?.stopped, 'signal');
  assert.ok(stopped.events >= 20 && stopped.events <= 21, `stopped after the events received when the signal came (${stopped.events})`);
  assert.equal(memorySinks.get('stopped')!.rows.length, stopped.events, 'every received event was processed');

  const capped = await run('paper', modes, { maxEvents: 17 });
  assert.equal(capped.live?.stopped, 'max-events');
  assert.equal(capped.events, 17);
});
