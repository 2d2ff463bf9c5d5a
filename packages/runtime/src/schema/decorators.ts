import './metadata-polyfill.js';
import { makeAccessor, zeroValue, type ClassState } from '../tracking/accessors.js';
import { fieldChanged, initSlots, type Tracked } from '../tracking/tracked.js';
import { bitsForPrecision, isNestedType, LIMITS, visibilityMarkerName, type PrimitiveName, type WireType } from './catalog.js';
import type { NetArray } from '../collections/net-array.js';
import type { NetMap } from '../collections/net-map.js';
import { CLASS_INFO, OWN_FIELDS, OWN_MARKERS, classInfoOf, type ClassInfo, type FieldInfo, type Visibility } from './class-info.js';

/** The wire type a decorator stands for: lets `array(u8)` and `optional(string)` take decorators. */
export const WIRE_TYPE: unique symbol = Symbol.for('netschema.wireType') as never;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClass = abstract new (...args: any[]) => object;
type ClassRef = AnyClass | (() => AnyClass);

/**
 * A field decorator that works in both decorator dialects: TC39 standard decorators on an
 * `accessor` field, and legacy `experimentalDecorators` on a plain property. It doubles as a
 * type token for `array()`, `map()` and `optional()`.
 */
export interface FieldDecorator<V> {
  /** TC39: `@u8 accessor hp = 100`. */
  <This, T extends V>(value: ClassAccessorDecoratorTarget<This, T>, context: ClassAccessorDecoratorContext<This, T>): ClassAccessorDecoratorResult<This, T>;
  /** TC39 on a plain field: always an error, because the class field would shadow the tracking accessor. */
  (value: undefined, context: ClassFieldDecoratorContext): void;
  /** Legacy (`experimentalDecorators`): `@u8 hp = 100`. */
  (target: object, propertyKey: string | symbol): void;
  readonly [WIRE_TYPE]: RuntimeType;
}

/** A wire type as the runtime keeps it: a schema reference may be a thunk (forward references). */
export type RuntimeType = WireType & { readonly optional?: boolean };

interface PendingField {
  readonly name: string;
  readonly index: number;
  readonly type: RuntimeType;
  readonly optional: boolean;
  readonly nested: boolean;
}

function isTc39Context(c: unknown): c is DecoratorContext {
  return typeof c === 'object' && c !== null && 'kind' in c;
}

/** Fields declared by ancestors: the index the next own field gets starts after them. */
function inheritedCount(bag: object | null): number {
  let n = 0;
  for (let p = bag; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.hasOwn(p, OWN_FIELDS)) n += (p as Record<symbol, PendingField[]>)[OWN_FIELDS]!.length;
  }
  return n;
}

function ownFields(bag: object): PendingField[] {
  const rec = bag as Record<symbol, PendingField[]>;
  if (!Object.hasOwn(bag, OWN_FIELDS)) Object.defineProperty(bag, OWN_FIELDS, { value: [], enumerable: false });
  return rec[OWN_FIELDS]!;
}

const STATE: unique symbol = Symbol('netschema.classState') as never;

function classState(bag: object): ClassState {
  const rec = bag as Record<symbol, ClassState>;
  if (!Object.hasOwn(bag, STATE)) Object.defineProperty(bag, STATE, { value: { done: false, className: '?' } });
  return rec[STATE]!;
}

function record(bag: object, name: string, type: RuntimeType, className: string): PendingField {
  const own = ownFields(bag);
  const index = Object.getPrototypeOf(bag) === null ? own.length : inheritedCount(Object.getPrototypeOf(bag) as object) + own.length;
  // Standard decorators do not know the class name yet: @schema reports the overflow instead.
  if (index >= LIMITS.maxFieldsPerClass && className !== '(class)') {
    throw new Error(`${className}.${name}: a schema class holds at most ${LIMITS.maxFieldsPerClass} fields (own and inherited); nest related fields in a child object`);
  }
  const field: PendingField = { name, index, type, optional: type.optional === true, nested: isNestedType(type) };
  own.push(field);
  return field;
}

function fieldDecorator<V>(type: RuntimeType): FieldDecorator<V> {
  const decorate = (value: unknown, context: unknown): unknown => {
    if (isTc39Context(context)) {
      const name = String(context.name);
      if (context.kind === 'field') {
        throw new Error(
          `${name}: netschema tracks fields through accessors, and a plain class field would shadow them. ` +
            `Write \`@${describe(type)} accessor ${name} = ...\` (standard decorators) or enable experimentalDecorators`,
        );
      }
      if (context.kind !== 'accessor' || context.static || context.private) {
        const c = context as { static?: boolean; private?: boolean };
        throw new Error(`${name}: netschema field decorators go on public instance \`accessor\` fields, not on a ${c.static ? 'static ' : ''}${c.private ? 'private ' : ''}${context.kind}`);
      }
      const meta = context.metadata as object | undefined;
      if (!meta) throw new Error(`${name}: decorator metadata is missing; netschema needs TypeScript >= 5.2 or esbuild >= 0.21`);
      const state = classState(meta);
      const field = record(meta, name, type, '(class)');
      return makeAccessor(field, state, false);
    }
    // Legacy: (prototype, key). The accessor goes on the prototype; a class field defined on the
    // instance would shadow it, which the first instance built reports (see `schema`).
    const proto = value as object;
    const key = context as string | symbol;
    if (typeof key !== 'string') throw new Error(`netschema field decorators need string property names, got ${String(key)}`);
    if (typeof proto === 'function') throw new Error(`${proto.name}.${key}: netschema field decorators go on instance fields, not static ones`);
    const state = classState(proto);
    state.className = (proto as { constructor: { name: string } }).constructor.name;
    const field = record(proto, key, type, state.className);
    const acc = makeAccessor(field, state, true);
    Object.defineProperty(proto, key, { get: acc.get, set: acc.set, configurable: true, enumerable: true });
    return undefined;
  };
  Object.defineProperty(decorate, WIRE_TYPE, { value: type });
  return decorate as unknown as FieldDecorator<V>;
}

function describe(t: RuntimeType): string {
  switch (t.kind) {
    case 'primitive': return t.name;
    case 'quantized': return `quantized({ min: ${t.min}, max: ${t.max}, bits: ${t.bits} })`;
    case 'angle': return `angle(${t.bits})`;
    case 'enum': return `enumOf(${t.name})`;
    case 'ref': return 'child(...)';
    case 'array': return 'array(...)';
    case 'map': return 'map(...)';
  }
}

const prim = <V>(name: PrimitiveName) => fieldDecorator<V>({ kind: 'primitive', name });

/** Unsigned 8-bit integer, 1 byte. */
export const u8 = prim<number>('u8');
/** Unsigned 16-bit integer, 2 bytes. */
export const u16 = prim<number>('u16');
/** Unsigned 32-bit integer, 4 bytes. */
export const u32 = prim<number>('u32');
/** Signed 8-bit integer, 1 byte. */
export const i8 = prim<number>('i8');
/** Signed 16-bit integer, 2 bytes. */
export const i16 = prim<number>('i16');
/** Signed 32-bit integer, 4 bytes. */
export const i32 = prim<number>('i32');
/** Unsigned integer up to 2^53 - 1 as LEB128: 1 byte below 128. */
export const varuint = prim<number>('varuint');
/** Signed integer as zigzag LEB128: 1 byte for -64..63. */
export const varint = prim<number>('varint');
/** 32-bit float. */
export const f32 = prim<number>('f32');
/** 64-bit float. */
export const f64 = prim<number>('f64');
/** Boolean: one bit in the object's bit block. */
export const bool = prim<boolean>('bool');
/** UTF-8 string with a varuint byte length. */
export const string = prim<string>('string');
/** Byte string with a varuint length. */
export const bytes = prim<Uint8Array>('bytes');

export type QuantizedOptions =
  | { readonly min: number; readonly max: number; readonly bits: number }
  | { readonly min: number; readonly max: number; readonly precision: number };

/** A float in [min, max] sent in `bits` bits (or as many as `precision` needs); values outside are clamped. */
export function quantized(opts: QuantizedOptions): FieldDecorator<number> {
  const { min, max } = opts;
  if (!(Number.isFinite(min) && Number.isFinite(max) && min < max)) {
    throw new Error(`quantized: expected finite min < max, got min ${min}, max ${max}`);
  }
  const bits = 'bits' in opts ? opts.bits : bitsForPrecision(min, max, opts.precision);
  if (!(Number.isInteger(bits) && bits >= LIMITS.minQuantBits && bits <= LIMITS.maxQuantBits)) {
    throw new Error(`quantized: expected ${LIMITS.minQuantBits} to ${LIMITS.maxQuantBits} bits, got ${bits}`);
  }
  return fieldDecorator<number>({ kind: 'quantized', min, max, bits });
}

/** An angle wrapped to one turn, in `bits` bits (radians unless `unit: 'deg'`). */
export function angle(opts: number | { readonly bits: number; readonly unit?: 'rad' | 'deg' }): FieldDecorator<number> {
  const bits = typeof opts === 'number' ? opts : opts.bits;
  const unit = typeof opts === 'number' ? 'rad' : (opts.unit ?? 'rad');
  if (!(Number.isInteger(bits) && bits >= LIMITS.minQuantBits && bits <= LIMITS.maxQuantBits)) {
    throw new Error(`angle: expected ${LIMITS.minQuantBits} to ${LIMITS.maxQuantBits} bits, got ${bits}`);
  }
  return fieldDecorator<number>({ kind: 'angle', bits, unit });
}

/** A TypeScript enum (numeric or string), sent as a member index in the fewest bits. */
export function enumOf<E extends Record<string, string | number>>(e: E, name?: string): FieldDecorator<E[keyof E]> {
  const values = Object.keys(e)
    .filter((k) => !/^(0|[1-9][0-9]*)$/.test(k))
    .map((k) => e[k]!);
  return fieldDecorator({ kind: 'enum', name: name ?? '(enum)', values });
}

function classOf(ref: ClassRef): AnyClass {
  return classInfoOf(ref) || /^class[\s{]/.test(Function.prototype.toString.call(ref)) ? (ref as AnyClass) : (ref as () => AnyClass)();
}

function refType(ref: ClassRef): RuntimeType {
  let resolved: AnyClass | undefined;
  return {
    kind: 'ref',
    get className(): string {
      resolved ??= classOf(ref);
      return resolved.name;
    },
  } as RuntimeType;
}

function typeOf(t: FieldDecorator<unknown> | ClassRef): RuntimeType {
  const wt = (t as { [WIRE_TYPE]?: RuntimeType })[WIRE_TYPE];
  if (wt) return wt;
  const marker = (t as { [MARKER]?: Exclude<Visibility, 'all'> })[MARKER];
  if (marker !== undefined) {
    throw new Error(`${visibilityMarkerName(marker)} is a visibility marker, not a wire type: it goes on a field beside the wire type, as in \`@${visibilityMarkerName(marker)} @u8 accessor ammo\``);
  }
  if (typeof t === 'function') return refType(t as ClassRef);
  throw new Error(`expected a netschema type (u8, string, quantized(...), a @schema class ...), got ${String(t)}`);
}

/** A nested schema object. Pass a thunk (`() => Node`) to refer to a class declared later. */
export function child<T extends object>(cls: (abstract new (...args: never[]) => T) | (() => abstract new (...args: never[]) => T)): FieldDecorator<T> {
  return fieldDecorator<T>(refType(cls as unknown as ClassRef));
}

type Instance<C> = C extends abstract new (...args: never[]) => infer T ? T : never;
type KeyOf<K extends 'string' | 'number'> = K extends 'string' ? string : number;

/** A `NetArray` of a primitive, quantized, enum or schema element type. */
export function array<C extends AnyClass>(element: C | (() => C)): FieldDecorator<NetArray<Instance<C>>>;
export function array<V>(element: FieldDecorator<V>): FieldDecorator<NetArray<V>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function array(element: FieldDecorator<unknown> | ClassRef): FieldDecorator<any> {
  return fieldDecorator({ kind: 'array', element: typeOf(element) });
}

/** A `NetMap` with string or number keys. */
export function map<K extends 'string' | 'number', C extends AnyClass>(key: K, value: C | (() => C)): FieldDecorator<NetMap<KeyOf<K>, Instance<C>>>;
export function map<K extends 'string' | 'number', V>(key: K, value: FieldDecorator<V>): FieldDecorator<NetMap<KeyOf<K>, V>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function map(key: 'string' | 'number', value: FieldDecorator<unknown> | ClassRef): FieldDecorator<any> {
  if (key !== 'string' && key !== 'number') throw new Error(`map: keys are 'string' or 'number', got ${String(key)}`);
  return fieldDecorator({ kind: 'map', key, value: typeOf(value) });
}

/** A value that may be absent (`undefined`): one presence bit. */
export function optional<C extends AnyClass>(t: C | (() => C)): FieldDecorator<Instance<C> | undefined>;
export function optional<V>(t: FieldDecorator<V>): FieldDecorator<V | undefined>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function optional(t: FieldDecorator<unknown> | ClassRef): FieldDecorator<any> {
  // Not a spread: a class reference resolves lazily (forward references) through a getter.
  return fieldDecorator(Object.create(typeOf(t), { optional: { value: true, enumerable: true } }) as RuntimeType);
}

/**
 * A visibility marker: `@ownerOnly` or `@teamOnly` beside a field's wire type decorator, in
 * either order and in both decorator dialects. It changes nothing on the wire format; it tells
 * rooms (issue #3) which clients may receive the field.
 */
export interface VisibilityMarker {
  /** TC39: `@ownerOnly @u8 accessor ammo = 30`. */
  <This, T>(value: ClassAccessorDecoratorTarget<This, T>, context: ClassAccessorDecoratorContext<This, T>): void;
  /** TC39 on a plain field: the wire type decorator beside it reports the missing `accessor`. */
  (value: undefined, context: ClassFieldDecoratorContext): void;
  /** Legacy (`experimentalDecorators`): `@ownerOnly @u8 ammo = 30`. */
  (target: object, propertyKey: string | symbol): void;
}

/** Brands marker functions, so `array(ownerOnly)` can say what went wrong. */
const MARKER: unique symbol = Symbol.for('netschema.visibilityMarker') as never;

interface PendingMarker {
  readonly name: string;
  readonly visibility: Exclude<Visibility, 'all'>;
  /** Set when the marker sits on something that is not an instance field; `@schema` throws it with the class name. */
  readonly problem?: string;
}


function ownMarkers(bag: object): PendingMarker[] {
  if (!Object.hasOwn(bag, OWN_MARKERS)) Object.defineProperty(bag, OWN_MARKERS, { value: [], enumerable: false });
  return (bag as Record<symbol, PendingMarker[]>)[OWN_MARKERS]!;
}

function notAField(marker: string, name: string, what: string): string {
  return `@${marker} goes on a public instance field next to its wire type (\`@${marker} @u8 accessor ${name} = 0\`), not on ${what}`;
}

function visibilityMarker(visibility: Exclude<Visibility, 'all'>): VisibilityMarker {
  const marker = visibilityMarkerName(visibility);
  const decorate = (value: unknown, context: unknown, descriptor?: unknown): undefined => {
    if (isTc39Context(context)) {
      const name = String(context.name);
      if (context.kind === 'class') throw new Error(`${name}: ${notAField(marker, 'field', 'a class')}`);
      const meta = context.metadata as object | undefined;
      if (!meta) throw new Error(`${name}: decorator metadata is missing; netschema needs TypeScript >= 5.2 or esbuild >= 0.21`);
      const c = context as { kind: string; static?: boolean; private?: boolean };
      // Standard decorators do not know the class name yet: @schema reports the problem with it.
      const problem =
        c.kind !== 'accessor' && c.kind !== 'field'
          ? notAField(marker, name, c.kind === 'method' ? 'a method' : `a ${c.kind}`)
          : c.static || c.private
            ? notAField(marker, name, `a ${c.static ? 'static ' : ''}${c.private ? 'private ' : ''}field`)
            : undefined;
      ownMarkers(meta).push(problem === undefined ? { name, visibility } : { name, visibility, problem });
      return undefined;
    }
    // Legacy: (prototype, key) on a property; a class gets (constructor), a method or get/set accessor a descriptor too.
    const key = context as string | symbol | undefined;
    if (key === undefined) {
      const cls = (value as { name?: string }).name ?? '(class)';
      throw new Error(`${cls}: ${notAField(marker, 'field', 'a class')}`);
    }
    const owner = typeof value === 'function' ? (value as { name: string }).name : (value as { constructor: { name: string } }).constructor.name;
    const where = `${owner}.${String(key)}`;
    if (typeof value === 'function') throw new Error(`${where}: ${notAField(marker, String(key), 'a static field')}`);
    if (descriptor !== undefined) {
      const d = descriptor as PropertyDescriptor;
      throw new Error(`${where}: ${notAField(marker, String(key), typeof d.value === 'function' ? 'a method' : 'a get/set accessor')}`);
    }
    if (typeof key !== 'string') throw new Error(`netschema field decorators need string property names, got ${String(key)}`);
    ownMarkers(value as object).push({ name: key, visibility });
    return undefined;
  };
  Object.defineProperty(decorate, MARKER, { value: visibility });
  return decorate as unknown as VisibilityMarker;
}

/**
 * Only the client that owns the entity receives this field (ammo, inventory). Rooms decide who
 * owns an entity; other clients' frames never contain the value. Place it next to the wire type:
 * `@ownerOnly @u8 accessor ammo = 30`.
 */
export const ownerOnly: VisibilityMarker = visibilityMarker('owner');

/**
 * Only clients on the entity's team (and its owner) receive this field. Rooms decide teams;
 * other clients' frames never contain the value: `@teamOnly @u8 accessor hp = 100`.
 */
export const teamOnly: VisibilityMarker = visibilityMarker('team');

/**
 * Each own field's visibility from the class's markers. Throws, naming `Class.field`, for a
 * marker on something that is not a field, on a field without a wire type, or twice on one field.
 */
function visibilities(className: string, bag: object, own: readonly PendingField[], inherited: readonly FieldInfo[]): Map<string, Visibility> {
  const out = new Map<string, Visibility>();
  if (!Object.hasOwn(bag, OWN_MARKERS)) return out;
  for (const m of (bag as Record<symbol, PendingMarker[]>)[OWN_MARKERS]!) {
    const where = `${className}.${m.name}`;
    const marker = visibilityMarkerName(m.visibility);
    if (m.problem !== undefined) throw new Error(`${where}: ${m.problem}`);
    const prev = out.get(m.name);
    if (prev === m.visibility) throw new Error(`${where}: @${marker} is written twice; remove one`);
    if (prev !== undefined) {
      throw new Error(
        `${where}: has both @ownerOnly and @teamOnly, but a field has one visibility; keep @ownerOnly (only the owning client) ` +
          'or @teamOnly (clients on the entity\'s team and its owner)',
      );
    }
    if (!own.some((f) => f.name === m.name)) {
      const base = inherited.find((f) => f.name === m.name);
      throw new Error(
        base !== undefined
          ? `${where}: @${marker} marks a field declared by a base class; put it on the field where the base class declares it`
          : `${where}: @${marker} has no netschema wire type beside it, so there is no field to hide; write \`@${marker} @u8 accessor ${m.name}\` with the field's wire type (or remove @${marker})`,
      );
    }
    out.set(m.name, m.visibility);
  }
  return out;
}

function checkShadowing(o: object, info: ClassInfo): void {
  for (const f of info.fields) {
    if (Object.hasOwn(o, f.name)) {
      throw new Error(
        `${info.name}.${f.name}: an own property shadows netschema's tracking accessor, so changes to it would never be sent. ` +
          'This happens when a class field is defined with [[Define]] semantics (useDefineForClassFields, the default for ES2022 targets). ' +
          `Fix: with standard decorators write \`accessor ${f.name}\`; with experimentalDecorators set "useDefineForClassFields": false ` +
          `or declare the field with \`declare ${f.name}: ...\` and assign it in the constructor; and do not redeclare a tracked field in a subclass`,
      );
    }
  }
  info.checked = true;
}

/**
 * Marks a class as schema state. Works as a TC39 class decorator and as a legacy one. It returns
 * a thin subclass whose constructor finishes each instance: slots, defaults, and a one-time
 * check that no field shadows its tracking accessor.
 */
export function schema<C extends AnyClass>(target: C, context?: ClassDecoratorContext<C>): C {
  const tc39 = isTc39Context(context);
  const bag: object = tc39 ? (context.metadata as object) : target.prototype;
  if (tc39 && !bag) throw new Error(`${target.name}: decorator metadata is missing; netschema needs TypeScript >= 5.2 or esbuild >= 0.21`);
  const name = target.name;
  const baseCtor = Object.getPrototypeOf(target) as unknown;
  const base = classInfoOf(baseCtor) ?? null;
  const pendingBase = base === null ? inheritedCount(Object.getPrototypeOf(bag) as object | null) : 0;
  if (pendingBase > 0) {
    throw new Error(`${name} extends ${(baseCtor as { name: string }).name}, which has netschema fields but no @schema decorator: add @schema to it`);
  }
  const pending: PendingField[] = Object.hasOwn(bag, OWN_FIELDS) ? (bag as Record<symbol, PendingField[]>)[OWN_FIELDS]! : [];
  const vis = visibilities(name, bag, pending, base?.fields ?? []);
  const own: FieldInfo[] = pending.map((f) => ({ ...f, visibility: vis.get(f.name) ?? 'all' }));
  const fields = [...(base?.fields ?? []), ...own];
  if (fields.length > LIMITS.maxFieldsPerClass) {
    throw new Error(`${name}.${fields[LIMITS.maxFieldsPerClass]!.name}: a schema class holds at most ${LIMITS.maxFieldsPerClass} fields (own and inherited); nest related fields in a child object`);
  }
  for (const f of own) {
    if (fields.some((g) => g !== f && g.name === f.name)) throw new Error(`${name}.${f.name}: already declared by a base class; a subclass cannot redeclare a schema field`);
  }
  const state = classState(bag);
  state.className = name;
  state.done = true;

  const proto = target.prototype as Tracked;
  const nested = fields.filter((f) => f.nested);
  Object.defineProperty(proto, '$clear', {
    value: function (this: Tracked) {
      this.$c0 = 0;
      this.$c1 = 0;
      this.$r0 = 0;
      this.$r1 = 0;
    },
    configurable: true,
  });
  Object.defineProperty(proto, '$children', {
    value: function (this: Record<string, unknown>, fn: (c: Tracked) => void) {
      for (const f of nested) {
        const v = this[`$$${f.name}`];
        if (v != null) fn(v as Tracked);
      }
    },
    configurable: true,
  });
  Object.defineProperty(proto, '$childChanged', {
    value: function (this: Tracked, key: number) {
      fieldChanged(this, key);
    },
    configurable: true,
  });

  const legacyDefaults = tc39 ? [] : fields.filter((f) => !f.optional && !f.nested);
  let info: ClassInfo;
  const Wrapped = {
    [name]: class extends (target as AnyClass) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      constructor(...args: any[]) {
        super(...args);
        if (new.target === Wrapped) finish(this as unknown as Tracked & Record<string, unknown>);
      }
    },
  }[name]!;
  const finish = (o: Tracked & Record<string, unknown>): void => {
    if (o.$q === undefined) initSlots(o);
    for (const f of legacyDefaults) if (o[`$$${f.name}`] === undefined) o[`$$${f.name}`] = zeroValue(f);
    if (!info.checked) checkShadowing(o, info);
    // Writes made while constructing are not changes: a new object is always sent whole.
    o.$clear();
    o.$q = false;
  };
  info = { name, ctor: Wrapped, base, fields, checked: false };
  Object.defineProperty(Wrapped, CLASS_INFO, { value: info });
  Object.defineProperty(target, CLASS_INFO, { value: info });
  return Wrapped as unknown as C;
}

export { classInfoOf };

/** Development write checks (a wrong-typed write throws naming `Class.field`): see tracking/write-check.ts. */
export { devChecks, setDevChecks } from '../tracking/write-check.js';
