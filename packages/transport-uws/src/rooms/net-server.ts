import {
  CloseCode, S_PING, Writer, closeReason, writePing, type SchemaModule,
  type Client, type Room, numberOption, type NumberRange, type RoomHost, type RoomOptions,
} from '@netschema/runtime';
import type { ClusterAdapter, ClusterRoomListing } from '../cluster/cluster-adapter.js';
import { Messaging, type TopicHandler } from '../cluster/messaging.js';
import { Inspector, resolveInspectorOptions } from '../inspector/inspector.js';
import { UpgradeRejection, UwsServer, sendResultOf, type SendResult, type UpgradeRequest, type UwsServerOptions, type UwsSocket } from '../uws-server.js';
import { AddressTable, resolveLimits, type Limits } from './limits.js';
import { TokenBucket } from './rate-limit.js';
import { Inbound } from './inbound.js';
import { Joins } from './joins.js';
import { CLOSED, JOINED, Peer, detachPeer } from './peer.js';
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
  /** Largest message a joined client may send (Inbound holds clients to it). */
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
  private readonly pingIntervalMs: number;
  private uws!: UwsServer;
  private inspector: Inspector | null = null;
  private readonly inspectorOptions: ReturnType<typeof resolveInspectorOptions> | null;
  private readonly registry: RoomRegistry;
  private readonly peers = new Set<Peer>();
  private readonly limits: Limits;
  private readonly addresses: AddressTable;
  private readonly sessions: Sessions;
  private readonly joins: Joins;
  private readonly inbound: Inbound;
  private readonly w = new Writer(1024);
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
    const maxErrors = n('maxErrors', 10, { min: 0 });
    // A ping period under 10 ms would turn the pinger into a busy loop.
    this.pingIntervalMs = n('pingIntervalMs', 1000, { min: 10, finite: true });
    this.limits = resolveLimits(options);
    this.addresses = new AddressTable(this.limits);
    this.sessions = new Sessions(this.limits);
    this.registry = new RoomRegistry(this, this.limits);
    // Checked before anything listens: an inspector without auth never starts.
    this.inspectorOptions = options.inspector === undefined ? null : resolveInspectorOptions(options.inspector);
    this.cluster = options.cluster;
    if (this.cluster !== undefined && typeof this.cluster.placeByName !== 'function') throw new TypeError('NetServer: cluster must be a cluster adapter (e.g. redisCluster() from @netschema/cluster-redis)');
    this.messaging = new Messaging(schema, this.cluster, (e, where) => this.report(e, where));
    // The join flow and the message handling reach the sockets through these (uWS starts later, in `start`).
    const send = (peer: Peer, bytes: Uint8Array): void => void this.uws.send(peer.ws, bytes);
    const end = (peer: Peer, code: number, reason: string): void => this.end(peer, code, reason);
    this.joins = new Joins(schema, this.registry, this.sessions, this.addresses, this.limits, this.cluster, options.identify ?? defaultIdentify, {
      draining: () => this.draining !== null,
      send,
      end,
      open: (name, opts, isPrivate, id) => this.open(name, opts, isPrivate, id),
      roomChanged: (room, seat) => this.roomChanged(room, seat),
      sendBytes: (client, bytes) => this.sendBytes(client, bytes),
    });
    this.inbound = new Inbound(schema, this.joins, { maxMessage: this.maxMessage, messageRate: this.messageRate, maxErrors }, { send, end });
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
      onMessage: (ws, bytes, isBinary) => this.inbound.received(ws.getUserData().owner as Peer, bytes, isBinary),
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
    detachPeer(peer);
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

  /** Closes a peer's socket with a code and reason; its session (if any) is not held. */
  private end(peer: Peer, code: number, reason: string): void {
    if (peer.state === CLOSED) return;
    detachPeer(peer);
    this.uws.end(peer.ws, code, closeReason(reason));
  }

  private closed(ws: UwsSocket): void {
    const peer = ws.getUserData().owner as Peer;
    this.peers.delete(peer);
    if (peer.counted) this.addresses.closed(peer.address);
    if (peer.state === CLOSED) return;
    const client = peer.client;
    detachPeer(peer);
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
