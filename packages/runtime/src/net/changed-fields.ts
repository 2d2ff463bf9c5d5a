import type { ClassCodec } from '../codec/schema-module.js';

/** Distinct masks remembered per class; beyond this, lists are built per call. */
const MAX_CACHED = 1024;
const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Field names of change masks (bit i of word 0 = field i, word 1 = field 32 + i). Games change
 * the same few field sets every frame, so lists for one-word masks are built once and shared:
 * they are frozen.
 */
export class ChangedFields {
  private readonly cache = new Map<ClassCodec, Map<number, readonly string[]>>();

  names(codec: ClassCodec, m0: number, m1: number): readonly string[] {
    if (m1 !== 0) return build(codec, m0, m1);
    if (m0 === 0) return EMPTY;
    let byMask = this.cache.get(codec);
    if (byMask === undefined) this.cache.set(codec, (byMask = new Map()));
    let hit = byMask.get(m0);
    if (hit === undefined) {
      hit = Object.freeze(build(codec, m0, 0));
      if (byMask.size < MAX_CACHED) byMask.set(m0, hit);
    }
    return hit;
  }
}

function build(codec: ClassCodec, m0: number, m1: number): string[] {
  const out: string[] = [];
  const fields = codec.fields;
  for (let i = 0; i < fields.length && i < 64; i++) {
    const word = i < 32 ? m0 : m1;
    if ((word & (1 << (i & 31))) !== 0) out.push(fields[i]!);
  }
  return out;
}
