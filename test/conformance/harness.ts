/**
 * Shared by make-vectors.ts and the conformance tests: hex, the JSON notation of values in
 * vectors.json, the action language of frame cases, and primitive encode/decode by type name.
 *
 * JSON notation (docs/wire-format.md, "Conformance vectors"):
 * - numbers that JSON cannot hold (NaN, ±Infinity, -0) are `{ "$num": "NaN" | "Infinity" | "-Infinity" | "-0" }`;
 * - byte strings are `{ "$bytes": "<hex>" }`;
 * - an absent optional field is `null`;
 * - a replica object is `{ "$class": "<class name>", ...fields }`; a Map is `{ "$map": [[key, value], ...] }` in
 *   iteration order; arrays are arrays.
 */
import { NetArray, NetMap, Reader, Writer, World } from '@netschema/runtime';
import * as fixture from '@netschema/test-fixtures/schemas/conformance';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Parses hex; spaces are allowed between bytes for readability. */
export function fromHex(s: string): Uint8Array {
  const clean = s.replace(/\s+/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(clean)) throw new Error(`not hex: ${s}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

// ── numbers ──

export function numToJson(n: number): Json {
  if (Number.isNaN(n)) return { $num: 'NaN' };
  if (n === Infinity) return { $num: 'Infinity' };
  if (n === -Infinity) return { $num: '-Infinity' };
  if (Object.is(n, -0)) return { $num: '-0' };
  return n;
}

function isTagged(v: Json, tag: string): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && tag in v;
}

export function numFromJson(v: Json): number {
  if (typeof v === 'number') return v;
  if (isTagged(v, '$num')) {
    const s = v.$num;
    if (s === 'NaN') return NaN;
    if (s === 'Infinity') return Infinity;
    if (s === '-Infinity') return -Infinity;
    if (s === '-0') return -0;
  }
  throw new Error(`not a number in vector notation: ${JSON.stringify(v)}`);
}

// ── replica state as JSON ──

/** A decoded (replica) value in the vector notation. */
export function replicaToJson(v: unknown): Json {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return numToJson(v);
  if (typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return { $bytes: toHex(v) };
  if (Array.isArray(v)) return v.map(replicaToJson);
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [replicaToJson(k), replicaToJson(x)]) };
  if (typeof v === 'object') {
    const out: { [k: string]: Json } = { $class: (v as object).constructor.name };
    for (const [k, x] of Object.entries(v)) out[k] = replicaToJson(x);
    return out;
  }
  throw new Error(`cannot describe ${String(v)}`);
}

/** A ReplicaWorld's entities, in its Map's order: `[[id, object], ...]`. */
export function entitiesToJson(entities: ReadonlyMap<number, object>): Json {
  return [...entities].map(([id, o]) => [id, replicaToJson(o)]);
}

// ── the action language of frame cases ──

/**
 * One server-side step. `path` is `ref.field.field...`; a numeric segment indexes a NetArray
 * (`get(i)`), any segment after a NetMap is a key (`get(key)`, numeric for number-keyed maps).
 * - `{ "add": "Class", "as": "ref", "set": { field: value } }`: new object, fields assigned, added to the world;
 * - `{ "set": "path", "value": v }`: assigns a field;
 * - `{ "call": "path", "method": "push" | "pop" | "set" | "splice" | "delete" | "clear" | ..., "args": [v...] }`;
 * - `{ "remove": "ref" }`: removes an entity;
 * - `{ "addAgain": "ref" }`: adds a removed entity again (it gets a new id).
 * Values: JSON scalars; `{ "$new": "Class", ...fields }` a new schema object; `{ "$array": [v...] }` a new
 * NetArray; `{ "$map": [[k, v]...] }` a new NetMap; `{ "$bytes": hex }`; `{ "$num": ... }`; `null` undefined;
 * `{ "$enum": "Enum.Member" }` an enum member.
 */
export type Action =
  | { add: string; as: string; set?: { [field: string]: Json } }
  | { set: string; value: Json }
  | { call: string; method: string; args?: Json[] }
  | { remove: string }
  | { addAgain: string };

const classes = fixture as unknown as Record<string, unknown>;

export function valueFromJson(v: Json): unknown {
  if (v === null) return undefined;
  if (typeof v !== 'object') return v;
  if (Array.isArray(v)) throw new Error('plain arrays are not values: use { "$array": [...] }');
  if ('$num' in v) return numFromJson(v);
  if ('$bytes' in v) return fromHex(v.$bytes as string);
  if ('$enum' in v) {
    const [e, m] = (v.$enum as string).split('.') as [string, string];
    return (classes[e] as Record<string, unknown>)[m];
  }
  if ('$array' in v) return new NetArray((v.$array as Json[]).map(valueFromJson));
  if ('$map' in v) return new NetMap((v.$map as [Json, Json][]).map(([k, x]) => [valueFromJson(k) as string | number, valueFromJson(x)]));
  if ('$new' in v) {
    const Ctor = classes[v.$new as string] as (new () => Record<string, unknown>) | undefined;
    if (typeof Ctor !== 'function') throw new Error(`no class ${String(v.$new)} in the fixture schema`);
    const o = new Ctor();
    for (const [k, x] of Object.entries(v)) if (k !== '$new') o[k] = valueFromJson(x);
    return o;
  }
  throw new Error(`unknown value notation: ${JSON.stringify(v)}`);
}

function step(o: unknown, seg: string): unknown {
  if (o instanceof NetArray) return o.get(Number(seg));
  if (o instanceof NetMap) return o.has(seg) ? o.get(seg) : o.get(Number(seg));
  return (o as Record<string, unknown>)[seg];
}

function resolve(refs: Map<string, object>, path: string): { owner: unknown; last: string } {
  const [root, ...rest] = path.split('.');
  let o: unknown = refs.get(root!);
  if (o === undefined) throw new Error(`unknown ref ${root}`);
  if (rest.length === 0) return { owner: undefined, last: root! };
  for (const seg of rest.slice(0, -1)) o = step(o, seg);
  return { owner: o, last: rest[rest.length - 1]! };
}

export function runAction(world: World, refs: Map<string, object>, a: Action): void {
  if ('add' in a) {
    const o = valueFromJson({ $new: a.add, ...(a.set ?? {}) }) as object;
    world.add(o);
    refs.set(a.as, o);
  } else if ('addAgain' in a) {
    world.add(refs.get(a.addAgain)!);
  } else if ('remove' in a) {
    const o = refs.get(a.remove);
    if (o === undefined || !world.remove(o)) throw new Error(`cannot remove ${a.remove}`);
  } else if ('set' in a) {
    const { owner, last } = resolve(refs, a.set);
    (owner as Record<string, unknown>)[last] = valueFromJson(a.value);
  } else {
    const { owner, last } = resolve(refs, a.call);
    const target = owner === undefined ? refs.get(last) : step(owner, last);
    const args = (a.args ?? []).map(valueFromJson);
    (target as Record<string, (...x: unknown[]) => unknown>)[a.method]!(...args);
  }
}

/** How a tick's frame is taken: `encodeFull()` then `commit()`, or `diff()` (encodePatch, commit). */
export type Emit = 'full' | 'patch';

export function emitFrame(world: World, emit: Emit): Uint8Array {
  if (emit === 'patch') return world.diff();
  const bytes = world.encodeFull();
  world.commit();
  return bytes;
}

// ── primitives by type name ──

export interface QuantParams { min: number; max: number; bits: number }
export interface AngleParams { bits: number; unit: 'rad' | 'deg' }

/** The constants generated code passes for a quantized float (see field-plan.ts quantArgs). */
export function quantConstants(p: QuantParams): { step: number; steps: number } {
  return { step: (p.max - p.min) / (2 ** p.bits - 1), steps: 2 ** p.bits - 1 };
}

export function angleConstants(p: AngleParams): { scale: number; unit: number; steps: number } {
  const steps = 2 ** p.bits;
  const turn = p.unit === 'deg' ? 360 : 2 * Math.PI;
  return { scale: steps / turn, unit: turn / steps, steps };
}

export type ValueType =
  | 'u8' | 'u16' | 'u32' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64' | 'varuint' | 'varint' | 'string' | 'bytes'
  | 'bits' | 'quantized' | 'angle';

/** `params`: `{ widths: number[] }` for bits, QuantParams, AngleParams. */
export function encodeValue(type: ValueType, value: unknown, params?: unknown): Uint8Array {
  const w = new Writer(16);
  w.reserve(64);
  switch (type) {
    case 'string': w.string(value as string); break;
    case 'bytes': w.bytes(value as Uint8Array); break;
    case 'bits': {
      const widths = (params as { widths: number[] }).widths;
      (value as number[]).forEach((v, i) => w.bits(v, widths[i]!));
      w.flushBits();
      break;
    }
    case 'quantized': {
      const p = params as QuantParams;
      const c = quantConstants(p);
      w.quantized(value as number, p.min, c.step, c.steps, p.bits);
      w.flushBits();
      break;
    }
    case 'angle': {
      const p = params as AngleParams;
      const c = angleConstants(p);
      w.angle(value as number, c.scale, c.steps, p.bits);
      w.flushBits();
      break;
    }
    default: (w[type] as (v: number) => void)(value as number);
  }
  return w.toBytes();
}

/** Reads one value of `type` (a bit-block value ends its block). */
export function decodeValue(r: Reader, type: ValueType, params?: unknown): unknown {
  switch (type) {
    case 'bits': {
      const out = (params as { widths: number[] }).widths.map((n) => r.bits(n));
      r.alignBits();
      return out;
    }
    case 'quantized': {
      const p = params as QuantParams;
      const c = quantConstants(p);
      const v = r.quantized(p.min, c.step, c.steps, p.bits);
      r.alignBits();
      return v;
    }
    case 'angle': {
      const p = params as AngleParams;
      const v = r.angle(angleConstants(p).unit, p.bits);
      r.alignBits();
      return v;
    }
    default: return (r[type] as () => unknown)();
  }
}

/** A primitive value in the vector notation. */
export function valueToJson(type: ValueType, v: unknown): Json {
  if (type === 'bytes') return { $bytes: toHex(v as Uint8Array) };
  if (type === 'string') return v as string;
  if (type === 'bits') return v as number[];
  return numToJson(v as number);
}

export function valueFromVector(type: ValueType, v: Json): unknown {
  if (type === 'bytes') return fromHex((v as { $bytes: string }).$bytes);
  if (type === 'string' || type === 'bits') return v;
  return numFromJson(v);
}

export { fixture };
