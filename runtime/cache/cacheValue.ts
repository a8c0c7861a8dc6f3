/**
 * What a cache holds, and its bytes. A value is JSON-shaped (null, booleans, strings, finite
 * numbers, arrays, plain objects) with typed arrays anywhere inside it. Typed arrays travel as
 * their raw bytes, never as JSON text: a Float64Array column comes back bit for bit (NaN
 * payloads and -0 included) and costs 8 bytes a value instead of ~18 characters of text.
 *
 * Layout (little-endian; the cache refuses big-endian machines, see Cache.ts):
 *   0   uint32 J, the length of the JSON text
 *   4   JSON: { "v": the value with each typed array replaced by {"$bin": i}, "b": [[type, length], ...] }
 *   then, from the next multiple of 8, each typed array's bytes in order, each starting at a multiple of 8
 */

export type CacheArray = Float64Array | Float32Array | Int32Array | Uint8Array;
export type CacheValue = null | boolean | number | string | CacheArray | CacheValue[] | { [key: string]: CacheValue };

/** A value the codec cannot carry: says where in the value, and what to do instead. */
export class CacheValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheValueError';
  }
}

const ARRAY_TYPES = { f64: Float64Array, f32: Float32Array, i32: Int32Array, u8: Uint8Array } as const;
type ArrayTag = keyof typeof ARRAY_TYPES;
const PLACEHOLDER = '$bin';

function tagOf(value: object): ArrayTag | undefined {
  // Buffer is a Uint8Array: it is stored as bytes and comes back as a plain Uint8Array.
  if (value instanceof Float64Array) return 'f64';
  if (value instanceof Float32Array) return 'f32';
  if (value instanceof Int32Array) return 'i32';
  if (value instanceof Uint8Array) return 'u8';
  return undefined;
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeValue(value: CacheValue): Buffer {
  const arrays: CacheArray[] = [];
  const tree = toTree(value, arrays, 'value');
  const json = Buffer.from(JSON.stringify({ v: tree, b: arrays.map((a) => [tagOf(a)!, a.length]) }), 'utf8');
  let size = align8(4 + json.length);
  for (const a of arrays) size = align8(size + a.byteLength);
  const out = Buffer.alloc(size); // zeroed: padding bytes are deterministic, so equal values give equal bytes
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  let at = align8(4 + json.length);
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at = align8(at + a.byteLength);
  }
  return out;
}

function toTree(value: unknown, arrays: CacheArray[], path: string): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CacheValueError(`${path} is ${value}: numbers outside typed arrays must be finite (JSON has no NaN or Infinity); put such values in a Float64Array`);
    return value;
  }
  if (typeof value === 'object') {
    if (ArrayBuffer.isView(value)) {
      if (tagOf(value) === undefined) throw new CacheValueError(`${path} is a ${value.constructor.name}; the cache carries Float64Array, Float32Array, Int32Array and Uint8Array: convert it to one of those`);
      arrays.push(value as CacheArray);
      return { [PLACEHOLDER]: arrays.length - 1 };
    }
    if (Array.isArray(value)) return value.map((item, i) => toTree(item, arrays, `${path}[${i}]`));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new CacheValueError(`${path} is a ${(value as object).constructor?.name ?? 'class instance'}; the cache carries plain objects, arrays, strings, finite numbers, booleans, null and typed arrays`);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue; // as JSON does: an absent member
      if (key === PLACEHOLDER) throw new CacheValueError(`${path} has a member named "${PLACEHOLDER}", which the cache reserves for typed arrays; rename it`);
      out[key] = toTree(item, arrays, `${path}.${key}`);
    }
    return out;
  }
  throw new CacheValueError(`${path} is a ${typeof value}; the cache carries plain objects, arrays, strings, finite numbers, booleans, null and typed arrays`);
}

/**
 * The value in `bytes` (made by encodeValue). Typed arrays are fresh copies: callers may write to
 * them without touching the cache, and no view depends on the alignment of the bytes Redis gave.
 * Throws on bytes that do not describe a value (the envelope's checksum makes that rare).
 */
export function decodeValue(bytes: Uint8Array): CacheValue {
  if (bytes.length < 4) throw new Error(`value of ${bytes.length} bytes, shorter than its 4-byte length prefix`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (4 + jsonLength > bytes.length) throw new Error(`value declares ${jsonLength} bytes of JSON but has ${bytes.length - 4}`);
  const parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, jsonLength).toString('utf8')) as { v: unknown; b: [ArrayTag, number][] };
  const arrays: CacheArray[] = [];
  let at = align8(4 + jsonLength);
  for (const [tag, length] of parsed.b) {
    const Type = ARRAY_TYPES[tag];
    if (!Type || !Number.isSafeInteger(length) || length < 0) throw new Error(`value lists an array ${JSON.stringify([tag, length])}`);
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (at + byteLength > bytes.length) throw new Error(`value's arrays need ${at + byteLength} bytes but it has ${bytes.length}`);
    // ArrayBuffer.slice copies into a new buffer: aligned for the type whatever the source's offset.
    const start = bytes.byteOffset + at;
    arrays.push(new Type((bytes.buffer as ArrayBuffer).slice(start, start + byteLength)));
    at = align8(at + byteLength);
  }
  return fromTree(parsed.v, arrays);
}

function fromTree(tree: unknown, arrays: CacheArray[]): CacheValue {
  if (tree === null || typeof tree !== 'object') return tree as CacheValue;
  if (Array.isArray(tree)) return tree.map((item) => fromTree(item, arrays));
  const record = tree as Record<string, unknown>;
  if (Object.hasOwn(record, PLACEHOLDER)) {
    const array = arrays[record[PLACEHOLDER] as number];
    if (!array) throw new Error(`value refers to array ${String(record[PLACEHOLDER])} of ${arrays.length}`);
    return array;
  }
  const out: Record<string, CacheValue> = {};
  for (const [key, item] of Object.entries(record)) out[key] = fromTree(item, arrays);
  return out;
}
