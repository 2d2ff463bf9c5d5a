import type { ClassCodec } from '../codec/schema-module.js';

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

/**
 * The generated codec's masks as plain words. `defineSchemaModule` fills them in for modules
 * generated before codecs carried masks, so every codec of a schema module has them.
 */
export function classMasks(codec: ClassCodec): ClassMasks {
  const m = codec.masks;
  if (m === undefined) {
    throw new Error(`${codec.name}: its codec has no field masks; pass the generated module (built with defineSchemaModule) to the room`);
  }
  return {
    all0: m.all[0] | 0, all1: m.all[1] | 0,
    nested0: m.nested[0] | 0, nested1: m.nested[1] | 0,
    owner0: m.ownerOnly[0] | 0, owner1: m.ownerOnly[1] | 0,
    team0: m.teamOnly[0] | 0, team1: m.teamOnly[1] | 0,
  };
}
