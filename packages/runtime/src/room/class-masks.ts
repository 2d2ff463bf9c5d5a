import type { ClassCodec } from '../codec/schema-module.js';

/** The field masks the room needs per class, each as two signed 32-bit words (the codec's `ClassMasks`, plus what each visibility class may see). */
export interface RoomClassMasks {
  readonly all0: number;
  readonly all1: number;
  readonly nested0: number;
  readonly nested1: number;
  readonly owner0: number;
  readonly owner1: number;
  readonly team0: number;
  readonly team1: number;
  /** Fields each visibility class may see, two words per class: [other0, other1, team0, team1, owner0, owner1]. */
  readonly allow: Int32Array;
}

// One per class, shared by all its entities, so the tick reads it from cache.
const cache = new WeakMap<ClassCodec, RoomClassMasks>();

/**
 * The generated codec's masks as plain words. `defineSchemaModule` fills them in for modules
 * generated before codecs carried masks, so every codec of a schema module has them.
 */
export function classMasks(codec: ClassCodec): RoomClassMasks {
  let masks = cache.get(codec);
  if (masks === undefined) {
    masks = build(codec);
    cache.set(codec, masks);
  }
  return masks;
}

function build(codec: ClassCodec): RoomClassMasks {
  const m = codec.masks;
  if (m === undefined) {
    throw new Error(`${codec.name}: its codec has no field masks; pass the generated module (built with defineSchemaModule) to the room`);
  }
  const all0 = m.all[0] | 0, all1 = m.all[1] | 0;
  const owner0 = m.ownerOnly[0] | 0, owner1 = m.ownerOnly[1] | 0;
  const team0 = m.teamOnly[0] | 0, team1 = m.teamOnly[1] | 0;
  return {
    all0, all1,
    nested0: m.nested[0] | 0, nested1: m.nested[1] | 0,
    owner0, owner1,
    team0, team1,
    allow: Int32Array.of(all0 & ~owner0 & ~team0, all1 & ~owner1 & ~team1, all0 & ~owner0, all1 & ~owner1, all0, all1),
  };
}
