import type { RoomClient } from './records.js';
import { VIEW_FIELDS } from './spatial-grid.js';

/**
 * Each client's view and flags as numbers in one typed array, refreshed at the start of every
 * tick, so the per-(viewer, entity) checks read a few doubles from a small hot block instead of
 * the client's objects (its shape, its sets).
 */
export const CROW = 12;
export const C_FLAGS = 0;
export const C_ROUND = 1;
export const C_X = 2;
export const C_Y = 3;
export const C_Z = 4;
/** Staying extents: box half sizes plus the hysteresis, or for a circle the squared radius in C_SA. */
export const C_SA = 5;
export const C_SB = 6;
export const C_SC = 7;
/** Entering extents, likewise. */
export const C_EA = 8;
export const C_EB = 9;
export const C_EC = 10;

/** Unpaused, no budget, recent frame: changes in its view go to its direct list. */
export const FAST = 1;
/** Due for a frame this tick. */
export const DUE = 2;
/** The view alone decides (no custom filter, nothing hidden, view current): the typed test is the whole test. */
export const PLAIN = 4;
/** Takes this tick's shared run (see shared-run.ts): run entities' public changes are not listed for it. */
export const RIDER = 8;
/**
 * A box view the view alone decides for that moved since its last query, which left the client
 * holding exactly what that box decided (`prev`): it has every entity that was inside the last
 * query's entering box where the entity was at the last tick, so a moved entity is new to it
 * only when it is inside the new box now and was not inside the old one then. Its row holds the
 * new view; the cells it watches hold no copy of it (they are the old view's cells until its
 * query this tick).
 */
export const SWEPT = 16;
/**
 * A view that moved since its last query and is not swept (a round view, or a box view whose last
 * query was not of a box): its whole query runs this tick, after the moves, and decides every
 * entity it holds or could take. The fold and the moves then leave its holds to that query: for
 * 1,000 views that follow their players, testing each moved entity against each of them first
 * cost about 40 % of the tick (`pnpm bench:follow`).
 */
export const REQUERY = 32;
/**
 * Due now, its last frame the last tick, nothing listed, pending or entering, its view current,
 * no reset: this tick's public changes in its view go to its tick list (tick-lists.ts).
 */
export const TICKED = 64;

// Clients are shared by rooms of any client data type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = RoomClient<any>;

export class ClientTable {
  f64 = new Float64Array(64 * CROW);
  /**
   * Each client's view as of its last grid query, in the same layout; C_FLAGS is 1 when that
   * query left the client holding exactly what its box view decides, so the next one need only
   * look where the view moved (see `ViewQuery.query`).
   */
  prev = new Float64Array(64 * CROW);
  /**
   * Each client's view as the grid cells it watches hold it (`GridCell.views`, VIEW_FIELDS per
   * slot): the entering box of a box view the view alone decides for (PLAIN), else a NaN centre.
   * Set with the flags at the start of every tick, so it is current when moved entities are tested.
   */
  views = new Float64Array(64 * VIEW_FIELDS).fill(NaN);
  /** The client in each slot, null when free. */
  readonly clients: (AnyClient | null)[] = [];
  private readonly free: number[] = [];

  alloc(c: AnyClient): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.clients.length;
      this.clients.push(null);
      if ((slot + 1) * CROW > this.f64.length) {
        const grown = new Float64Array(this.f64.length * 2);
        grown.set(this.f64);
        this.f64 = grown;
        const prev = new Float64Array(grown.length);
        prev.set(this.prev);
        this.prev = prev;
        const views = new Float64Array(this.views.length * 2).fill(NaN);
        views.set(this.views);
        this.views = views;
      }
    }
    this.clients[slot] = c;
    this.f64.fill(0, slot * CROW, (slot + 1) * CROW);
    this.prev.fill(0, slot * CROW, (slot + 1) * CROW);
    this.views.fill(NaN, slot * VIEW_FIELDS, (slot + 1) * VIEW_FIELDS);
    return slot;
  }

  release(slot: number): void {
    this.clients[slot] = null;
    this.f64[slot * CROW + C_FLAGS] = 0;
    this.free.push(slot);
  }

  /**
   * Copies a client's view and flags into its row, and into the cells it watches when that
   * changed. A view changes only with `viewDirty` set (setView, moveView), and the cells' copy
   * only with the view or the PLAIN flag: a client with neither is left as it is, without
   * reading its shape (an object of boxed doubles, cache misses per client per tick).
   */
  sync(c: AnyClient, flags: number): void {
    const f = this.f64;
    const b = c.slot * CROW;
    const was = f[b + C_FLAGS]!;
    f[b + C_FLAGS] = flags;
    if (!c.viewDirty && ((was ^ flags) & PLAIN) === 0) return;
    this.syncView(c);
    const v = this.views;
    const o = c.slot * VIEW_FIELDS;
    if ((flags & PLAIN) !== 0 && f[b + C_ROUND] === 0) {
      if (v[o] === f[b + C_X] && v[o + 1] === f[b + C_Y] && v[o + 2] === f[b + C_Z] && v[o + 3] === f[b + C_EA] && v[o + 4] === f[b + C_EB] && v[o + 5] === f[b + C_EC]) return;
      v[o] = f[b + C_X]!;
      v[o + 1] = f[b + C_Y]!;
      v[o + 2] = f[b + C_Z]!;
      v[o + 3] = f[b + C_EA]!;
      v[o + 4] = f[b + C_EB]!;
      v[o + 5] = f[b + C_EC]!;
    } else {
      if (Number.isNaN(v[o])) return;
      v[o] = NaN;
    }
    const cells = c.watchedCells;
    for (let i = 0; i < cells.length; i++) cells[i]!.updateView(c.slot, v);
  }

  /** Keeps the client's current view as the one its last query saw; `exact`: see `prev`. */
  keepQueried(slot: number, exact: boolean): void {
    const b = slot * CROW;
    // A loop, not `set(subarray)`: a subarray is an object, and every moving view is queried every tick.
    for (let k = 0; k < CROW; k++) this.prev[b + k] = this.f64[b + k]!;
    this.prev[b + C_FLAGS] = exact ? 1 : 0;
  }

  /** Copies a client's view into its row. */
  syncView(c: AnyClient): void {
    const f = this.f64;
    const b = c.slot * CROW;
    const s = c.shape;
    f[b + C_X] = s.x;
    f[b + C_Y] = s.y;
    f[b + C_Z] = s.z;
    if (s.round) {
      f[b + C_ROUND] = 1;
      f[b + C_SA] = s.stay2;
      f[b + C_EA] = s.enter2;
    } else {
      f[b + C_ROUND] = 0;
      f[b + C_SA] = s.hx + s.margin;
      f[b + C_SB] = s.hy + s.margin;
      f[b + C_SC] = s.hz + s.margin;
      f[b + C_EA] = s.hx;
      f[b + C_EB] = s.hy;
      f[b + C_EC] = s.hz;
    }
  }
}

/** Whether a point lies in a client row's view: `o` is C_SA to stay, C_EA to enter. */
export function inView(f: Float64Array, b: number, o: number, x: number, y: number, z: number): boolean {
  const dx = x - f[b + C_X]!;
  const dy = y - f[b + C_Y]!;
  const dz = z - f[b + C_Z]!;
  if (f[b + C_ROUND] === 1) return dx * dx + dy * dy + dz * dz <= f[b + o]!;
  return Math.abs(dx) <= f[b + o]! && Math.abs(dy) <= f[b + o + 1]! && Math.abs(dz) <= f[b + o + 2]!;
}
