import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Cache } from '../../cache/Cache.js';
import { RedisStore } from '../../cache/RedisStore.js';
import { runGraph, type RunResult } from '../../exec/runGraph.js';
import { compileGraph } from '../../graph/compileGraph.js';
import { defaultRegistry } from '../../loadGraph.js';
import { CANDLE_FIELDS } from '../../ports.js';
import { dataDir, projectRoot } from '../../testing/dataFile.js';
import { realCandles } from '../../testing/realCandles.js';
import { deleteKeys, testClient, testPrefix } from '../../testing/redis.js';
import { publishColumns } from './publish.js';

// A stream backtest with --cache: the second run reads the range from the cache (kind history)
// and gives exactly the first run's results and warnings; any change to the range's content
// (republished, entries deleted, appended into an open range) is a miss.

const prefix = testPrefix();
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const H = 3_600_000;

after(async () => {
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

function graphOn(stream: string, to?: number) {
  const text = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace('timeframe: 1h }', 'timeframe: 1h, onBadRow: warn }').replace(/modes:[\s\S]*$/, `modes:\n  backtest:\n    bars: { stream: ${stream}${to === undefined ? '' : `, to: ${to}`} }\n`);
  const { graph, diagnostics } = compileGraph(text, 'sma-cross-stream.yaml', defaultRegistry, { requireBindings: true });
  assert.ok(graph, JSON.stringify(diagnostics));
  return graph;
}

/** 2,000 real BTC 1h candles with three bars missing (a gap) and a NaN close (a bad row: warned about and dropped), event times = closes. */
function candles(scaleClose = 1) {
  const bars = realCandles(2000);
  const keep = [...bars.time.keys()].filter((i) => i < 500 || i > 502);
  const pick = (c: Float64Array) => Float64Array.from(keep, (i) => c[i]);
  const columns = CANDLE_FIELDS.map((f) => (f === 'close' ? pick(bars.close).map((x) => x * scaleClose) : pick(bars[f])));
  columns[CANDLE_FIELDS.indexOf('close')][700] = NaN;
  return { t: Float64Array.from(keep, (i) => bars.time[i] + H), columns };
}

const outcome = (r: RunResult) => ({ reports: r.reports, sources: r.sources, warnings: r.warnings, events: r.events });

describe('stream history through the cache', () => {
  it('serves a repeated backtest from the cache with identical results, and misses when the content changes', async () => {
    const redis = await testClient();
    const cache = new Cache({ store: new RedisStore({ url: 'redis://127.0.0.1:6379', warn: () => {}, log: () => {} }), prefix: `${prefix}:cache`, warn: (c, m) => assert.fail(`${c}: ${m}`) });
    const logs: string[] = [];
    const run = (graph: ReturnType<typeof graphOn>, withCache = true) => runGraph(graph, { env, cache: withCache ? cache : undefined, onLog: (m) => logs.push(m) });
    try {
      const stream = `${prefix}:bars`;
      const data = candles();
      const meta = { record: 'candles', timeframe: '1h', revision: 'r1' };
      await publishColumns(redis, stream, { t: data.t, names: CANDLE_FIELDS, columns: data.columns, meta });
      const closed = graphOn(stream, data.t[1500]); // ends well before the newest entry
      const open = graphOn(stream);

      const reference = outcome(await run(closed, false));
      assert.deepEqual(reference.warnings.map((w) => w.code), ['data/nan']);
      assert.ok((reference.sources.bars as { gaps: number }).gaps >= 1, 'the gap is in the source info');
      assert.deepEqual(outcome(await run(closed)), reference);
      assert.deepEqual(outcome(await run(closed)), reference);
      assert.deepEqual(cache.stats().history, { hits: 1, misses: 1, stale: 0, corrupt: 0, errors: 0, sets: 1, computed: 1, coalesced: 0 });

      // Appending after the end leaves a closed range's entry valid, and invalidates an open range's.
      const openFirst = outcome(await run(open));
      await publishColumns(redis, stream, { t: Float64Array.of(data.t.at(-1)! + H), names: CANDLE_FIELDS, columns: data.columns.map((c, j) => Float64Array.of(c.at(-1)! + (CANDLE_FIELDS[j] === 'time' ? H : 0))) });
      assert.deepEqual(outcome(await run(closed)), reference);
      const openAfter = outcome(await run(open));
      assert.equal(openAfter.events, openFirst.events + 1);
      assert.deepEqual(cache.stats().history, { hits: 2, misses: 3, stale: 0, corrupt: 0, errors: 0, sets: 3, computed: 3, coalesced: 0 });

      // Deleting an entry inside the range is a miss, with the reader's result.
      const [[firstId]] = (await redis.xrange(stream, '-', '+', 'COUNT', 1)) as [string, string[]][];
      await redis.xdel(stream, firstId);
      const afterDelete = outcome(await run(closed));
      assert.equal(afterDelete.events, reference.events - 1);
      assert.deepEqual(afterDelete, outcome(await run(closed, false)));

      // Republished with other closes (a new revision): a miss, and the new data's results.
      const changed = candles(1.01);
      await publishColumns(redis, stream, { t: changed.t, names: CANDLE_FIELDS, columns: changed.columns, meta: { ...meta, revision: 'r2' }, replace: true });
      const republished = outcome(await run(closed));
      assert.notDeepEqual(republished.reports, reference.reports);
      assert.deepEqual(republished, outcome(await run(closed, false)));
      assert.deepEqual(cache.stats().history, { hits: 2, misses: 5, stale: 0, corrupt: 0, errors: 0, sets: 5, computed: 5, coalesced: 0 });

      // A stream without a revision is read directly, and the log says why.
      const plain = `${prefix}:plain`;
      await publishColumns(redis, plain, { t: data.t, names: CANDLE_FIELDS, columns: data.columns, meta: { record: 'candles', timeframe: '1h' } });
      assert.deepEqual(outcome(await run(graphOn(plain, data.t[1500]))).reports, reference.reports);
      assert.ok(logs.includes(`bars: stream ${plain} is read without the cache: its ${plain}:meta has no revision (streams published by hean publish have one)`), logs.join('\n'));
      assert.equal(cache.stats().history.hits + cache.stats().history.misses, 7);
    } finally {
      await cache.close();
      await redis.quit();
    }
  });
});
