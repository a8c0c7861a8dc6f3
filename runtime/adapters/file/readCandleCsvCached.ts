import { createHash } from 'node:crypto';
import type { AdapterIO } from '../contract.js';
import { columnCacheDir, loadColumns, storeColumns, type CachedReader } from './columnCache.js';
import { rememberSha256, rememberedSha256 } from './contentFingerprint.js';
import { DataFile } from './dataFile.js';
import { readCandleCsv, readCandleCsvFile, type CandleColumns, type CandleReadOptions, type DataIssue, type Gap } from './readCandleCsv.js';

/** The candle CSV reader as the column cache knows it: bump the version whenever readCandleCsv reads the same bytes differently. */
export const CANDLE_CSV_READER: CachedReader = { name: 'candleCsv', version: 1 };

type Meta = { gaps: Gap[]; issues: DataIssue[] };

/**
 * readCandleCsv through the column cache (columnCache.ts) when one is configured: the same
 * columns, gaps and issues, loaded from the cache when this file's bytes were read before with
 * the same options. Errors are never cached: a file that fails to read fails every time.
 */
export async function readCandleCsvCached(path: string, options: CandleReadOptions, io: Pick<AdapterIO, 'env' | 'warn' | 'log'>): Promise<CandleColumns> {
  const dir = columnCacheDir(io.env);
  if (!dir) return readCandleCsv(path, options);
  const file = DataFile.open(path, options.maxBytes);
  try {
    // maxBytes is left out of the key: it only decides whether a file is read at all.
    const key = { timeframeMs: options.timeframeMs, onBadRow: options.onBadRow ?? 'error', start: options.start, end: options.end };
    const request = { dir, file: path, reader: CANDLE_CSV_READER, options: key, io };
    const identity = file.identity();
    const remembered = rememberedSha256(dir, path, identity);
    const contentSha256 = remembered ?? file.storedSha256();
    const cached = loadColumns<Meta>({ ...request, contentSha256 });
    if (cached) {
      if (!remembered && file.identity().key === identity.key) rememberSha256(dir, path, identity, contentSha256, Date.now());
      const { time, t, open, high, low, close, volume } = cached.columns;
      return { file: path, rows: time.length, time, t, open, high, low, close, volume, gaps: cached.meta.gaps, issues: cached.meta.issues };
    }
    const hash = createHash('sha256');
    const read = await readCandleCsvFile(file, options, hash);
    const { time, t, open, high, low, close, volume, gaps, issues } = read;
    // Keyed by the bytes read now (should the file have changed since it was hashed above, these are its columns).
    const readSha256 = hash.digest('hex');
    storeColumns({ ...request, contentSha256: readSha256 }, { columns: { time, t, open, high, low, close, volume }, meta: { gaps, issues } });
    // Remembered only if the file kept one identity through the read: the hash is then of its bytes.
    if (file.identity().key === identity.key) rememberSha256(dir, path, identity, readSha256, Date.now());
    return read;
  } finally {
    file.close();
  }
}
