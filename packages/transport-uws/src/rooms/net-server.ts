import {
  C_JOIN, C_LEAVE, C_MANIFEST, C_MESSAGE, C_PING, C_PONG, C_RESYNC, CloseCode, DecodeError, ErrorCode,
  PROTOCOL_VERSION, Reader, readJoin, readMessageBody, S_MANIFEST_REQUEST, S_PING, S_PONG, Writer, closeReason, writeError, writePing,
  writeRedirect, writeWelcome, type JoinRequest, type SchemaModule,
  Client, Room, numberOption, type NumberRange, type RoomHost, type RoomOptions,
} from '@netschema/runtime';
import type { ClusterAdapter, ClusterRoomListing, Placement } from '../cluster/cluster-adapter.js';
import { Messaging, type TopicHandler } from '../cluster/messaging.js';
import { nodeToken, splitNodeToken } from '../cluster/node-token.js';
import { Inspector, resolveInspectorOptions } from '../inspector/inspector.js';
import { UpgradeRejection, UwsServer, sendResultOf, type SendResult, type UpgradeRequest, type UwsServerOptions, type UwsSocket } from '../uws-server.js';
import { AddressTable, resolveLimits, type Limits } from './limits.js';
import { TokenBucket } from './rate-limit.js';
import { explainMismatch } from './handshake.js';
import { AWAIT_MANIFEST, CLOSED, JOINED, JOINING, PLACING, Peer } from './peer.js';
import type { NetServerOptions, RoomListing } from './server-options.js';
import { RoomRegistry } from './room-registry.js';
import { defaultIdentify, Sessions } from './sessions.js';

export type { LimitOptions } from './limits.js';
export type { NetServerOptions, RoomListing } from './server-options.js';

/** What the upgrade stores with each socket: the auth hook's user and the address it counts against. */
interface Admitted {
  user: unknown;
  address: string;
}

/** A room id as `newRoomId` makes it, and a seat as the cluster reserves it (`<roomId>.<seatId>`). */
const ROOM_ID = /^r[\w-]{16}$/;
const SEAT = /^(r[\w-]{16})\.([\w-]{12})$/;

/** A NetServer's counts at one moment (see `NetServer.stats`). */
export interface ServerStats {
  /** Open WebSocket connections, joined or not. */
  connections: number;
  /** Sessions with a resume token: joined clients plus held ones. */
  sessions: number;
  /** Dropped sessions held for resume. */
  heldSessions: number;
  rooms: number;
}

/**
 * Rooms over uWebSockets.js: one endpoint, rooms joined by name (created on demand) or id, a
 * schema handshake, typed messages, limits against hostile clients, congestion control, resume
 * after reconnect, RTT, and graceful shutdown. See docs/server.md.
 */
export class NetServer implements RoomHost {
  readonly schema: SchemaModule;
  readonly pauseBytes: number;
  /** Largest message a joined client may send. */
  private readonly maxMessage: number;
  /** Silence (ms) after which a joined client is closed; 0: never. */
  private readonly idleMs: number;
  readonly stuckMs: number;
  // The other options, resolved (defaults applied, ranges checked) once.
  private readonly maxHandshake: number;
  private readonly maxBackpressure: number;
  private readonly joinTimeoutMs: number;
  private readonly resumeGraceMs: number;
  private readonly messageRate: number;
  private readonly messageBurst: number;
  private readonly maxErrors: number;
  private readonly pingIntervalMs: number;
  private uws!: UwsServer;
  private inspector: Inspector | null = null;
  private readonly inspectorOptions: ReturnType<typeof resolveInspectorOptions> | null;
  private readonly registry: RoomRegistry;
  private readonly peers = new Set<Peer>();
  private readonly limits: Limits;
  private readonly addresses: AddressTable;
  private readonly sessions: Sessions;
  private readonly identify: (user: unknown) => unknown;
  private readonly w = new Writer(1024);
  private readonly r: Reader;
  private housekeeping: NodeJS.Timeout | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly cluster: ClusterAdapter | undefined;
  private readonly messaging: Messaging;
  /** Set by drain(): no new rooms; resolves drain() once the last room is gone and the server closed. */
  private draining: (() => void) | null = null;
  private drained_: Promise<void> | undefined;
  private publicUrl = '';
  /** Set before the sockets close, so their close handlers do not hold sessions for a resume. */
  private shuttingDown = false;

  /** Starts listening. Rejects when the address cannot be bound or uWS is not native. */
  static async listen(options: NetServerOptions): Promise<NetServer> {
    const server = new NetServer(options);
    await server.start();
    return server;
  }

  private constructor(private readonly options: NetServerOptions) {
    const schema = 'netschema' in options.schema ? options.schema.netschema : options.schema;
    if (!schema || typeof schema.fingerprint !== 'string') throw new TypeError('NetServer: schema must be a generated schema module (import * as schema from "./state.netschema.js")');
    this.schema = schema;
    const n = (name: keyof NetServerOptions, fallback: number, range: NumberRange) =>
      numberOption('NetServer', name, options[name] as number | undefined, fallback, range);
    const bytes = { min: 1, max: 2 ** 31 - 1 };
    this.pauseBytes = n('pauseBytes', 64 * 1024, bytes);
    this.maxMessage = n('maxPayloadLength', 16 * 1024, bytes);
    this.maxHandshake = n('maxHandshakeLength', 256 * 1024, bytes);
    this.maxBackpressure = n('maxBackpressure', 1024 * 1024, bytes);
    this.idleMs = n('idleTimeout', 30, { min: 0, max: 900 }) * 1000;
    this.stuckMs = n('stuckMs', 10_000, { above: 0 });
    this.joinTimeoutMs = n('joinTimeoutMs', 10_000, { above: 0 });
    this.resumeGraceMs = n('resumeGraceMs', 10_000, { min: 0 });
    this.messageRate = n('messageRate', 120, { above: 0, finite: true });
    this.messageBurst = n('messageBurst', 240, { min: 1 });
    this.maxErrors = n('maxErrors', 10, { min: 0 });
    // A ping period under 10 ms would turn the pinger into a busy loop.
    this.pingIntervalMs = n('pingIntervalMs', 1000, { min: 10, finite: true });
    this.r = new Reader(new Uint8Array(0));
    this.limits = resolveLimits(options);
    this.addresses = new AddressTable(this.limits);
    this.sessions = new Sessions(this.limits);
    this.registry = new RoomRegistry(this, this.limits);
    this.identify = options.identify ?? defaultIdentify;
    // Checked before anything listens: an inspector without auth never starts.
    this.inspectorOptions = options.inspector === undefined ? null : resolveInspectorOptions(options.inspector);
    this.cluster = options.cluster;
    if (this.cluster !== undefined && typeof this.cluster.placeByName !== 'function') throw new TypeError('NetServer: cluster must be a cluster adapter (e.g. redisCluster() from @netschema/cluster-redis)');
    this.messaging = new Messaging(schema, this.cluster, (e, where) => this.report(e, where));
  }

  private async start(): Promise<void> {
    const options = this.options;
    const uwsOptions: UwsServerOptions = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      path: options.path ?? '/ws',
      maxPayloadLength: Math.max(this.maxMessage, this.maxHandshake),
      // uWS's own timeout (whole seconds, 8 to 960) only backs ours up: it closes without a reason.
      idleTimeout: this.idleMs === 0 ? 0 : Math.min(960, Math.max(8, Math.ceil(this.idleMs / 1000) + 8)),
      maxBackpressure: this.maxBackpressure,
      allowFallback: options.allowFallback ?? false,
      ...(options.sharedPort === undefined ? {} : { sharedPort: options.sharedPort }),
      onOpen: (ws) => this.opened(ws),
      onMessage: (ws, bytes, isBinary) => this.received(ws, bytes, isBinary),
      onClose: (ws) => this.closed(ws),
      onDrain: (ws) => this.drained(ws),
    };
    uwsOptions.upgrade = (req) => this.upgrade(req);
    uwsOptions.onUpgradeError = (e) => this.report(e, 'auth');
    this.uws = await UwsServer.listen(uwsOptions);
    if (this.inspectorOptions !== null) {
      try {
        this.inspector = await Inspector.listen({ inspectedRooms: () => this.registry.values(), allowFallback: options.allowFallback ?? false }, this.inspectorOptions);
      } catch (e) {
        await this.uws.close();
        throw e;
      }
    }
    const path = options.path ?? '/ws';
    this.publicUrl = options.publicUrl ?? `ws://${uwsOptions.host!.includes(':') ? `[${uwsOptions.host}]` : uwsOptions.host}:${this.uws.port}${path}`;
    if (this.cluster !== undefined) {
      try {
        await this.cluster.start({
          url: this.publicUrl,
          rooms: () => this.registry.records(),
          load: this.options.load ?? (() => this.registry.clientCount()),
          roomMessage: (id, bytes) => this.roomMessage(id, bytes),
          report: (e, where) => this.report(e, where),
        });
      } catch (e) {
        this.inspector?.close();
        await this.uws.close();
        throw new Error(`NetServer: could not join the cluster: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    this.housekeeping = setInterval(() => this.sweep(), 250);
    this.pinger = setInterval(() => this.ping(), this.pingIntervalMs);
  }

  /** The bound port. */
  get port(): number {
    return this.uws.port;
  }

  /** The port shared with the machine's other nodes (`sharedPort`), or undefined. */
  get sharedPort(): number | undefined {
    return this.uws.sharedPort;
  }

  /** Where clients reach this node (the `publicUrl` option, or ws://host:port/path). */
  get url(): string {
    return this.publicUrl;
  }

  /** This node's id in the cluster ('' without one). */
  get nodeId(): string {
    return this.cluster?.nodeId ?? '';
  }

  /** The inspector's bound port, or undefined when the inspector is off. */
  get inspectorPort(): number | undefined {
    return this.inspector?.port;
  }

  /**
   * What this server holds now, for health checks and dashboards: open sockets, sessions with a
   * resume token (live or held), the held ones (dropped, waiting out their resume grace), and
   * rooms. Held sessions are bounded by `maxHeldSessions`; a count that only grows is a leak.
   */
  stats(): ServerStats {
    return { connections: this.peers.size, sessions: this.sessions.size, heldSessions: this.sessions.held.size, rooms: this.registry.size };
  }

  /** Registers a room type: clients joining `name` get a room of this class (created when needed). */
  define<E extends object, U>(name: string, RoomType: new () => Room<E, U>, options: RoomOptions<E, U> = {}): this {
    this.registry.define(name, RoomType, options as RoomOptions);
    return this;
  }

  /**
   * Creates a room of a defined type now. Joins by name may pick it, like a room they created
   * (a persistent lobby or arena made at start-up is the common case, as in Colyseus). Pass
   * `{ private: true }` for a room joinable by its id only (a match or a party whose id you hand
   * out), or call `room.setPrivate()` later. Throws when `maxRooms` or `maxRoomsPerName` is reached.
   */
  create(name: string, options: unknown = {}, { private: isPrivate = false }: { private?: boolean } = {}): Room {
    const room = this.open(name, options, isPrivate);
    if (typeof room === 'string') throw new Error(`create: ${room}`);
    return room;
  }

  /** A new room (with the id the cluster gave it, if any), created, or why not (a cap is reached, or no such type). */
  private open(name: string, options: unknown, isPrivate: boolean, id?: string): Room | string {
    const room = this.registry.open(name, isPrivate, this.draining !== null, id);
    if (typeof room === 'string') return room;
    this.inspector?.roomOpened(room);
    room.emptySince = performance.now();
    room.hook(() => room.onCreate?.(options), 'onCreate');
    this.roomChanged(room);
    return room;
  }

  /** This process's rooms; with `{ cluster: true }`, the cluster's (see `clusterRooms`). */
  rooms(): RoomListing[];
  rooms(scope: { cluster: true; name?: string }): Promise<ClusterRoomListing[]>;
  rooms(scope?: { cluster: true; name?: string }): RoomListing[] | Promise<ClusterRoomListing[]> {
    if (scope?.cluster) return this.clusterRooms(scope.name === undefined ? {} : { name: scope.name });
    return this.registry.listing();
  }

  /**
   * The cluster's rooms on live nodes, each with its node and URL: all of them, or those named
   * `name` (read from that name's index, not from every room). Without a cluster, this server's.
   */
  async clusterRooms(filter: { name?: string } = {}): Promise<ClusterRoomListing[]> {
    if (this.cluster) return this.cluster.rooms(filter);
    return [...this.registry.records()].filter((r) => filter.name === undefined || r.name === filter.name).map((r) => ({ ...r, node: '', url: this.publicUrl }));
  }

  /**
   * Sends a schema message to every server subscribed to `topic` (across the cluster: each node
   * hears it once, this one included). Resolves with how many nodes received it: 0 means nobody
   * listens. Rejects when the cluster is unreachable.
   */
  publish(topic: string, msg: object): Promise<number> {
    return this.messaging.publish(topic, msg);
  }

  /** Receives the schema messages published to `topic`; resolves (once subscribed) with the unsubscribe function. */
  subscribe(topic: string, handler: TopicHandler): Promise<() => Promise<void>> {
    return this.messaging.subscribe(topic, handler);
  }

  /**
   * Sends a schema message to a room by id, on whichever node holds it: the room's
   * `onRoomMessage` handler for its class gets it. False when no live node holds the room.
   */
  async sendToRoom(roomId: string, msg: object): Promise<boolean> {
    const bytes = this.messaging.encode(msg);
    if (this.registry.get(roomId) !== undefined) {
      queueMicrotask(() => this.roomMessage(roomId, bytes));
      return true;
    }
    return this.cluster ? this.cluster.sendToRoom(roomId, bytes) : false;
  }

  /**
   * Stops taking new rooms (the cluster places them elsewhere, joins by name skip this node's
   * rooms), keeps serving the rooms it has (joins by id and resumes still land), disposes each
   * as it empties, and closes once none is left. Resolves when closed.
   */
  drain(): Promise<void> {
    this.drained_ ??= new Promise<void>((resolve) => {
      this.draining = resolve;
      this.cluster?.drain().catch((e: unknown) => this.report(e, 'drain'));
      this.sweep();
    });
    return this.drained_;
  }

  /** Whether drain() was called. */
  get isDraining(): boolean {
    return this.drained_ !== undefined;
  }

  room(id: string): Room | undefined {
    return this.registry.get(id);
  }

  /** Graceful shutdown: every client closed with 1001 and the reason, rooms disposed, listening stopped. */
  close(reason = 'server shutting down'): Promise<void> {
    this.shuttingDown = true;
    // uWS runs the close handlers synchronously inside uws.close, before `closing` is assigned.
    this.closing ??= (async () => {
      clearInterval(this.housekeeping);
      clearInterval(this.pinger);
      this.inspector?.close();
      await this.uws.close(reason);
      for (const room of [...this.registry.values()]) room.dispose();
      this.sessions.clear();
      try {
        await this.cluster?.close();
      } catch (e) {
        this.report(e, 'cluster close');
      }
    })();
    return this.closing;
  }

  // ── RoomHost ──

  sendBytes(client: Client, bytes: Uint8Array): SendResult {
    const peer = client.link as Peer | null;
    if (peer === null) return 'dropped';
    peer.out = bytes;
    this.uws.cork(peer.ws, peer.corkedSend);
    peer.out = null;
    client.stats.bytesOut += bytes.length;
    return sendResultOf(peer.outResult);
  }

  bufferedAmount(client: Client): number {
    const peer = client.link as Peer | null;
    return peer === null ? 0 : this.uws.bufferedAmount(peer.ws);
  }

  closeClient(client: Client, code: number, reason: string): void {
    const peer = client.link as Peer | null;
    if (peer === null) return;
    this.detach(peer);
    this.uws.end(peer.ws, code, closeReason(reason));
  }

  report(error: unknown, where: string): void {
    if (this.options.onError) this.options.onError(error, where);
    else console.error(`netschema: ${where}:`, error);
  }

  disposed(room: Room): void {
    this.registry.forget(room);
    this.cluster?.roomClosed(room.id);
  }

  /** A session ended, however (leave, kick, congestion, grace expired, room disposed): forget its token. */
  left(client: Client): void {
    this.sessions.forget(client);
    this.roomChanged(client.room);
  }

  /** Clients, flags or capacity changed: the registry hears it (batched); `seat`: the reservation the change used. */
  roomChanged(room: Room, seat?: string): void {
    if (this.cluster === undefined || room.disposed) return;
    this.cluster.roomChanged(this.registry.record(room), seat);
  }

  /** A message for a room of this node (sendToRoom), from this node or another. */
  private roomMessage(roomId: string, bytes: Uint8Array): void {
    const room = this.registry.get(roomId);
    if (room === undefined || room.disposed) return;
    const m = this.messaging.decode(bytes, `sendToRoom(${roomId})`);
    if (m !== null) room.roomMessage(m.typeName, m.msg);
  }

  // ── sockets ──

  /**
   * At upgrade, before any socket exists: the connection caps (the cheapest place to refuse:
   * an HTTP status, no WebSocket), then the `auth` hook.
   */
  private upgrade(req: UpgradeRequest): Admitted | Promise<Admitted> {
    const address = this.options.clientAddress ? this.options.clientAddress(req) : req.address;
    const refused = this.addresses.admit(address);
    if (refused) throw new UpgradeRejection(refused.status, refused.reason);
    const auth = this.options.auth;
    if (auth === undefined) return { user: undefined, address };
    const user = auth(req);
    return user instanceof Promise ? user.then((u: unknown) => ({ user: u, address })) : { user, address };
  }

  private opened(ws: UwsSocket): void {
    const now = performance.now();
    const { user, address } = ws.getUserData().user as Admitted;
    const peer = new Peer(ws, user, address, now, new TokenBucket(this.messageRate, this.messageBurst, now));
    ws.getUserData().owner = peer;
    this.peers.add(peer);
    // Checked again: upgrades whose auth was pending all passed the upgrade check at once.
    const refused = this.addresses.admit(address);
    if (refused) {
      this.end(peer, refused.code, refused.reason);
      return;
    }
    this.addresses.opened(address, now);
    peer.counted = true;
  }

  private received(ws: UwsSocket, bytes: Uint8Array, isBinary: boolean): void {
    const peer = ws.getUserData().owner as Peer;
    if (peer.state === CLOSED) return;
    if (!isBinary) {
      // Every protocol message is binary; a text frame is not one of them, whatever it holds.
      if (peer.state === JOINED && peer.client) this.offence(peer, peer.client, ErrorCode.MALFORMED_MESSAGE, 'a text frame; protocol messages are binary');
      else this.end(peer, CloseCode.PROTOCOL_ERROR, 'a text frame; the join must be a binary message');
      return;
    }
    const now = performance.now();
    peer.lastSeen = now;
    const client = peer.client;
    if (client) {
      client.stats.bytesIn += bytes.length;
      client.stats.messagesIn++;
    }
    if (peer.state === JOINED && bytes.length > this.maxMessage) {
      this.end(peer, CloseCode.MESSAGE_TOO_BIG, `a message of ${bytes.length} bytes; the limit is ${this.maxMessage}`);
      client?.room.leave(client, false);
      return;
    }
    if (!peer.bucket.take(now)) {
      this.end(peer, CloseCode.RATE_LIMITED, `more than ${this.messageRate} messages per second`);
      // RATE_LIMITED is final for the client: end the session too, or its entities stay behind.
      client?.room.leave(client, false);
      return;
    }
    const r = this.r;
    r.reset(bytes);
    try {
      const kind = bytes.length > 0 ? r.u8() : -1;
      if (peer.state === JOINED && client) this.inRoom(peer, client, kind, r);
      else if (peer.state === JOINING && kind === C_JOIN) this.join(peer, readJoin(r));
      else if (peer.state === AWAIT_MANIFEST && kind === C_MANIFEST) this.mismatch(peer, r.string());
      else if (kind === C_PING) this.pong(peer, r);
      else this.end(peer, CloseCode.PROTOCOL_ERROR, `expected a join message first, got message kind ${kind}`);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      if (peer.state === JOINED && client) this.offence(peer, client, ErrorCode.MALFORMED_MESSAGE, `malformed message: ${e.message}`);
      else this.end(peer, CloseCode.PROTOCOL_ERROR, `malformed handshake: ${e.message}`);
    }
  }

  private inRoom(peer: Peer, client: Client, kind: number, r: Reader): void {
    switch (kind) {
      case C_MESSAGE: {
        const seq = r.varuint();
        const { codec, msg } = readMessageBody(r, this.schema);
        if (!client.room.dispatch(client, seq, codec.name, msg)) {
          this.offence(peer, client, ErrorCode.NO_HANDLER, `no handler for message ${codec.name} in room ${client.room.name}`);
        }
        return;
      }
      case C_PING:
        this.pong(peer, r);
        return;
      case C_PONG: {
        const id = r.varuint();
        if (id === peer.pingId && peer.pingSentAt > 0) {
          const rtt = performance.now() - peer.pingSentAt;
          client.rtt = rtt;
          client.rttSmoothed = client.rttSmoothed === 0 ? rtt : client.rttSmoothed + (rtt - client.rttSmoothed) / 8;
          peer.pingSentAt = 0;
        }
        return;
      }
      case C_RESYNC:
        client.room.resync(client);
        return;
      case C_JOIN:
        this.offence(peer, client, ErrorCode.ALREADY_JOINED, `already joined room ${client.room.name} (${client.room.id}); one connection carries one session, leave first or open another connection`);
        return;
      case C_LEAVE:
        this.end(peer, CloseCode.LEFT, 'left');
        client.room.leave(client, true);
        return;
      default:
        this.offence(peer, client, ErrorCode.UNKNOWN_MESSAGE, `unknown message kind ${kind}`);
    }
  }

  /** A bad message: the client hears why; after `maxErrors` of them it is disconnected. */
  private offence(peer: Peer, client: Client, code: number, text: string): void {
    if (++peer.errors > this.maxErrors) {
      this.end(peer, CloseCode.TOO_MANY_ERRORS, `too many bad messages; last: ${text}`);
      client.room.leave(client, false);
      return;
    }
    client.room.error(client, code, text);
  }

  private pong(peer: Peer, r: Reader): void {
    const w = this.w;
    w.reset();
    writePing(w, S_PONG, r.varuint());
    this.uws.send(peer.ws, w.view_(0));
  }

  private join(peer: Peer, j: JoinRequest): void {
    // First: every join costs this, including ones that go on to a manifest exchange.
    if (!this.addresses.join(peer.address, performance.now())) {
      this.end(peer, CloseCode.JOIN_RATE_LIMITED, `more than ${this.limits.joinRate} joins per second from your address`);
      return;
    }
    if (j.protocol !== PROTOCOL_VERSION) {
      this.end(peer, CloseCode.PROTOCOL_VERSION, `client speaks protocol ${j.protocol}, this server ${PROTOCOL_VERSION}: upgrade the ${j.protocol < PROTOCOL_VERSION ? 'client' : 'server'}`);
      return;
    }
    if (j.fingerprint !== this.schema.fingerprint) {
      // Ask for the client's manifest, so the close reason can name what differs.
      peer.state = AWAIT_MANIFEST;
      this.uws.send(peer.ws, Uint8Array.of(S_MANIFEST_REQUEST));
      return;
    }
    const identity = this.identify(peer.user);
    // In a cluster a token names its node: another node's session is resumed there.
    let { node: tokenNode, token } = this.cluster ? splitNodeToken(j.resumeToken) : { node: '', token: j.resumeToken };
    if (tokenNode === this.nodeId) tokenNode = '';
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
      this.end(peer, CloseCode.PROTOCOL_ERROR, 'join options are not valid JSON');
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
        return this.end(peer, CloseCode.ROOM_NOT_FOUND, `no room named or with id ${JSON.stringify(j.room.slice(0, 64))}`);
      }
      placement ??= await this.place(cluster, j.room);
      if (peer.state === CLOSED) {
        // Gone while placed: give the seat back now rather than when it expires.
        const room = placement.at === 'here' ? this.registry.get(placement.roomId) : undefined;
        if (room !== undefined && placement.at === 'here') this.roomChanged(room, placement.seat);
        return;
      }
      if (placement.at === 'node') return this.redirect(peer, placement.url, `${placement.roomId}.${placement.seat}`);
      if (placement.at === 'none') {
        const code = placement.reason === 'not-found' ? CloseCode.ROOM_NOT_FOUND : this.registry.isDefined(j.room) ? CloseCode.SERVER_FULL : CloseCode.ROOM_FULL;
        return this.end(peer, code, placement.message);
      }
      let room = this.registry.get(placement.roomId);
      if (room === undefined || room.disposed) {
        const opened = this.open(placement.name, options, false, placement.roomId);
        if (typeof opened === 'string') {
          this.cluster?.roomClosed(placement.roomId);
          return this.end(peer, CloseCode.SERVER_FULL, `no room for you here: ${opened}`);
        }
        room = opened;
      }
      this.admit(peer, room, options, identity, placement.seat);
    } catch (e) {
      if (peer.state === CLOSED) return;
      this.end(peer, CloseCode.CLUSTER_UNAVAILABLE, `the cluster's room registry is unreachable (${e instanceof Error ? e.message : String(e)}); try again`);
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
    this.uws.send(peer.ws, w.view_(0));
    this.end(peer, CloseCode.REDIRECT, `join at ${url}`);
  }

  /** A new session in `room`; `seat`: the registry's reservation it uses up, whether the join succeeds or not. */
  private admit(peer: Peer, room: Room, options: unknown, identity: unknown, seat?: string): void {
    if (this.registry.isFull(room)) {
      this.roomChanged(room, seat);
      this.end(peer, CloseCode.ROOM_FULL, `room ${room.id} is full (${room.maxClients} clients)`);
      return;
    }
    const client = new Client(room, peer.user);
    try {
      room.join(client, options);
    } catch (e) {
      this.roomChanged(room, seat);
      this.end(peer, CloseCode.JOIN_REFUSED, e instanceof Error ? e.message : String(e));
      return;
    }
    this.sessions.issue(client, identity);
    this.roomChanged(room, seat);
    this.attach(peer, client);
    this.welcome(peer, client, false);
    // Messages onJoin sent (a greeting, the rules) follow the welcome.
    const early = client.early ?? [];
    client.early = null;
    for (const bytes of early) this.sendBytes(client, bytes);
  }

  /** The room to join: by id, or by name (a public one with room, else a new one). Null after closing the peer. */
  private pick(peer: Peer, key: string, options: unknown): Room | null {
    const byId = this.registry.get(key);
    if (byId && !byId.disposed) {
      if (this.registry.isFull(byId)) {
        this.end(peer, CloseCode.ROOM_FULL, `room ${key} is full (${byId.maxClients} clients)`);
        return null;
      }
      return byId;
    }
    if (!this.registry.isDefined(key)) {
      this.end(peer, CloseCode.ROOM_NOT_FOUND, `no room named or with id ${JSON.stringify(key)}`);
      return null;
    }
    if (this.draining !== null) {
      // Existing rooms too: a draining server lets its rooms empty.
      this.end(peer, CloseCode.SERVER_FULL, 'the server is draining: it takes joins by room id and resumes only');
      return null;
    }
    const open = this.registry.openRoomNamed(key);
    if (open !== undefined) return open;
    const room = this.open(key, options, false);
    if (typeof room === 'string') {
      this.end(peer, CloseCode.SERVER_FULL, `every room named ${JSON.stringify(key)} is full and ${room}`);
      return null;
    }
    return room;
  }

  private resume(peer: Peer, client: Client, lastTick: number): void {
    if (client.link !== null) {
      // The old connection is still open (the server has not noticed it die): replace it.
      const old = client.link as Peer;
      this.detach(old);
      this.uws.end(old.ws, CloseCode.LEFT, 'replaced by a newer connection');
    }
    this.sessions.release(client);
    // A new token on every resume: one that leaked from an earlier connection stops working.
    this.sessions.issue(client);
    client.congestedSince = -1;
    client.room.resumeFrames(client);
    // Only the delta is safe if the client applied the last frame the server sent it.
    if (lastTick !== client.lastFrameTick) client.room.resync(client);
    this.attach(peer, client);
    this.welcome(peer, client, true);
    client.room.hook(() => client.room.onResume?.(client), 'onResume');
  }

  private attach(peer: Peer, client: Client): void {
    peer.state = JOINED;
    peer.client = client;
    client.link = peer;
  }

  private detach(peer: Peer): void {
    peer.state = CLOSED;
    const client = peer.client;
    peer.client = null;
    if (client && client.link === peer) client.link = null;
  }

  private welcome(peer: Peer, client: Client, resumed: boolean): void {
    const w = this.w;
    w.reset();
    const token = this.sessions.token(client);
    const resumeToken = this.cluster ? nodeToken(this.cluster.nodeId, token) : token;
    writeWelcome(w, { protocol: PROTOCOL_VERSION, clientId: client.id, roomId: client.room.id, roomName: client.room.name, resumeToken, resumed });
    this.uws.send(peer.ws, w.view_(0));
  }

  private mismatch(peer: Peer, manifestJson: string): void {
    const { full, short } = explainMismatch(this.schema, manifestJson);
    const w = this.w;
    w.reset();
    writeError(w, CloseCode.SCHEMA_MISMATCH, full);
    this.uws.send(peer.ws, w.view_(0));
    this.end(peer, CloseCode.SCHEMA_MISMATCH, short);
  }

  /** Closes a peer's socket with a code and reason; its session (if any) is not held. */
  private end(peer: Peer, code: number, reason: string): void {
    if (peer.state === CLOSED) return;
    this.detach(peer);
    this.uws.end(peer.ws, code, closeReason(reason));
  }

  private closed(ws: UwsSocket): void {
    const peer = ws.getUserData().owner as Peer;
    this.peers.delete(peer);
    if (peer.counted) this.addresses.closed(peer.address);
    if (peer.state === CLOSED) return;
    const client = peer.client;
    this.detach(peer);
    if (client === null || client.left || this.shuttingDown) return;
    this.hold(client);
  }

  /** Dropped without leaving: hold the session for a resume; frames pause, changes accumulate. */
  private hold(client: Client): void {
    if (client.left || this.sessions.held.has(client)) return;
    client.room.pauseFrames(client);
    // Over maxHeldPerRoom or maxHeldSessions: the oldest held sessions end (they were closest to expiry).
    const evicted = this.sessions.hold(client, performance.now());
    client.room.hook(() => client.room.onDrop?.(client), 'onDrop');
    for (const c of evicted) c.room.leave(c, false);
  }

  private drained(ws: UwsSocket): void {
    const client = (ws.getUserData().owner as Peer).client;
    if (client && client.congestedSince >= 0 && this.uws.bufferedAmount(ws) <= this.pauseBytes) {
      client.congestedSince = -1;
      client.room.resumeFrames(client);
    }
  }

  /** Timeouts: joins that never came, sessions whose grace ran out, rooms empty for long enough. */
  private sweep(): void {
    const now = performance.now();
    const joinTimeout = this.joinTimeoutMs;
    const idle = this.idleMs;
    for (const p of this.peers) {
      if (p.state !== JOINED && p.state !== CLOSED && now - p.openedAt > joinTimeout) this.end(p, CloseCode.JOIN_TIMEOUT, `no join within ${joinTimeout} ms`);
      else if (idle > 0 && p.state === JOINED && now - p.lastSeen > idle) {
        // Silent past the limit, pongs included: the peer is gone or stuck. Its session is held
        // for a resume, as after any dropped connection.
        const client = p.client;
        this.end(p, CloseCode.IDLE, `no message for ${idle >= 1000 ? `${Math.round(idle / 1000)} s` : `${idle} ms`}`);
        if (client) this.hold(client);
      }
    }
    const grace = this.resumeGraceMs;
    for (const c of this.sessions.held) {
      if (c.link !== null) this.sessions.release(c);
      else if (now - this.sessions.droppedAt(c) > grace) {
        c.room.leave(c, false);
      }
    }
    this.addresses.sweep(now);
    const draining = this.draining !== null;
    for (const room of [...this.registry.values()]) {
      // Draining, an empty room goes at once, whatever its delay: nobody new will come.
      if (room.emptySince >= 0 && room.clients.length === 0 && (draining || now - room.emptySince > room.disposeDelayMs)) room.dispose();
    }
    if (draining && this.registry.size === 0) {
      const done = this.draining!;
      this.draining = () => {};
      void this.close('server drained').then(done);
    }
  }

  /** Pings every joined client for its RTT (the pong handler measures it). */
  private ping(): void {
    const w = this.w;
    for (const p of this.peers) {
      if (p.state !== JOINED) continue;
      p.pingId = (p.pingId + 1) >>> 0;
      p.pingSentAt = performance.now();
      w.reset();
      writePing(w, S_PING, p.pingId);
      this.uws.cork(p.ws, () => this.uws.send(p.ws, w.view_(0)));
    }
  }
}
