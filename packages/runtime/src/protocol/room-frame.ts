// The room frame: the one state message a room sends each client (spec: docs/wire-format.md §9.3;
// vectors: the `room-*` cases of test/conformance/vectors.json). This module owns its layout;
// the room core writes it, the replica reads it, the connection peeks at its flags, the
// benchmarks' floor server writes it, all through these functions.
//
//   kind u8 = FRAME_ROOM | tick varuint | input ack varuint | flags u8
//   removals: count varuint, then ids as zigzag varint deltas
//   entities: count varuint, then per entity a key varuint (zigzag id delta × 2 + entering)
//             and, if entering, its class id varuint; then its patch

import { DecodeError } from '../wire/decode-error.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** First byte of a room frame (World frames use 1 and 2: see state/frame-kind.ts). */
export const FRAME_ROOM = 3;
/** Header flag: the client drops every entity before applying this frame (join, resync). */
export const FLAG_RESET = 1;

/** Most bytes the header and the two counts take: kind 1, tick 5, ack 5, flags 1, counts 5 + 5, rounded up. */
export const FRAME_HEAD_BOUND = 24;
/** Most bytes one removal or one entity key takes (a varuint of a 53-bit value, rounded up). */
export const FRAME_ITEM_BOUND = 9;
/**
 * What a byte budget counts for the header before any removal or entity. An estimate, not a
 * bound, kept as it was first chosen: budgets defer the same entities as before.
 */
export const FRAME_BUDGET_HEAD = 20;

/** Writes the header: kind, tick, input ack, flags. Reserve FRAME_HEAD_BOUND first. */
export function writeRoomFrameHead(w: Writer, tick: number, inputAck: number, reset: boolean): void {
  w.u8(FRAME_ROOM);
  w.varuint(tick);
  w.varuint(inputAck);
  w.u8(reset ? FLAG_RESET : 0);
}

/** An entity's key: its id as a zigzag delta from the previous entity's, doubled, plus 1 if it enters. */
export function entityKey(delta: number, entering: number): number {
  return (delta >= 0 ? delta * 2 : -delta * 2 - 1) * 2 + entering;
}

/** A room frame's header as read (one object reused per reader). */
export class RoomFrameHead {
  tick = 0;
  inputAck = 0;
  reset = false;
}

/** Reads the header after the kind byte into `out`; refuses unknown flags. */
export function readRoomFrameHead(r: Reader, out: RoomFrameHead): RoomFrameHead {
  out.tick = r.varuint();
  out.inputAck = r.varuint();
  const at = r.pos;
  const flags = r.u8();
  if ((flags & ~FLAG_RESET) !== 0) throw new DecodeError('unknown frame flags', at, `flags within ${FLAG_RESET}`, String(flags));
  out.reset = (flags & FLAG_RESET) !== 0;
  return out;
}

/** Reads an entity key at the reader: the entity's id (from the previous one's) and whether it enters. */
export function readEntityKey(r: Reader, prevId: number, out: { id: number; entering: boolean }): void {
  const at = r.pos;
  const head = r.varuint();
  const enter = head % 2;
  const zz = (head - enter) / 2;
  const id = prevId + (zz % 2 === 0 ? zz / 2 : -(zz + 1) / 2);
  if (!(id >= 1 && id <= Number.MAX_SAFE_INTEGER)) throw new DecodeError('entity id out of range', at, 'an id of at least 1', String(id));
  out.id = id;
  out.entering = enter === 1;
}
