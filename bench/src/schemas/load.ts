import { f32, schema, string, u32, u8 } from '@netschema/runtime';

/** The load benchmark's entity: the arena's fields. */
@schema
export class Unit {
  @f32 accessor x = 0;
  @f32 accessor y = 0;
  @f32 accessor angle = 0;
  @u8 accessor hp = 100;
  @string accessor name = '';
}

/** Server to bot: a checksum of the entities the bot should hold after the frame of `tick`. */
@schema
export class Checksum {
  @u32 accessor tick = 0;
  @u32 accessor sum = 0;
}
