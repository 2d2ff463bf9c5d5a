/**
 * The only error a decoder throws. It names what was expected, what arrived and where, so a
 * hostile or corrupt frame can be logged and dropped while everything else keeps running.
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** What went wrong, one of the stable strings of docs/wire-format.md section 11 (the message's start). */
  readonly what: string;
  /** Byte offset in the frame where decoding failed. */
  readonly offset: number;
  /** What the decoder needed at that offset, e.g. `"4 bytes for f32"`. */
  readonly expected: string;
  /** What it found instead, e.g. `"2 bytes left"`. */
  readonly got: string;
  constructor(what: string, offset: number, expected: string, got: string) {
    super(`${what} at byte ${offset}: expected ${expected}, got ${got}`);
    this.what = what;
    this.offset = offset;
    this.expected = expected;
    this.got = got;
  }
}

/** Thrown by encoders when a value cannot be put on the wire (never by decoders). */
export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}
