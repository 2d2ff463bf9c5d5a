// The room game code extends, and the Client session a player is in it: independent of the
// transport, which implements RoomHost (room-host.ts) to carry the bytes.
import { CloseCode, ErrorCode, writeError, writeMessage, writeOwned } from '../protocol/messages.js';
import type { RoomClient } from '../room/records.js';
import { isCellLogMode } from '../room/cell-log.js';
import { RoomCore, type RoomCoreOptions } from '../room/room-core.js';
import { empty } from '../room/reused-arrays.js';
import { Writer } from '../wire/writer.js';
import { numberOption } from './check-option.js';
import type { RoomHost as Host, SendResult } from './room-host.js';

/** Options of a room type, given to `server.define`. Everything of RoomCore but the schema. */
export interface RoomOptions<E extends object = object, U = unknown> extends Omit<RoomCoreOptions<E, Client<U>>, 'schema'> {
  /** Players per room; joins beyond it go to another room of the same name (or a new one). Default 64. */
  maxClients?: number;
  /** Room ticks per second: `onTick` runs, then every due client gets its frame. Default 60. */
  tickRate?: number;
  /** An empty room is disposed after this long (ms). Default 5000. */
  disposeDelayMs?: number;
}

// Hosts serve rooms of any entity and user types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = Client<any>;
/** The host of rooms of any entity and user types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RoomHost = Host<AnyClient, Room<any, any>>;

/**
 * A room type's options with their defaults, checked: `define` calls it so a mistake surfaces
 * there, not when a client's join creates the room. The room core's own rates and budgets are
 * checked as RoomCore checks them.
 */
export function resolveRoomOptions<E extends object, U>(where: string, options: RoomOptions<E, U>) {
  const { maxClients, tickRate, disposeDelayMs, ...core } = options;
  numberOption(where, 'patchRate', core.patchRate, 20, { above: 0, finite: true });
  numberOption(where, 'budget', core.budget, Infinity, { above: 0 });
  if (core.grid !== undefined) {
    numberOption(where, 'grid.cellSize', core.grid.cellSize, 0, { above: 0, finite: true });
    const log = core.grid.cellLog;
    if (log !== undefined && !isCellLogMode(log)) {
      throw new RangeError(`${where}: grid.cellLog must be 'auto', 'always' or 'never'; got ${JSON.stringify(log)}`);
    }
  }
  return {
    maxClients: numberOption(where, 'maxClients', maxClients, 64, { min: 1 }),
    tickRate: numberOption(where, 'tickRate', tickRate, 60, { above: 0, max: 1000 }),
    disposeDelayMs: numberOption(where, 'disposeDelayMs', disposeDelayMs, 5000, { min: 0 }),
    core,
  };
}


type Handler<U> = (client: Client<U>, msg: never) => void;

/** `r` and 16 characters: 96 random bits, base64url. */
export function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `r${btoa(s).replace(/\+/g, '-').replace(/\//g, '_')}`;
}

/** Tick-time measurements of a room, for stats and benchmarks. */
export class RoomTickStats {
  ticks = 0;
  /** Duration of the last whole tick (onTick, interest, encoding, sends), ms. */
  lastTickMs = 0;
  /** The part of the last tick spent handing its frames to sockets (uWS send: a system call each), with ownership news and frame taps, ms. */
  lastSendMs = 0;
  /** Durations of the last 4096 ticks, ms: a ring, for percentiles. */
  readonly recent = new Float64Array(4096);
}

/**
 * A room: extend it with your game's rules and register it with `server.define(name, Room)`.
 * The server creates rooms on demand, calls the hooks, ticks them, and sends every client only
 * what its view allows. Hooks may throw: the error is reported and the room keeps running.
 */
export class Room<E extends object = object, U = unknown> {
  /** Unique in the server (in a cluster: in the cluster, which may choose it); clients may join by it. */
  // 96 random bits: an id is the only key to a private room, so it must not be guessable.
  id: string = newRoomId();
  name = '';
  core!: RoomCore<E, Client<U>>;
  /** Clients in the room, connected or held for a resume. */
  readonly clients: Client<U>[] = [];
  maxClients = 64;
  readonly tickStats = new RoomTickStats();
  /** Set once disposed: no ticks, no joins. */
  disposed = false;
  /** @internal */ host!: RoomHost;
  /** @internal */ emptySince = -1;
  /** @internal Sessions of this room held after a drop (kept by the server's Sessions). */ heldCount = 0;
  /** @internal Set by the inspector while a page watches: sees each frame sent (after it is counted). */
  frameTap: ((client: Client<U>, frame: Uint8Array) => void) | null = null;
  /** Joinable by id only: joins by name never pick it. See `server.create`. */
  private = false;
  /** Joins by name skip it; joins by id and resumes still land (`lock()`). */
  locked = false;
  /** An empty room is disposed after this long (ms): from its options; set it per room (Infinity keeps a persistent room). */
  disposeDelayMs = 5000;
  private readonly handlers = new Map<string, Handler<U>>();
  private readonly roomHandlers = new Map<string, (msg: never) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastTick = 0;
  private readonly out = new Writer(256);
  private readonly sink = (rc: { data: Client<U> }, frame: Uint8Array): void => this.hold(rc.data, frame);
  /** This tick's frames, held until every one is built, then sent back to back (see `hold`). */
  private held = new Uint8Array(64 * 1024);
  private heldPos = 0;
  private readonly heldEnds: number[] = [];
  private readonly heldBy: Client<U>[] = [];

  /** Called once when the room is created, with the first joiner's options. */
  onCreate?(options: unknown): void;
  /** A client joins; throw to refuse it (the client gets the error's message). */
  onJoin?(client: Client<U>, options: unknown): void;
  /** A client left: `consented` when it said so, false when its connection dropped and the grace period ran out. */
  onLeave?(client: Client<U>, consented: boolean): void;
  /** A client's connection dropped; its session is held for a resume. */
  onDrop?(client: Client<U>): void;
  /** A dropped client came back within the grace period. */
  onResume?(client: Client<U>): void;
  /** Each room tick, before frames are built: run the simulation here. */
  onTick?(dtMs: number): void;
  onDispose?(): void;

  /** Handles a typed message from clients: `Type` is the message's schema class (or its replica class). */
  onMessage<T>(Type: abstract new (...args: never[]) => T, handler: (client: Client<U>, msg: T) => void): void {
    const codec = this.host.schema.byName.get(Type.name);
    if (codec === undefined) throw new Error(`onMessage: ${Type.name} is not a class of this room's schema; declare it with @schema and run netschema generate`);
    this.handlers.set(codec.name, handler as Handler<U>);
  }

  /** Adds an entity to the room's state; clients whose view allows it receive it. */
  add<T extends E>(entity: T, opts?: Parameters<RoomCore<E, Client<U>>['add']>[1]): T {
    return this.core.add(entity, opts);
  }

  remove(entity: E): boolean {
    return this.core.remove(entity);
  }

  /** Gives an entity to a client (or to nobody): it sees the `@ownerOnly` fields, and its `Connection.owned` follows. */
  setOwner(entity: E, client: Client<U> | null): void {
    this.core.setOwner(entity, client === null ? null : client.core);
  }

  /** The client that owns an entity, or null; undefined if the entity is not in the room. */
  ownerOf(entity: E): Client<U> | null | undefined {
    const owner = this.core.ownerOf(entity);
    return owner === null || owner === undefined ? owner : owner.data;
  }

  /** Sends a typed message to one client. */
  send(client: Client<U>, msg: object): void {
    this.encode(msg);
    this.deliver(client, this.out.view_(0));
  }

  /** Sends a typed message to several clients, encoded once. */
  sendTo(clients: Iterable<Client<U>>, msg: object): void {
    this.encode(msg);
    const bytes = this.out.view_(0);
    for (const c of clients) this.deliver(c, bytes);
  }

  /** Sends a typed message to every client in the room (but `except`), encoded once. */
  broadcast(msg: object, except?: Client<U>): void {
    this.encode(msg);
    const bytes = this.out.view_(0);
    for (const c of this.clients) if (c !== except) this.deliver(c, bytes);
  }

  /**
   * Handles a typed message sent to this room by id from server code, on this node or another
   * of the cluster (`server.sendToRoom(roomId, msg)`): a party invite, a match result.
   */
  onRoomMessage<T>(Type: abstract new (...args: never[]) => T, handler: (msg: T) => void): void {
    const codec = this.host.schema.byName.get(Type.name);
    if (codec === undefined) throw new Error(`onRoomMessage: ${Type.name} is not a class of this room's schema; declare it with @schema and run netschema generate`);
    this.roomHandlers.set(codec.name, handler as (msg: never) => void);
  }

  /** Makes the room joinable by id only (true) or also by name (false). */
  setPrivate(value = true): void {
    this.private = value;
    this.host.roomChanged(this);
  }

  /** Joins by name skip the room (a match that started); joins by id and resumes still land. */
  lock(): void {
    this.locked = true;
    this.host.roomChanged(this);
  }

  unlock(): void {
    this.locked = false;
    this.host.roomChanged(this);
  }

  /** Disconnects a client for good, with a reason. */
  kick(client: Client<U>, reason = 'kicked'): void {
    if (client.room !== this || client.left) return;
    if (client.connected) this.host.closeClient(client, CloseCode.KICKED, reason);
    this.leave(client, false);
  }

  // ── server side ──

  /** @internal */
  start(host: RoomHost, name: string, options: RoomOptions<E, U>): void {
    this.host = host;
    this.name = name;
    const { maxClients, tickRate: rate, disposeDelayMs, core } = resolveRoomOptions(`room ${name}`, options);
    this.maxClients = maxClients;
    this.disposeDelayMs = disposeDelayMs;
    this.core = new RoomCore<E, Client<U>>({
      ...core,
      schema: host.schema,
      onEntityError: core.onEntityError ?? ((error) => host.report(error, `room ${name} (${this.id}) entity`)),
    });
    this.lastTick = performance.now();
    this.timer = setInterval(() => this.tick(), 1000 / rate);
  }

  /** @internal A new session: the core client, then the game's onJoin (which may refuse). */
  join(client: Client<U>, options: unknown): void {
    client.core = this.core.addClient(client);
    client.early = [];
    this.clients.push(client);
    this.emptySince = -1;
    try {
      this.onJoin?.(client, options);
    } catch (e) {
      this.core.removeClient(client.core);
      this.clients.splice(this.clients.indexOf(client), 1);
      if (this.clients.length === 0) this.emptySince = performance.now();
      throw e;
    }
  }

  /** @internal The session ends: removed from the core, then onLeave. */
  leave(client: Client<U>, consented: boolean): void {
    if (client.left) return;
    client.left = true;
    const i = this.clients.indexOf(client);
    if (i >= 0) this.clients.splice(i, 1);
    this.core.removeClient(client.core);
    if (this.clients.length === 0) this.emptySince = performance.now();
    this.host.left(client);
    this.hook(() => this.onLeave?.(client, consented), 'onLeave');
  }

  /** @internal */
  hook(fn: () => void, where: string): void {
    try {
      fn();
    } catch (e) {
      this.host.report(e, `room ${this.name} (${this.id}) ${where}`);
    }
  }

  /**
   * @internal A typed message arrived: dispatch it; the frames acknowledge `seq` once handled.
   * False when the room has no handler for it: the server answers that as a bad message.
   */
  dispatch(client: Client<U>, seq: number, typeName: string, msg: object): boolean {
    const handler = this.handlers.get(typeName);
    this.core.acknowledge(client.core, seq);
    if (handler === undefined) return false;
    try {
      handler(client, msg as never);
    } catch (e) {
      this.host.report(e, `room ${this.name} (${this.id}) onMessage(${typeName})`);
      this.error(client, ErrorCode.HANDLER_FAILED, `the server failed handling ${typeName}`);
    }
    return true;
  }

  /** @internal The client's frames stop (its connection dropped; its session is held). */
  pauseFrames(client: Client<U>): void {
    this.core.pause(client.core);
  }

  /** @internal Frames again, from what accumulated (a resume, or its socket drained). */
  resumeFrames(client: Client<U>): void {
    this.core.resume(client.core);
  }

  /** @internal The client gets everything it sees again, whole (it could not apply a frame). */
  resync(client: Client<U>): void {
    this.core.resync(client.core);
  }

  /** @internal A message from server code (sendToRoom): its handler, if the room has one. */
  roomMessage(typeName: string, msg: object): void {
    const handler = this.roomHandlers.get(typeName);
    if (handler === undefined) {
      this.host.report(new Error(`no onRoomMessage handler for ${typeName}`), `room ${this.name} (${this.id}) sendToRoom`);
      return;
    }
    this.hook(() => handler(msg as never), `onRoomMessage(${typeName})`);
  }

  /** @internal */
  error(client: Client<U>, code: number, text: string): void {
    const w = this.out;
    w.reset();
    writeError(w, code, text);
    this.deliver(client, w.view_(0));
  }

  /** @internal */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearInterval(this.timer);
    for (const c of [...this.clients]) {
      if (c.connected) this.host.closeClient(c, CloseCode.LEFT, 'room disposed');
      this.leave(c, false);
    }
    this.hook(() => this.onDispose?.(), 'onDispose');
    this.host.disposed(this);
  }

  /** One room tick: the game's simulation, congestion checks, then every due client's frame. */
  tick(): void {
    const t0 = performance.now();
    const dt = t0 - this.lastTick;
    this.lastTick = t0;
    // Inline rather than through hook(): no closure to allocate on every tick.
    if (this.onTick) {
      try {
        this.onTick(dt);
      } catch (e) {
        this.host.report(e, `room ${this.name} (${this.id}) onTick`);
      }
    }
    this.checkCongestion(t0);
    this.tickStats.lastSendMs = 0;
    try {
      this.core.update(t0, this.sink);
    } catch (e) {
      this.host.report(e, `room ${this.name} (${this.id}) update`);
    }
    this.sendHeld();
    const s = this.tickStats;
    s.lastTickMs = performance.now() - t0;
    s.recent[s.ticks % s.recent.length] = s.lastTickMs;
    s.ticks++;
  }

  /** Congested clients resume once their socket drained; one stuck past the limit is disconnected. */
  private checkCongestion(now: number): void {
    const clients = this.clients;
    for (let i = clients.length - 1; i >= 0; i--) {
      const c = clients[i]!;
      if (c.congestedSince < 0 || !c.connected) continue;
      if (this.host.bufferedAmount(c) <= this.host.pauseBytes) {
        c.congestedSince = -1;
        this.core.resume(c.core);
      } else if (now - c.congestedSince > this.host.stuckMs) {
        this.host.closeClient(c, CloseCode.CONGESTED, `not reading: frames backed up for more than ${this.host.stuckMs} ms`);
        this.leave(c, false);
      } else c.stats.framesSkipped++;
    }
  }

  /**
   * Keeps a built frame for `sendHeld`. Building every frame first and then sending them back to
   * back keeps each loop's code and data in cache: interleaved, each send's system call evicted
   * what the next frame build needed, and the other way round.
   */
  private hold(c: Client<U>, frame: Uint8Array): void {
    const n = frame.length;
    if (this.heldPos + n > this.held.length) {
      const grown = new Uint8Array(Math.max(this.held.length * 2, this.heldPos + n));
      grown.set(this.held.subarray(0, this.heldPos));
      this.held = grown;
    }
    this.held.set(frame, this.heldPos);
    this.heldPos += n;
    this.heldEnds.push(this.heldPos);
    this.heldBy.push(c);
  }

  /** Sends the frames `hold` kept, in the order they were built, and empties the hold. */
  private sendHeld(): void {
    const by = this.heldBy;
    const ends = this.heldEnds;
    // Timed as one loop, ownership news and frame taps included: two clock reads per frame
    // cost about 70 ns, at 1,000 clients more than a tenth of a percent of a core.
    const t0 = by.length > 0 ? performance.now() : 0;
    let start = 0;
    for (let i = 0; i < by.length; i++) {
      const end = ends[i]!;
      try {
        // A view per frame: the frames share one buffer, and uWS needs each one's own bounds.
        this.sendFrame(by[i]!, this.held.subarray(start, end));
      } catch (e) {
        // A throwing frame tap: the frame went out; the clients after it still get theirs.
        this.host.report(e, `room ${this.name} (${this.id}) sending a frame`);
      }
      start = end;
    }
    if (by.length > 0) this.tickStats.lastSendMs = performance.now() - t0;
    // Emptied keeping their storage: a room sends as many frames next tick.
    empty(by);
    empty(ends);
    this.heldPos = 0;
  }

  private sendFrame(c: Client<U>, frame: Uint8Array): void {
    let result = this.host.sendBytes(c, frame);
    c.stats.frames++;
    c.lastFrameTick = this.core.tickNo;
    if (this.frameTap !== null) this.frameTap(c, frame);
    // Ownership news goes right after the frame on the same socket, so the client applies the
    // frame (and has the entities) before it hears it owns them. A client that is not due
    // keeps its news for its next frame.
    const owned = this.core.takeOwned(c.core);
    if (owned !== null) {
      const w = this.out;
      w.reset();
      writeOwned(w, owned);
      const r = this.host.sendBytes(c, w.view_(0));
      if (r === 'dropped' || (r === 'backpressure' && result === 'sent')) result = r;
    }
    if (result !== 'sent') this.congested(c, result);
  }

  private congested(c: Client<U>, result: SendResult): void {
    // Queued behind unsent data: skip this client's frames until it drains (its changes keep
    // accumulating in the core, so nothing is lost).
    if (c.congestedSince < 0) c.congestedSince = performance.now();
    this.core.pause(c.core);
    if (result === 'dropped') {
      // uWS discarded it (a frame or ownership news): the client cannot apply later patches, so it gets everything again.
      c.stats.dropped++;
      this.core.resync(c.core);
    }
  }

  private encode(msg: object): void {
    const w = this.out;
    w.reset();
    writeMessage(w, this.host.schema, msg);
  }

  private deliver(c: Client<U>, bytes: Uint8Array): void {
    if (c.early !== null) {
      // Sent from onJoin: the welcome goes first, so these wait for it.
      c.early.push(bytes.slice());
      return;
    }
    if (!c.connected) return; // held after a drop: messages are events, not state
    const result = this.host.sendBytes(c, bytes);
    c.stats.messagesOut++;
    if (result !== 'sent' && c.congestedSince < 0) {
      c.congestedSince = performance.now();
      this.core.pause(c.core);
    }
  }
}

/** Per-client counters on the server. */
export class ServerClientStats {
  bytesIn = 0;
  bytesOut = 0;
  messagesIn = 0;
  messagesOut = 0;
  frames = 0;
  /** Frames skipped because the client's socket was congested (its changes kept accumulating). */
  framesSkipped = 0;
  /** Sends uWS refused outright (queue over its limit); the client was resynced after each. */
  dropped = 0;
}

/**
 * One player's session in a room, as game code on the server sees it. It outlives its
 * connection: when the socket drops, the session is held for the resume grace period, and a
 * reconnect with its token picks it up again, view and pending changes included.
 */
export class Client<U = unknown> {
  /** What the server's `auth` hook returned for this player's connection. */
  readonly user: U;
  /** The room core's view of this client: view, rate, budget, team (see RoomCore). */
  core!: RoomClient<Client<U>>;
  readonly stats = new ServerClientStats();
  /** Round-trip time of the last ping, ms (0 until the first pong). */
  rtt = 0;
  /** Smoothed round-trip time (1/8 exponential average), ms. */
  rttSmoothed = 0;
  /** The room's tick of the last frame handed to the socket: a resume that has it needs only the delta. */
  lastFrameTick = 0;
  /** @internal The transport's connection carrying the session (the server's peer), or null while the session is held. */ link: object | null = null;
  /** @internal When frames started being skipped for congestion, or -1. */
  congestedSince = -1;
  /** @internal */ left = false;
  /** @internal Messages sent during onJoin, held until the welcome is out; null otherwise. */
  early: Uint8Array[] | null = null;

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly room: Room<any, U>,
    user: U,
  ) {
    this.user = user;
  }

  /** The client's id in its room, stable across reconnects. */
  get id(): number {
    return this.core.id;
  }

  /** Whether a socket is attached (false while the session is held after a drop). */
  get connected(): boolean {
    return this.link !== null;
  }

  /** Sends a typed message to this client. */
  send(msg: object): void {
    this.room.send(this, msg);
  }

  /** Disconnects this client for good (no resume), with a reason it receives. */
  kick(reason = 'kicked'): void {
    this.room.kick(this, reason);
  }
}
