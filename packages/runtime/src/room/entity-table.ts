import type { ClassCodec } from '../codec/schema-module.js';
import type { Tracked } from '../tracking/tracked.js';

/** What the table needs of a record to fill its row. */
export interface TableRecord {
  readonly entity: Tracked;
  readonly codec: ClassCodec;
  readonly id: number;
  readonly masks: { readonly nested0: number; readonly nested1: number };
}

/**
 * The tick's hot per-entity state, in one row of typed memory per entity slot: position, grid
 * cell, the clients viewing it, and this tick's shared encoding. The tick walks a changed
 * entity's row instead of chasing its record, its arrays and their elements, each a likely cache
 * miss when a thousand random entities change among tens of thousands.
 *
 * A row is 128 bytes: 16 doubles, or 32 ints over the same memory.
 */
export const ROW_F64 = 16;
export const ROW_I32 = 32;

// Doubles (index within the row's 16).
export const F_X = 0;
export const F_Y = 1;
export const F_Z = 2;
/** Grid cell key, NaN without one. */
export const F_CELL = 3;

// Ints (index within the row's 32); 0..7 overlap the doubles above. What a frame reads of each
// entity it lists (owner, id, mark, the shared encoding) sits in the first 64 bytes with the
// position, so listing an entity in a frame touches one cache line of its row where it can.
/** Owner's client slot, or -1. */
export const I_OWNER = 8;
export const I_ID = 9;
/** Stamp of the frame being built that must skip this entity's direct-list entry. */
export const I_MARK = 10;
/**
 * A shared encoding of its changes for clients without hidden fields: the tick it was written
 * (-1 once the entity changed again), start, end, and the last-frame ticks it serves,
 * I_ELO..I_EHI (every client whose last frame falls between them gets the same changes: the
 * entity changed in none of those ticks).
 */
export const I_ETICK = 11;
export const I_ELO = 12;
export const I_EHI = 13;
export const I_ESTART = 14;
export const I_EEND = 15;
/** Fields any client may see (the class's mask for VIS_OTHER), two words. */
export const I_OPEN0 = 16;
export const I_OPEN1 = 17;
/** The tick its record holds more shared encodings for (beside the row's): see `SharedEncodings.openSlice`. */
export const I_E2TICK = 18;
/** Index of its grid cell (`SpatialGrid.byIndex`). */
export const I_CELLIX = 19;
/** Nested fields of its class, two words. */
export const I_NESTED0 = 20;
export const I_NESTED1 = 21;
/** Viewer count, beside the viewers' client slots: the first INLINE of them; more live in the slot's overflow array. */
export const I_VN = 22;
export const I_V = 23;
export const INLINE = ROW_I32 - I_V;

export class EntityTable<R extends TableRecord = TableRecord> {
  f64: Float64Array;
  i32: Int32Array;
  /** The record of each slot: live, held back after its removal, or dead on a free slot (for reuse); null for a slot never used. */
  readonly recs: (R | null)[] = [];
  /** The entity and codec of each slot: what encoding needs, without reaching through the record. */
  readonly ents: (Tracked | null)[] = [];
  readonly codecs: (ClassCodec | null)[] = [];
  /** Viewers beyond the row's inline ones, per slot. */
  readonly overflow: (Int32Array | null)[] = [];
  /** Nonzero for slots whose entity some client's view follows. */
  followed = new Uint8Array(1024);
  /** Each entity's index within its grid cell (`GridCell.addEntity`). */
  cellPos = new Int32Array(1024);
  /** Nonzero for slots whose entity every client sees (global, or any in a room without grid or filter): their public changes go in the shared run. */
  everyone = new Uint8Array(1024);
  /** Nonzero for slots whose entity some client shows or hides (`RoomCore.show`, `hide`): a tick noting changes by cell walks its viewers. */
  pinned = new Uint8Array(1024);
  private size = 0;
  private readonly free: number[] = [];
  /** Released slots with the tick they were released at, oldest first (pairs). */
  private readonly quarantine: number[] = [];

  /** Slots released and not yet reusable, plus consumed ones not yet dropped (for tests). */
  get quarantined(): number {
    return this.quarantine.length / 2;
  }

  /** Slots ever allocated: the table's high-water mark. */
  get slotsInUse(): number {
    return this.size;
  }
  private qHead = 0;

  constructor(
    /** Ticks a released slot waits before reuse: per-client lists of slots can outlive an entity by up to this. */
    private readonly holdTicks: number,
    capacity = 1024,
  ) {
    this.followed = new Uint8Array(capacity);
    this.everyone = new Uint8Array(capacity);
    this.pinned = new Uint8Array(capacity);
    this.cellPos = new Int32Array(capacity);
    const buf = new ArrayBuffer(capacity * ROW_I32 * 4);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
  }

  /**
   * A slot for a new record, filled by `fill`. A reused slot still holds its last record in
   * `recs` (dead, and referred to by nothing that outlives the hold), which the caller may reuse.
   */
  take(tick: number): number {
    const q = this.quarantine;
    while (this.qHead < q.length && q[this.qHead + 1]! + this.holdTicks < tick) {
      const s = q[this.qHead]!;
      this.ents[s] = null;
      this.codecs[s] = null;
      this.free.push(s);
      this.qHead += 2;
    }
    // Drop the consumed head now and then: under steady churn the list never empties, and
    // without this it would grow by every removal ever made.
    if (this.qHead > 0 && (this.qHead === q.length || this.qHead >= 1024)) {
      q.splice(0, this.qHead);
      this.qHead = 0;
    }
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.size++;
      if (slot * ROW_I32 >= this.i32.length) this.grow();
      this.overflow.push(null);
      this.recs.push(null);
      this.ents.push(null);
      this.codecs.push(null);
    }
    return slot;
  }

  /** Puts a record in the slot `take` gave, and resets the slot's row. */
  fill(slot: number, rec: R): void {
    this.recs[slot] = rec;
    this.ents[slot] = rec.entity;
    this.codecs[slot] = rec.codec;
    const f = slot * ROW_F64;
    this.f64.fill(0, f, f + ROW_F64);
    const b = slot * ROW_I32;
    this.f64[f + F_CELL] = NaN;
    this.i32[b + I_OWNER] = -1;
    this.i32[b + I_ID] = rec.id;
    this.i32[b + I_ETICK] = -1;
    this.followed[slot] = 0;
    this.everyone[slot] = 0;
    this.pinned[slot] = 0;
    this.i32[b + I_NESTED0] = rec.masks.nested0;
    this.i32[b + I_NESTED1] = rec.masks.nested1;
    this.overflow[slot] = null;
  }

  /**
   * Frees a slot, but not for reuse before `holdTicks` have passed: a stale slot left in some
   * client's direct list still names this (removed) record, which the list then skips.
   */
  release(slot: number, tick: number): void {
    // The viewers stay listed: the entity's removal reaches them from the row at the next tick
    // (`Interest.leaveAll`), which empties it; `fill` clears the row for the slot's next record.
    this.i32[slot * ROW_I32 + I_ETICK] = -1;
    this.quarantine.push(slot, tick);
  }

  private grow(): void {
    const buf = new ArrayBuffer(this.i32.byteLength * 2);
    const i32 = new Int32Array(buf);
    i32.set(this.i32);
    this.i32 = i32;
    this.f64 = new Float64Array(buf);
    const followed = new Uint8Array(this.followed.length * 2);
    followed.set(this.followed);
    this.followed = followed;
    const everyone = new Uint8Array(this.everyone.length * 2);
    everyone.set(this.everyone);
    this.everyone = everyone;
    const pinned = new Uint8Array(this.pinned.length * 2);
    pinned.set(this.pinned);
    this.pinned = pinned;
    const cellPos = new Int32Array(this.cellPos.length * 2);
    cellPos.set(this.cellPos);
    this.cellPos = cellPos;
  }

  viewer(slot: number, j: number): number {
    return j < INLINE ? this.i32[slot * ROW_I32 + I_V + j]! : this.overflow[slot]![j - INLINE]!;
  }

  private setViewer(slot: number, j: number, client: number): void {
    if (j < INLINE) {
      this.i32[slot * ROW_I32 + I_V + j] = client;
      return;
    }
    let o = this.overflow[slot];
    if (o === null || o === undefined || o.length <= j - INLINE) {
      const grown = new Int32Array(Math.max(8, (j - INLINE + 1) * 2));
      if (o) grown.set(o);
      this.overflow[slot] = o = grown;
    }
    o[j - INLINE] = client;
  }

  /** Makes room for `n` viewers of a slot at once (an entity about to enter every client's view). */
  reserveViewers(slot: number, n: number): void {
    if (n <= INLINE) return;
    const o = this.overflow[slot];
    if (o !== null && o !== undefined && o.length >= n - INLINE) return;
    const grown = new Int32Array(n - INLINE);
    if (o) grown.set(o);
    this.overflow[slot] = grown;
  }

  pushViewer(slot: number, client: number): void {
    const b = slot * ROW_I32 + I_VN;
    const n = this.i32[b]!;
    this.setViewer(slot, n, client);
    this.i32[b] = n + 1;
  }

  /** Removes viewer `j`, moving the last one into its place (as the record's entry list does). */
  removeViewerAt(slot: number, j: number): void {
    const b = slot * ROW_I32 + I_VN;
    const last = this.i32[b]! - 1;
    if (j !== last) this.setViewer(slot, j, this.viewer(slot, last));
    this.i32[b] = last;
  }

  /**
   * Removes client slot `client` from the entity's viewers, found by a scan: the row is the one
   * list of them, and keeping each viewer's index would cost a write to another viewer's state on
   * every leave. Returns whether it was there.
   */
  removeViewer(slot: number, client: number): boolean {
    const n = this.i32[slot * ROW_I32 + I_VN]!;
    const b = slot * ROW_I32 + I_V;
    const m = n < INLINE ? n : INLINE;
    for (let j = 0; j < m; j++) {
      if (this.i32[b + j] === client) {
        this.removeViewerAt(slot, j);
        return true;
      }
    }
    if (n > INLINE) {
      const o = this.overflow[slot]!;
      for (let j = 0; j < n - INLINE; j++) {
        if (o[j] === client) {
          this.removeViewerAt(slot, j + INLINE);
          return true;
        }
      }
    }
    return false;
  }

  /** Whether client slot `client` is among the entity's viewers. */
  hasViewer(slot: number, client: number): boolean {
    const n = this.i32[slot * ROW_I32 + I_VN]!;
    const b = slot * ROW_I32 + I_V;
    const m = n < INLINE ? n : INLINE;
    for (let j = 0; j < m; j++) if (this.i32[b + j] === client) return true;
    if (n > INLINE) {
      const o = this.overflow[slot]!;
      for (let j = 0; j < n - INLINE; j++) if (o[j] === client) return true;
    }
    return false;
  }
}
