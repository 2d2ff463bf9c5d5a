// The arena's synchronized state and messages. Only the server imports this file (it carries the
// decorators); browsers and bots import the generated `state.netschema.ts`.
import { angle, bool, enumOf, i8, ownerOnly, quantized, schema, string, u16, u8, varuint } from '@netschema/runtime';

/** The room's settings: one global entity every client receives first. */
@schema
export class Arena {
  @u16 accessor size = 2000;
  @u16 accessor viewRadius = 400;
  @u8 accessor tickRate = 60;
  @u8 accessor patchRate = 20;
}

/** A player, human or bot. Positions in the 2000 × 2000 world to 3 cm: 16 bits each. */
@schema
export class Player {
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor x = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor y = 0;
  /** Where the player aims, radians. */
  @angle(8) accessor angle = 0;
  @string accessor name = '';
  /** The client id from the connection's welcome (`conn.clientId`); 0 for bots. */
  @u16 accessor clientId = 0;
  @bool accessor bot = false;
  @bool accessor alive = true;
  @u16 accessor kills = 0;
  /** Only the player's own client receives its health and ammo. */
  @ownerOnly @u8 accessor hp = 100;
  @ownerOnly @u8 accessor ammo = 30;
}

export enum PickupKind {
  Health,
  Ammo,
}

/** Walk over it to refill health or ammo; it comes back a while later. */
@schema
export class Pickup {
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor x = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor y = 0;
  @enumOf(PickupKind) accessor kind = PickupKind.Health;
}

// ── messages ──

/**
 * Client to server, once per simulation step (1/60 s) while keys are held or the aim moves. Its
 * sequence number is the one `send()` returns; frames acknowledge it (`replica.lastInputSeq`).
 */
@schema
export class Input {
  /** Direction, each -1, 0 or 1 (any i8: the server normalizes it). */
  @i8 accessor dx = 0;
  @i8 accessor dy = 0;
  @angle(8) accessor aim = 0;
}

/** Client to server: fire once, in this direction. An event, not per-bullet state. */
@schema
export class Shoot {
  @angle(12) accessor angle = 0;
}

/** Server to nearby clients: a shot's tracer, from the shooter to where it stopped. */
@schema
export class Shot {
  @varuint accessor shooter = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor x = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor y = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor toX = 0;
  @quantized({ min: 0, max: 2000, bits: 16 }) accessor toY = 0;
}

/** Server to nearby clients: a shot hit a player (entity ids). */
@schema
export class Hit {
  @varuint accessor target = 0;
  @varuint accessor shooter = 0;
  @u8 accessor damage = 0;
}

/** Server to nearby clients: a player died. */
@schema
export class Kill {
  @varuint accessor victim = 0;
  @varuint accessor killer = 0;
  @string accessor victimName = '';
  @string accessor killerName = '';
}
