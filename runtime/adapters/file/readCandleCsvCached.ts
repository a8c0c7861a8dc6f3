import type { AdapterIO } from '../contract.js';
import { columnCacheDir, readThroughCache, type CachedReader } from './columnCache.js';
import { inflateDataFile, parseCandleBuffer, readCandleCsv, readStoredDataFile, type CandleColumns, type CandleReadOptions, type DataIssue, type Gap } from './readCandleCsv.js';

/** The candle CSV reader as the column cache knows it: bump the version whenever parseCandleBuffer reads the same bytes differently. */
export const CANDLE_CSV_READER: CachedReader = { name: 'candleCsv', version: 1 };

/**
 * readCandleCsv through the column cache (columnCache.ts) when one is configured: the same
 * columns, gaps and issues, loaded from the cache when this file's bytes were read before with
 * the same options. Errors are never cached: a file that fails to read fails every time.
 */
export async function readCandleCsvCached(path: string, options: CandleReadOptions, io: Pick<AdapterIO, 'env' | 'warn' | 'log'>): Promise<CandleColumns> {
  const dir = columnCacheDir(io.env);
  if (!dir) return readCandleCsv(path, options);
  const stored = readStoredDataFile(path, options.maxBytes);
  // maxBytes is left out of the key: it only decides whether a file is read at all.
  const key = { timeframeMs: options.timeframeMs, onBadRow: options.onBadRow ?? 'error', start: options.start, end: options.end };
  const { columns, meta } = readThroughCache<{ gaps: Gap[]; issues: DataIssue[] }>({ dir, file: path, stored, reader: CANDLE_CSV_READER, options: key, io }, () => {
    const { time, t, open, high, low, close, volume, gaps, issues } = parseCandleBuffer(path, inflateDataFile(path, stored, options.maxBytes), options);
    return { columns: { time, t, open, high, low, close, volume }, meta: { gaps, issues } };
  });
  const { time, t, open, high, low, close, volume } = columns;
  return { file: path, rows: time.length, time, t, open, high, low, close, volume, gaps: meta.gaps, issues: meta.issues };
}
