import type { UwsSocket } from '../uws-server.js';
import type { Client } from '@netschema/runtime';
import type { TokenBucket } from './rate-limit.js';

export const JOINING = 0;
export const AWAIT_MANIFEST = 1;
export const JOINED = 2;
export const CLOSED = 3;
/** Joined nothing yet: the cluster's registry is finding its room. */
export const PLACING = 4;

/** One socket: its handshake state and limits, and the session it carries once joined. */
export class Peer {
  state = JOINING;
  errors = 0;
  client: Client | null = null;
  pingId = 0;
  pingSentAt = 0;
  /** Whether it counts against its address's connections (undone at close). */
  counted = false;
  /** When the last message arrived (performance.now()). */
  lastSeen: number;
  /** Outgoing bytes for the corked send, kept here so the tick allocates no closure. */
  out: Uint8Array | null = null;
  /** uWS's result of the last corked send (0 queued, 1 sent, 2 dropped). */
  outResult = 0;
  /** Sends `out` inside uWS's cork; made once per connection. */
  readonly corkedSend: () => void;
  constructor(
    readonly ws: UwsSocket,
    readonly user: unknown,
    readonly address: string,
    readonly openedAt: number,
    readonly bucket: TokenBucket,
  ) {
    this.lastSeen = openedAt;
    this.corkedSend = () => {
      this.outResult = this.ws.send(this.out!, true, false);
    };
  }
}

/** The peer carries `client`'s session from now on. */
export function attachPeer(peer: Peer, client: Client): void {
  peer.state = JOINED;
  peer.client = client;
  client.link = peer;
}

/** The peer is done: it carries no session, and its client (if it was still the client's link) has none. */
export function detachPeer(peer: Peer): void {
  peer.state = CLOSED;
  const client = peer.client;
  peer.client = null;
  if (client && client.link === peer) client.link = null;
}
