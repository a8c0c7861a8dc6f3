/**
 * A paper session's memory stays flat: 2,000,000 events through graphs/sma-cross.yaml on the live
 * driver (chunks of one event) grow the heap by no more than a few MB between the first 500,000
 * and the end, while the broker's equity, position and metrics are available as the run goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { memoryFeeds } from '../runtime/adapters/memory.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import type { BrokerReport } from '../runtime/portfolio/simulatedBroker.js';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const EVENTS = 2_000_000;
const H = 3_600_000;

/** The real hourly bars repeated end to end, prices scaled at each join so the series is continuous. */
function longFeed(): { t: Float64Array; columns: Record<string, Float64Array>; batch: number } {
  const bars = realCandles(Infinity);
  const n = bars.close.length;
  const columns = Object.fromEntries(['time', 'open', 'high', 'low', 'close', 'volume'].map((f) => [f, new Float64Array(EVENTS)]));
  let scale = 1;
  for (let i = 0; i < EVENTS; i++) {
    const k = i % n;
    if (k === 0 && i > 0) scale *= bars.close[n - 1] / bars.open[0];
    columns.time[i] = bars.time[0] + i * H;
    for (const f of ['open', 'high', 'low', 'close'] as const) columns[f][i] = bars[f][k] * scale;
    columns.volume[i] = bars.volume[k];
  }
  return { t: Float64Array.from(columns.time, (x) => x + H), columns, batch: 4096 };
}

test('2,000,000 events through a paper session: flat heap, metrics as the run goes', async () => {
  memoryFeeds.set('long', longFeed());
  const text = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(/modes:[\s\S]*$/, 'modes:\n  paper:\n    bars: { memory: long }\n');
  const { graph, diagnostics } = compileGraph(text, 'sma-cross (memory)', defaultRegistry, { mode: 'paper', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  const heap: number[] = [];
  const result = await runGraph(graph, {
    live: {
      onEvents: (events) => {
        if (events % 250_000 !== 0) return;
        gc();
        heap.push(process.memoryUsage().heapUsed / 2 ** 20);
      },
    },
  });
  assert.equal(result.events, EVENTS);
  const broker = result.reports.broker as BrokerReport;
  assert.equal(broker.metrics.bars, EVENTS);
  assert.ok(broker.historyDownsampled, 'a paper session keeps a bounded history');
  assert.ok(broker.equity.length < 10_000, `history points: ${broker.equity.length}`);
  const growth = heap[heap.length - 1] - heap[1];
  assert.ok(growth < 8, `heap after 500k events ${heap[1].toFixed(1)} MB, at the end ${heap[heap.length - 1].toFixed(1)} MB (${heap.map((h) => h.toFixed(1)).join(', ')})`);
});
