/**
 * The catalog of wire types and format limits. The CLI validates schemas against this table and
 * the runtime decorators build their type tokens from it, so there is one list, not two.
 */

export type PrimitiveName =
  | 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32'
  | 'varuint' | 'varint' | 'f32' | 'f64'
  | 'bool' | 'string' | 'bytes';

export interface PrimitiveInfo {
  /** The TypeScript type a field of this wire type holds. */
  readonly ts: 'number' | 'boolean' | 'string' | 'Uint8Array';
  /** Bits in the object's bit block, or 0 when the value lives in the byte block. */
  readonly bits: number;
  /** Bytes in the byte block for fixed-size values; for variable ones, the most a length prefix or varint may take. */
  readonly bytes: number;
  /** Whether the size depends on the value (varints, strings, bytes). */
  readonly variable: boolean;
  /** Smallest and largest value, for integer types. */
  readonly min?: number;
  readonly max?: number;
  /** Value a field takes when its initializer leaves it undefined. */
  readonly zero: number | boolean | string | 'empty-bytes';
}

export const PRIMITIVES: Readonly<Record<PrimitiveName, PrimitiveInfo>> = Object.freeze({
  u8: { ts: 'number', bits: 0, bytes: 1, variable: false, min: 0, max: 255, zero: 0 },
  u16: { ts: 'number', bits: 0, bytes: 2, variable: false, min: 0, max: 65535, zero: 0 },
  u32: { ts: 'number', bits: 0, bytes: 4, variable: false, min: 0, max: 4294967295, zero: 0 },
  i8: { ts: 'number', bits: 0, bytes: 1, variable: false, min: -128, max: 127, zero: 0 },
  i16: { ts: 'number', bits: 0, bytes: 2, variable: false, min: -32768, max: 32767, zero: 0 },
  i32: { ts: 'number', bits: 0, bytes: 4, variable: false, min: -2147483648, max: 2147483647, zero: 0 },
  varuint: { ts: 'number', bits: 0, bytes: 8, variable: true, min: 0, max: Number.MAX_SAFE_INTEGER, zero: 0 },
  // Zigzag doubles the magnitude, and the varuint under it holds 53 bits: ±2^52.
  varint: { ts: 'number', bits: 0, bytes: 8, variable: true, min: -(2 ** 52), max: 2 ** 52 - 1, zero: 0 },
  f32: { ts: 'number', bits: 0, bytes: 4, variable: false, zero: 0 },
  f64: { ts: 'number', bits: 0, bytes: 8, variable: false, zero: 0 },
  bool: { ts: 'boolean', bits: 1, bytes: 0, variable: false, zero: false },
  string: { ts: 'string', bits: 0, bytes: 8, variable: true, zero: '' },
  bytes: { ts: 'Uint8Array', bits: 0, bytes: 8, variable: true, zero: 'empty-bytes' },
});

export const PRIMITIVE_NAMES = Object.freeze(Object.keys(PRIMITIVES) as PrimitiveName[]);

export function isPrimitiveName(name: string): name is PrimitiveName {
  return Object.hasOwn(PRIMITIVES, name);
}

/** A field's wire type, as plain data: what decorators record and what the CLI's IR holds. */
export type WireType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  | { readonly kind: 'quantized'; readonly min: number; readonly max: number; readonly bits: number }
  | { readonly kind: 'angle'; readonly bits: number; readonly unit: 'rad' | 'deg' }
  | { readonly kind: 'enum'; readonly name: string; readonly values: readonly (number | string)[] }
  | { readonly kind: 'ref'; readonly className: string }
  | { readonly kind: 'array'; readonly element: WireType }
  | { readonly kind: 'map'; readonly key: 'string' | 'number'; readonly value: WireType };

/** Format limits, enforced by the CLI (schema errors) and by decoders (DecodeError). */
export const LIMITS = Object.freeze({
  /** Fields per class, own and inherited: change masks are two 32-bit words. */
  maxFieldsPerClass: 64,
  /** Schema classes in one generated module (class ids are one varuint byte up to 127). */
  maxClasses: 4096,
  /** Bits of a quantized float or an angle. */
  minQuantBits: 1,
  maxQuantBits: 32,
  /** Members of one enum (indices travel in at most 16 bits). */
  maxEnumMembers: 65536,
  /** Deepest nesting of schema objects a decoder accepts. */
  maxDepth: 32,
  /** Longest string or bytes value a decoder accepts, in bytes (configurable per reader). */
  maxBytesLength: 1 << 20,
  /** Most elements in one array or map a decoder accepts (configurable per reader). */
  maxCollectionLength: 65536,
});

/** Bits needed to send an index in [0, count). */
export function indexBits(count: number): number {
  return count <= 1 ? 0 : 32 - Math.clz32(count - 1);
}

/** Bits for a quantized float with the given precision (largest step allowed). */
export function bitsForPrecision(min: number, max: number, precision: number): number {
  return Math.max(1, Math.ceil(Math.log2((max - min) / precision + 1)));
}

/** The step between quantized values, as decoders compute it (float64). */
export function quantStep(min: number, max: number, bits: number): number {
  return (max - min) / (2 ** bits - 1);
}
