import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, readdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { endianness, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { AdapterIO } from '../contract.js';

/**
 * A disk cache of parsed, checked data columns. The first read of a file stores its columns in
 * an entry named by a key: sha256 of the file's bytes as stored (a .gz file's compressed bytes)
 * together with the reader's name and version and the read options that change the result.
 * Later reads of the same bytes map the entry in: one file read, a checksum, and Float64Array
 * views over the buffer, with no per-value parsing. A changed file or a new reader version
 * gives a new key; a damaged entry fails its checks, is reported (data/cache-corrupt) and rebuilt,
 * never used.
 *
 * Entry layout (little-endian; the cache is off on big-endian machines):
 *   0  "HEANCOL1"
 *   8  uint32 header length H (a multiple of 8), 4 bytes zero
 *   16 sha256 of everything from byte 48 to the end (header and payload)
 *   48 header: JSON (EntryHeader), padded with spaces to H bytes
 *   48+H payload: the columns, in header order, `rows` Float64 values each
 * Every offset is a multiple of 8, so the columns are views over the one buffer read.
 *
 * Entries are written to a temporary file and renamed, so a reader sees a whole entry or none.
 * The directory is kept under a size (default 2 GiB) by deleting the least recently used
 * entries (a hit refreshes an entry's mtime) after each store.
 */

const MAGIC = Buffer.from('HEANCOL1', 'latin1');
const PREFIX = 48;
/** Bump when the layout or the header's meaning changes: every older entry then misses. */
const FORMAT = 1;
export const CACHE_MAX_BYTES = 2 * 1024 ** 3;
const ENTRY_SUFFIX = '.cols';
/** A temporary file older than this was left by a process that died while storing. */
const STALE_TEMP_MS = 24 * 3600 * 1000;

/** Where the cache lives: $HEAN_CACHE_DIR, $HEAN_HOME/cache/columns, $XDG_CACHE_HOME/hean/columns or ~/.cache/hean/columns. */
export function columnCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const set = env.HEAN_CACHE_DIR;
  if (set === 'off' || endianness() !== 'LE') return undefined;
  if (set) return resolve(set);
  // Under `node --test` (which passes NODE_TEST_CONTEXT to every process it starts, CLIs run by
  // tests included) only a directory the test names is written: a test run never fills the
  // user's cache, and no test's result depends on what an earlier run left there.
  if (env.NODE_TEST_CONTEXT) return undefined;
  if (env.HEAN_HOME) return join(resolve(env.HEAN_HOME), 'cache', 'columns');
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'hean', 'columns');
}

/** A reader whose results are cached: bump `version` whenever the same bytes would read differently. */
export interface CachedReader {
  readonly name: string;
  readonly version: number;
}

/** A read's results: Float64 columns of equal length, and the rest as JSON (numbers finite, no undefined in arrays). */
export interface CachedColumns<M> {
  columns: Record<string, Float64Array>;
  meta: M;
}

export interface CacheRequest {
  /** The cache directory (columnCacheDir). */
  dir: string;
  /** The data file, for messages. */
  file: string;
  /** Its bytes as stored. */
  stored: Uint8Array;
  reader: CachedReader;
  /** The read options that change the result (JSON; undefined members are the same as absent). */
  options: Record<string, unknown>;
  io: Pick<AdapterIO, 'warn' | 'log'>;
  /** Directory size bound (default CACHE_MAX_BYTES). */
  maxBytes?: number;
}

/** The header of an entry; `key` ties it to the request that stored it. */
export interface EntryHeader {
  format: number;
  key: string;
  reader: string;
  readerVersion: number;
  options: Record<string, unknown>;
  contentSha256: string;
  /** The file it was read from, for people looking in the directory. */
  file: string;
  columns: string[];
  rows: number;
  meta: unknown;
}

/** A damaged or foreign entry; `reason` says which check failed. */
export class CacheEntryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CacheEntryError';
  }
}

/** Directories this process has announced a store in (one log line each, see readThroughCache). */
const announced = new Set<string>();
let temporaries = 0;

/**
 * `read()`'s results for this file's bytes, reader and options: from the cache when an intact
 * entry exists, else read and stored. `from` says which. The cache never fails a read: an entry
 * that cannot be written is logged and the results returned all the same.
 */
export function readThroughCache<M>(request: CacheRequest, read: () => CachedColumns<M>): CachedColumns<M> & { from: 'cache' | 'file' } {
  const keyed: KeyedRequest = { ...request, contentSha256: createHash('sha256').update(request.stored).digest('hex') };
  const cached = loadColumns<M>(keyed);
  if (cached) return { ...cached, from: 'cache' };
  const result = read();
  storeColumns(keyed, result);
  return { ...result, from: 'file' };
}

/** A request naming the file's bytes by their sha256 (hex), for readers that hash them as they stream them. */
export type KeyedRequest = Omit<CacheRequest, 'stored'> & { contentSha256: string };

function entryKey(request: KeyedRequest): { key: string; options: Record<string, unknown> } {
  const options = JSON.parse(JSON.stringify(request.options)) as Record<string, unknown>;
  const key = createHash('sha256').update(JSON.stringify([FORMAT, request.reader.name, request.reader.version, options, request.contentSha256])).digest('hex');
  return { key, options };
}

/** The cached results for these bytes, reader and options, or undefined (none, or damaged: reported and removed). */
export function loadColumns<M>(request: KeyedRequest): CachedColumns<M> | undefined {
  const { key } = entryKey(request);
  const entry = join(request.dir, key + ENTRY_SUFFIX);
  let fd: number;
  try {
    fd = openSync(entry, 'r');
  } catch (e) {
    // No entry (or no directory: a store says what is wrong with it).
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') request.io.log(`column cache: cannot read ${entry} (${(e as Error).message}); reading ${request.file} instead`);
    return undefined;
  }
  try {
    const { header, columns } = readEntry(fd, key);
    touch(entry);
    return { columns, meta: header.meta as M };
  } catch (e) {
    if (!(e instanceof CacheEntryError)) throw e;
    request.io.warn('data/cache-corrupt', `${request.file}: its cached columns ${entry} are damaged (${e.reason}); read the file again and rebuilt the entry`);
    remove(entry);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Stores results read from these bytes; never fails (a store that cannot be written is logged). */
export function storeColumns<M>(request: KeyedRequest, result: CachedColumns<M>): void {
  const { key, options } = entryKey(request);
  const entry = join(request.dir, key + ENTRY_SUFFIX);
  const names = Object.keys(result.columns);
  const rows = names.length ? result.columns[names[0]].length : 0;
  const header: EntryHeader = { format: FORMAT, key, reader: request.reader.name, readerVersion: request.reader.version, options, contentSha256: request.contentSha256, file: request.file, columns: names, rows, meta: result.meta };
  try {
    const encoded = encodeEntry(header, result.columns);
    const maxBytes = request.maxBytes ?? CACHE_MAX_BYTES;
    if (encoded.length <= maxBytes) {
      mkdirSync(request.dir, { recursive: true });
      const temporary = join(request.dir, `.${key}.${process.pid}-${threadId}-${temporaries++}.tmp`);
      try {
        writeFileSync(temporary, encoded);
        renameSync(temporary, entry);
      } finally {
        remove(temporary);
      }
      if (!announced.has(request.dir)) {
        announced.add(request.dir);
        request.io.log(`column cache: stored the columns of ${request.file} in ${request.dir} (later runs load them from there; HEAN_CACHE_DIR=off turns the cache off)`);
      }
      evict(request.dir, maxBytes);
    }
  } catch (e) {
    request.io.log(`column cache: could not store the columns of ${request.file} in ${request.dir} (${(e as Error).message}); the run goes on without it`);
  }
}

/** An entry's bytes (layout in the file comment). Columns must all have header.rows values. */
export function encodeEntry(header: EntryHeader, columns: Record<string, Float64Array>): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(PREFIX + headerBytes + header.columns.length * header.rows * 8, 0x20);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(headerBytes, 8);
  out.writeUInt32LE(0, 12);
  json.copy(out, PREFIX);
  let at = PREFIX + headerBytes;
  for (const name of header.columns) {
    const column = columns[name];
    if (column.length !== header.rows) throw new Error(`column ${name} has ${column.length} values, expected ${header.rows}`);
    Buffer.from(column.buffer, column.byteOffset, column.byteLength).copy(out, at);
    at += column.byteLength;
  }
  createHash('sha256').update(out.subarray(16 + 32)).digest().copy(out, 16);
  return out;
}

/** Checks an entry's bytes against the key it should have, and returns its header and column views (no copy). */
export function decodeEntry(bytes: Buffer, key: string): { header: EntryHeader; columns: Record<string, Float64Array> } {
  const headerBytes = checkPrefix(bytes, bytes.length);
  if (!createHash('sha256').update(bytes.subarray(PREFIX)).digest().equals(bytes.subarray(16, PREFIX))) throw new CacheEntryError('checksum mismatch');
  const header = checkHeader(bytes.toString('utf8', PREFIX, PREFIX + headerBytes), key, bytes.length - PREFIX - headerBytes);
  const payload = PREFIX + headerBytes;
  // A large readFileSync buffer owns its memory from offset 0; a small one may sit unaligned in the pool.
  const aligned = (bytes.byteOffset + payload) % 8 === 0 ? bytes : Buffer.from(bytes);
  const columns: Record<string, Float64Array> = {};
  header.columns.forEach((name, c) => (columns[name] = new Float64Array(aligned.buffer, aligned.byteOffset + payload + c * header.rows * 8, header.rows)));
  return { header, columns };
}

/**
 * decodeEntry over an open entry file, read straight into one array per column. (One buffer for
 * the whole entry is larger than glibc ever serves from memory it already holds, so every load
 * paid a first-touch page fault per 4 KB of it; a column of a million rows is 8 MB, which a
 * process that has read before gets from its heap.)
 */
function readEntry(fd: number, key: string): { header: EntryHeader; columns: Record<string, Float64Array> } {
  const size = fstatSync(fd).size;
  if (size < PREFIX) throw new CacheEntryError('not a column cache entry');
  const prefix = Buffer.alloc(PREFIX);
  readFully(fd, prefix, 0);
  const headerBytes = checkPrefix(prefix, size);
  const headerText = Buffer.alloc(headerBytes);
  readFully(fd, headerText, PREFIX);
  const hash = createHash('sha256').update(headerText);
  const header = checkHeader(headerText.toString('utf8'), key, size - PREFIX - headerBytes);
  const columns: Record<string, Float64Array> = {};
  let at = PREFIX + headerBytes;
  for (const name of header.columns) {
    const column = new Float64Array(header.rows);
    const bytes = new Uint8Array(column.buffer);
    readFully(fd, bytes, at);
    hash.update(bytes);
    columns[name] = column;
    at += bytes.length;
  }
  if (!hash.digest().equals(prefix.subarray(16, PREFIX))) throw new CacheEntryError('checksum mismatch');
  return { header, columns };
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  for (let done = 0; done < into.length; ) {
    const read = readSync(fd, into, done, into.length - done, position + done);
    if (read === 0) throw new CacheEntryError('shorter than its header says');
    done += read;
  }
}

/** The magic and the header length of an entry of `size` bytes whose first PREFIX bytes are `prefix`. */
function checkPrefix(prefix: Buffer, size: number): number {
  if (size < PREFIX || !prefix.subarray(0, 8).equals(MAGIC)) throw new CacheEntryError('not a column cache entry');
  const headerBytes = prefix.readUInt32LE(8);
  if (headerBytes % 8 !== 0 || PREFIX + headerBytes > size) throw new CacheEntryError('bad header length');
  return headerBytes;
}

/** The header, checked against the key the entry should have and the payload's size in bytes. */
function checkHeader(text: string, key: string, payloadBytes: number): EntryHeader {
  let header: EntryHeader;
  try {
    header = JSON.parse(text) as EntryHeader;
  } catch {
    throw new CacheEntryError('unreadable header');
  }
  if (header.format !== FORMAT || header.key !== key) throw new CacheEntryError('written for another file, reader or format');
  if (!Array.isArray(header.columns) || !Number.isSafeInteger(header.rows) || header.rows < 0) throw new CacheEntryError('bad header');
  if (payloadBytes !== header.columns.length * header.rows * 8) throw new CacheEntryError('size does not match the header');
  return header;
}

/** Marks an entry as just used, for the eviction order. */
function touch(entry: string): void {
  try {
    const now = new Date();
    utimesSync(entry, now, now);
  } catch {
    // A read-only cache still serves entries; they are then evicted by age of store.
  }
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (another process evicted or rebuilt it).
  }
}

/** Deletes the least recently used entries until the directory holds at most `maxBytes`; and temporary files left by dead processes. */
function evict(dir: string, maxBytes: number): void {
  const entries: { path: string; size: number; used: number }[] = [];
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch {
      continue;
    }
    if (name.endsWith(ENTRY_SUFFIX) && st.isFile()) entries.push({ path, size: st.size, used: st.mtimeMs });
    else if (name.endsWith('.tmp') && now - st.mtimeMs > STALE_TEMP_MS) remove(path);
  }
  let total = entries.reduce((sum, e) => sum + e.size, 0);
  entries.sort((a, b) => a.used - b.used);
  for (const e of entries) {
    if (total <= maxBytes) break;
    remove(e.path);
    total -= e.size;
  }
}
