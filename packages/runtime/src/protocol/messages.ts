// The room protocol on top of the state frames: one binary WebSocket message per protocol
// message, its first byte the kind. Kinds 1-3 are state frames (docs/wire-format.md §9); the
// rest are control and typed messages, specified in docs/protocol.md.

import type { ClassCodec, SchemaModule } from '../codec/schema-module.js';
import { DecodeError } from '../wire/decode-error.js';
import type { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

export { FRAME_FULL, FRAME_PATCH } from '../state/frame-kind.js';
export { FLAG_RESET, FRAME_HEAD_BOUND, FRAME_ROOM, entityKey, writeRoomFrameHead } from './room-frame.js';

/** Bumped whenever a message below changes shape; the join carries it. */
/** 2: S_OWNED (ownership news). 3: S_REDIRECT and the join's seat (clusters). */
export const PROTOCOL_VERSION = 3;

// Server to client.
export const S_WELCOME = 16;
export const S_MESSAGE = 17;
export const S_ERROR = 18;
export const S_PING = 19;
export const S_PONG = 20;
/** The fingerprints differ: send your manifest so the server can say what differs. */
export const S_MANIFEST_REQUEST = 21;
/** The entities this client owns changed (sent right after the frame that carries them). */
export const S_OWNED = 22;
/** Join elsewhere: the room (or the session) lives on another node of the cluster; a close 4016 follows. */
export const S_REDIRECT = 23;

// Client to server.
export const C_JOIN = 32;
export const C_MESSAGE = 33;
export const C_PING = 34;
export const C_PONG = 35;
/** Leaving for good: no resume. */
export const C_LEAVE = 36;
export const C_MANIFEST = 37;
/** The client could not apply a frame: send everything again, whole. */
export const C_RESYNC = 38;

/** Close codes (4000-4999 is the application range of RFC 6455). */
export const CloseCode = {
  /** The server is shutting down (RFC 6455 "going away"). */
  SHUTDOWN: 1001,
  /** A message that is not a protocol message, or one out of order. */
  PROTOCOL_ERROR: 4000,
  SCHEMA_MISMATCH: 4001,
  PROTOCOL_VERSION: 4002,
  ROOM_FULL: 4003,
  ROOM_NOT_FOUND: 4004,
  /** Too many bad messages (unknown, malformed or rejected). */
  TOO_MANY_ERRORS: 4005,
  RATE_LIMITED: 4006,
  /** The client did not read its frames for too long. */
  CONGESTED: 4007,
  JOIN_TIMEOUT: 4008,
  /** Closed by the server's game code (`client.close`). */
  KICKED: 4009,
  /** A message over the server's size limit (RFC 6455 "message too big"). */
  MESSAGE_TOO_BIG: 1009,
  /** The room was disposed or the client left. */
  LEFT: 4010,
  /** The join was refused by the room's `onJoin`. */
  JOIN_REFUSED: 4011,
  /** Nothing from the client (not even a pong) for the server's idle timeout. */
  IDLE: 4012,
  /** A server-wide cap is reached (connections, rooms): try again later. */
  SERVER_FULL: 4013,
  /** Too many connections from the client's address: try again once some have closed. */
  ADDRESS_LIMIT: 4014,
  /** Joins (and resumes) from the client's address come faster than the server allows: back off. */
  JOIN_RATE_LIMITED: 4015,
  /** The join goes on at another node (S_REDIRECT said where): the client follows at once. */
  REDIRECT: 4016,
  /** The join needs the cluster's room registry, which is unreachable: try again later. */
  CLUSTER_UNAVAILABLE: 4017,
} as const;

/** Close codes after which reconnecting cannot help. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.SCHEMA_MISMATCH, CloseCode.PROTOCOL_VERSION, CloseCode.ROOM_NOT_FOUND, CloseCode.KICKED,
  CloseCode.LEFT, CloseCode.JOIN_REFUSED, CloseCode.PROTOCOL_ERROR, CloseCode.TOO_MANY_ERRORS, CloseCode.RATE_LIMITED,
  CloseCode.MESSAGE_TOO_BIG,
  // Not final: SERVER_FULL, ADDRESS_LIMIT, JOIN_RATE_LIMITED, ROOM_FULL, CLUSTER_UNAVAILABLE.
  // Capacity and the registry come back, and the client's backoff is what a rate limit asks for.
  // REDIRECT is followed at once.
]);

/** Error codes of S_ERROR that do not close the connection. */
export const ErrorCode = {
  UNKNOWN_MESSAGE: 1,
  MALFORMED_MESSAGE: 2,
  NO_HANDLER: 3,
  HANDLER_FAILED: 4,
  /** A join from a client already in a room: one connection carries one session. */
  ALREADY_JOINED: 5,
} as const;

export interface JoinRequest {
  protocol: number;
  fingerprint: string;
  /** Room name (joins or creates) or room id (joins that room). */
  room: string;
  /** From a previous welcome; empty for a fresh join. */
  resumeToken: string;
  /** The last room tick the client applied: a resume sends only the delta when it matches the server's last frame. */
  lastTick: number;
  /** JSON for the room's `onJoin` (name, team choice...). */
  options: string;
  /** A seat a redirect reserved (`<roomId>.<seatId>`); empty otherwise. */
  seat: string;
}

/** Where a cluster sends a join: another node's URL, and the seat reserved there (if any). */
export interface Redirect {
  /** The node's WebSocket URL (ws: or wss:). */
  url: string;
  /** A seat reserved in a room of that node, `<roomId>.<seatId>`; empty when following a session (resume token). */
  seat: string;
}

export interface Welcome {
  protocol: number;
  /** The client's id in its room (stable across resumes). */
  clientId: number;
  roomId: string;
  roomName: string;
  resumeToken: string;
  /** True when this join took over a session kept from a dropped connection. */
  resumed: boolean;
}

/** Writes a join; `seat` defaults to none. */
export function writeJoin(w: Writer, j: Omit<JoinRequest, 'seat'> & { seat?: string }): void {
  w.reserve(24);
  w.u8(C_JOIN);
  w.varuint(j.protocol);
  w.string(j.fingerprint);
  w.string(j.room);
  w.string(j.resumeToken);
  w.reserve(8);
  w.varuint(j.lastTick);
  w.string(j.options);
  w.string(j.seat ?? '');
}

/** Reads a join after its kind byte. Before protocol 3 a join ended after its options: no seat. */
export function readJoin(r: Reader): JoinRequest {
  const j = { protocol: r.varuint(), fingerprint: r.string(), room: r.string(), resumeToken: r.string(), lastTick: r.varuint(), options: r.string(), seat: '' };
  if (r.remaining > 0) j.seat = r.string();
  return j;
}

export function writeRedirect(w: Writer, m: Redirect): void {
  w.reserve(1);
  w.u8(S_REDIRECT);
  w.string(m.url);
  w.string(m.seat);
}

/** Reads a redirect after its kind byte; refuses a URL that is not ws: or wss:. */
export function readRedirect(r: Reader): Redirect {
  const at = r.pos;
  const url = r.string();
  if (!/^wss?:\/\//.test(url)) throw new DecodeError('redirect to a URL that is not ws: or wss:', at, 'ws://… or wss://…', url.slice(0, 64));
  return { url, seat: r.string() };
}

export function writeWelcome(w: Writer, m: Welcome): void {
  w.reserve(24);
  w.u8(S_WELCOME);
  w.varuint(m.protocol);
  w.varuint(m.clientId);
  w.string(m.roomId);
  w.string(m.roomName);
  w.string(m.resumeToken);
  w.reserve(1);
  w.u8(m.resumed ? 1 : 0);
}

export function readWelcome(r: Reader): Welcome {
  return { protocol: r.varuint(), clientId: r.varuint(), roomId: r.string(), roomName: r.string(), resumeToken: r.string(), resumed: r.u8() === 1 };
}

export function writeError(w: Writer, code: number, message: string): void {
  w.reserve(9);
  w.u8(S_ERROR);
  w.varuint(code);
  w.string(message);
}

/** Reads an error after its kind byte: its code and text. */
export function readError(r: Reader): { code: number; message: string } {
  return { code: r.varuint(), message: r.string() };
}

/** A ping or pong of either side: kind, then an id the pong echoes. */
export function writePing(w: Writer, kind: number, id: number): void {
  w.reserve(9);
  w.u8(kind);
  w.varuint(id);
}

/**
 * A typed message: a schema class encoded whole. Client to server it carries a sequence number
 * first, which room frames acknowledge (`lastInputSeq`).
 */
export function writeMessage(w: Writer, schema: SchemaModule, msg: object, seq = -1): void {
  const codec = messageCodec(schema, msg);
  w.reserve(24);
  if (seq >= 0) {
    w.u8(C_MESSAGE);
    w.varuint(seq);
  } else w.u8(S_MESSAGE);
  w.varuint(codec.id);
  w.reserve(codec.sizeBound(msg));
  codec.encodeFull(w, msg);
}

/** The codec of a message object: by its class name, the same for decorated and replica classes. */
export function messageCodec(schema: SchemaModule, msg: object): ClassCodec {
  const name = msg?.constructor?.name;
  const codec = name === undefined ? undefined : schema.byName.get(name);
  if (codec === undefined) {
    throw new TypeError(`send: ${name ?? typeof msg} is not a class of this schema; messages are instances of @schema classes (or their generated replica classes)`);
  }
  return codec;
}

/** Reads a typed message's class id and body (after kind, and seq for client messages). */
export function readMessageBody(r: Reader, schema: SchemaModule): { codec: ClassCodec; msg: object } {
  const at = r.pos;
  const id = r.varuint();
  const codec = schema.classes[id];
  if (codec === undefined) throw new DecodeError('unknown message class', at, `a class id of this schema (1 to ${schema.classes.length - 1})`, String(id));
  const msg = codec.decodeFull(r) as object;
  if (r.pos !== r.end) throw r.error('trailing bytes after the message', 'the end of the message', `${r.end - r.pos} more bytes`);
  return { codec, msg };
}

/** WebSocket close reasons are at most 123 bytes of UTF-8: cut on a character boundary. */
export function closeReason(text: string): string {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= 123) return text;
  let s = text.slice(0, 120);
  while (enc.encode(s + '…').length > 123) s = s.slice(0, -1);
  return s + '…';
}

/** Ownership message flag: the lists replace the client's whole owned set (after a reset frame). */
export const OWNED_RESET = 1;
/** Most ids one ownership list may carry; a count above it is refused before any work. */
export const MAX_OWNED_IDS = 65536;

/** What an S_OWNED message says: ids gained and lost since the last one, or the full set on reset. */
export interface OwnedNews {
  reset: boolean;
  added: number[];
  removed: number[];
}

function writeIds(w: Writer, ids: readonly number[]): void {
  w.varuint(ids.length);
  let prev = 0;
  for (const id of ids) {
    w.varint(id - prev);
    prev = id;
  }
}

/** Writes an ownership message: kind, flags, then added and removed ids as deltas (sorted ids keep them small). */
export function writeOwned(w: Writer, news: OwnedNews): void {
  w.u8(S_OWNED);
  w.u8(news.reset ? OWNED_RESET : 0);
  writeIds(w, news.added);
  writeIds(w, news.removed);
}

function readIds(r: Reader, what: string): number[] {
  const at = r.pos;
  const n = r.varuint();
  // Every id takes at least one byte: a count beyond what is left, or beyond the cap, is refused before allocating.
  if (n > MAX_OWNED_IDS || n > r.remaining) {
    throw new DecodeError(`ownership ${what} count too large`, at, `at most ${Math.min(MAX_OWNED_IDS, r.remaining)}`, String(n));
  }
  const ids = new Array<number>(n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    prev += r.varint();
    ids[i] = prev;
  }
  return ids;
}

/** Reads an ownership message after its kind byte. */
export function readOwned(r: Reader): OwnedNews {
  const at = r.pos;
  const flags = r.u8();
  if ((flags & ~OWNED_RESET) !== 0) throw new DecodeError('unknown ownership flags', at, `bit 0 only`, `0x${flags.toString(16)}`);
  const added = readIds(r, 'added');
  const removed = readIds(r, 'removed');
  return { reset: (flags & OWNED_RESET) !== 0, added, removed };
}
