// The join flow: a join message checked (rate, protocol, schema), then a held session resumed, or
// the join placed (here, or in a cluster on the node that holds its room) and admitted to a room.
// NetServer hands it the join and manifest messages of peers that have not joined yet.
import {
  CloseCode, PROTOCOL_VERSION, S_MANIFEST_REQUEST, Writer, writeError, writeRedirect, writeWelcome,
  Client, type JoinRequest, type Room, type SchemaModule,
} from '@netschema/runtime';
import type { ClusterAdapter, Placement } from '../cluster/cluster-adapter.js';
import { nodeToken, splitNodeToken } from '../cluster/node-token.js';
import type { SendResult } from '../uws-server.js';
import { explainMismatch } from './handshake.js';
import type { AddressTable, Limits } from './limits.js';
import { AWAIT_MANIFEST, CLOSED, PLACING, attachPeer, type Peer } from './peer.js';
import type { RoomRegistry } from './room-registry.js';
import type { Sessions } from './sessions.js';

/** A room id as `newRoomId` makes it, and a seat as the cluster reserves it (`<roomId>.<seatId>`). */
const ROOM_ID = /^r[\w-]{16}$/;
const SEAT = /^(r[\w-]{16})\.([\w-]{12})$/;

/** What the join flow asks of its server. */
export interface JoinServer {
  /** Whether drain() was called: joins by name open no room here. */
  draining(): boolean;
  /** Sends bytes on a peer's socket: the handshake's own messages. */
  send(peer: Peer, bytes: Uint8Array): void;
  /** Closes a peer's socket with a code and reason; its session, if any, is not held. */
  end(peer: Peer, code: number, reason: string): void;
  /** A new room (with the id the cluster gave it, if any), or why not. */
  open(name: string, options: unknown, isPrivate: boolean, id?: string): Room | string;
  /** The registry hears of a room's change; `seat`: the reservation it used. */
  roomChanged(room: Room, seat?: string): void;
  /** Sends a message to a joined client (the ones `onJoin` sent before the welcome). */
  sendBytes(client: Client, bytes: Uint8Array): SendResult;
}

export class Joins {
  private readonly w = new Writer(1024);

  constructor(
    private readonly schema: SchemaModule,
    private readonly registry: RoomRegistry,
    private readonly sessions: Sessions,
    private readonly addresses: AddressTable,
    private readonly limits: Limits,
    private readonly cluster: ClusterAdapter | undefined,
    /** Who a connection is (NetServerOptions.identify): only the same identity resumes a session. */
    private readonly identify: (user: unknown) => unknown,
    private readonly server: JoinServer,
  ) {}

  /** A join message from a peer that has not joined: checked, then resumed, placed or admitted. */
  join(peer: Peer, j: JoinRequest): void {
    // First: every join costs this, including ones that go on to a manifest exchange.
    if (!this.addresses.join(peer.address, performance.now())) {
      this.server.end(peer, CloseCode.JOIN_RATE_LIMITED, `more than ${this.limits.joinRate} joins per second from your address`);
      return;
    }
    if (j.protocol !== PROTOCOL_VERSION) {
      this.server.end(peer, CloseCode.PROTOCOL_VERSION, `client speaks protocol ${j.protocol}, this server ${PROTOCOL_VERSION}: upgrade the ${j.protocol < PROTOCOL_VERSION ? 'client' : 'server'}`);
      return;
    }
    if (j.fingerprint !== this.schema.fingerprint) {
      // Ask for the client's manifest, so the close reason can name what differs.
      peer.state = AWAIT_MANIFEST;
      this.server.send(peer, Uint8Array.of(S_MANIFEST_REQUEST));
      return;
    }
    const identity = this.identify(peer.user);
    // In a cluster a token names its node: another node's session is resumed there.
    let { node: tokenNode, token } = this.cluster ? splitNodeToken(j.resumeToken) : { node: '', token: j.resumeToken };
    if (tokenNode === this.cluster?.nodeId) tokenNode = '';
    // A token presented by another identity (or a stale one) is ignored: a fresh join.
    const held = token && tokenNode === '' ? this.sessions.find(token, identity) : undefined;
    if (held) {
      this.resume(peer, held, j.lastTick);
      return;
    }
    let options: unknown;
    try {
      options = j.options ? JSON.parse(j.options) : {};
    } catch {
      this.server.end(peer, CloseCode.PROTOCOL_ERROR, 'join options are not valid JSON');
      return;
    }
    if (this.cluster) {
      void this.placeInCluster(this.cluster, peer, j, options, identity, tokenNode);
      return;
    }
    const room = this.pick(peer, j.room, options);
    if (room !== null) this.admit(peer, room, options, identity);
  }

  /**
   * A join in a cluster: to the node holding the client's session, or to a seat the registry
   * reserves (here, or on the node that holds the room: a redirect). Every await is followed by
   * a check that the socket is still open; a seat it no longer needs expires on its own.
   */
  private async placeInCluster(cluster: ClusterAdapter, peer: Peer, j: JoinRequest, options: unknown, identity: unknown, tokenNode: string): Promise<void> {
    peer.state = PLACING;
    try {
      if (tokenNode !== '') {
        const url = await cluster.nodeUrl(tokenNode);
        if (peer.state === CLOSED) return;
        // Its node is gone (no lease): the session died with it, so this is a fresh join.
        if (url !== null) return this.redirect(peer, url, '');
      }
      let placement: Placement | undefined;
      // Only something shaped like a seat costs a registry call; anything else is ignored.
      const seat = SEAT.exec(j.seat);
      if (seat !== null) {
        const claim = await cluster.claimSeat(seat[1]!, seat[2]!);
        if (claim.ok) placement = { at: 'here', roomId: seat[1]!, name: claim.name, seat: seat[2]! };
        // An expired or foreign seat: place the join again, as the client asked it.
      }
      if (placement === undefined && !this.registry.isDefined(j.room) && !ROOM_ID.test(j.room)) {
        return this.server.end(peer, CloseCode.ROOM_NOT_FOUND, `no room named or with id ${JSON.stringify(j.room.slice(0, 64))}`);
      }
      placement ??= await this.place(cluster, j.room);
      if (peer.state === CLOSED) {
        // Gone while placed: give the seat back now rather than when it expires.
        const room = placement.at === 'here' ? this.registry.get(placement.roomId) : undefined;
        if (room !== undefined && placement.at === 'here') this.server.roomChanged(room, placement.seat);
        return;
      }
      if (placement.at === 'node') return this.redirect(peer, placement.url, `${placement.roomId}.${placement.seat}`);
      if (placement.at === 'none') {
        const code = placement.reason === 'not-found' ? CloseCode.ROOM_NOT_FOUND : this.registry.isDefined(j.room) ? CloseCode.SERVER_FULL : CloseCode.ROOM_FULL;
        return this.server.end(peer, code, placement.message);
      }
      let room = this.registry.get(placement.roomId);
      if (room === undefined || room.disposed) {
        const opened = this.server.open(placement.name, options, false, placement.roomId);
        if (typeof opened === 'string') {
          this.cluster?.roomClosed(placement.roomId);
          return this.server.end(peer, CloseCode.SERVER_FULL, `no room for you here: ${opened}`);
        }
        room = opened;
      }
      this.admit(peer, room, options, identity, placement.seat);
    } catch (e) {
      if (peer.state === CLOSED) return;
      this.server.end(peer, CloseCode.CLUSTER_UNAVAILABLE, `the cluster's room registry is unreachable (${e instanceof Error ? e.message : String(e)}); try again`);
    }
  }

  private place(cluster: ClusterAdapter, key: string): Promise<Placement> {
    const maxClients = this.registry.maxClientsOf(key);
    if (maxClients === undefined) return cluster.placeById(key);
    return cluster.placeByName(key, maxClients);
  }

  /** Sends the client to another node: S_REDIRECT, then close 4016 (the client follows at once). */
  private redirect(peer: Peer, url: string, seat: string): void {
    const w = this.w;
    w.reset();
    writeRedirect(w, { url, seat });
    this.server.send(peer, w.view_(0));
    this.server.end(peer, CloseCode.REDIRECT, `join at ${url}`);
  }

  /** A new session in `room`; `seat`: the registry's reservation it uses up, whether the join succeeds or not. */
  private admit(peer: Peer, room: Room, options: unknown, identity: unknown, seat?: string): void {
    if (this.registry.isFull(room)) {
      this.server.roomChanged(room, seat);
      this.server.end(peer, CloseCode.ROOM_FULL, `room ${room.id} is full (${room.maxClients} clients)`);
      return;
    }
    const client = new Client(room, peer.user);
    try {
      room.join(client, options);
    } catch (e) {
      this.server.roomChanged(room, seat);
      this.server.end(peer, CloseCode.JOIN_REFUSED, e instanceof Error ? e.message : String(e));
      return;
    }
    this.sessions.issue(client, identity);
    this.server.roomChanged(room, seat);
    attachPeer(peer, client);
    this.welcome(peer, client, false);
    // Messages onJoin sent (a greeting, the rules) follow the welcome.
    const early = client.early ?? [];
    client.early = null;
    for (const bytes of early) this.server.sendBytes(client, bytes);
  }

  /** The room to join: by id, or by name (a public one with room, else a new one). Null after closing the peer. */
  private pick(peer: Peer, key: string, options: unknown): Room | null {
    const byId = this.registry.get(key);
    if (byId && !byId.disposed) {
      if (this.registry.isFull(byId)) {
        this.server.end(peer, CloseCode.ROOM_FULL, `room ${key} is full (${byId.maxClients} clients)`);
        return null;
      }
      return byId;
    }
    if (!this.registry.isDefined(key)) {
      this.server.end(peer, CloseCode.ROOM_NOT_FOUND, `no room named or with id ${JSON.stringify(key)}`);
      return null;
    }
    if (this.server.draining()) {
      // Existing rooms too: a draining server lets its rooms empty.
      this.server.end(peer, CloseCode.SERVER_FULL, 'the server is draining: it takes joins by room id and resumes only');
      return null;
    }
    const open = this.registry.openRoomNamed(key);
    if (open !== undefined) return open;
    const room = this.server.open(key, options, false);
    if (typeof room === 'string') {
      this.server.end(peer, CloseCode.SERVER_FULL, `every room named ${JSON.stringify(key)} is full and ${room}`);
      return null;
    }
    return room;
  }

  private resume(peer: Peer, client: Client, lastTick: number): void {
    if (client.link !== null) {
      // The old connection is still open (the server has not noticed it die): replace it.
      this.server.end(client.link as Peer, CloseCode.LEFT, 'replaced by a newer connection');
    }
    this.sessions.release(client);
    // A new token on every resume: one that leaked from an earlier connection stops working.
    this.sessions.issue(client);
    client.congestedSince = -1;
    client.room.resumeFrames(client);
    // Only the delta is safe if the client applied the last frame the server sent it.
    if (lastTick !== client.lastFrameTick) client.room.resync(client);
    attachPeer(peer, client);
    this.welcome(peer, client, true);
    client.room.hook(() => client.room.onResume?.(client), 'onResume');
  }

  private welcome(peer: Peer, client: Client, resumed: boolean): void {
    const w = this.w;
    w.reset();
    const token = this.sessions.token(client);
    const resumeToken = this.cluster ? nodeToken(this.cluster.nodeId, token) : token;
    writeWelcome(w, { protocol: PROTOCOL_VERSION, clientId: client.id, roomId: client.room.id, roomName: client.room.name, resumeToken, resumed });
    this.server.send(peer, w.view_(0));
  }

  /** The client's manifest, sent after its fingerprint did not match: the close reason names what differs. */
  mismatch(peer: Peer, manifestJson: string): void {
    const { full, short } = explainMismatch(this.schema, manifestJson);
    const w = this.w;
    w.reset();
    writeError(w, CloseCode.SCHEMA_MISMATCH, full);
    this.server.send(peer, w.view_(0));
    this.server.end(peer, CloseCode.SCHEMA_MISMATCH, short);
  }
}
