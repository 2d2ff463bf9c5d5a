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
}

export interface ManifestEnum {
  readonly name: string;
  readonly members: readonly { readonly name: string; readonly value: number | string }[];
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
