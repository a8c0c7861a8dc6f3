/**
 * What hean writes to Redis streams is typed: published candles and recorded rows match the JSON
 * Schemas in schemas/events/, and a sink.record bound to a stream writes exactly the rows (and
 * values) it writes to memory.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { memorySinks } from '../runtime/adapters/memory.js';
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
