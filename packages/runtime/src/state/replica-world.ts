import type { ClassCodec, SchemaModule } from '../codec/schema-module.js';
import { DecodeError } from '../wire/decode-error.js';
import { Reader, type ReaderLimits } from '../wire/reader.js';
import { FRAME_ROOM, RoomFrameHead, readEntityKey, readRoomFrameHead } from '../protocol/room-frame.js';
import { FRAME_FULL, FRAME_PATCH } from './frame-kind.js';
import { schemaModuleOf } from './link.js';

/** Ids below this are also kept in an array indexed by id. */
const DENSE_IDS = 1 << 20;

/** What one applied frame changed, in the order the frame carried it. */
export interface FrameChanges {
  readonly added: readonly number[];
  /** Ids of entities patched, with the changed-field masks of each (two words per entity). */
  readonly changed: readonly number[];
  readonly masks: readonly number[];
  readonly removed: readonly number[];
}

/**
 * The client side of a World: entities decoded into plain replica objects. A full frame that
 * fails to decode throws DecodeError and changes nothing. A patch is applied as it is read, so
 * one that fails part-way leaves the replica partly updated: ask the server for a full frame.
 */
export class ReplicaWorld {
  readonly schema: SchemaModule;
  private map = new Map<number, object>();
  /**
   * The same entities indexed by id, for ids below DENSE_IDS: servers hand out small increasing
   * ids, and an array index beats a Map lookup on every patched entity of every frame.
   */
  private dense: (object | undefined)[] = [];
  /** Server tick of the last room frame applied. */
  serverTick = 0;
  /** Whether the last frame applied started the replica over (a full frame, or a room frame with the reset flag). */
  lastFrameReset = false;
  private readonly head = new RoomFrameHead();
  private readonly key = { id: 0, entering: false };
  /** Last input sequence number the server had processed when it built that frame. */
  lastInputSeq = 0;
  private gone: (object | undefined)[] = [];

  /**
   * The replica objects the last `apply` removed, parallel to its `removed` ids (for removal
   * callbacks, which need the object after the world dropped it). `undefined` where a patch frame
   * removed an id this replica did not hold. A full frame reports no removals here.
   */
  get removedEntities(): readonly (object | undefined)[] {
    return this.gone;
  }

  /** Live entities by id. A full frame replaces this Map: read it again after applying one. */
  get entities(): ReadonlyMap<number, object> {
    return this.map;
  }
  private readonly r: Reader;

  constructor(schema: SchemaModule | { netschema: SchemaModule }, limits: Partial<ReaderLimits> = {}) {
    this.schema = schemaModuleOf(schema);
    this.r = new Reader(new Uint8Array(0), limits);
  }

  get(id: number): object | undefined {
    return id < DENSE_IDS ? this.dense[id] : this.map.get(id);
  }

  /** Applies a full or patch frame. */
  apply(frame: Uint8Array): FrameChanges {
    const r = this.r;
    const out = { added: [] as number[], changed: [] as number[], masks: [] as number[], removed: [] as number[] };
    // A fresh array per frame, like `out`: a caller may keep both (queued events).
    const gone: (object | undefined)[] = [];
    this.gone = gone;
    r.reset(frame);
    const kind = r.u8();
    this.lastFrameReset = false;
    if (kind === FRAME_FULL) {
      const n = r.count('entities', 2);
      const next = new Map<number, object>();
      const dense: (object | undefined)[] = [];
      let id = 0;
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        id = this.readId(r, id);
        // A full frame lists each entity once: a repeated id would silently drop an entity.
        if (next.has(id)) throw new DecodeError('duplicate entity id', at, 'an id not already in the frame', String(id));
        const o = this.readEntity(r);
        next.set(id, o);
        if (id < DENSE_IDS) {
          while (dense.length < id) dense.push(undefined);
          dense[id] = o;
        }
        out.added.push(id);
      }
      // Checked before the swap: a rejected full frame leaves the previous state in place.
      this.expectEnd(r);
      this.map = next;
      this.dense = dense;
      this.lastFrameReset = true;
      return out;
    } else if (kind === FRAME_PATCH) {
      const created = r.count('created entities', 2);
      let id = 0;
      for (let i = 0; i < created; i++) {
        id = this.readId(r, id);
        this.put(id, this.readEntity(r));
        out.added.push(id);
      }
      const changed = r.count('changed entities', 2);
      id = 0;
      for (let i = 0; i < changed; i++) {
        const at = r.pos;
        id = this.readId(r, id);
        const o = this.get(id);
        if (o === undefined) throw new DecodeError('patch for an unknown entity', at, 'the id of a live entity', String(id));
        this.codecOfReplica(o, at).decodePatch(r, o);
        out.changed.push(id);
        out.masks.push(r.mask0, r.mask1);
      }
      const removed = r.count('removed entities', 1);
      id = 0;
      for (let i = 0; i < removed; i++) {
        id = this.readId(r, id);
        gone.push(this.drop(id));
        out.removed.push(id);
      }
    } else if (kind === FRAME_ROOM) {
      this.applyRoomFrame(r, out, gone);
    } else {
      throw new DecodeError('unknown frame kind', 0, `${FRAME_FULL} (full), ${FRAME_PATCH} (patch) or ${FRAME_ROOM} (room)`, String(kind));
    }
    this.expectEnd(r);
    return out;
  }

  private expectEnd(r: Reader): void {
    if (r.pos !== r.end) throw r.error('trailing bytes after the frame', 'the end of the frame', `${r.end - r.pos} more bytes`);
  }

  /**
   * A room frame: header (tick, input ack, flags), removals, then entities, each either entering
   * (class id, then a patch of every field this client may see) or changed (a patch).
   */
  private applyRoomFrame(r: Reader, out: { added: number[]; changed: number[]; masks: number[]; removed: number[] }, gone: (object | undefined)[]): void {
    const head = readRoomFrameHead(r, this.head);
    this.serverTick = head.tick;
    this.lastInputSeq = head.inputAck;
    if (head.reset) {
      this.lastFrameReset = true;
      for (const [id, o] of this.map) {
        out.removed.push(id);
        gone.push(o);
      }
      this.map.clear();
      this.dense = [];
    }
    const left = r.count('removed entities', 1);
    let id = 0;
    for (let i = 0; i < left; i++) {
      id = this.readId(r, id);
      const o = this.drop(id);
      if (o !== undefined) {
        out.removed.push(id);
        gone.push(o);
      }
    }
    // Each entity is at least a head and a mask word: 2 bytes.
    const n = r.count('entities', 2);
    id = 0;
    const key = this.key;
    for (let i = 0; i < n; i++) {
      const at = r.pos;
      readEntityKey(r, id, key);
      id = key.id;
      if (key.entering) {
        const classAt = r.pos;
        const classId = r.varuint();
        const codec = this.schema.classes[classId];
        if (codec === undefined) throw new DecodeError('unknown class id', classAt, `a class id of this schema (1 to ${this.schema.classes.length - 1})`, String(classId));
        const o = new codec.Replica() as object;
        codec.decodePatch(r, o);
        this.put(id, o);
        out.added.push(id);
      } else {
        const o = this.get(id);
        if (o === undefined) throw new DecodeError('patch for an unknown entity', at, 'the id of a live entity', String(id));
        this.codecOfReplica(o, at).decodePatch(r, o);
        out.changed.push(id);
        out.masks.push(r.mask0, r.mask1);
      }
    }
  }

  private put(id: number, o: object): void {
    this.map.set(id, o);
    if (id < DENSE_IDS) this.setDense(id, o);
  }

  /** Removes an entity; returns it, or undefined if there was none with that id. */
  private drop(id: number): object | undefined {
    if (id < DENSE_IDS) this.dense[id] = undefined;
    const o = this.map.get(id);
    if (o !== undefined) this.map.delete(id);
    return o;
  }

  private setDense(id: number, o: object): void {
    // Fill any gap first so the array stays packed rather than holey.
    const d = this.dense;
    while (d.length < id) d.push(undefined);
    d[id] = o;
  }

  private readId(r: Reader, prev: number): number {
    const at = r.pos;
    const id = prev + r.varint();
    if (!(id >= 1 && id <= Number.MAX_SAFE_INTEGER)) throw new DecodeError('entity id out of range', at, 'an id of at least 1', String(id));
    return id;
  }

  private readEntity(r: Reader): object {
    const at = r.pos;
    const classId = r.varuint();
    const codec = this.schema.classes[classId];
    if (codec === undefined) throw new DecodeError('unknown class id', at, `a class id of this schema (1 to ${this.schema.classes.length - 1})`, String(classId));
    return codec.decodeFull(r) as object;
  }

  private codecOfReplica(o: object, at: number): ClassCodec<unknown, object> {
    const id = (o.constructor as { $id?: number }).$id ?? 0;
    const codec = this.schema.classes[id];
    if (codec === undefined) throw new DecodeError('replica of an unknown class', at, 'a generated replica', String(id));
    return codec as ClassCodec<unknown, object>;
  }
}
