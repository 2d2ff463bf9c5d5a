import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import type { ClusterAdapter, ClusterHost, ClusterRoomListing, Placement, RoomRecord } from '@netschema/transport-uws';
import { scripts } from './scripts.js';

type Client = ReturnType<typeof createClient>;

export interface RedisClusterOptions {
  /** Redis URL. Default `process.env.REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** Namespace of every key and channel: clusters sharing a Redis use different ones. Default `netschema`. */
  prefix?: string;
  /** A node whose lease is this old (ms) is dead: its rooms leave the registry. Default 3000. */
  leaseMs?: number;
  /** How often (ms) a node renews its lease, reaps dead nodes and reports its load. Default 1000. */
  heartbeatMs?: number;
  /** How long (ms) a redirected client has to claim its seat. Default 10000. */
  seatTtlMs?: number;
  /** A registry call not answered within this (ms) fails the join that waits for it (4017). Default 2000. */
  commandTimeoutMs?: number;
  /** Starting fails when Redis does not answer within this (ms). Default 5000. */
  connectTimeoutMs?: number;
  /** This node's id. Default: random. */
  nodeId?: string;
  /** Outages and recoveries of Redis. Default: console.warn. */
  log?: (message: string) => void;
}

/** Counters for benchmarks and dashboards. */
export class RedisClusterStats {
  /** Registry calls (scripts and reads) this node made. */
  ops = 0;
  /** Joins placed (by name or id). */
  placements = 0;
  /** Seats claimed by redirected clients. */
  claims = 0;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`redisCluster: ${name}: expected a positive number of ms, got ${String(value)}`);
  return v;
}

/**
 * A NetServer's cluster on Redis. Pass it as `cluster` to `NetServer.listen`: the node
 * registers itself with a lease it renews every heartbeat, registers its rooms, and places
 * joins with atomic seat reservations. See docs/cluster.md.
 */
export function redisCluster(options: RedisClusterOptions = {}): RedisCluster {
  return new RedisCluster(options);
}

export class RedisCluster implements ClusterAdapter {
  readonly nodeId: string;
  readonly url: string;
  readonly stats = new RedisClusterStats();
  private readonly P: string;
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly seatTtlMs: number;
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly log: (message: string) => void;
  private client!: Client;
  private sub!: Client;
  private host!: ClusterHost;
  private beatTimer: NodeJS.Timeout | undefined;
  private beating = false;
  private beats = 0;
  /** Changes not yet written: a room's record (null: closed) and the seats it used. */
  private pending = new Map<string, { record: RoomRecord | null; seats: string[] }>();
  private flushScheduled = false;
  /** Writes failed: register every room again at the next good heartbeat. */
  private resync = false;
  private down = false;
  private draining = false;
  private stopped = false;

  constructor(options: RedisClusterOptions) {
    this.url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = options.prefix ?? 'netschema';
    if (!/^[\w.-]{1,64}$/.test(prefix)) throw new TypeError(`redisCluster: prefix: expected 1 to 64 letters, digits, '_', '.' or '-', got ${JSON.stringify(prefix)}`);
    // One hash tag for every key: the scripts touch several, which must share a slot.
    this.P = `{${prefix}}:`;
    this.leaseMs = positive('leaseMs', options.leaseMs, 3000);
    this.heartbeatMs = positive('heartbeatMs', options.heartbeatMs, 1000);
    if (this.heartbeatMs * 2 > this.leaseMs) throw new RangeError(`redisCluster: heartbeatMs (${this.heartbeatMs}) must be at most half of leaseMs (${this.leaseMs}), or one late heartbeat kills a live node`);
    this.seatTtlMs = positive('seatTtlMs', options.seatTtlMs, 10_000);
    this.timeoutMs = positive('commandTimeoutMs', options.commandTimeoutMs, 2000);
    this.connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs, 5000);
    this.nodeId = options.nodeId ?? randomBytes(6).toString('base64url');
    if (!/^[\w-]{1,32}$/.test(this.nodeId)) throw new TypeError(`redisCluster: nodeId: expected 1 to 32 letters, digits, '_' or '-', got ${JSON.stringify(this.nodeId)}`);
    this.log = options.log ?? ((m) => console.warn(m));
  }

  async start(host: ClusterHost): Promise<void> {
    this.host = host;
    this.client = createClient({
      url: this.url,
      // Commands fail at once while Redis is away, instead of queueing behind the reconnect: a
      // join gets its 4017 now, and nothing piles up in memory.
      disableOfflineQueue: true,
      socket: { connectTimeout: this.connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) },
    });
    this.client.on('error', (e: unknown) => this.outage(e));
    this.sub = this.client.duplicate();
    this.sub.on('error', (e: unknown) => this.outage(e));
    await this.within(this.connectTimeoutMs, `connecting to Redis at ${this.url}`, Promise.all([this.client.connect(), this.sub.connect()]));
    await this.sub.subscribe(`${this.P}to:${this.nodeId}`, (payload: Buffer) => this.roomMessage(payload), true);
    await this.beat(true);
    this.beatTimer = setInterval(() => void this.beat(false), this.heartbeatMs);
  }

  // ── placement ──

  async placeByName(name: string, maxClients: number): Promise<Placement> {
    this.stats.placements++;
    const roomId = `r${randomBytes(12).toString('base64url')}`;
    return this.placement(await this.call(scripts.placeByName.run(this.client, [this.P, name, maxClients, roomId, seatId(), this.seatTtlMs])));
  }

  async placeById(roomId: string): Promise<Placement> {
    this.stats.placements++;
    return this.placement(await this.call(scripts.placeById.run(this.client, [this.P, roomId, seatId(), this.seatTtlMs])));
  }

  async claimSeat(roomId: string, seat: string): Promise<{ ok: true; name: string } | { ok: false; reason: string }> {
    this.stats.claims++;
    // Held until this node's update consumes it; generous, since that update may wait out an outage.
    const [answer, text] = (await this.call(scripts.claimSeat.run(this.client, [this.P, roomId, seat, this.nodeId, Math.max(60_000, this.seatTtlMs)]))) as [string, string];
    return answer === 'ok' ? { ok: true, name: text } : { ok: false, reason: text };
  }

  private placement(reply: unknown): Placement {
    const r = reply as string[];
    if (r[0] !== 'seat') return { at: 'none', reason: r[1] === 'not-found' ? 'not-found' : 'full', message: r[2]! };
    const [, roomId, name, node, url, seat] = r as [string, string, string, string, string, string];
    if (node === this.nodeId) return { at: 'here', roomId, name, seat };
    return { at: 'node', url, roomId, seat };
  }

  async nodeUrl(nodeId: string): Promise<string | null> {
    return this.call(this.client.get(`${this.P}node:${nodeId}`));
  }

  // ── this node's rooms ──

  roomChanged(room: RoomRecord, usedSeat?: string): void {
    const entry = this.pending.get(room.id);
    if (entry === undefined) this.pending.set(room.id, { record: room, seats: usedSeat ? [usedSeat] : [] });
    else {
      entry.record = room;
      if (usedSeat) entry.seats.push(usedSeat);
    }
    this.scheduleFlush();
  }

  roomClosed(roomId: string): void {
    this.pending.set(roomId, { record: null, seats: [] });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.stopped) return;
    this.flushScheduled = true;
    // Every change of this turn of the event loop in one round of writes.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await Promise.all(
      [...batch].map(async ([id, entry]) => {
        try {
          await this.write(id, entry.record, entry.seats);
        } catch (e) {
          this.outage(e);
          this.resync = true;
          // Seats stay to be consumed later; a newer record wins.
          const now = this.pending.get(id);
          if (now === undefined) this.pending.set(id, entry);
          else if (entry.record !== null) now.seats.unshift(...entry.seats);
        }
      }),
    );
  }

  private write(id: string, r: RoomRecord | null, seats: string[]): Promise<unknown> {
    if (r === null) return this.call(scripts.closeRoom.run(this.client, [this.P, this.nodeId, id]));
    return this.call(scripts.updateRoom.run(this.client, [this.P, this.nodeId, r.id, r.name, r.clients, r.maxClients, r.private ? 1 : 0, r.locked ? 1 : 0, ...seats]));
  }

  /** Renews the lease; after a lapse (Redis restarted, or away longer than the lease) registers every room again. */
  private async beat(first: boolean): Promise<void> {
    if (this.beating || this.stopped) return;
    this.beating = true;
    try {
      const lapsed = (await this.call(scripts.beat.run(this.client, [this.P, this.nodeId, this.host.url, this.leaseMs, this.host.load(), this.draining ? 1 : 0]))) === 1;
      if (this.down) {
        this.down = false;
        this.log(`netschema cluster: Redis at ${this.url} is reachable again; node ${this.nodeId} ${lapsed ? 'registers its rooms again' : 'kept its lease'}`);
      }
      if ((lapsed && !first) || this.resync) {
        this.resync = false;
        const pending = this.pending;
        this.pending = new Map();
        await Promise.all([...this.host.rooms()].map((r) => this.write(r.id, r, pending.get(r.id)?.seats ?? [])));
        if (this.draining) await this.call(scripts.drain.run(this.client, [this.P, this.nodeId]));
      }
      if (++this.beats % 10 === 0) await this.dropStale();
    } catch (e) {
      if (first) throw e;
      this.outage(e);
      this.resync = true;
    } finally {
      this.beating = false;
    }
  }

  /** Rooms registered under this node that it does not hold (placed but never claimed, or closed during an outage). */
  private async dropStale(): Promise<void> {
    const registered = await this.call(this.client.sMembers(`${this.P}noderooms:${this.nodeId}`));
    const held = new Set<string>();
    for (const r of this.host.rooms()) held.add(r.id);
    const stale = registered.filter((id) => !held.has(id) && !this.pending.has(id));
    if (stale.length > 0) await this.call(scripts.dropStale.run(this.client, [this.P, this.nodeId, this.seatTtlMs, ...stale]));
  }

  async drain(): Promise<void> {
    this.draining = true;
    await this.call(scripts.drain.run(this.client, [this.P, this.nodeId]));
  }

  // ── messages between nodes ──

  async publish(topic: string, bytes: Uint8Array): Promise<number> {
    return this.call(this.client.publish(`${this.P}topic:${topic}`, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)));
  }

  async subscribe(topic: string, fn: (bytes: Uint8Array) => void): Promise<() => Promise<void>> {
    const channel = `${this.P}topic:${topic}`;
    const listener = (payload: Buffer) => fn(new Uint8Array(payload.buffer, payload.byteOffset, payload.length));
    await this.call(this.sub.subscribe(channel, listener, true));
    return async () => {
      await this.sub.unsubscribe(channel, listener, true);
    };
  }

  async sendToRoom(roomId: string, bytes: Uint8Array): Promise<boolean> {
    const node = await this.call(this.client.hGet(`${this.P}room:${roomId}`, 'node'));
    if (node === null || node === undefined) return false;
    const id = Buffer.from(roomId);
    if (id.length > 255) return false;
    const payload = Buffer.allocUnsafe(1 + id.length + bytes.length);
    payload[0] = id.length;
    id.copy(payload, 1);
    payload.set(bytes, 1 + id.length);
    // Nobody subscribed to the node's channel: the node is gone, whatever the registry still says.
    return (await this.call(this.client.publish(`${this.P}to:${node}`, payload))) > 0;
  }

  private roomMessage(payload: Buffer): void {
    const n = payload[0] ?? 0;
    if (payload.length < 1 + n) return;
    this.host.roomMessage(payload.toString('latin1', 1, 1 + n), new Uint8Array(payload.buffer, payload.byteOffset + 1 + n, payload.length - 1 - n));
  }

  // ── listing ──

  async rooms(filter: { name?: string } = {}): Promise<ClusterRoomListing[]> {
    const P = this.P;
    let ids: string[];
    if (filter.name !== undefined) ids = await this.call(this.client.sMembers(`${P}byname:${filter.name}`));
    else {
      const members = await this.call(this.client.sMembers(`${P}members`));
      ids = (await Promise.all(members.map((m) => this.call(this.client.sMembers(`${P}noderooms:${m}`))))).flat();
    }
    const hashes = await Promise.all(ids.map((id) => this.call(this.client.hGetAll(`${P}room:${id}`))));
    const nodes = [...new Set(hashes.map((h) => h.node).filter((n): n is string => n !== undefined))];
    const urls = new Map<string, string | null>();
    if (nodes.length > 0) {
      const got = await this.call(this.client.mGet(nodes.map((n) => `${P}node:${n}`)));
      nodes.forEach((n, i) => urls.set(n, got[i] ?? null));
    }
    const out: ClusterRoomListing[] = [];
    ids.forEach((id, i) => {
      const h = hashes[i]!;
      const url = h.node === undefined ? null : urls.get(h.node);
      // Placed but not created yet, or on a dead node: not a room anyone is in.
      if (h.name === undefined || h.pending === '1' || url === null || url === undefined) return;
      out.push({ id, name: h.name, clients: Number(h.clients), maxClients: Number(h.max), private: h.private === '1', locked: h.locked === '1', node: h.node!, url });
    });
    return out;
  }

  // ── lifecycle ──

  async close(): Promise<void> {
    if (this.stopped) return;
    clearInterval(this.beatTimer);
    await this.flush().catch(() => {});
    this.stopped = true;
    try {
      await this.within(this.timeoutMs, 'leaving the cluster', scripts.leave.run(this.client, [this.P, this.nodeId]));
      await Promise.all([this.sub.quit(), this.client.quit()]);
    } catch {
      // Redis is away: the lease lapses and the other nodes reap this one's rooms.
      this.client.destroy();
      this.sub.destroy();
    }
  }

  private outage(e: unknown): void {
    if (this.down || this.stopped) return;
    this.down = true;
    const why = e instanceof Error ? e.message : String(e);
    this.log(`netschema cluster: Redis at ${this.url} is unreachable (${why}); node ${this.nodeId}'s rooms keep running, joins that need the registry fail with 4017 until it is back`);
  }

  private call<T>(p: Promise<T>): Promise<T> {
    this.stats.ops++;
    return this.within(this.timeoutMs, 'a registry call', p);
  }

  private within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer ${what} within ${ms} ms`)), ms);
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}

/** 72 random bits: a seat cannot be guessed. */
function seatId(): string {
  return randomBytes(9).toString('base64url');
}
