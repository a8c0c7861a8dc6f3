import { createHash, type Hash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gunzipSync, type Gunzip, type ZlibOptions } from 'node:zlib';
import { DATA_MAX_BYTES, FileRefusedError, formatBytes, openBounded, readBounded, type ReadRules } from '../../boundedRead.js';
import { fileIdentity, type FileIdentity } from './contentFingerprint.js';
import { DataError } from './dataError.js';

/**
 * A data file's bytes under one set of rules: a regular file only (see openBounded), at most
 * `maxBytes` (default DATA_MAX_BYTES) as stored and, for gzip (known by its magic bytes, whatever
 * the name), after decompression too. readDataFile returns them whole; DataFile reads them in
 * blocks, decompressing as it goes, so a reader holds a block at a time.
 */

const TOO_LARGE_HINT = 'split it into smaller files (e.g. one per year) and run them one after the other, or resample it to a longer timeframe';
const EXPECTED = 'a data file (CSV, CSV.gz or JSON lines)';

function rules(maxBytes: number): ReadRules {
  return { maxBytes, expected: EXPECTED, tooLargeHint: TOO_LARGE_HINT };
}

function tooLarge(path: string, maxBytes: number): DataError {
  return new DataError(path, 0, 'too-large', `decompresses to more than the ${formatBytes(maxBytes)} limit for ${EXPECTED}; ${TOO_LARGE_HINT}`);
}

function notGzip(path: string, e: unknown): DataError {
  return new DataError(path, 0, 'gzip', `starts like a gzip file but could not be decompressed (${(e as Error).message}); expected a complete .gz file or plain CSV. Download or compress it again`);
}

function refused<T>(path: string, open: () => T): T {
  try {
    return open();
  } catch (e) {
    if (e instanceof FileRefusedError) throw new DataError(path, 0, e.kind, e.detail);
    throw e;
  }
}

const isGzip = (head: Uint8Array, length: number): boolean => length >= 2 && head[0] === 0x1f && head[1] === 0x8b;

/** A data file's bytes, decompressed, whole. Shared by the readers of small files (trades, books, series, texts, JSON lines). */
export async function readDataFile(path: string, maxBytes = DATA_MAX_BYTES): Promise<Buffer> {
  const raw = refused(path, () => readBounded(path, rules(maxBytes)));
  if (!isGzip(raw, raw.length)) return raw;
  try {
    // Synchronous: the thread-pool round trips of the async gunzip cost about as much again as inflating.
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(path, maxBytes);
    throw notGzip(path, e);
  }
}

/** Stored bytes per read: large enough that the per-read costs vanish. */
const STORED_CHUNK = 1 << 20;
/** How far gunzip (in the thread pool) may run ahead of the reader: while the reader parses a block, the next is inflated. */
const GZIP_AHEAD = 4 << 20;

/** Where the content of a DataFile comes from: `read` fills buf[at, at + max) and resolves with the count, 0 at the end. */
export interface ContentReader {
  read(buf: Uint8Array, at: number, max: number): Promise<number>;
}

/** A data file open for reading in blocks. Close it when done (also after an error). */
export class DataFile {
  readonly gzip: boolean;
  /**
   * The content's size in bytes: exact for a plain file; for gzip what its trailer says
   * (modulo 2^32, and only the last member's), so a hint. At most maxBytes.
   */
  readonly sizeHint: number;
  private gunzip: Gunzip | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    /** Bytes as stored. */
    readonly size: number,
    readonly maxBytes: number,
  ) {
    const head = Buffer.alloc(4);
    this.gzip = isGzip(head, readSync(fd, head, 0, 2, 0));
    if (this.gzip && size >= 4 && readSync(fd, head, 0, 4, size - 4) === 4) this.sizeHint = Math.min(head.readUInt32LE(0), maxBytes);
    else this.sizeHint = this.gzip ? maxBytes : size;
  }

  /** Opens a regular file of at most maxBytes (DataError not-a-file, system-file, too-large). */
  static open(path: string, maxBytes = DATA_MAX_BYTES): DataFile {
    const { fd, size } = refused(path, () => openBounded(path, rules(maxBytes)));
    try {
      return new DataFile(path, fd, size, maxBytes);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The open file's identity (contentFingerprint.ts): the file read, whatever its path names by now. */
  identity(): FileIdentity {
    return fileIdentity(this.fd);
  }

  /** sha256 (hex) of the bytes as stored, read a chunk at a time. */
  storedSha256(): string {
    const hash = createHash('sha256');
    const chunk = Buffer.allocUnsafe(Math.min(STORED_CHUNK, this.size));
    for (let at = 0, n = 0; at < this.size; at += n) {
      n = readSync(this.fd, chunk, 0, Math.min(chunk.length, this.size - at), at);
      if (n === 0) break; // the file shrank while being read
      hash.update(chunk.subarray(0, n));
    }
    return hash.digest('hex');
  }

  /**
   * The content from its first byte: the stored bytes, or for gzip their decompression (in
   * the thread pool, up to GZIP_AHEAD bytes ahead of the reader), which fails with DataError
   * too-large past maxBytes and gzip for a damaged stream. `hash` sees the stored bytes read.
   */
  content(hash?: Hash): ContentReader {
    if (!this.gzip) return new PlainContent(this.fd, this.size, hash);
    this.gunzip?.destroy();
    // Transform's readableHighWaterMark passes through zlib's options (not in their type).
    const options: ZlibOptions & { readableHighWaterMark: number } = { chunkSize: STORED_CHUNK, readableHighWaterMark: GZIP_AHEAD };
    const gunzip = createGunzip(options);
    this.gunzip = gunzip;
    // Errors reach the reader through gunzip's iterator; pipeline's callback has nothing to add.
    pipeline(Readable.from(this.storedChunks(hash), { objectMode: false, highWaterMark: STORED_CHUNK }), gunzip, () => {});
    return new GzipContent(this.path, gunzip, this.maxBytes);
  }

  close(): void {
    this.closed = true;
    this.gunzip?.destroy();
    closeSync(this.fd);
  }

  /** The stored bytes in chunks, fresh buffers (gunzip may hold on to them); none once closed (the descriptor may be another file's by then). */
  private *storedChunks(hash?: Hash): Generator<Buffer> {
    for (let at = 0; at < this.size && !this.closed; ) {
      const chunk = Buffer.allocUnsafe(Math.min(STORED_CHUNK, this.size - at));
      const n = readSync(this.fd, chunk, 0, chunk.length, at);
      if (n === 0) return; // the file shrank while being read
      const bytes = n < chunk.length ? chunk.subarray(0, n) : chunk;
      hash?.update(bytes);
      at += n;
      yield bytes;
    }
  }
}

class PlainContent implements ContentReader {
  private at = 0;
  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly hash: Hash | undefined,
  ) {}

  async read(buf: Uint8Array, at: number, max: number): Promise<number> {
    const n = this.at < this.size ? readSync(this.fd, buf, at, Math.min(max, this.size - this.at), this.at) : 0;
    this.hash?.update(buf.subarray(at, at + n));
    this.at += n;
    return n;
  }
}

class GzipContent implements ContentReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private chunk: Buffer = Buffer.alloc(0);
  private used = 0;
  private total = 0;

  constructor(
    private readonly path: string,
    gunzip: Gunzip,
    private readonly maxBytes: number,
  ) {
    this.chunks = gunzip[Symbol.asyncIterator]();
  }

  async read(buf: Uint8Array, at: number, max: number): Promise<number> {
    while (this.used === this.chunk.length) {
      let next: IteratorResult<Buffer>;
      try {
        next = await this.chunks.next();
      } catch (e) {
        // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR: damaged or cut short); a read error stays what it is.
        if (String((e as NodeJS.ErrnoException).code).startsWith('Z_')) throw notGzip(this.path, e);
        throw e;
      }
      if (next.done) return 0;
      this.chunk = next.value;
      this.used = 0;
      this.total += next.value.length;
      if (this.total > this.maxBytes) throw tooLarge(this.path, this.maxBytes);
    }
    const n = Math.min(max, this.chunk.length - this.used);
    this.chunk.copy(buf, at, this.used, this.used + n);
    this.used += n;
    return n;
  }
}
