/**
 * graphs/mtf-trend.yaml (a 1h strategy filtered by the daily trend) is causal: cut the data at
 * any hour, mid-day included, and every row the shorter run made — the daily bar as joined into
 * the 1h timeline, its EMA, both signals, the orders and the equity — equals the longer run's.
 * A daily bar that would leak before its day closes, or a partial day, would change them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { memorySinks } from '../runtime/adapters/memory.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const H = 3_600_000;

/** The example with its data cut at `end` and a record sink on the wires that decide. */
async function rows(end: string, name: string) {
  const doc = parse(readFileSync(join(projectRoot, 'graphs', 'mtf-trend.yaml'), 'utf8'));
  doc.nodes.bars.params = { ...doc.nodes.bars.params, start: '2019-01-01', end };
  doc.nodes.rec = { kind: 'sink.record', in: { series: ['daily.close', 'dailyMa.value', 'uptrend.signal', 'cross.signal', 'entry.signal', 'size.orders', 'broker.equity'] } };
  doc.modes.backtest.rec = { memory: name };
  const { graph, diagnostics } = compileGraph(stringify(doc), 'mtf-trend.yaml', defaultRegistry, { mode: 'backtest', requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  await runGraph(graph, { env, outputs: new OutputGuard({ dir: '.' }) });
  return memorySinks.get(name)!;
}

test('mtf-trend: a run cut at any hour agrees row for row with the longer run (causality by truncation)', async () => {
  const whole = await rows('2019-07-01', 'mtf-whole');
  assert.ok(whole.t.length > 4000);
  // The daily close joined into the 1h rows changes only at midnight UTC, to the day just closed.
  let changes = 0;
  for (let r = 1; r < whole.t.length; r++) {
    if (!Object.is(whole.rows[r][0], whole.rows[r - 1][0])) {
      changes++;
      assert.equal(whole.t[r] % (24 * H), 0, `the daily close changed at ${new Date(whole.t[r]).toISOString()}, not at a day's close`);
    }
  }
  assert.ok(changes > 150, `${changes} daily closes`);
  const entries = whole.rows.filter((row) => row[4] === 1).length;
  assert.ok(entries > 5, `the filter lets some 1h crosses through (${entries})`);
  for (const cut of ['2019-02-14T13:00:00Z', '2019-03-31T23:00:00Z', '2019-05-20T07:00:00Z']) {
    const part = await rows(cut, `mtf-${cut}`);
    assert.ok(part.t.length > 500 && part.t.length < whole.t.length);
    assert.deepEqual(part.t, whole.t.slice(0, part.t.length), `${cut}: same event times`);
    for (let r = 0; r < part.t.length; r++) assert.deepEqual(part.rows[r], whole.rows[r], `${cut}: row ${r} (${new Date(part.t[r]).toISOString()})`);
  }
});

test('the warm-up is counted in 1h bars across the resample: a daily EMA(20) waits for the first day to close plus 19 more (480 bars)', () => {
  const { graph, diagnostics } = compileGraph(readFileSync(join(projectRoot, 'graphs', 'mtf-trend.yaml'), 'utf8'), 'mtf-trend.yaml', defaultRegistry, { mode: 'backtest' });
  assert.ok(graph, JSON.stringify(diagnostics));
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
  assert.deepEqual([node('daily').barsPerEvent, node('daily').warmupBars], [24, 24]);
  assert.deepEqual([node('dailyMa').warmup, node('dailyMa').warmupBars], [19, 24 + 19 * 24], 'its own warm-up stays in daily events');
  assert.equal(node('slow').warmupBars, 49);
  assert.equal(Math.max(...graph.nodes.map((n) => n.warmupBars)), 480);
});
