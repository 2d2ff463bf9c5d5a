import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** The manifest: the schema as plain JSON, for the handshake and for clients in other languages. */
export interface Manifest {
  readonly format: 'netschema-manifest';
  readonly version: 1;
  readonly fingerprint: string;
  readonly classes: readonly ManifestClass[];
  readonly enums: readonly ManifestEnum[];
}

export interface ManifestClass {
  readonly id: number;
  readonly name: string;
  readonly base: string | null;
  readonly fields: readonly ManifestField[];
}

export interface ManifestField {
  readonly index: number;
  readonly name: string;
  readonly type: unknown;
  readonly optional: boolean;
  /** Present only on fields with a visibility marker: `@ownerOnly` or `@teamOnly`. */
  readonly visibility?: 'owner' | 'team';
}

export interface ManifestEnum {
  readonly name: string;
  readonly members: readonly { readonly name: string; readonly value: number | string }[];
}

/**
 * Two 32-bit mask words over field indices, laid out like the change masks `c0`/`c1`: bit `i`
 * of word 0 is field `i` (0-31), bit `i` of word 1 is field `32 + i`. Words are printed as
 * unsigned hex (`0xffffffff`); bitwise operators read them as 32 bits either way.
 */
export type FieldMask = readonly [w0: number, w1: number];

/** Which fields of a class are nested and which are hidden from some clients, as mask words. */
export interface ClassMasks {
  /** Every field of the class, inherited included. */
  readonly all: FieldMask;
  /** Child, array and map fields: in a patch, flagging them replaced sends them whole. */
  readonly nested: FieldMask;
  /** `@ownerOnly` fields: sent only to the client that owns the entity. */
  readonly ownerOnly: FieldMask;
  /** `@teamOnly` fields: sent only to clients on the entity's team and to its owner. */
  readonly teamOnly: FieldMask;
}

/**
 * The generated codecs of one schema class. Encoders take the server's tracked object; decoders
 * build and update plain replica objects, so clients never load decorated classes.
 */
export interface ClassCodec<T = unknown, R = unknown> {
  readonly id: number;
  readonly name: string;
  /** Field names by index. */
  readonly fields: readonly string[];
  /** The replica class decoders build. */
  readonly Replica: new () => R;
  /** Upper bound of `encodeFull`'s output, in bytes. */
  sizeBound(e: T): number;
  encodeFull(w: Writer, e: T): void;
  /** Encodes the fields in masks `c0`/`c1`; nested fields in `r0`/`r1` go out whole. */
  encodePatch(w: Writer, e: T, c0: number, c1: number, r0: number, r1: number): void;
  decodeFull(r: Reader): R;
  /** Applies a patch; leaves the changed-field masks in `r.mask0`/`r.mask1`. */
  decodePatch(r: Reader, o: R): void;
  /**
   * Field masks for per-client views (issue #3). With `hidden` the fields a client may not see
   * (`ownerOnly` unless it owns the entity, `teamOnly` unless it is on the entity's team or owns
   * it), a room sends an entity entering the client's view as a patch of everything visible, nested
   * fields marked replaced so they go out whole:
   * `encodePatch(w, e, all[0] & ~hidden[0], all[1] & ~hidden[1], nested[0] & ~hidden[0], nested[1] & ~hidden[1])`,
   * and clears `hidden` from the change and replaced masks of later patches the same way, so
   * hidden values never reach other clients' bytes.
   */
  // Optional in the type so modules generated before masks existed still type-check against
  // codegen-v1; defineSchemaModule fills them in from the manifest at run time.
  readonly masks?: ClassMasks;
}

/** What a generated module exports as `netschema`. */
export interface SchemaModule {
  readonly fingerprint: string;
  readonly manifest: Manifest;
  /** Codecs by class id (index 0 unused). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- codecs of every class live here
  readonly classes: readonly (ClassCodec<any, any> | undefined)[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly byName: ReadonlyMap<string, ClassCodec<any, any>>;
}
