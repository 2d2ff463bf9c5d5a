import { enumOf, i8, ownerOnly, schema, string, u16, u32, f32 } from '@netschema/runtime';

/**
 * The adversarial suite's schema. It has an enum on purpose: a handshake whose manifest
 * differs walks the server's enums against the client's, so a hostile manifest reaches that
 * code only when the server has one.
 */
export enum Mood { Calm, Angry, Afraid }

/** A player (owned by a client) or a wandering bot (owned by the room). */
@schema
export class Mover {
  @f32 accessor x = 0;
  @f32 accessor y = 0;
  @string accessor name = '';
  @enumOf(Mood) accessor mood = Mood.Calm;
  /** Only the owner sees it. */
  @ownerOnly @u16 accessor ammo = 0;
}

/** Client to server: a step. */
@schema
export class Step {
  @i8 accessor dx = 0;
  @i8 accessor dy = 0;
}

/** Both ways: a chat line. */
@schema
export class Say {
  @string accessor text = '';
}

/** Server to client: a checksum of the entities the client should hold at `tick`. */
@schema
export class Tally {
  @u32 accessor tick = 0;
  @u32 accessor sum = 0;
}
