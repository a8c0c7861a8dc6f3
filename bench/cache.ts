/**
 * `npm run bench -- cache`: the cache (runtime/cache/) against baselines measured in the same run,
 * interleaved round by round, best of several rounds:
 * 1. memory store: get/set of a small value (a prediction) and of a large one (6 real candle
 *    columns, 58,419 rows) vs a plain Map holding the same object (what the envelope, the
 *    checksum, the compression and the copy on every hit cost);
 * 2. Redis store: the same values vs raw ioredis GET/SET of the very bytes the cache stores
 *    (what the cache adds on top of the round trip);
 * 3. a stream backtest's range read from the stream (XRANGE + decode, readRange) vs from the
 *    cache (kind history);
 * 4. node outputs: a backtest of test/cached-forecast.yaml (58,419 bars, LSTM forecasts and a
 *    feature set) computing them, computing and storing them in Redis, and loading them from there
 *    (kinds predictions and features); the tapes and trades must be identical.
 * Every get is checked against what was set (a failure makes the benchmark fail).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { redisUrl } from '../runtime/adapters/redis/connection.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { readRange } from '../runtime/adapters/redis/readRange.js';
import { Cache } from '../runtime/cache/Cache.js';
import { MemoryStore } from '../runtime/cache/MemoryStore.js';
import { RedisStore } from '../runtime/cache/RedisStore.js';
import type { CacheValue } from '../runtime/cache/cacheValue.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataFile, fixtureFile, projectRoot } from '../runtime/testing/dataFile.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputGuard } from '../runtime/adapters/outputGuard.js';
import { runGraph } from '../runtime/exec/runGraph.js';
import { loadGraph } from '../runtime/loadGraph.js';
import { rsi } from '../nodes/indicator/momentum/rsi.js';
import { int, round, type BenchOutcome, type Benchmark } from './harness.js';

const FILE = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
const H = 3_600_000;
const ROUNDS = 5;

type Op = () => Promise<unknown>;

/** Best ops/s of each contender over ROUNDS rounds, contenders interleaved within each round. */
async function race(contenders: Record<string, { ops: number; op: Op }>): Promise<Record<string, number>> {
  const best: Record<string, number> = Object.fromEntries(Object.keys(contenders).map((k) => [k, 0]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, { ops, op }] of Object.entries(contenders)) {
      const start = performance.now();
      for (let i = 0; i < ops; i++) await op();
      best[name] = Math.max(best[name], ops / ((performance.now() - start) / 1000));
    }
  }
  return best;
}

function sameColumns(a: Record<string, Float64Array>, b: Record<string, Float64Array>): boolean {
  return Object.keys(a).every((k) => Buffer.from(a[k].buffer, a[k].byteOffset, a[k].byteLength).equals(Buffer.from(b[k].buffer, b[k].byteOffset, b[k].byteLength)));
}

const bench: Benchmark = {
  name: 'cache',
  summary: 'runtime/cache get/set (memory and Redis) vs a plain Map and raw ioredis GET/SET of the same bytes; stream range from the cache vs XRANGE',
  async run(ctx): Promise<BenchOutcome> {
    const failures: string[] = [];
    const bars = await readCandleCsv(dataFile(FILE), { timeframeMs: H });
    const columns: Record<string, Float64Array> = { time: bars.time, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume };
    const large: CacheValue = { columns, meta: { symbol: 'BTCUSDT', timeframe: '1h', rows: bars.rows } };
    const small: CacheValue = { p: 0.5312, t: 1_700_000_000_000, model: 'lgbm-v3' };
    const rawBytes = bars.rows * 6 * 8;
    const check = (value: unknown, what: string) => {
      const v = value as { columns?: Record<string, Float64Array>; p?: number } | undefined;
      if (!v || (v.columns ? !sameColumns(v.columns, columns) : v.p !== 0.5312)) failures.push(`${what}: the value read is not the value written`);
    };
    const figures: Record<string, unknown> = { rows: bars.rows, rawBytes };

    // 1. Memory.
    ctx.progress('memory store vs Map');
    const memory = new Cache({ store: new MemoryStore({ maxBytes: 256 * 2 ** 20 }), warn: (c, m) => failures.push(`${c}: ${m}`) });
    const map = new Map<string, CacheValue>();
    await memory.set('history', 'large', large);
    await memory.set('predictions', 'small', small);
    map.set('large', large);
    map.set('small', small);
    check(await memory.get('history', 'large'), 'memory get large');
    check(await memory.get('predictions', 'small'), 'memory get small');
    const mem = await race({
      cacheGetSmall: { ops: 20_000, op: () => memory.get('predictions', 'small') },
      mapGetSmall: { ops: 20_000, op: async () => map.get('small') },
      cacheSetSmall: { ops: 20_000, op: () => memory.set('predictions', 'small', small) },
      mapSetSmall: { ops: 20_000, op: async () => map.set('small', small) },
      cacheGetLarge: { ops: 10, op: () => memory.get('history', 'large') },
      mapGetLarge: { ops: 10, op: async () => map.get('large') },
      cacheSetLarge: { ops: 5, op: () => memory.set('history', 'large', large) },
    });
    const storedLarge = (await memory.store.get(memory.storeKey('history', 'large')))!.length;
    figures.memory = Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, round(v)]));
    figures.storedLargeBytes = storedLarge;
    ctx.print(`large value: ${int(bars.rows)} rows x 6 Float64 columns = ${(rawBytes / 2 ** 20).toFixed(2)} MiB, stored as ${(storedLarge / 2 ** 20).toFixed(2)} MiB (deflate-raw level 1: ${((storedLarge / rawBytes) * 100).toFixed(1)} %)`);
    ctx.print(`memory  small get ${int(Math.round(mem.cacheGetSmall))}/s (Map ${int(Math.round(mem.mapGetSmall))}/s), set ${int(Math.round(mem.cacheSetSmall))}/s (Map ${int(Math.round(mem.mapSetSmall))}/s)`);
    ctx.print(`memory  large get ${(mem.cacheGetLarge * rawBytes / 2 ** 20).toFixed(0)} MiB/s (${mem.cacheGetLarge.toFixed(1)}/s), set ${(mem.cacheSetLarge * rawBytes / 2 ** 20).toFixed(0)} MiB/s; a Map hands back the same object (no copy, no check): ${int(Math.round(mem.mapGetLarge))}/s`);

    // 2. Redis.
    const url = redisUrl(undefined);
    const prefix = `hean-bench-cache:${randomBytes(4).toString('hex')}`;
    const raw = new Redis(url, { lazyConnect: true });
    const redisCache = new Cache({ store: new RedisStore({ url, warn: (c, m) => failures.push(`${c}: ${m}`), log: () => {} }), prefix, warn: (c, m) => failures.push(`${c}: ${m}`) });
    try {
      await raw.connect();
      ctx.progress('redis store vs raw GET/SET');
      await redisCache.set('history', 'large', large);
      await redisCache.set('predictions', 'small', small);
      check(await redisCache.get('history', 'large'), 'redis get large');
      check(await redisCache.get('predictions', 'small'), 'redis get small');
      const largeBytes = (await raw.getBuffer(redisCache.storeKey('history', 'large')))!;
      const smallBytes = (await raw.getBuffer(redisCache.storeKey('predictions', 'small')))!;
      const rawKey = `${prefix}:raw`;
      const red = await race({
        cacheGetSmall: { ops: 2000, op: () => redisCache.get('predictions', 'small') },
        rawGetSmall: { ops: 2000, op: () => raw.getBuffer(redisCache.storeKey('predictions', 'small')) },
        cacheSetSmall: { ops: 2000, op: () => redisCache.set('predictions', 'small', small) },
        rawSetSmall: { ops: 2000, op: () => raw.set(`${rawKey}:small`, smallBytes, 'PX', 3_600_000) },
        cacheGetLarge: { ops: 5, op: () => redisCache.get('history', 'large') },
        rawGetLarge: { ops: 5, op: () => raw.getBuffer(redisCache.storeKey('history', 'large')) },
        cacheSetLarge: { ops: 5, op: () => redisCache.set('history', 'large', large) },
        rawSetLarge: { ops: 5, op: () => raw.set(`${rawKey}:large`, largeBytes, 'PX', 3_600_000) },
      });
      figures.redis = Object.fromEntries(Object.entries(red).map(([k, v]) => [k, round(v)]));
      ctx.print(`redis   small get ${int(Math.round(red.cacheGetSmall))}/s (raw GET ${int(Math.round(red.rawGetSmall))}/s, ${(red.cacheGetSmall / red.rawGetSmall).toFixed(2)}x), set ${int(Math.round(red.cacheSetSmall))}/s (raw SET ${int(Math.round(red.rawSetSmall))}/s, ${(red.cacheSetSmall / red.rawSetSmall).toFixed(2)}x)`);
      ctx.print(`redis   large get ${(red.cacheGetLarge * rawBytes / 2 ** 20).toFixed(0)} MiB/s of columns (raw GET of the stored bytes ${(red.rawGetLarge * rawBytes / 2 ** 20).toFixed(0)}, ${(red.cacheGetLarge / red.rawGetLarge).toFixed(2)}x), set ${(red.cacheSetLarge * rawBytes / 2 ** 20).toFixed(0)} MiB/s (raw SET ${(red.rawSetLarge * rawBytes / 2 ** 20).toFixed(0)}, ${(red.cacheSetLarge / red.rawSetLarge).toFixed(2)}x)`);

      // 3. A stream backtest's range: XRANGE + decode vs the cache's history entry.
      ctx.progress('stream range: XRANGE vs cache');
      const stream = `${prefix}:stream`;
      const t = Float64Array.from(bars.time, (x) => x + H);
      await publishColumns(raw, stream, { t, names: CANDLE_FIELDS, columns: CANDLE_FIELDS.map((f) => columns[f]) });
      const viaStream = async () => {
        const data = await readRange(raw, stream, { fieldNames: CANDLE_FIELDS });
        return Object.fromEntries(CANDLE_FIELDS.map((f, c) => [f, data.columns[c]]));
      };
      if (!sameColumns(await viaStream(), columns)) failures.push('the stream did not give back the published columns');
      await redisCache.set('history', 'stream', { columns });
      const range = await race({
        xrange: { ops: 1, op: viaStream },
        cache: { ops: 1, op: () => redisCache.get('history', 'stream') },
      });
      figures.streamRange = { xrangePerS: round(range.xrange), cachePerS: round(range.cache), ratio: round(range.cache / range.xrange) };
      ctx.print(`stream range of ${int(bars.rows)} candles: XRANGE + decode ${(1000 / range.xrange).toFixed(0)} ms, cache ${(1000 / range.cache).toFixed(1)} ms (${(range.cache / range.xrange).toFixed(1)}x)`);

      // 4. Node outputs: a backtest of test/cached-forecast.yaml (LSTM forecasts and a feature set) computing them vs loading them from Redis.
      ctx.progress('node outputs: computed vs from the cache');
      const tapes = mkdtempSync(join(tmpdir(), 'hean-bench-node-outputs-'));
      let n = 0;
      const backtest = async (cache?: Cache) => {
        const { graph } = loadGraph(join(projectRoot, 'test', 'cached-forecast.yaml'), { set: { model: fixtureFile('lstm_forecaster.onnx') }, requireBindings: true });
        const dir = join(tapes, String(n++));
        const result = await runGraph(graph!, { cache, codeVersion: 'bench', outputs: new OutputGuard({ dir, overwrite: true }) });
        return { result, outcome: `${readFileSync(join(dir, 'cached-forecast.csv'), 'utf8')}\n${JSON.stringify((result.reports.broker as { trades: unknown }).trades)}` };
      };
      const reference = (await backtest()).outcome;
      const filled = await backtest(redisCache);
      const loaded = await backtest(redisCache);
      if (filled.outcome !== reference || loaded.outcome !== reference) failures.push('a backtest with the node-output cache did not give the tape and trades of the one without');
      if (Object.keys(loaded.result.cachedOutputs?.loaded ?? {}).join(',') !== 'feats,lstm') failures.push(`the second backtest loaded ${JSON.stringify(loaded.result.cachedOutputs)}, expected feats and lstm`);
      const storing = () => new Cache({ store: new RedisStore({ url, warn: (c, m) => failures.push(`${c}: ${m}`), log: () => {} }), prefix: `${prefix}:fresh:${n}`, warn: (c, m) => failures.push(`${c}: ${m}`) });
      const nodes = await race({
        computed: { ops: 1, op: () => backtest() },
        computedAndStored: { ops: 1, op: async () => { const c = storing(); try { await backtest(c); } finally { await c.close(); } } },
        fromCache: { ops: 1, op: () => backtest(redisCache) },
      });
      // Why single indicators are not cached: an RSI(14) over the closes, stepped in 1,024-row chunks, vs its column (and times) from Redis.
      const rsiKernel = () => rsi.create!({ timePeriod: 14 }, { id: 'rsi', inputWires: {}, warn: () => {} });
      const rsiOut = new Float64Array(bars.rows);
      const computeRsi = async () => {
        const kernel = rsiKernel();
        for (let at = 0; at < bars.rows; at += 1024) {
          const n = Math.min(1024, bars.rows - at);
          kernel.step(n, bars.time.subarray(at, at + n), { series: bars.close.subarray(at, at + n) }, { value: rsiOut.subarray(at, at + n) });
        }
      };
      await computeRsi();
      await redisCache.set('features', 'rsi', { t: bars.time, value: Float64Array.from(rsiOut) });
      const one = await race({ computed: { ops: 5, op: computeRsi }, fromCache: { ops: 5, op: () => redisCache.get('features', 'rsi') } });
      figures.indicator = { computedMs: round(1000 / one.computed), fromCacheMs: round(1000 / one.fromCache) };
      ctx.print(`one indicator, RSI(14) over ${int(bars.rows)} closes: computed ${(1000 / one.computed).toFixed(1)} ms, its column from the cache ${(1000 / one.fromCache).toFixed(1)} ms: not worth caching alone`);
      figures.nodeOutputs = { computedMs: round(1000 / nodes.computed), storedMs: round(1000 / nodes.computedAndStored), fromCacheMs: round(1000 / nodes.fromCache), speedup: round(nodes.fromCache / nodes.computed) };
      ctx.print(`backtest of test/cached-forecast.yaml (${int(bars.rows)} bars, LSTM + features): computed ${(1000 / nodes.computed).toFixed(0)} ms, computed and stored ${(1000 / nodes.computedAndStored).toFixed(0)} ms, forecasts and features from the cache ${(1000 / nodes.fromCache).toFixed(0)} ms (${(nodes.fromCache / nodes.computed).toFixed(2)}x)`);
    } finally {
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length) await raw.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      raw.disconnect();
      await redisCache.close();
    }
    return { bench: 'cache', ok: failures.length === 0, failures, ...figures };
  },
};

export default bench;
