import type { ClassCodec, ManifestField } from '../codec/schema-module.js';

/** The field masks the room needs per class, each as two 32-bit words. */
export interface ClassMasks {
  readonly all0: number;
  readonly all1: number;
  readonly nested0: number;
  readonly nested1: number;
  readonly owner0: number;
  readonly owner1: number;
  readonly team0: number;
  readonly team1: number;
}

type CodecWithMasks = ClassCodec & {
  masks?: { all: readonly number[]; nested: readonly number[]; ownerOnly: readonly number[]; teamOnly: readonly number[] };
};

/** Reads the masks the generated codec carries, or derives them from its field list and manifest. */
export function classMasks(codec: ClassCodec, fields: readonly ManifestField[] | undefined): ClassMasks {
  const m = (codec as CodecWithMasks).masks;
  if (m !== undefined) {
    return {
      all0: m.all[0]! | 0, all1: m.all[1]! | 0,
      nested0: m.nested[0]! | 0, nested1: m.nested[1]! | 0,
      owner0: m.ownerOnly[0]! | 0, owner1: m.ownerOnly[1]! | 0,
      team0: m.teamOnly[0]! | 0, team1: m.teamOnly[1]! | 0,
    };
  }
  const word = (pick: (f: ManifestField, i: number) => boolean, w: number): number => {
    let out = 0;
    for (let i = 32 * w; i < Math.min(codec.fields.length, 32 * w + 32); i++) {
      const f = fields?.[i];
      if (pick(f as ManifestField, i)) out |= 1 << (i & 31);
    }
    return out;
  };
  const isNested = (f: ManifestField | undefined) => typeof f?.type === 'object' && f.type !== null && ('class' in f.type || 'array' in f.type || 'map' in f.type);
  return {
    all0: word(() => true, 0), all1: word(() => true, 1),
    nested0: word(isNested, 0), nested1: word(isNested, 1),
    owner0: 0, owner1: 0, team0: 0, team1: 0,
  };
}
