import { fieldMask, isNestedManifestType } from '../schema/catalog.js';
import { classInfoOf } from '../schema/class-info.js';
import { EncodeError } from '../wire/decode-error.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';
import type { Tracked } from '../tracking/tracked.js';
import type { ClassCodec, ClassMasks, Manifest, ManifestClass, SchemaModule } from './schema-module.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCodec = ClassCodec<any, any>;

/** Builds the `netschema` export of a generated module. */
export function defineSchemaModule(manifest: Manifest, codecs: readonly AnyCodec[]): SchemaModule {
  const classes: (AnyCodec | undefined)[] = [undefined];
  const byName = new Map<string, AnyCodec>();
  for (const c of codecs) {
    // Modules generated before codecs carried masks: derive them from the manifest.
    if ((c as { masks?: ClassMasks }).masks === undefined) {
      const mc = manifest.classes.find((x) => x.id === c.id);
      if (mc !== undefined) (c as { masks: ClassMasks }).masks = masksOf(mc);
    }
    classes[c.id] = c;
    byName.set(c.name, c);
  }
  return { fingerprint: manifest.fingerprint, manifest, classes, byName };
}

function masksOf(c: ManifestClass): ClassMasks {
  const mask = (pick: (f: ManifestClass['fields'][number]) => boolean): [number, number] => fieldMask(c.fields.filter(pick).map((f) => f.index));
  return {
    all: mask(() => true),
    nested: mask((f) => isNestedManifestType(f.type)),
    ownerOnly: mask((f) => f.visibility === 'owner'),
    teamOnly: mask((f) => f.visibility === 'team'),
  };
}

function codecOf(m: SchemaModule, e: object, allowed: readonly number[]): AnyCodec {
  const name = classInfoOf(e.constructor)?.name ?? e.constructor.name;
  const c = m.byName.get(name);
  if (c === undefined || !allowed.includes(c.id)) {
    const names = allowed.map((id) => m.classes[id]?.name).join(', ');
    throw new EncodeError(`cannot encode a ${name} here: expected one of ${names}`);
  }
  return c;
}

/** A value of a class with subclasses: its class id, then its full encoding. */
export function encodeAnyFull(m: SchemaModule, w: Writer, e: object, allowed: readonly number[]): void {
  const c = codecOf(m, e, allowed);
  w.reserve(8);
  w.varuint(c.id);
  (c as ClassCodec<object, unknown>).encodeFull(w, e);
}

/** A patch of a value of a class with subclasses: the client already knows its class. */
export function encodeAnyPatch(m: SchemaModule, w: Writer, e: object, allowed: readonly number[]): void {
  const c = codecOf(m, e, allowed) as ClassCodec<object, unknown>;
  const t = e as Tracked;
  c.encodePatch(w, e, t.$c0, t.$c1, t.$r0, t.$r1);
}

/** The class id of a generated replica object. */
export function replicaId(o: object): number {
  return (o.constructor as { $id?: number }).$id ?? 0;
}

/** Applies a patch to a replica of a class with subclasses. */
export function patchAny(m: SchemaModule, r: Reader, o: object): void {
  const c = m.classes[replicaId(o)] as ClassCodec<unknown, object> | undefined;
  if (c === undefined) throw r.error('patch for an unknown replica', 'a generated replica object', String(o));
  c.decodePatch(r, o);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an Array' : v instanceof Map ? 'a Map' : `a ${v.constructor?.name ?? 'object'}`;
}

/** Thrown by generated encoders when a field holds a value its wire type cannot carry. */
export function invalid(where: string, expected: string, got: unknown): never {
  throw new EncodeError(`${where}: expected ${expected}, got ${show(got)}`);
}
