import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dataFile } from '../../testing/dataFile.js';
import { columnCacheDir, readThroughCache, type CacheRequest, type CachedColumns } from './columnCache.js';
import { readCandleCsv } from './readCandleCsv.js';
import { CANDLE_CSV_READER, readCandleCsvCached } from './readCandleCsvCached.js';

const H = 3_600_000;
let root = '';
let cases = 0;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'hean-columnCache-'));
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A fresh cache directory and an io that records warnings and log lines. */
function fresh() {
  const dir = join(root, `cache${++cases}`);
  const warnings: [string, string][] = [];
  const logs: string[] = [];
  const io = { warn: (code: string, message: string) => warnings.push([code, message]), log: (m: string) => logs.push(m) };
  return { dir, warnings, logs, io };
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.endsWith('.cols'));
  } catch {
    return [];
  }
}

/** Values whose bit patterns a text round trip would lose or blur: -0, NaN, infinities, the smallest subnormal, 0.1. */
const special = Float64Array.of(1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, 0.1);

/** readThroughCache with a reader that counts its calls. */
function cached(request: CacheRequest, columns: Record<string, Float64Array>, meta: unknown) {
  let reads = 0;
  const result = readThroughCache(request, (): CachedColumns<unknown> => {
    reads++;
    return { columns, meta };
  });
  return { ...result, reads };
}

function sameBits(a: Float64Array, b: Float64Array): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Object.is(a[i], b[i]), `value ${i}: ${a[i]} vs ${b[i]}`);
}

describe('readThroughCache', () => {
  const reader = { name: 'test', version: 1 };
  const stored = Buffer.from('the bytes of some data file');

  it('reads and stores once, then returns the same bits and meta without reading', () => {
    const { dir, io, logs, warnings } = fresh();
    const request: CacheRequest = { dir, file: 'data.csv', stored, reader, options: { start: 5 }, io };
    const first = cached(request, { a: special, b: special.map((v) => -v) }, { gaps: [{ from: 1, to: 2 }], note: 'x' });
    assert.equal(first.from, 'file');
    assert.equal(first.reads, 1);
    assert.equal(entries(dir).length, 1);
    assert.equal(logs.length, 1);
    assert.match(logs[0], new RegExp(`stored the columns of data.csv in ${dir.replace(/[/\\.]/g, '\\$&')}.*HEAN_CACHE_DIR=off`));

    const second = cached(request, { a: Float64Array.of(9) }, 'not read');
    assert.equal(second.from, 'cache');
    assert.equal(second.reads, 0);
    assert.deepEqual(Object.keys(second.columns), ['a', 'b']);
    sameBits(second.columns.a, special);
    sameBits(second.columns.b, special.map((v) => -v));
    assert.deepEqual(second.meta, { gaps: [{ from: 1, to: 2 }], note: 'x' });
    assert.equal(second.columns.a.buffer.byteLength, special.byteLength, 'each column in its own memory, not a view of the whole entry');
    assert.deepEqual(warnings, []);
  });

  it('misses for changed bytes, a new reader version or different options; absent and undefined options are the same', () => {
    const { dir, io } = fresh();
    const base: CacheRequest = { dir, file: 'data.csv', stored, reader, options: { start: 5, end: undefined }, io };
    assert.equal(cached(base, { a: special }, null).from, 'file');
    assert.equal(cached({ ...base, options: { start: 5 } }, { a: special }, null).from, 'cache');

    const changed = Buffer.from(stored);
    changed[3] ^= 1;
    const afterChange = cached({ ...base, stored: changed }, { a: Float64Array.of(2) }, null);
    assert.equal(afterChange.from, 'file');
    assert.deepEqual([...afterChange.columns.a], [2]);

    assert.equal(cached({ ...base, reader: { name: 'test', version: 2 } }, { a: special }, null).from, 'file');
    assert.equal(cached({ ...base, reader: { name: 'other', version: 1 } }, { a: special }, null).from, 'file');
    assert.equal(cached({ ...base, options: { start: 6 } }, { a: special }, null).from, 'file');
    assert.equal(entries(dir).length, 5, 'one entry per distinct key');
    // The first entry is still there and still right.
    const again = cached(base, { a: Float64Array.of(7) }, null);
    assert.equal(again.from, 'cache');
    sameBits(again.columns.a, special);
  });

  /** Stores an entry, damages it with `damage`, and checks the next read warns, reads the file and rebuilds the entry. */
  function rebuildsAfter(damage: (entry: string, dir: string) => void, reason: RegExp): void {
    const { dir, io, warnings } = fresh();
    const request: CacheRequest = { dir, file: 'data.csv', stored, reader, options: {}, io };
    const a = Float64Array.from({ length: 1000 }, (_v, i) => i * 0.25);
    const columns = { a, b: a.map((v) => -v) };
    cached(request, columns, { n: 1 });
    const [name] = entries(dir);
    damage(join(dir, name), dir);
    const next = cached(request, columns, { n: 1 });
    assert.equal(next.from, 'file');
    assert.equal(next.reads, 1);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0][0], 'data/cache-corrupt');
    assert.match(warnings[0][1], reason);
    assert.match(warnings[0][1], /data\.csv/);
    const rebuilt = cached(request, { a: Float64Array.of(0) }, null);
    assert.equal(rebuilt.from, 'cache', 'the entry was rebuilt');
    sameBits(rebuilt.columns.a, columns.a);
    assert.deepEqual(rebuilt.meta, { n: 1 });
    assert.equal(warnings.length, 1);
  }

  it('a flipped payload byte is caught by the checksum and the entry rebuilt', () => {
    rebuildsAfter((entry) => {
      const bytes = readFileSync(entry);
      bytes[bytes.length - 100] ^= 0x10;
      writeFileSync(entry, bytes);
    }, /checksum mismatch/);
  });

  it('a flipped header byte is caught too (the meta is not trusted unchecked)', () => {
    rebuildsAfter((entry) => {
      const bytes = readFileSync(entry);
      const at = bytes.indexOf('"n":1');
      bytes[at + 4] = '2'.charCodeAt(0);
      writeFileSync(entry, bytes);
    }, /checksum mismatch/);
  });

  it('a truncated entry, an empty one or a foreign file is rebuilt', () => {
    rebuildsAfter((entry) => truncateSync(entry, readFileSync(entry).length - 8), /size does not match the header/);
    rebuildsAfter((entry) => truncateSync(entry, 10), /not a column cache entry/);
    rebuildsAfter((entry) => writeFileSync(entry, 'HEANCOL1 but then nothing sensible at all, just text'), /bad header length|checksum/);
  });

  it('an intact entry under another key (renamed or copied) is not used', () => {
    rebuildsAfter((entry, dir) => {
      const other = fresh();
      cached({ dir: other.dir, file: 'other.csv', stored: Buffer.from('other bytes'), reader, options: {}, io: other.io }, { a: Float64Array.of(1) }, null);
      copyFileSync(join(other.dir, entries(other.dir)[0]), entry);
      void dir;
    }, /another file, reader or format/);
  });

  it('a directory it cannot write is logged and the results still returned', () => {
    const { dir, io, logs, warnings } = fresh();
    writeFileSync(dir, 'a file where the cache directory should be');
    const r = cached({ dir, file: 'data.csv', stored, reader, options: {}, io }, { a: special }, 'm');
    assert.equal(r.from, 'file');
    sameBits(r.columns.a, special);
    assert.equal(logs.length, 1);
    assert.match(logs[0], /could not store the columns of data\.csv/);
    assert.deepEqual(warnings, []);
  });

  it('keeps the directory under its size bound by dropping the least recently used entries', () => {
    const { dir, io } = fresh();
    const column = new Float64Array(1000); // 8000 bytes of payload, plus a header under 1 KiB
    const request = (n: number): CacheRequest => ({ dir, file: `f${n}.csv`, stored: Buffer.from(`file ${n}`), reader, options: {}, io, maxBytes: 20_000 });
    cached(request(1), { a: column }, null);
    cached(request(2), { a: column }, null);
    const [e1, e2] = [1, 2].map((n) => cached(request(n), { a: column }, null));
    assert.equal(e1.from, 'cache');
    assert.equal(e2.from, 'cache');
    // Entry 2 is the older one now: used an hour ago, entry 1 a minute ago.
    const names = entries(dir);
    const byFile = (n: number) => names.find((name) => readFileSync(join(dir, name)).includes(`"file":"f${n}.csv"`))!;
    const now = Date.now() / 1000;
    utimesSync(join(dir, byFile(2)), now - 3600, now - 3600);
    utimesSync(join(dir, byFile(1)), now - 60, now - 60);
    cached(request(3), { a: column }, null);
    assert.equal(entries(dir).length, 2);
    assert.equal(cached(request(2), { a: column }, null).from, 'file', 'the least recently used entry was evicted');
  });
});

describe('columnCacheDir', () => {
  it('follows HEAN_CACHE_DIR, HEAN_HOME, XDG_CACHE_HOME, then ~/.cache; off turns it off', () => {
    assert.equal(columnCacheDir({ HEAN_CACHE_DIR: 'off' }), undefined);
    assert.equal(columnCacheDir({ HEAN_CACHE_DIR: 'rel/dir', NODE_TEST_CONTEXT: 'child-v8' }), resolve('rel/dir'));
    assert.equal(columnCacheDir({ HEAN_HOME: '/h', XDG_CACHE_HOME: '/x' }), '/h/cache/columns');
    assert.equal(columnCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/hean/columns');
    assert.match(columnCacheDir({})!, /[/\\]\.cache[/\\]hean[/\\]columns$/);
  });

  it('is off under the node test runner unless a test names a directory', () => {
    assert.ok(process.env.NODE_TEST_CONTEXT, 'this file runs under node --test');
    assert.equal(columnCacheDir({ NODE_TEST_CONTEXT: 'child-v8', XDG_CACHE_HOME: '/x' }), undefined);
    assert.equal(columnCacheDir(process.env.HEAN_CACHE_DIR ? {} : process.env), undefined);
  });
});

describe('readCandleCsvCached', () => {
  it('gives readCandleCsv results for the real hourly file, from the file and then from the cache', async () => {
    const { dir, io, warnings } = fresh();
    const path = dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz');
    const options = { timeframeMs: H };
    const direct = await readCandleCsv(path, options);
    const env = { HEAN_CACHE_DIR: dir };
    const cold = await readCandleCsvCached(path, options, { env, ...io });
    assert.equal(entries(dir).length, 1);
    const warm = await readCandleCsvCached(path, options, { env, ...io });
    for (const r of [cold, warm]) {
      assert.equal(r.rows, direct.rows);
      for (const c of ['time', 't', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(r[c], direct[c], c);
      assert.deepEqual(r.gaps, direct.gaps);
      assert.deepEqual(r.issues, direct.issues);
    }
    assert.ok(direct.gaps.length > 0, 'the file has gaps, so the meta round trip is exercised');
    assert.deepEqual(warnings, []);
  });

  it('keys an entry by the sha256 of the bytes as stored (hashed while they stream), whatever the file is called', async () => {
    const { dir, io } = fresh();
    const env = { HEAN_CACHE_DIR: dir };
    const path = join(root, 'hourly.csv.gz');
    copyFileSync(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz'), path);
    const first = await readCandleCsvCached(path, { timeframeMs: H }, { env, ...io });
    const [name] = entries(dir);
    const entry = readFileSync(join(dir, name));
    const header = JSON.parse(entry.toString('utf8', 48, 48 + entry.readUInt32LE(8))) as { contentSha256: string; rows: number };
    assert.equal(header.contentSha256, createHash('sha256').update(readFileSync(path)).digest('hex'));
    assert.equal(header.rows, 58_419);
    const renamed = join(root, 'renamed.csv.gz');
    copyFileSync(path, renamed);
    const again = await readCandleCsvCached(renamed, { timeframeMs: H }, { env, ...io });
    assert.deepEqual(entries(dir), [name], 'the same bytes under another name use the same entry');
    assert.deepEqual(again.close, first.close);
  });

  /** A candle CSV of `n` hourly rows closing at `close + i`. */
  function candleCsv(name: string, close: number, n = 4): string {
    const path = join(root, name);
    const B = 472_222 * H;
    writeFileSync(path, ['time,open,high,low,close,volume', ...Array.from({ length: n }, (_v, i) => `${B + i * H},${close},1000,1,${close + i},1`)].join('\n') + '\n');
    return path;
  }

  function fingerprintRecords(dir: string): { path: string; identity: string; contentSha256: string }[] {
    try {
      return readdirSync(join(dir, 'fingerprints')).map((name) => JSON.parse(readFileSync(join(dir, 'fingerprints', name), 'utf8')));
    } catch {
      return [];
    }
  }

  it('remembers the hash of a settled file by its identity, and a later load trusts it instead of hashing', async () => {
    const { dir, io } = fresh();
    const env = { HEAN_CACHE_DIR: dir };
    const path = candleCsv('settled.csv', 100);
    const other = candleCsv('other.csv', 500);
    // Outside the racy window: its change time (which no call can set back) two seconds old.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await readCandleCsvCached(path, { timeframeMs: H }, { env, ...io });
    await readCandleCsvCached(other, { timeframeMs: H }, { env, ...io });
    const records = fingerprintRecords(dir);
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
    assert.deepEqual(records.map((r) => [r.path, r.contentSha256]).sort(), [[resolve(path), sha(path)], [resolve(other), sha(other)]].sort());
    // Plant other.csv's hash in settled.csv's record: a load that trusts the record (and does not
    // hash the file) gets other.csv's columns. This is what the identity check guards against.
    const mine = join(dir, 'fingerprints', readdirSync(join(dir, 'fingerprints')).find((n) => readFileSync(join(dir, 'fingerprints', n), 'utf8').includes(resolve(path)))!);
    const record = JSON.parse(readFileSync(mine, 'utf8'));
    writeFileSync(mine, JSON.stringify({ ...record, contentSha256: sha(other) }));
    assert.deepEqual([...(await readCandleCsvCached(path, { timeframeMs: H }, { env, ...io })).close], [500, 501, 502, 503]);
    // Any write gives the file another identity (its change time moves even when size and mtime are put back): hashed again.
    const bytes = readFileSync(path);
    bytes[bytes.lastIndexOf('103')] = '7'.charCodeAt(0);
    writeFileSync(path, bytes);
    const { mtime } = statSync(other);
    utimesSync(path, mtime, mtime);
    assert.deepEqual([...(await readCandleCsvCached(path, { timeframeMs: H }, { env, ...io })).close], [100, 101, 102, 703]);
  });

  it('does not remember the hash of a file changed within the last two seconds (it could change again unseen)', async () => {
    const { dir, io } = fresh();
    const env = { HEAN_CACHE_DIR: dir };
    const path = candleCsv('fresh.csv', 100);
    const hourAgo = Date.now() / 1000 - 3600;
    utimesSync(path, hourAgo, hourAgo); // an old mtime does not help: the change time is now
    for (let run = 0; run < 2; run++) assert.deepEqual([...(await readCandleCsvCached(path, { timeframeMs: H }, { env, ...io })).close], [100, 101, 102, 103]);
    assert.equal(entries(dir).length, 1);
    assert.deepEqual(fingerprintRecords(dir), []);
  });

  it('keeps dropped rows and separates entries by start/end and bad-row policy', async () => {
    const { dir, io } = fresh();
    const path = join(root, 'bad.csv');
    const rows = ['time,open,high,low,close,volume'];
    const B = 472_222 * H; // 2023-11-14T21:00Z
    for (let i = 0; i < 6; i++) rows.push(`${B + i * H},10,12,9,11,${i}`);
    rows[3] = `${B + 2 * H},10,9,12,11,2`; // high < low: dropped under skip
    writeFileSync(path, rows.join('\n') + '\n');
    const env = { HEAN_CACHE_DIR: dir };
    const read = (o: object) => readCandleCsvCached(path, { timeframeMs: H, onBadRow: 'skip', ...o }, { env, ...io });
    for (let pass = 0; pass < 2; pass++) {
      const all = await read({});
      assert.deepEqual([...all.time], [0, 1, 3, 4, 5].map((i) => B + i * H));
      assert.deepEqual(all.issues.map((x) => [x.line, x.kind]), [[4, 'impossible-candle']]);
      assert.deepEqual(all.gaps, [{ from: B + H, to: B + 3 * H, missingBars: 1 }]);
      const late = await read({ start: B + 3 * H, end: B + 5 * H });
      assert.deepEqual([...late.time], [B + 3 * H, B + 4 * H]);
      assert.deepEqual([...late.t], [B + 4 * H, B + 5 * H]);
    }
    assert.equal(entries(dir).length, 2);
    await assert.rejects(readCandleCsvCached(path, { timeframeMs: H }, { env, ...io }), /high .*low|impossible/i, 'the error policy reads the file, not the skip entry');
    assert.equal(entries(dir).length, 2, 'a failed read stores nothing');
    assert.equal(CANDLE_CSV_READER.name, 'candleCsv');
  });
});
