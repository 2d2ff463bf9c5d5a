// The rooms of one server: the types joins may name, the rooms open now, and the questions a
// join or a listing asks of them (is there room, which one takes a join by name). NetServer
// decides what to do with the answers: close a peer, tell the cluster, run the room's hooks.
import { Room, resolveRoomOptions, type RoomHost, type RoomOptions } from '@netschema/runtime';
import type { RoomRecord } from '../cluster/cluster-adapter.js';
import type { Limits } from './limits.js';
import type { RoomListing } from './server-options.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type RoomClass = new () => Room<any, any>;

export class RoomRegistry {
  private readonly defs = new Map<string, { Room: RoomClass; options: RoomOptions }>();
  private readonly byId = new Map<string, Room>();

  constructor(
    private readonly host: RoomHost,
    private readonly limits: Limits,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  values(): IterableIterator<Room> {
    return this.byId.values();
  }

  get(id: string): Room | undefined {
    return this.byId.get(id);
  }

  isDefined(name: string): boolean {
    return this.defs.has(name);
  }

  /** The capacity of a new room of type `name`, or undefined when no type has that name. */
  maxClientsOf(name: string): number | undefined {
    const def = this.defs.get(name);
    return def === undefined ? undefined : resolveRoomOptions(name, def.options).maxClients;
  }

  define(name: string, RoomType: RoomClass, options: RoomOptions): void {
    if (this.defs.has(name)) throw new Error(`define: a room type named ${JSON.stringify(name)} is already defined`);
    resolveRoomOptions(`define(${JSON.stringify(name)})`, options);
    this.defs.set(name, { Room: RoomType, options });
  }

  /**
   * A new room of type `name`, started on the host (with the id the cluster gave it, if any), or
   * why not: no such type, a draining server (unless the cluster placed it), or a cap reached.
   * Its onCreate has not run yet.
   */
  open(name: string, isPrivate: boolean, draining: boolean, id?: string): Room | string {
    const def = this.defs.get(name);
    if (def === undefined) return `no room type named ${JSON.stringify(name)}; define it first`;
    if (draining && id === undefined) return 'the server is draining (it takes no new rooms)';
    if (this.byId.size >= this.limits.maxRooms) return `the server has ${this.limits.maxRooms} rooms, its limit (maxRooms)`;
    let same = 0;
    for (const r of this.byId.values()) if (r.name === name) same++;
    if (same >= this.limits.maxRoomsPerName) return `the server has ${same} rooms named ${JSON.stringify(name)}, its limit (maxRoomsPerName)`;
    const room = new def.Room();
    if (id !== undefined) room.id = id;
    room.private = isPrivate;
    room.start(this.host, name, def.options);
    this.byId.set(room.id, room);
    return room;
  }

  /** The room was disposed: it leaves the registry (if it is the one under its id). */
  forget(room: Room): void {
    if (this.byId.get(room.id) === room) this.byId.delete(room.id);
  }

  /** Sessions that take a place in a room's maxClients. */
  occupancy(room: Room): number {
    return this.limits.heldCountsAgainstMaxClients ? room.clients.length : room.clients.length - room.heldCount;
  }

  isFull(room: Room): boolean {
    return this.occupancy(room) >= room.maxClients;
  }

  /** The first public, unlocked room named `name` with space, for a join by name. */
  openRoomNamed(name: string): Room | undefined {
    for (const r of this.byId.values()) if (r.name === name && !r.disposed && !r.private && !r.locked && !this.isFull(r)) return r;
    return undefined;
  }

  listing(): RoomListing[] {
    return [...this.byId.values()].map((r) => {
      const listing: RoomListing = { id: r.id, name: r.name, clients: r.clients.length, maxClients: r.maxClients };
      if (r.private) listing.private = true;
      if (r.locked) listing.locked = true;
      return listing;
    });
  }

  /** What the cluster registry keeps of a room. */
  record(room: Room): RoomRecord {
    return { id: room.id, name: room.name, clients: this.occupancy(room), maxClients: room.maxClients, private: room.private, locked: room.locked };
  }

  *records(): Iterable<RoomRecord> {
    for (const room of this.byId.values()) if (!room.disposed) yield this.record(room);
  }

  /** Clients in every room, held sessions included: the node's default load. */
  clientCount(): number {
    let n = 0;
    for (const room of this.byId.values()) n += room.clients.length;
    return n;
  }
}
