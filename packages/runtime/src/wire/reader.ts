import { DecodeError } from './decode-error.js';
import { utf8Read } from './utf8.js';

/** Limits a reader enforces against hostile input. */
export interface ReaderLimits {
  /** Longest string or byte field, in bytes. Default 1 MiB. */
  maxBytesLength: number;
  /** Most elements in one array or map. Default 65,536. */
  maxCollectionLength: number;
  /** Deepest nesting of schema objects. Default 32. */
  maxDepth: number;
}

export const DEFAULT_READER_LIMITS: Readonly<ReaderLimits> = Object.freeze({
  maxBytesLength: 1 << 20,
  maxCollectionLength: 65536,
  maxDepth: 32,
});

/**
 * A bounds-checked little-endian reader with a bit accumulator. Every read checks what is left
 * and throws `DecodeError`; no length read from the wire sizes an allocation before it is checked
 * against the bytes that remain.
 */
export class Reader {
  buf: Uint8Array;
  view: DataView;
  pos: number;
  end: number;
  depth = 0;
  /** Changed-field masks of the last object `decodePatch` applied (for change events). */
  mask0 = 0;
  mask1 = 0;
  readonly limits: ReaderLimits;
  private acc = 0;
  private nacc = 0;

  constructor(bytes: Uint8Array, limits: Partial<ReaderLimits> = {}) {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.byteLength;
    this.limits = { ...DEFAULT_READER_LIMITS, ...limits };
  }

  /** Points the reader at new bytes, keeping its limits (no allocation per frame but the view). */
  reset(bytes: Uint8Array): void {
    this.buf = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.end = bytes.byteLength;
    this.depth = 0;
    this.acc = 0;
    this.nacc = 0;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A DecodeError at the current position. */
  error(what: string, expected: string, got: string): DecodeError {
    return new DecodeError(what, this.pos, expected, got);
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) {
      throw this.error(`truncated ${what}`, `${n} byte${n === 1 ? '' : 's'}`, `${this.end - this.pos} left`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos++]!;
  }
  i8(): number {
    this.need(1, 'i8');
    return (this.buf[this.pos++]! << 24) >> 24;
  }
  u16(): number {
    this.need(2, 'u16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(): number {
    this.need(2, 'i16');
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4, 'u32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4, 'i32');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f32(): number {
    this.need(4, 'f32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }
  f64(): number {
    this.need(8, 'f64');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /**
   * LEB128 up to 2^53 - 1; longer or overlong encodings are errors. The error is decided by the
   * bytes read so far (docs/wire-format.md 3.1): a continuation bit on the 8th byte is 'too long'
   * even when the input ends there, since no 9th byte could make it valid; 'truncated' is only
   * for input ending before that.
   */
  varuint(): number {
    const buf = this.buf;
    const start = this.pos;
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) {
        throw new DecodeError('truncated varuint', start, `${i + 1} bytes`, `${this.end - start} left`);
      }
      const b = buf[this.pos++]!;
      v += (b & 127) * mul;
      if (b < 128) {
        if (b === 0 && i > 0) throw new DecodeError('overlong varuint', start, 'a minimal LEB128 encoding', 'a trailing zero byte');
        if (v > Number.MAX_SAFE_INTEGER) throw new DecodeError('varuint out of range', start, 'at most 2^53 - 1', String(v));
        return v;
      }
      mul *= 128;
    }
    throw new DecodeError('varuint too long', start, 'at most 8 bytes', 'a continuation bit on byte 8');
  }

  varint(): number {
    const z = this.varuint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Reads `n` bits (1 to 32) from the current bit block, LSB first. */
  bits(n: number): number {
    if (n > 24) {
      const lo = this.bits(16);
      return lo + this.bits(n - 16) * 65536;
    }
    let acc = this.acc;
    let nacc = this.nacc;
    while (nacc < n) {
      if (this.pos >= this.end) throw this.error('truncated bit block', `${n - nacc} more bits`, '0 bytes left');
      acc |= this.buf[this.pos++]! << nacc;
      nacc += 8;
    }
    this.acc = acc >>> n;
    this.nacc = nacc - n;
    return acc & ((1 << n) - 1);
  }


  /** Ends the bit block: drops its padding bits. */
  alignBits(): void {
    this.acc = 0;
    this.nacc = 0;
  }

  quantized(min: number, step: number, steps: number, bits: number): number {
    const start = this.pos;
    const q = this.bits(bits);
    if (q > steps) throw new DecodeError('quantized value out of range', start, `at most ${steps}`, String(q));
    return min + q * step;
  }

  /** `quantized` for a byte-aligned value of whole bytes (see Writer.quantizedBytes). */
  quantizedBytes(min: number, step: number, steps: number, bytes: number): number {
    const start = this.pos;
    const q = this.uintLE(bytes, 'quantized');
    if (q > steps) throw new DecodeError('quantized value out of range', start, `at most ${steps}`, String(q));
    return min + q * step;
  }

  /** `angle` for a byte-aligned value of whole bytes. */
  angleBytes(unit: number, bytes: number): number {
    return this.uintLE(bytes, 'angle') * unit;
  }

  /** An unsigned little-endian integer of 1 to 4 bytes. */
  uintLE(bytes: number, what = 'uint'): number {
    this.need(bytes, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + bytes;
    let v = b[p]!;
    if (bytes > 1) v |= b[p + 1]! << 8;
    if (bytes > 2) v |= b[p + 2]! << 16;
    if (bytes > 3) v = (v | (b[p + 3]! << 24)) >>> 0;
    return v;
  }

  angle(unit: number, bits: number): number {
    return this.bits(bits) * unit;
  }

  /** A length prefix for `what`, checked against the limit and the bytes left (each item >= minBytes). */
  length(what: string, max: number, minBytesEach: number): number {
    const start = this.pos;
    const n = this.varuint();
    if (n > max) throw new DecodeError(`${what} too long`, start, `at most ${max}`, String(n));
    if (minBytesEach > 0 && n * minBytesEach > this.end - this.pos) {
      throw new DecodeError(`${what} longer than the frame`, start, `at most ${this.end - this.pos} bytes`, `${n * minBytesEach}`);
    }
    return n;
  }

  string(): string {
    const len = this.length('string', this.limits.maxBytesLength, 1);
    const s = utf8Read(this.buf, this.pos, len);
    if (s === undefined) throw this.error('invalid UTF-8', 'a UTF-8 string', `${len} bytes that are not UTF-8`);
    this.pos += len;
    return s;
  }

  bytes(): Uint8Array {
    const len = this.length('bytes', this.limits.maxBytesLength, 1);
    // Copied: the frame buffer is reused, the replica keeps the value.
    const b = this.buf.slice(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  /** Element count of an array or map. */
  count(what: string, minBytesEach: number): number {
    return this.length(what, this.limits.maxCollectionLength, minBytesEach);
  }

  /** Enters a nested object; throws past the depth limit so hostile nesting cannot blow the stack. */
  enter(): void {
    if (++this.depth > this.limits.maxDepth) {
      throw this.error('nesting too deep', `at most ${this.limits.maxDepth} levels`, `${this.depth}`);
    }
  }
  leave(): void {
    this.depth--;
  }
}
