/**
 * What hean writes to Redis streams is typed: published candles and recorded rows match the JSON
 * Schemas in schemas/events/, and a sink.record bound to a stream writes exactly the rows (and
 * values) it writes to memory, into no stream but its own.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { memoryFeeds, memorySinks } from '../runtime/adapters/memory.js';
import { OutputError } from '../runtime/adapters/outputGuard.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { deleteKeys, testClient, testPrefix } from '../runtime/testing/redis.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry } from '../runtime/loadGraph.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const prefix = testPrefix();
const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const schema = (name: string) => new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(projectRoot, 'schemas', 'events', name), 'utf8')));
const fields = (flat: string[]) => Object.fromEntries(Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]));

after(async () => {
  const redis = await testClient();
  await deleteKeys(redis, prefix);
  await redis.quit();
});

test('published candles and recorded rows match schemas/events; a stream sink writes what a memory sink gets', async () => {
  const redis = await testClient();
  try {
    const bars = realCandles(3000);
    const t = Float64Array.from(bars.time, (x) => x + 3_600_000);
    const input = `${prefix}:bars`;
    await publishColumns(redis, input, { t, names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => bars[f]), meta: { record: 'candles', timeframe: '1h' } });
    const candle = schema('candles.schema.json');
    for (const [id, flat] of (await redis.xrange(input, '-', '+', 'COUNT', 50)) as [string, string[]][]) {
      assert.ok(candle(fields(flat)), `${id}: ${JSON.stringify(candle.errors)}`);
      assert.equal(Number(id.split('-')[0]), Number(fields(flat).time) + 3_600_000, 'the id is the close time');
    }

    const output = `${prefix}:orders`;
    const text = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(
      /modes:[\s\S]*$/,
      `  orders: { kind: sink.record, in: { series: [size.orders, fast.value] }, params: { skipEmpty: true } }
  mirror: { kind: sink.record, in: { series: [size.orders, fast.value] }, params: { skipEmpty: true } }
modes:
  backtest:
    bars: { stream: ${input} }
    orders: { stream: ${output} }
    mirror: { memory: mirror }
`,
    );
    const { graph, diagnostics } = compileGraph(text, 'sma-cross-to-redis.yaml', defaultRegistry, { requireBindings: true });
    assert.ok(graph, JSON.stringify(diagnostics));
    const result = await runGraph(graph, { env });
    assert.match(result.outputs.orders, /redis stream .*orders \([\d,]+ entries\)/);
    const mirror = memorySinks.get('mirror')!;
    const entries = (await redis.xrange(output, '-', '+')) as [string, string[]][];
    assert.ok(mirror.rows.length > 20, 'the graph decided orders');
    assert.equal(entries.length, mirror.rows.length);
    const row = schema('rows.schema.json');
    entries.forEach(([id, flat], i) => {
      const f = fields(flat);
      assert.ok(row(f), `${id}: ${JSON.stringify(row.errors)}`);
      assert.equal(Number(f.time), mirror.t[i]);
      const num = (text: string) => (text === '' ? NaN : Number(text)); // NaN is written as ''
      assert.ok(Object.is(num(f['size.orders']), mirror.rows[i][0]), `row ${i} size.orders`);
      assert.ok(Object.is(num(f['fast.value']), mirror.rows[i][1]), `row ${i} fast.value`);
    });
  } finally {
    await redis.quit();
  }
});

test('a stream sink writes only its own rows streams: never a stream of events, another program\'s stream or a stream the run reads', async () => {
  const redis = await testClient();
  try {
    const bars = realCandles(300);
    const candles = `${prefix}:guard-bars`;
    await publishColumns(redis, candles, { t: Float64Array.from(bars.time, (x) => x + 3_600_000), names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => bars[f]), meta: { record: 'candles', timeframe: '1h', file: 'btc.csv' } });
    const foreign = `${prefix}:guard-foreign`;
    await redis.xadd(foreign, '*', 'price', '1');
    const rows = `${prefix}:guard-rows`;
    const graphFor = (out: string) =>
      compileGraph(
        readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(
          /modes:[\s\S]*$/,
          `  rec: { kind: sink.record, in: { series: [fast.value] } }\nmodes:\n  backtest:\n    bars: { memory: guard-bars }\n    rec: { stream: ${out} }\n`,
        ),
        'guard.yaml',
        defaultRegistry,
        { requireBindings: true },
      ).graph!;
    memoryFeeds.set('guard-bars', { t: Float64Array.from(bars.time, (x) => x + 3_600_000), columns: Object.fromEntries(CANDLE_FIELDS.map((f) => [f, bars[f]])) });

    await assert.rejects(runGraph(graphFor(candles), { env }), /stream .*guard-bars: it holds candles \(published from btc\.csv\), and a sink never writes into a stream of events/);
    assert.equal(await redis.xlen(candles), 300, 'the candle stream is untouched');
    await assert.rejects(runGraph(graphFor(foreign), { env }), /guard-foreign: it exists and no hean sink made it/);
    assert.equal(await redis.xlen(foreign), 1);

    await runGraph(graphFor(rows), { env });
    assert.equal(await redis.xlen(rows), 300);
    assert.equal(await redis.hget(`${rows}:meta`, 'record'), 'rows');
    await runGraph(graphFor(rows), { env }); // a sink's own stream: the next session appends
    assert.equal(await redis.xlen(rows), 600);

    const loop = compileGraph(
      readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace(/modes:[\s\S]*$/, `  rec: { kind: sink.record, in: { series: [fast.value] } }\nmodes:\n  backtest:\n    bars: { stream: ${candles} }\n    rec: { stream: ${candles} }\n`),
      'loop.yaml',
      defaultRegistry,
      { requireBindings: true },
    ).graph!;
    await assert.rejects(runGraph(loop, { env }), (e: Error) => e instanceof OutputError && /stream .*guard-bars is read by source bars and written by sink rec; an output never writes over an input/.test(e.message));
    assert.equal(await redis.xlen(candles), 300);
  } finally {
    await redis.quit();
  }
});

