import type { RoomClient } from '@netschema/runtime';
import type { Room } from './room.js';

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
  /** @internal The token the client holds: `<tokenId>.<secret>`; rotated on every resume. */ resumeToken = '';
  /** @internal */ tokenId = '';
  /** @internal */ tokenSecret: Buffer = Buffer.alloc(0);
  /** @internal Who the session belongs to (see NetServerOptions.identify): only they may resume it. */ identity: unknown = undefined;
  /** @internal When the connection dropped (performance.now()), while the session is held. */
  droppedAt = -1;
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
