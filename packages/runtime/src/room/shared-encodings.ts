// Shared encodings: an entity's bytes for a given set of changes are written once into the
// tick's arena and copied into every frame that needs the same bytes, this tick and, until the
// entity changes, the next few.
import type { ClassCodec } from '../codec/schema-module.js';
import type { World } from '../state/world.js';
import type { Tracked } from '../tracking/tracked.js';
import { Writer } from '../wire/writer.js';
import { AfterWindow, ChangeMasks, type ChangeHistory } from './change-history.js';
import { I_E2TICK, I_EEND, I_EHI, I_ELO, I_ESTART, I_ETICK, I_NESTED0, I_NESTED1, I_OPEN0, I_OPEN1, ROW_I32, type EntityTable } from './entity-table.js';
import { SLICE_FIELDS, VIS_OTHER, type EntityRecord } from './records.js';
import { doubled } from './spatial-grid.js';

/** Where an encoding lies: its arena, and its bytes there. */
export interface Span {
  src: Writer;
  start: number;
  end: number;
}

/**
 * Ticks an entity's encoding in its table row stays usable: until the entity changes (the fold
 * drops it then), and while the arena it was written to is kept. A client due every third tick
 * lists an entity for three ticks after it moves; each frame copies the one encoding.
 */
export const KEEP = 4;
/** `tick & KEEP_MASK` is `tick % KEEP`, the tick's arena (KEEP is a power of two; a dropped -1 maps anywhere, unread). */
export const KEEP_MASK = KEEP - 1;

export class SharedEncodings {
  /** Arenas of the last KEEP ticks, by tick % KEEP: frames copy from them. */
  readonly arenas: readonly Writer[] = Array.from({ length: KEEP }, () => new Writer(1 << 16));
  /** This tick's arena. */
  arena = this.arenas[0]!;
  /** The room's tick, set by `begin`. */
  private tick = 0;
  private readonly since = new ChangeMasks();
  private readonly window = new AfterWindow();
  /** Slots whose row encoding this tick serves this tick only (`dropAtNextTick`). */
  private drops = new Int32Array(64);
  private dropN = 0;
  /** Each slot's whole encoding this tick (`wholeSlice`): the tick it was made (-1 none), start, end. */
  private wholes: Int32Array = new Int32Array(3 * 1024).fill(-1);

  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly world: World,
    private readonly history: ChangeHistory,
  ) {}

  /** Starts tick `tick`: the encodings of tick `tick - KEEP` are dropped, and those that served their tick only. */
  begin(tick: number): void {
    const I = this.table.i32;
    for (let i = 0; i < this.dropN; i++) {
      const b = this.drops[i]! * ROW_I32;
      if (I[b + I_ETICK] === this.tick) I[b + I_ETICK] = -1;
    }
    this.dropN = 0;
    this.tick = tick;
    this.arena = this.arenas[tick & KEEP_MASK]!;
    this.arena.reset();
  }

  /** An entity's changes since tick `after`, as a client with visibility class `vis` sees them. */
  directSlice(rec: EntityRecord, vis: number, after: number, out: Span): void {
    if (vis === VIS_OTHER) {
      this.openSlice(rec.slot, after, out);
      return;
    }
    const m = this.history.since(rec, after, this.tick, this.world.changes, this.since);
    const a0 = rec.masks.allow[vis * 2]!;
    const a1 = rec.masks.allow[vis * 2 + 1]!;
    this.sliceOf(rec, m.c0 & a0, m.c1 & a1, m.r0 & a0 & rec.masks.nested0, m.r1 & a1 & rec.masks.nested1, 0, out);
  }

  /**
   * This tick's changes of an entity in fields a client with visibility class `vis` sees and
   * others do not: a riding owner's share beyond the shared run (shared-run.ts).
   */
  hiddenSlice(rec: EntityRecord, vis: number, out: Span): void {
    const e = rec.entity;
    const live = e.$t === this.world.changes;
    const a = rec.masks.allow;
    const h0 = a[vis * 2]! & ~a[VIS_OTHER * 2]!;
    const h1 = a[vis * 2 + 1]! & ~a[VIS_OTHER * 2 + 1]!;
    const c0 = live ? e.$c0 & h0 : 0;
    const c1 = live ? e.$c1 & h1 : 0;
    const r0 = live ? e.$r0 & h0 & rec.masks.nested0 : 0;
    const r1 = live ? e.$r1 & h1 & rec.masks.nested1 : 0;
    this.sliceOf(rec, c0, c1, r0, r1, 0, out);
  }

  /**
   * An entity's changes since tick `after` as a client that sees none of its hidden fields gets
   * them: encoded once for every `after` that sees the same changes (the history's window around
   * it), the bytes shared by every such client, and kept until the entity changes again (up to
   * KEEP ticks). Clients' last frames fall a tick or two apart when the room ticks faster than
   * they receive, and a client due every few ticks lists a moved entity on the tick it is due:
   * an entity is encoded once for all of them. That encoding lives in the table row; others this
   * tick (the entity changed between some clients' last frames) in the record, more in its
   * cache. Reads the table only, unless history is needed.
   */
  openSlice(slot: number, after: number, out: Span): void {
    this.openOf(slot, null, null, after, out);
  }

  /**
   * `openSlice` for the fold, which has the changed entity and its codec at hand from its pass
   * over the changes: looking them up by slot here was a cache miss each per changed entity
   * (2 % of the arena's tick).
   */
  openSliceOf(slot: number, entity: Tracked, codec: ClassCodec, after: number, out: Span): void {
    this.openOf(slot, entity, codec, after, out);
  }

  /** `openSlice`, with the entity and its codec, or null to look them up if it comes to encoding. */
  private openOf(slot: number, entity: Tracked | null, codec: ClassCodec | null, after: number, out: Span): void {
    const T = this.table;
    const I = T.i32;
    const b = slot * ROW_I32;
    const tick = this.tick;
    const et = I[b + I_ETICK]!;
    const rowLive = et >= 0 && tick - et < KEEP;
    if (rowLive && after >= I[b + I_ELO]! && after <= I[b + I_EHI]!) {
      out.src = this.arenas[et & KEEP_MASK]!;
      out.start = I[b + I_ESTART]!;
      out.end = I[b + I_EEND]!;
      return;
    }
    // More encodings of this tick, in the record.
    const n = rowLive && I[b + I_E2TICK] === tick ? T.recs[slot]!.dN : 0;
    if (n > 0) {
      const rec = T.recs[slot]!;
      out.src = this.arena;
      if (after >= rec.dLo1 && after <= rec.dHi1) {
        out.start = rec.dStart1;
        out.end = rec.dEnd1;
        return;
      }
      const cache = rec.directCache;
      for (let i = 0; i < n - 1; i++) {
        if (after >= cache[i * 4]! && after <= cache[i * 4 + 1]!) {
          out.start = cache[i * 4 + 2]!;
          out.end = cache[i * 4 + 3]!;
          return;
        }
      }
    }
    const e = entity ?? T.ents[slot]!;
    let c0 = 0;
    let c1 = 0;
    let r0 = 0;
    let r1 = 0;
    if (after >= tick - 1) {
      // Only this tick's changes, live from the entity.
      if (e.$t === this.world.changes && after < tick) {
        c0 = e.$c0;
        c1 = e.$c1;
        r0 = e.$r0;
        r1 = e.$r1;
      }
    } else {
      const m = this.history.since(T.recs[slot]!, after, this.tick, this.world.changes, this.since);
      c0 = m.c0;
      c1 = m.c1;
      r0 = m.r0;
      r1 = m.r1;
    }
    const o0 = I[b + I_OPEN0]!;
    const o1 = I[b + I_OPEN1]!;
    const n0 = I[b + I_NESTED0]!;
    const n1 = I[b + I_NESTED1]!;
    const w = this.arena;
    const start = w.pos;
    (codec ?? T.codecs[slot]!).encodePatch(w, e, c0 & o0, c1 & o1, r0 & o0 & n0, r1 & o1 & n1);
    out.src = w;
    // Nested fields sent as this tick's operations go whole from the next tick on (their
    // operations are gone): such bytes serve this tick only.
    if ((((c0 & n0) ^ r0) & o0 & n0) !== 0 || (((c1 & n1) ^ r1) & o1 & n1) !== 0) this.dropAtNextTick(slot);
    out.start = start;
    out.end = w.pos;
    const win = this.history.window(slot, after, tick, this.window);
    if (!rowLive) {
      I[b + I_ETICK] = tick;
      I[b + I_ELO] = win.lo;
      I[b + I_EHI] = win.hi;
      I[b + I_ESTART] = start;
      I[b + I_EEND] = w.pos;
      return;
    }
    I[b + I_E2TICK] = tick;
    const rec = T.recs[slot]!;
    rec.dN = n + 1;
    if (n === 0) {
      rec.dLo1 = win.lo;
      rec.dHi1 = win.hi;
      rec.dStart1 = start;
      rec.dEnd1 = w.pos;
    } else {
      // The record starts with a shared empty cache: its own on first use.
      const cache = rec.directCache.length === 0 ? (rec.directCache = []) : rec.directCache;
      cache[(n - 1) * 4] = win.lo;
      cache[(n - 1) * 4 + 1] = win.hi;
      cache[(n - 1) * 4 + 2] = start;
      cache[(n - 1) * 4 + 3] = w.pos;
    }
  }

  sliceOf(rec: EntityRecord, c0: number, c1: number, r0: number, r1: number, enter: number, out: Span): void {
    if (rec.sliceTick !== this.tick) {
      // A count, not `length = 0`: truncating would free the array's storage every tick.
      rec.sliceTick = this.tick;
      rec.sliceN = 0;
    }
    const sl = rec.slices;
    const n = rec.sliceN;
    for (let i = 0; i < n; i += SLICE_FIELDS) {
      if (sl[i + 2] === c0 && sl[i + 3] === c1 && sl[i + 4] === r0 && sl[i + 5] === r1 && sl[i + 6] === enter) {
        out.src = this.arena;
        out.start = sl[i]!;
        out.end = sl[i + 1]!;
        return;
      }
    }
    const w = this.arena;
    const start = w.pos;
    if (enter) {
      w.reserve(8);
      w.varuint(rec.codec.id);
    }
    rec.codec.encodePatch(w, rec.entity, c0, c1, r0, r1);
    sl[n] = start;
    sl[n + 1] = w.pos;
    sl[n + 2] = c0;
    sl[n + 3] = c1;
    sl[n + 4] = r0;
    sl[n + 5] = r1;
    sl[n + 6] = enter;
    rec.sliceN = n + SLICE_FIELDS;
    out.src = w;
    out.start = start;
    out.end = w.pos;
  }

  /**
   * An entity whole, as a client that sees none of its hidden fields gets it entering: encoded
   * once a tick, and remembered by slot (`wholes`: tick, start, end), so each frame it enters
   * finds the bytes from its slot alone, without the entity's record.
   */
  wholeSlice(slot: number, out: Span): void {
    if (this.wholes.length < (slot + 1) * 3) this.wholes = grownWholes(this.wholes, slot + 1);
    const W = this.wholes;
    const o = slot * 3;
    const w = this.arena;
    out.src = w;
    if (W[o] === this.tick) {
      out.start = W[o + 1]!;
      out.end = W[o + 2]!;
      return;
    }
    const T = this.table;
    const I = T.i32;
    const b = slot * ROW_I32;
    const c0 = I[b + I_OPEN0]!;
    const c1 = I[b + I_OPEN1]!;
    const codec = T.codecs[slot]!;
    const start = w.pos;
    w.reserve(8);
    w.varuint(codec.id);
    codec.encodePatch(w, T.ents[slot]!, c0, c1, c0 & I[b + I_NESTED0]!, c1 & I[b + I_NESTED1]!);
    W[o] = this.tick;
    W[o + 1] = out.start = start;
    W[o + 2] = out.end = w.pos;
  }

  private dropAtNextTick(slot: number): void {
    if (this.dropN === this.drops.length) this.drops = doubled(this.drops);
    this.drops[this.dropN++] = slot;
  }
}

/** `wholes` with room for `slots` slots (doubling), the new ones empty. */
function grownWholes(wholes: Int32Array, slots: number): Int32Array {
  const grown = new Int32Array(Math.max(slots, (wholes.length / 3) * 2) * 3).fill(-1);
  grown.set(wholes);
  return grown;
}
