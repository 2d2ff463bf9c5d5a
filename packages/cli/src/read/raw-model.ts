import type { PrimitiveName } from '@netschema/runtime/catalog';
import type { SourcePos } from '../ir/schema-ir.js';

/**
 * What the reader saw, as plain data: every class and enum the schema touches, each decorator
 * read as far as it could be, and each field's TypeScript type summarised. Validation rules
 * check these facts; the IR is built from them once they pass. Nothing here holds a `ts.Node`.
 */

/** A decorator argument: its value when it is a literal (or a constant the checker knows), else its text. */
export type RawArg<T> =
  | { readonly ok: true; readonly value: T; readonly pos: SourcePos }
  | { readonly ok: false; readonly text: string; readonly pos: SourcePos };

export type RawType =
  | { readonly kind: 'primitive'; readonly name: PrimitiveName; readonly pos: SourcePos }
  | {
      readonly kind: 'quantized';
      readonly min: RawArg<number>;
      readonly max: RawArg<number>;
      readonly bits: RawArg<number> | null;
      readonly precision: RawArg<number> | null;
      readonly pos: SourcePos;
    }
  | { readonly kind: 'angle'; readonly bits: RawArg<number>; readonly unit: RawArg<string> | null; readonly pos: SourcePos }
  /** `enumKey` is null when the argument is not a TypeScript enum. */
  | { readonly kind: 'enum'; readonly enumKey: string | null; readonly text: string; readonly pos: SourcePos }
  /** `classKey` is null when the argument is not a class at all. */
  | { readonly kind: 'ref'; readonly classKey: string | null; readonly text: string; readonly pos: SourcePos }
  | { readonly kind: 'array'; readonly element: RawType; readonly pos: SourcePos }
  | { readonly kind: 'map'; readonly key: RawArg<string>; readonly value: RawType; readonly pos: SourcePos }
  | { readonly kind: 'optional'; readonly inner: RawType; readonly pos: SourcePos }
  /**
   * Not a netschema type. `netschemaName` is set when it is a netschema decorator that is not a
   * wire type, used where one is expected (`@schema` or a visibility marker); `name` is the written name.
   */
  | { readonly kind: 'unknown'; readonly name: string; readonly netschemaName: string | null; readonly pos: SourcePos }
  /** A netschema type written with the wrong shape of arguments. */
  | { readonly kind: 'malformed'; readonly what: string; readonly reason: string; readonly pos: SourcePos };

/** A field's TypeScript type, reduced to what wire-type checks need. */
export type TsShape =
  | { readonly kind: 'number' | 'boolean' | 'string' | 'bytes' | 'undefined' | 'null' | 'any' }
  | { readonly kind: 'enum'; readonly enumKey: string; readonly name: string; readonly numeric: boolean }
  | { readonly kind: 'class'; readonly classKey: string; readonly name: string }
  | { readonly kind: 'net-array'; readonly element: TsShape }
  | { readonly kind: 'net-map'; readonly key: TsShape; readonly value: TsShape }
  | { readonly kind: 'union'; readonly members: readonly TsShape[] }
  | { readonly kind: 'other' };

export type MemberKind = 'property' | 'accessor' | 'method' | 'get' | 'set';
export type NameKind = 'identifier' | 'private' | 'string' | 'numeric' | 'computed';

export interface RawDecorator {
  readonly type: RawType;
  readonly pos: SourcePos;
}

/** A visibility marker (`@ownerOnly`, `@teamOnly`): not a wire type, so kept apart from `decorators`. */
export interface RawMarker {
  readonly name: 'ownerOnly' | 'teamOnly';
  readonly visibility: 'owner' | 'team';
  /** Written as a call (`@ownerOnly()`): markers take no arguments. */
  readonly called: boolean;
  readonly pos: SourcePos;
}

export interface RawMember {
  readonly name: string;
  readonly nameKind: NameKind;
  readonly kind: MemberKind;
  readonly isStatic: boolean;
  /** TypeScript `private`/`protected` keyword (an ECMAScript `#name` shows as nameKind 'private'). */
  readonly modifier: 'private' | 'protected' | null;
  /** Wire types and foreign decorators, in source order; visibility markers are in `markers`. */
  readonly decorators: readonly RawDecorator[];
  /** Visibility markers, in source order. */
  readonly markers: readonly RawMarker[];
  readonly tsType: TsShape;
  /** The type as TypeScript prints it, for messages. */
  readonly tsTypeText: string;
  readonly pos: SourcePos;
}

export interface RawClass {
  /** Unique within a read: file and position. */
  readonly key: string;
  readonly name: string;
  readonly file: string;
  readonly pos: SourcePos;
  readonly isSchema: boolean;
  /** Exported from its file under its own name: generated code imports its type by that name. */
  readonly exported: boolean;
  /** Direct base class, when it is a class declaration the reader could find. */
  readonly baseKey: string | null;
  readonly basePos: SourcePos | null;
  readonly members: readonly RawMember[];
}

export interface RawEnumMember {
  readonly name: string;
  /** Undefined when TypeScript cannot compute it at compile time. */
  readonly value: number | string | undefined;
  readonly pos: SourcePos;
}

export interface RawEnum {
  readonly key: string;
  readonly name: string;
  /** Exported from its file under its own name. */
  readonly exported: boolean;
  readonly file: string;
  readonly pos: SourcePos;
  readonly members: readonly RawEnumMember[];
}

export interface RawModule {
  /** Absolute path of the schema file the module is generated from. */
  readonly rootFile: string;
  /** `legacy` when the program enables experimentalDecorators: fields are plain properties then. */
  readonly mode: 'standard' | 'legacy';
  /** Without strictNullChecks `undefined` disappears from types, so optional checks are skipped. */
  readonly strictNullChecks: boolean;
  /** Every class the reader recorded: schema classes of the module and the classes they touch. */
  readonly classes: ReadonlyMap<string, RawClass>;
  readonly enums: ReadonlyMap<string, RawEnum>;
  /** Schema classes of the module: those of the root file and those reachable from them. */
  readonly moduleClasses: readonly string[];
  /** Enums used by `enumOf` in the module's classes. */
  readonly moduleEnums: readonly string[];
  /** Non-schema classes declared in the module's files (checked for stray field decorators). */
  readonly otherClasses: readonly string[];
  /** Files the module depends on: the root and every file declaring a class or enum it uses. */
  readonly inputFiles: readonly string[];
}
