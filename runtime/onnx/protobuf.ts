/**
 * The few protocol-buffer encodings an ONNX file needs, written and read by hand: the format is
 * small (varints, length-delimited fields, fixed 32/64-bit numbers) and a generated codec would
 * bring a dependency with an install script for five message types.
 * https://protobuf.dev/programming-guides/encoding/
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends fields of one message; `bytes()` gives the encoding. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];

  private flushScratch(): void {
    if (this.scratch.length) {
      this.chunks.push(Uint8Array.from(this.scratch));
      this.scratch = [];
    }
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** int32, int64 and enum fields (negative numbers take ten bytes, as the format says). */
  int(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.varint(value.length);
    this.flushScratch();
    this.chunks.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.encode());
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  /** A packed repeated float field (float32 values, little-endian). */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: ArrayLike<number>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]);
    return this.bytes(field, inner.encode());
  }

  encode(): Uint8Array {
    this.flushScratch();
    const length = this.chunks.reduce((sum, c) => sum + c.length, 0);
    const out = new Uint8Array(length);
    let offset = 0;
    for (const c of this.chunks) {
      out.set(c, offset);
      offset += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

/** One field as read: a varint (as bigint), a fixed number's raw bytes, or a length-delimited payload. */
export interface ProtoField {
  field: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** A truncated or malformed encoding. */
export class ProtoError extends Error {}

/** Reads the fields of one message in order; throws ProtoError on a truncated or malformed encoding. */
export function readFields(buffer: Uint8Array): ProtoField[] {
  const fields: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buffer.length) throw new ProtoError(`truncated varint at byte ${pos}`);
      const b = buffer[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtoError(`varint longer than 10 bytes at byte ${pos}`);
    }
  };
  const take = (length: number): Uint8Array => {
    if (length < 0 || pos + length > buffer.length) throw new ProtoError(`field of ${length} bytes at byte ${pos} runs past the end (${buffer.length} bytes)`);
    const slice = buffer.subarray(pos, pos + length);
    pos += length;
    return slice;
  };
  while (pos < buffer.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new ProtoError(`field number 0 at byte ${pos}`);
    if (wire === WIRE_VARINT) fields.push({ field, wire, varint: varint() });
    else if (wire === WIRE_BYTES) fields.push({ field, wire, bytes: take(Number(varint())) });
    else if (wire === WIRE_FIXED64) fields.push({ field, wire, bytes: take(8) });
    else if (wire === WIRE_FIXED32) fields.push({ field, wire, bytes: take(4) });
    else throw new ProtoError(`unsupported wire type ${wire} at byte ${pos}`);
  }
  return fields;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function decodeString(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    throw new ProtoError('a string field is not valid UTF-8');
  }
}
