import type { PrimitiveName, Visibility } from '@netschema/runtime/catalog';

export type { Visibility };

/**
 * The schema model the reader builds and the emitter consumes: plain data, no `ts.Node`, so
 * emitting and validating can be tested without a TypeScript program.
 */

/** A position in a source file, 1-based, for diagnostics. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export type TypeIR =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName }
  /** `bits` is resolved from `precision` by the reader when the schema gives a precision. */
  | { readonly kind: 'quantized'; readonly min: number; readonly max: number; readonly bits: number }
  | { readonly kind: 'angle'; readonly bits: number; readonly unit: 'rad' | 'deg' }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'ref'; readonly className: string }
  | { readonly kind: 'array'; readonly element: TypeIR }
  | { readonly kind: 'map'; readonly key: 'string' | 'number'; readonly value: TypeIR };

export interface FieldIR {
  readonly name: string;
  /** Position among all fields of the class, inherited first: the change-mask bit. */
  readonly index: number;
  readonly type: TypeIR;
  readonly optional: boolean;
  /**
   * Who may receive the field: everyone, only the entity's owner (`@ownerOnly`), or the entity's
   * team and its owner (`@teamOnly`). Rooms strip hidden fields from other clients' frames.
   */
  readonly visibility: Visibility;
  /** Class that declares the field (a base class for inherited fields). */
  readonly declaredIn: string;
  readonly pos: SourcePos;
}

export interface ClassIR {
  readonly name: string;
  /** 1-based, assigned in name order so ids do not move when files are reordered. */
  readonly id: number;
  /** Direct schema base class, if any. */
  readonly base: string | null;
  /** All fields, inherited first. */
  readonly fields: readonly FieldIR[];
  /** Schema classes that extend this one, directly or not, in id order. */
  readonly subclasses: readonly string[];
  /** Absolute path of the source file that declares the class. */
  readonly sourceFile: string;
  readonly pos: SourcePos;
}

export interface EnumMemberIR {
  readonly name: string;
  readonly value: number | string;
}

export interface EnumIR {
  readonly name: string;
  /** In declaration order: the wire index of a member is its position here. */
  readonly members: readonly EnumMemberIR[];
  readonly pos: SourcePos;
}

export interface SchemaIR {
  /** The schema source file this module is generated from (absolute path). */
  readonly sourceFile: string;
  /** Classes in id order. */
  readonly classes: readonly ClassIR[];
  /** Enums in name order. */
  readonly enums: readonly EnumIR[];
}
