import type { ClassCodec, SchemaModule } from '../codec/schema-module.js';
import { setWorld, type Tracked } from '../tracking/tracked.js';
import { Writer } from '../wire/writer.js';
import { FRAME_FULL, FRAME_PATCH } from './frame-kind.js';
import { codecFor, schemaModuleOf } from './link.js';

/**
 * The authoritative state on the server: a set of entities, each a schema object with a
 * network id. Field writes are tracked as they happen; `encodePatch` turns this tick's changes
 * into one frame, and `commit` starts the next tick.
 */
export class World {
  readonly schema: SchemaModule;
  /** The live entities, by id: see `EntityIndex`. */
  private readonly entities = new EntityIndex();
  /** Every tracked object of this world changed this tick (filled by the accessors). */
  readonly changes: Tracked[] = [];
  private created: Tracked[] = [];
  /** The first id given out this tick: ids only grow, so a live entity at or above it was created this tick. */
  private firstNew = 1;
  private removed: number[] = [];
  private nextId = 1;
  private readonly codecs = new Map<unknown, ClassCodec>();
  private readonly w = new Writer(1 << 16);

  constructor(schema: SchemaModule | { netschema: SchemaModule }) {
    this.schema = schemaModuleOf(schema);
  }

  get size(): number {
    return this.entities.size;
  }

  /** Adds an entity and returns it; its id is `idOf(entity)`. */
  add<T extends object>(entity: T): T {
    const e = entity as unknown as Tracked;
    this.codecOf(e);
    if (e.$id !== 0 || e.$p !== null) throw new Error(`${entity.constructor.name} is already in a world or owned by another object`);
    e.$id = this.nextId++;
    setWorld(e, this.changes);
    this.entities.add(e);
    this.created.push(e);
    return entity;
  }

  /** Removes an entity; clients get a removal in the next patch. */
  remove(entity: object): boolean {
    const e = entity as Tracked;
    if (!this.entities.delete(e)) return false;
    // Created this tick: it never reached anyone, so it just leaves the list (looked up only then).
    if (e.$id >= this.firstNew) this.created.splice(this.created.indexOf(e), 1);
    else this.removed.push(e.$id);
    setWorld(e, null);
    e.$id = 0;
    return true;
  }

  get(id: number): object | undefined {
    return this.entities.get(id);
  }

  /** Every entity, in the order added: a snapshot, so the caller may add and remove while it walks. */
  values(): IterableIterator<object> {
    return this.entities.list().values();
  }

  idOf(entity: object): number {
    return (entity as Tracked).$id;
  }

  codecOf(entity: object): ClassCodec {
    return codecFor(this.schema, entity.constructor, this.codecs);
  }

  /** Every entity, whole: what a client joining now needs. */
  encodeFull(): Uint8Array {
    const w = this.w;
    w.reset();
    w.reserve(16);
    w.u8(FRAME_FULL);
    w.varuint(this.entities.size);
    let prev = 0;
    for (const e of this.entities.list()) {
      this.writeEntity(w, e, prev);
      prev = e.$id;
    }
    return w.toBytes();
  }

  private writeEntity(w: Writer, e: Tracked, prev: number): void {
    const codec = this.codecOf(e);
    w.reserve(16);
    w.varint(e.$id - prev);
    w.varuint(codec.id);
    codec.encodeFull(w, e);
  }

  /** This tick's changes as one frame: created entities whole, changed ones as patches, removals. */
  encodePatch(): Uint8Array {
    const w = this.w;
    w.reset();
    w.reserve(16);
    w.u8(FRAME_PATCH);
    w.varuint(this.created.length);
    let prev = 0;
    for (const e of this.created) {
      this.writeEntity(w, e, prev);
      prev = e.$id;
    }
    // Count first, then write: roots are the changed objects that are live entities not created this tick.
    const changes = this.changes;
    const checkCreated = this.created.length > 0;
    let n = 0;
    for (let i = 0; i < changes.length; i++) if (this.isPatchRoot(changes[i]!, checkCreated)) n++;
    w.reserve(8);
    w.varuint(n);
    prev = 0;
    for (let i = 0; i < changes.length; i++) {
      const e = changes[i]!;
      if (!this.isPatchRoot(e, checkCreated)) continue;
      w.reserve(8);
      w.varint(e.$id - prev);
      prev = e.$id;
      this.codecOf(e).encodePatch(w, e, e.$c0, e.$c1, e.$r0, e.$r1);
    }
    w.reserve(8 + this.removed.length * 8);
    w.varuint(this.removed.length);
    prev = 0;
    for (const id of this.removed) {
      w.varint(id - prev);
      prev = id;
    }
    return w.toBytes();
  }

  private isPatchRoot(e: Tracked, checkCreated: boolean): boolean {
    // Created entities went out whole; a changed object may also have left the world since.
    return e.$p === null && e.$id !== 0 && e.$t === this.changes && !(checkCreated && e.$id >= this.firstNew);
  }

  /** Ends the tick: clears every change record. */
  commit(): void {
    const changes = this.changes;
    // Popped, not truncated: `length = 0` drops the array's storage, and the next tick's first
    // writes would grow it again step by step (about 24 KB of garbage a tick at 1,000 changes).
    while (changes.length !== 0) {
      const o = changes.pop()!;
      o.$clear();
      o.$q = false;
    }
    if (this.created.length !== 0) this.created.length = 0;
    this.firstNew = this.nextId;
    if (this.removed.length !== 0) this.removed.length = 0;
  }

  /** `encodePatch` then `commit`. */
  diff(): Uint8Array {
    const bytes = this.encodePatch();
    this.commit();
    return bytes;
  }
}

/**
 * The world's entities in id order, which is the order they were added (ids only grow): an
 * array with holes where entities left, beside a typed array of their ids for binary search.
 * Adding appends; finding and removing search the ids, a few probes in contiguous memory; a
 * sweep drops the holes once they outnumber the entities. Under churn (entities removed and
 * spawned every tick) a `Map` spent most of `room.add` growing and rehashing its table.
 */
class EntityIndex {
  private ents: (Tracked | null)[] = [];
  private ids = new Float64Array(256);
  /** Slots in use, holes included. */
  private n = 0;
  size = 0;

  add(e: Tracked): void {
    if (this.n === this.ids.length) {
      const grown = new Float64Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.n] = e.$id;
    this.ents[this.n++] = e;
    this.size++;
  }

  get(id: number): Tracked | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : (this.ents[i] ?? undefined);
  }

  /** Removes `e` if it is the entity held under its id; returns whether it was. */
  delete(e: Tracked): boolean {
    const i = this.find(e.$id);
    if (i < 0 || this.ents[i] !== e) return false;
    this.ents[i] = null;
    this.size--;
    if (this.n > 64 && this.n - this.size > this.size) this.compact();
    return true;
  }

  /** The entities in id order, as a new array (a removal may sweep the holes while a caller walks). */
  list(): Tracked[] {
    const out: Tracked[] = [];
    for (let i = 0; i < this.n; i++) {
      const e = this.ents[i];
      if (e !== null && e !== undefined) out.push(e);
    }
    return out;
  }

  /** Index of `id` among the slots (a hole's id stays until the next compaction), or -1. */
  private find(id: number): number {
    const ids = this.ids;
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid]!;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private compact(): void {
    let m = 0;
    for (let i = 0; i < this.n; i++) {
      const e = this.ents[i];
      if (e === null || e === undefined) continue;
      this.ents[m] = e;
      this.ids[m++] = this.ids[i]!;
    }
    this.ents.length = m;
    this.n = m;
  }
}
