import { CloseCode } from '@netschema/runtime';
import { numberOption } from '@netschema/runtime';
import { TokenBucket } from './rate-limit.js';

/** The operator's caps on what clients may make the server hold. docs/server.md "Limits" has the table. */
export interface LimitOptions {
  /** Open WebSocket connections, all addresses together. Default 10000. */
  maxConnections?: number;
  /** Open connections from one address (players behind one NAT share it). Default 32. */
  maxConnectionsPerAddress?: number;
  /** Joins (resumes included) per second from one address, on average. Default 5. */
  joinRate?: number;
  /** Burst of joins from one address above the average. Default 20. */
  joinBurst?: number;
  /** Rooms in the server, all names together. Default 1000. */
  maxRooms?: number;
  /** Rooms of one name (one room type). Default 500. */
  maxRoomsPerName?: number;
  /** Sessions held for a resume after their connection dropped, in the whole server. Default 10000. */
  maxHeldSessions?: number;
  /** Held sessions in one room. Default 32. */
  maxHeldPerRoom?: number;
  /**
   * Whether a held session keeps its place in the room's `maxClients`. Default true: a player
   * whose connection flickered gets their place back, and a room never holds more than
   * `maxClients` sessions, which game code may rely on (a 4-player match stays 4).
   */
  heldCountsAgainstMaxClients?: boolean;
}

export type Limits = Required<LimitOptions>;

export function resolveLimits(o: LimitOptions): Limits {
  const n = (name: keyof LimitOptions, fallback: number, range: Parameters<typeof numberOption>[4]) =>
    numberOption('NetServer', name, o[name] as number | undefined, fallback, range);
  const count = { min: 1, max: 2 ** 31 - 1 };
  const held = o.heldCountsAgainstMaxClients ?? true;
  if (typeof held !== 'boolean') throw new TypeError(`NetServer: heldCountsAgainstMaxClients must be a boolean; got ${String(held)}`);
  return {
    maxConnections: n('maxConnections', 10_000, count),
    maxConnectionsPerAddress: n('maxConnectionsPerAddress', 32, count),
    joinRate: n('joinRate', 5, { above: 0, finite: true }),
    joinBurst: n('joinBurst', 20, { min: 1, finite: true }),
    maxRooms: n('maxRooms', 1000, count),
    maxRoomsPerName: n('maxRoomsPerName', 500, count),
    maxHeldSessions: n('maxHeldSessions', 10_000, { min: 0, max: 2 ** 31 - 1 }),
    maxHeldPerRoom: n('maxHeldPerRoom', 32, { min: 0, max: 2 ** 31 - 1 }),
    heldCountsAgainstMaxClients: held,
  };
}

/** Why a connection is refused: the HTTP status at upgrade, or the close code once open. */
export interface Refusal {
  status: 429 | 503;
  code: number;
  reason: string;
}

class AddressEntry {
  connections = 0;
  constructor(readonly joins: TokenBucket) {}
}

/**
 * Per-address state: open connections and a join token bucket. Entries with open connections
 * number at most `maxConnections`; idle ones are kept only until their bucket refills (so a
 * reconnect does not reset its rate) and at most `idleEntries` of them, so the table is bounded
 * whatever the number of addresses an attacker uses.
 */
export class AddressTable {
  private readonly entries = new Map<string, AddressEntry>();
  private connections = 0;
  private readonly capacity: number;

  constructor(
    private readonly limits: Limits,
    idleEntries = 4096,
  ) {
    this.capacity = limits.maxConnections + idleEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  get open(): number {
    return this.connections;
  }

  /** Whether one more connection from `address` may open (checked at upgrade, and again at open). */
  admit(address: string): Refusal | null {
    const l = this.limits;
    if (this.connections >= l.maxConnections) return { status: 503, code: CloseCode.SERVER_FULL, reason: `server full: ${l.maxConnections} connections` };
    const e = this.entries.get(address);
    if (e !== undefined && e.connections >= l.maxConnectionsPerAddress) {
      return { status: 429, code: CloseCode.ADDRESS_LIMIT, reason: `too many connections from your address (limit ${l.maxConnectionsPerAddress})` };
    }
    // Full of idle entries whose buckets have not refilled yet: the housekeeping sweep frees them
    // within seconds. Not swept here, so a flood from many addresses costs O(1) per upgrade.
    if (e === undefined && this.entries.size >= this.capacity) return { status: 503, code: CloseCode.SERVER_FULL, reason: 'server busy: too many addresses' };
    return null;
  }

  /** A connection opened; call only after `admit` returned null. */
  opened(address: string, now: number): void {
    this.entry(address, now).connections++;
    this.connections++;
  }

  closed(address: string): void {
    const e = this.entries.get(address);
    if (e === undefined || e.connections === 0) return;
    e.connections--;
    this.connections--;
  }

  /** Takes one join from the address's bucket; false when it joins faster than allowed. */
  join(address: string, now: number): boolean {
    return this.entry(address, now).joins.take(now);
  }

  /** Forgets idle addresses whose join bucket has refilled: they hold nothing worth keeping. */
  sweep(now: number): void {
    for (const [address, e] of this.entries) if (e.connections === 0 && e.joins.full(now)) this.entries.delete(address);
  }

  private entry(address: string, now: number): AddressEntry {
    let e = this.entries.get(address);
    if (e === undefined) {
      e = new AddressEntry(new TokenBucket(this.limits.joinRate, this.limits.joinBurst, now));
      this.entries.set(address, e);
    }
    return e;
  }
}
