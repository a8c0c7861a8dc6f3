// Shared by the Redis tests (not a test file itself): a client on the test Redis, keys under a
// random `hean-test:<hex>` prefix, and the cleanup that deletes them.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { readCandleCsv, type CandleColumns } from '../adapters/file/readCandleCsv.js';
import { dataFile } from './dataFile.js';
import { connectRedis, ready, redisUrl } from '../adapters/redis/connection.js';

export const H = 3_600_000;
export const BTC_1H = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';
export const OHLCV_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;

export function testPrefix(): string {
  return `hean-test:${randomBytes(6).toString('hex')}`;
}

export async function testClient(name = 'hean-test', log: (m: string) => void = () => {}): Promise<Redis> {
  const redis = connectRedis(redisUrl(undefined), { name, log });
  await ready(redis, 5000);
  return redis;
}

/** Deletes every key under the prefix. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

export interface Bars {
  t: Float64Array;
  columns: Float64Array[];
}

/** The first `count` bars of the real BTC 1h file (all when omitted), each column in its own exact-size buffer. */
export async function btcBars(count?: number): Promise<Bars> {
  const c: CandleColumns = await readCandleCsv(dataFile(BTC_1H), { timeframeMs: H });
  const n = count ?? c.rows;
  return { t: c.t.slice(0, n), columns: OHLCV_FIELDS.map((f) => c[f].slice(0, n)) };
}

export const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
