import { EncodeError } from './decode-error.js';
import { utf8Bound, utf8Write } from './utf8.js';

/** Bytes a varuint can take: 53-bit safe integers need 8 groups of 7 bits. */
export const VARUINT_MAX_BYTES = 8;

/**
 * A growable little-endian byte writer with a bit accumulator.
 *
 * Fixed-width stores do not check capacity: generated encoders call `reserve()` once per object
 * with the object's size bound, then write straight-line. Variable-length writes (strings, bytes)
 * reserve for themselves. One writer is reused tick after tick, so steady state allocates nothing.
 */
export class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  private acc = 0;
  private nacc = 0;

  constructor(initialCapacity = 4096) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(this.pos + n);
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Starts over without releasing the buffer. */
  reset(): void {
    this.pos = 0;
    this.acc = 0;
    this.nacc = 0;
  }

  /** A copy of what was written since the last reset. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** A view of what was written since `start`: valid until the next write. */
  view_(start = 0): Uint8Array {
    return this.buf.subarray(start, this.pos);
  }

  u8(v: number): void {
    this.buf[this.pos++] = v;
  }
  i8(v: number): void {
    this.buf[this.pos++] = v;
  }
  u16(v: number): void {
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }
  i16(v: number): void {
    this.view.setInt16(this.pos, v, true);
    this.pos += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }
  i32(v: number): void {
    this.view.setInt32(this.pos, v, true);
    this.pos += 4;
  }
  f32(v: number): void {
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }
  f64(v: number): void {
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** LEB128 of a non-negative safe integer (at most 8 bytes). */
  varuint(v: number): void {
    const buf = this.buf;
    let pos = this.pos;
    if (v >>> 0 === v) {
      while (v > 127) {
        buf[pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      buf[pos++] = v;
    } else {
      if (!(v >= 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v)) {
        throw new EncodeError(`varuint: expected a non-negative safe integer, got ${v}`);
      }
      while (v > 127) {
        buf[pos++] = (v % 128) | 128;
        v = Math.floor(v / 128);
      }
      buf[pos++] = v;
    }
    this.pos = pos;
  }

  /** Zigzag LEB128 of a safe integer. */
  varint(v: number): void {
    if ((v | 0) === v) this.varuint(((v << 1) ^ (v >> 31)) >>> 0);
    else this.varuint(Number.isInteger(v) ? (v >= 0 ? v * 2 : -v * 2 - 1) : v); // a non-integer reaches varuint, which rejects it
  }

  /** Appends the low `n` bits of `v` (1 to 32) to the current bit block, LSB first. */
  bits(v: number, n: number): void {
    if (n > 24) {
      this.bits(v & 0xffff, 16);
      this.bits(Math.floor((v >>> 0) / 65536), n - 16);
      return;
    }
    let acc = this.acc | ((v & ((1 << n) - 1)) << this.nacc);
    let nacc = this.nacc + n;
    while (nacc >= 8) {
      this.buf[this.pos++] = acc & 255;
      acc >>>= 8;
      nacc -= 8;
    }
    this.acc = acc;
    this.nacc = nacc;
  }


  /** Ends the bit block: pads the last byte with zero bits. */
  flushBits(): void {
    if (this.nacc > 0) {
      this.buf[this.pos++] = this.acc & 255;
      this.acc = 0;
      this.nacc = 0;
    }
  }

  /** Varuint byte length, then UTF-8. Reserves for itself. */
  string(s: string): void {
    const bound = utf8Bound(s);
    this.reserve(bound + VARUINT_MAX_BYTES);
    if (bound < 128) {
      // One length byte is enough: write the text, then the length in front of it.
      const start = this.pos + 1;
      const end = utf8Write(s, this.buf, start);
      this.buf[this.pos] = end - start;
      this.pos = end;
    } else {
      const len = utf8Write(s, this.buf, this.pos + VARUINT_MAX_BYTES) - (this.pos + VARUINT_MAX_BYTES);
      const from = this.pos + VARUINT_MAX_BYTES;
      this.varuint(len);
      this.buf.copyWithin(this.pos, from, from + len);
      this.pos += len;
    }
  }

  /** Varuint length, then the bytes. Reserves for itself. */
  bytes(b: Uint8Array): void {
    this.reserve(b.length + VARUINT_MAX_BYTES);
    this.varuint(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }


  /**
   * Appends bytes [start, end) that `src` wrote. Frames copy many small shared encodings out of
   * one arena: four bytes at a time through the DataViews (they need no alignment), long runs
   * with `set`.
   */
  copyFrom(src: Writer, start: number, end: number): void {
    const n = end - start;
    this.reserve(n);
    let pos = this.pos;
    if (n > 64) {
      this.buf.set(src.buf.subarray(start, end), pos);
      this.pos = pos + n;
      return;
    }
    const dv = this.view;
    const sv = src.view;
    let i = start;
    for (; i + 4 <= end; i += 4, pos += 4) dv.setUint32(pos, sv.getUint32(i, true), true);
    const buf = this.buf;
    const from = src.buf;
    for (; i < end; i++) buf[pos++] = from[i]!;
    this.pos = pos;
  }

  /**
   * Quantized float: q = round((v - min) / step), clamped to [0, steps]; NaN sends 0.
   * Generated code passes the constants, so the hot path does no division by a variable.
   */
  quantized(v: number, min: number, step: number, steps: number, bits: number): void {
    const q = Math.round((v - min) / step);
    this.bits(q > 0 ? (q < steps ? q : steps) : 0, bits);
  }

  /**
   * `quantized` for a value that starts on a byte boundary and fills whole bytes (every bit-block
   * value before it is whole bytes too): the same bytes, without the bit accumulator.
   */
  quantizedBytes(v: number, min: number, step: number, steps: number, bytes: number): void {
    const q = Math.round((v - min) / step);
    this.uintLE(q > 0 ? (q < steps ? q : steps) : 0, bytes);
  }

  /** `angle` for a byte-aligned value of whole bytes (see quantizedBytes). */
  angleBytes(v: number, scale: number, steps: number, bytes: number): void {
    let q = Math.round(v * scale) % steps;
    if (q < 0) q += steps;
    this.uintLE(q === q ? q : 0, bytes);
  }

  /** An unsigned integer of 1 to 4 bytes, little-endian (the bit accumulator's byte order). */
  uintLE(v: number, bytes: number): void {
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = v & 255;
    if (bytes > 1) buf[pos++] = (v >>> 8) & 255;
    if (bytes > 2) buf[pos++] = (v >>> 16) & 255;
    if (bytes > 3) buf[pos++] = (v >>> 24) & 255;
    this.pos = pos;
  }

  /** Angle: q = round(v * scale) wrapped to [0, steps), where scale = steps / turn; NaN sends 0. */
  angle(v: number, scale: number, steps: number, bits: number): void {
    let q = Math.round(v * scale) % steps;
    if (q < 0) q += steps;
    this.bits(q === q ? q : 0, bits);
  }
}
