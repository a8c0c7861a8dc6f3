import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { projectRoot } from './dataFile.js';
import { realCandles } from './realCandles.js';

/** The statsmodels reference statistics for nodes/statarb (test/reference/statsmodels/generate.py), parsed. */
export function statarbFixture<T = unknown>(): T {
  return JSON.parse(gunzipSync(readFileSync(join(projectRoot, 'test', 'reference', 'statsmodels', 'statarb.json.gz'))).toString('utf8')) as T;
}

/** Real ETH (y) and BTC (x) hourly closes inner-joined on time and sorted, as generate.py joins them. */
export function realPair(yFile = 'ethusdt_1h_binance_2024-09_2026-02.csv.gz', xFile = 'btcusdt_1h_binance_2024-09_2026-02.csv.gz'): { time: Float64Array; y: Float64Array; x: Float64Array } {
  const y = realCandles(1e9, yFile);
  const x = realCandles(1e9, xFile);
  const xAt = new Map<number, number>();
  x.time.forEach((t, i) => xAt.set(t, x.close[i]));
  const rows: [number, number, number][] = [];
  y.time.forEach((t, i) => {
    const xc = xAt.get(t);
    if (xc !== undefined) rows.push([t, y.close[i], xc]);
  });
  rows.sort((a, b) => a[0] - b[0]);
  return { time: Float64Array.from(rows, (r) => r[0]), y: Float64Array.from(rows, (r) => r[1]), x: Float64Array.from(rows, (r) => r[2]) };
}
