import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * The bytes a cache entry is stored as: a fixed header that ties the entry to its kind and key,
 * then the payload (an encoded value), compressed when that pays. Everything read from a store
 * is checked before it is trusted: another program's value under our key, a value copied from
 * another key, a truncated write, a flipped bit or an entry of another format version each fail
 * a check with a reason, and the cache treats the entry as absent.
 *
 * Layout (little-endian):
 *   0   8  magic "HEANCACH"
 *   8   2  uint16 format version (ENVELOPE_FORMAT)
 *   10  1  codec of the payload: 0 stored, 1 deflate-raw
 *   11  1  K, the kind's length in bytes
 *   12  4  uint32 stored payload length
 *   16  4  uint32 payload length before compression
 *   20  4  uint32 CRC-32 of bytes 0-19 and 24 to the end (the whole entry but this field)
 *   24  8  float64 written at (epoch ms, the writer's clock)
 *   32  16 the first 16 bytes of sha256(store key)
 *   48  K  the kind, UTF-8
 *   48+K   the payload
 *
 * Codec: deflate-raw at level 1. Measured on real BTCUSDT 1h candles (6 Float64 columns, 58,419
 * rows, 2.8 MB; /tmp measurement described in README "Cache"): deflate-raw-1 keeps 50.7 % of the
 * bytes at ~100 MB/s compressing and ~480 MB/s inflating; gzip-6 keeps 49.2 % but compresses at
 * 16 MB/s; brotli-1 compresses faster (~180 MB/s) but keeps 54 % and inflates at half the speed;
 * brotli-11 keeps 40 % at 1 MB/s. Reads outnumber writes, so the fastest inflate wins; the
 * envelope's own CRC makes gzip's redundant.
 */

const MAGIC = Buffer.from('HEANCACH', 'latin1');
/** Bump when the layout or the payload encoding changes: store keys carry it too, so old entries are never read. */
export const ENVELOPE_FORMAT = 1;
const HEADER = 48;
const CODEC_STORED = 0;
const CODEC_DEFLATE = 1;

export interface WrapOptions {
  kind: string;
  storeKey: string;
  writtenAt: number;
  /** Payloads of at least this many bytes are compressed (kept compressed only if smaller). */
  compressAboveBytes: number;
}

// sha256 costs more than the rest of a small lookup; keys repeat, so their hashes are kept (bounded).
const hashes = new Map<string, Buffer>();

export function keyHash(storeKey: string): Buffer {
  let hash = hashes.get(storeKey);
  if (!hash) {
    if (hashes.size >= 4096) hashes.clear();
    hash = createHash('sha256').update(storeKey, 'utf8').digest().subarray(0, 16);
    hashes.set(storeKey, hash);
  }
  return hash;
}

export function wrapEntry(payload: Uint8Array, options: WrapOptions): Buffer {
  const kind = Buffer.from(options.kind, 'utf8');
  if (kind.length > 255) throw new Error(`cache kind "${options.kind}" is ${kind.length} bytes; at most 255`);
  let stored: Uint8Array = payload;
  let codec = CODEC_STORED;
  if (payload.length >= options.compressAboveBytes) {
    // One output chunk the size of the input: the default 16 KiB chunks cost a concatenation.
    const packed = deflateRawSync(payload, { level: 1, chunkSize: Math.max(1024, payload.length) });
    if (packed.length < payload.length) {
      stored = packed;
      codec = CODEC_DEFLATE;
    }
  }
  const out = Buffer.allocUnsafe(HEADER + kind.length + stored.length);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(ENVELOPE_FORMAT, 8);
  out.writeUInt8(codec, 10);
  out.writeUInt8(kind.length, 11);
  out.writeUInt32LE(stored.length, 12);
  out.writeUInt32LE(payload.length, 16);
  out.writeDoubleLE(options.writtenAt, 24);
  keyHash(options.storeKey).copy(out, 32);
  kind.copy(out, HEADER);
  out.set(stored, HEADER + kind.length);
  out.writeUInt32LE(checksum(out), 20);
  return out;
}

function checksum(entry: Uint8Array): number {
  return crc32(entry.subarray(24), crc32(entry.subarray(0, 20)));
}

/** An entry that failed a check; `reason` says which, for the warning. */
export class CacheEntryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CacheEntryError';
  }
}

export interface Unwrapped {
  payload: Uint8Array;
  writtenAt: number;
  /** The entry's size as stored. */
  storedBytes: number;
}

/** The payload of an entry stored under `storeKey` for `kind`, or a CacheEntryError saying why it is not one. */
export function unwrapEntry(entry: Uint8Array, kind: string, storeKey: string): Unwrapped {
  if (entry.length < 8 || !MAGIC.equals(entry.subarray(0, 8))) throw new CacheEntryError(`not a hean cache entry (${entry.length} bytes, no HEANCACH header)`);
  if (entry.length < HEADER) throw new CacheEntryError(`truncated: ${entry.length} bytes, shorter than the ${HEADER}-byte header`);
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  const format = view.getUint16(8, true);
  // Checked before the checksum: another format may lay its bytes out differently.
  if (format !== ENVELOPE_FORMAT) throw new CacheEntryError(`written in format ${format}, this hean reads format ${ENVELOPE_FORMAT}`);
  const kindLength = entry[11];
  const storedLength = view.getUint32(12, true);
  const expected = HEADER + kindLength + storedLength;
  if (entry.length !== expected) throw new CacheEntryError(`${entry.length < expected ? 'truncated' : 'overlong'}: ${entry.length} bytes, its header says ${expected}`);
  if (checksum(entry) !== view.getUint32(20, true)) throw new CacheEntryError('checksum mismatch (damaged bytes)');
  const storedKind = Buffer.from(entry.buffer, entry.byteOffset + HEADER, kindLength).toString('utf8');
  if (storedKind !== kind) throw new CacheEntryError(`holds a "${storedKind}" entry where a "${kind}" one belongs`);
  if (!keyHash(storeKey).equals(entry.subarray(32, 48))) throw new CacheEntryError('written for another key (key hash differs)');
  const stored = entry.subarray(HEADER + kindLength);
  const rawLength = view.getUint32(16, true);
  const codec = entry[10];
  let payload: Uint8Array;
  if (codec === CODEC_STORED) payload = stored;
  else if (codec === CODEC_DEFLATE) {
    try {
      payload = inflateRawSync(stored, { chunkSize: Math.max(1024, view.getUint32(16, true)) });
    } catch (e) {
      throw new CacheEntryError(`payload does not inflate (${(e as Error).message})`);
    }
  } else throw new CacheEntryError(`unknown codec ${codec}`);
  if (payload.length !== rawLength) throw new CacheEntryError(`payload is ${payload.length} bytes, its header says ${rawLength}`);
  return { payload, writtenAt: view.getFloat64(24, true), storedBytes: entry.length };
}
