/**
 * The catalog of wire types, the decorators that write them, and format limits. The CLI reads,
 * validates and emits against these tables and the runtime decorators build their type tokens
 * from them, so each fact about a wire type has this one home: adding a wire type starts here,
 * and the compiler (exhaustive switches over these names) and the decorator-coverage test in the
 * CLI point at every other place that must follow.
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
  /** What a value of this type is, in words, for encoder errors: "expected an integer from 0 to 255". */
  readonly expected: string;
}

/** A fixed-width integer: its range, and the words errors use for it, come from one place. */
function integer(bytes: number, min: number, max: number): PrimitiveInfo {
  return { ts: 'number', bits: 0, bytes, variable: false, min, max, zero: 0, expected: `an integer from ${min} to ${max}` };
}

export const PRIMITIVES: Readonly<Record<PrimitiveName, PrimitiveInfo>> = Object.freeze({
  u8: integer(1, 0, 255),
  u16: integer(2, 0, 65535),
  u32: integer(4, 0, 4294967295),
  i8: integer(1, -128, 127),
  i16: integer(2, -32768, 32767),
  i32: integer(4, -2147483648, 2147483647),
  varuint: { ts: 'number', bits: 0, bytes: 8, variable: true, min: 0, max: Number.MAX_SAFE_INTEGER, zero: 0, expected: 'a safe integer >= 0' },
  // Zigzag doubles the magnitude, and the varuint under it holds 53 bits: ±2^52.
  varint: { ts: 'number', bits: 0, bytes: 8, variable: true, min: -(2 ** 52), max: 2 ** 52 - 1, zero: 0, expected: 'an integer from -2^52 to 2^52 - 1' },
  f32: { ts: 'number', bits: 0, bytes: 4, variable: false, zero: 0, expected: 'a number' },
  f64: { ts: 'number', bits: 0, bytes: 8, variable: false, zero: 0, expected: 'a number' },
  bool: { ts: 'boolean', bits: 1, bytes: 0, variable: false, zero: false, expected: 'a boolean' },
  string: { ts: 'string', bits: 0, bytes: 8, variable: true, zero: '', expected: 'a string' },
  bytes: { ts: 'Uint8Array', bits: 0, bytes: 8, variable: true, zero: 'empty-bytes', expected: 'a Uint8Array' },
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

/**
 * Kinds whose values are tracked objects (a schema object, a `NetArray`, a `NetMap`): a change
 * inside one marks its field changed in place, and a patch may instead replace it whole (the
 * `r0`/`r1` masks). The decorators, the CLI's emitters and the manifest reader all ask this.
 */
const NESTED_KINDS: ReadonlySet<WireType['kind']> = new Set(['ref', 'array', 'map']);

/** Whether values of this wire type (the runtime's, or the CLI's IR of it) are tracked objects. */
export function isNestedType(t: { readonly kind: WireType['kind'] }): boolean {
  return NESTED_KINDS.has(t.kind);
}

/**
 * The key the manifest writes each non-primitive kind under (`{ class: 'Vec2' }`,
 * `{ array: 'u8' }`); a primitive is its bare name. docs/wire-format.md documents the notation.
 */
export const MANIFEST_TYPE_KEYS = Object.freeze({
  quantized: 'quantized',
  angle: 'angle',
  enum: 'enum',
  ref: 'class',
  array: 'array',
  map: 'map',
} as const satisfies Record<Exclude<WireType['kind'], 'primitive'>, string>);

/** Whether a manifest field type (`'u8'`, `{ class: 'Vec2' }`, ...) is of a nested kind. */
export function isNestedManifestType(t: unknown): boolean {
  if (typeof t !== 'object' || t === null) return false;
  for (const kind of NESTED_KINDS) if (kind !== 'primitive' && MANIFEST_TYPE_KEYS[kind] in t) return true;
  return false;
}

/** Who receives a field's value: everyone, or as the `@ownerOnly` / `@teamOnly` markers say. */
export type Visibility = 'all' | 'owner' | 'team';

// The decorators netschema exports, by role. The CLI recognises exactly these, when they are
// exports of `@netschema/runtime`; its decorator-coverage test (packages/cli/test) fails when the
// runtime exports a decorator that is not listed here.

/** The class decorator. */
export const CLASS_DECORATOR = 'schema';

/**
 * Field decorators that take arguments (the bare ones are the primitive names), each with the
 * usage error messages show for it.
 */
export const DECORATOR_FACTORIES = Object.freeze({
  quantized: 'quantized({ min: 0, max: 100, bits: 12 }) or quantized({ min: 0, max: 100, precision: 0.01 })',
  angle: "angle(8) or angle({ bits: 8, unit: 'deg' })",
  enumOf: 'enumOf(Color)',
  child: 'child(Vec2) or child(() => Node)',
  array: 'array(u8) or array(Item)',
  map: "map('string', u8)",
  optional: 'optional(string)',
});
export type DecoratorFactoryName = keyof typeof DECORATOR_FACTORIES;
export const DECORATOR_FACTORY_NAMES = Object.freeze(Object.keys(DECORATOR_FACTORIES) as DecoratorFactoryName[]);

export function isDecoratorFactory(name: string | undefined): name is DecoratorFactoryName {
  return name !== undefined && Object.hasOwn(DECORATOR_FACTORIES, name);
}

/** Visibility markers: decorators beside a field's wire type that change who receives it, not its bytes. */
export const VISIBILITY_MARKERS = Object.freeze({ ownerOnly: 'owner', teamOnly: 'team' } as const satisfies Record<string, Exclude<Visibility, 'all'>>);
export type VisibilityMarkerName = keyof typeof VISIBILITY_MARKERS;

export function isVisibilityMarker(name: string | undefined): name is VisibilityMarkerName {
  return name !== undefined && Object.hasOwn(VISIBILITY_MARKERS, name);
}

const MARKER_OF = new Map((Object.keys(VISIBILITY_MARKERS) as VisibilityMarkerName[]).map((name) => [VISIBILITY_MARKERS[name], name]));

/** The marker that sets a visibility: `owner` → `ownerOnly`. */
export function visibilityMarkerName(visibility: Exclude<Visibility, 'all'>): VisibilityMarkerName {
  return MARKER_OF.get(visibility)!;
}

export type DecoratorName = typeof CLASS_DECORATOR | PrimitiveName | DecoratorFactoryName | VisibilityMarkerName;
export type DecoratorRole = 'class' | 'primitive' | 'factory' | 'marker';

/** Every decorator netschema exports. */
export const DECORATOR_NAMES: readonly DecoratorName[] = Object.freeze([
  CLASS_DECORATOR,
  ...PRIMITIVE_NAMES,
  ...DECORATOR_FACTORY_NAMES,
  ...(Object.keys(VISIBILITY_MARKERS) as VisibilityMarkerName[]),
]);

/** What a netschema decorator is, or undefined for any other name. */
export function decoratorRole(name: string | undefined): DecoratorRole | undefined {
  if (name === undefined) return undefined;
  if (name === CLASS_DECORATOR) return 'class';
  if (isPrimitiveName(name)) return 'primitive';
  if (isDecoratorFactory(name)) return 'factory';
  if (isVisibilityMarker(name)) return 'marker';
  return undefined;
}

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

export { fieldMask, maskBit, maskWord } from './field-mask.js';
