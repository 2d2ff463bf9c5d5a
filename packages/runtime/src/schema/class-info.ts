import type { Visibility, WireType } from './catalog.js';

export type { Visibility };

/** What the decorators record about one field. */
export interface FieldInfo {
  readonly name: string;
  /** Position in the class, inherited fields first: the bit in the change mask. */
  readonly index: number;
  readonly type: WireType;
  readonly optional: boolean;
  /** A schema object, array or map: changes inside it propagate to this field. */
  readonly nested: boolean;
  /**
   * Who may receive the field: everyone, only the client that owns the entity (`@ownerOnly`), or
   * only clients on the entity's team and its owner (`@teamOnly`).
   */
  readonly visibility: Visibility;
}

/** What `@schema` records about one class, stored on the constructor under `CLASS_INFO`. */
export interface ClassInfo {
  readonly name: string;
  readonly ctor: abstract new (...args: never[]) => object;
  readonly base: ClassInfo | null;
  /** All fields, inherited first. */
  readonly fields: readonly FieldInfo[];
  /** Whether the first instance was checked for fields that shadow the tracking accessors. */
  checked: boolean;
}

export const CLASS_INFO: unique symbol = Symbol.for('netschema.classInfo') as never;
/** Own field list in TC39 decorator metadata, before `@schema` turns it into a ClassInfo. */
export const OWN_FIELDS: unique symbol = Symbol.for('netschema.ownFields') as never;
/** Own visibility markers (field name → marker) in the same bag, merged into the fields by `@schema`. */
export const OWN_MARKERS: unique symbol = Symbol.for('netschema.ownMarkers') as never;

export function classInfoOf(ctor: unknown): ClassInfo | undefined {
  if (typeof ctor !== 'function' || !Object.hasOwn(ctor, CLASS_INFO)) return undefined;
  return (ctor as unknown as Record<symbol, ClassInfo>)[CLASS_INFO];
}
