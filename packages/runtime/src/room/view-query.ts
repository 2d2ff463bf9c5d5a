// View queries: a client whose view moved (or that just got one) is judged again against what
// it holds and what is around it. A box view the view alone decides, queried before, is swept:
// only the band of cells its move uncovered or left is read (sweep-band.ts), and in a crowded
// cell only the strips between its old and new edges (axis-order.ts). What enters and leaves
// goes through `Interest`, which has the last word on relevance.
import { StripFinder } from './axis-order.js';
import { CROW, C_EA, C_FLAGS, C_ROUND, C_SA, C_X, C_Y, C_Z, inView, type ClientTable } from './client-table.js';
import { F_X, F_Y, F_Z, I_ID, ROW_F64, ROW_I32, type EntityTable } from './entity-table.js';
import type { Interest } from './interest.js';
import { liveRecords, type EntityRecord, type RoomClient } from './records.js';
import { empty } from './reused-arrays.js';
import type { GridCell, SpatialGrid } from './spatial-grid.js';
import { SweepBand } from './sweep-band.js';

/**
 * Entities a band cell needs before a sweep looks up the strips of its move in the cell's axis
 * orders instead of testing each: below, a few tests cost less than the binary searches.
 */
const STRIP_MIN = 32;

export class ViewQuery<E extends object, D> {
  /** Slots of entities leaving a client's view, gathered before they leave (removing while walking its entries would skip some). */
  private readonly leaving: number[] = [];
  /** What a sweep's strips hold in a crowded cell. */
  private readonly strips = new StripFinder();
  /** The cells a sweep reads. */
  private readonly band = new SweepBand();
  /** The box of cells a view watches (`SpatialGrid.watchBox`). */
  private readonly box = new Int32Array(6);

  constructor(
    private readonly interest: Interest<E, D>,
    private readonly table: EntityTable<EntityRecord>,
    private readonly ctable: ClientTable,
    private readonly grid: SpatialGrid<EntityRecord, RoomClient<D>> | null,
    private readonly filter: ((client: RoomClient<D>, entity: E) => boolean) | undefined,
  ) {}

  /**
   * A client's view moved (or it just got one): re-evaluate what it has and what is around it.
   * A view that follows its player is queried every tick, so this reads positions from the
   * entity table and decides most entities with the client's row alone; the full verdict
   * (`relevant`) runs only for the few near the view's edge, and only the cells the view
   * enters or leaves change watchers. A box view the view alone decides, queried before, is
   * swept: only the cells its move uncovered or left are read (see `sweep`).
   */
  query(client: RoomClient<D>): void {
    client.viewDirty = false;
    const grid = this.grid;
    const CF = this.ctable.f64;
    this.ctable.syncView(client);
    const cb = client.slot * CROW;
    // Without a filter and with nothing hidden, the view decides for every entity that is not
    // global, owned or shown, and those are relevant wherever they are.
    const byView = grid !== null && client.hasView && this.filter === undefined && client.hiddenN === 0;
    const box = byView && CF[cb + C_ROUND] === 0;
    if (box && this.ctable.prev[cb + C_FLAGS] === 1 && this.ctable.prev[cb + C_ROUND] === 0) this.sweep(client);
    else this.requery(client, byView);
    this.ctable.keepQueried(client.slot, box);
  }

  /** The whole query: every entry the client has, every entity in the cells around its view. */
  private requery(client: RoomClient<D>, byView: boolean): void {
    const grid = this.grid;
    const T = this.table;
    const F = T.f64;
    const CF = this.ctable.f64;
    const cb = client.slot * CROW;
    // What leaves first, into a reused array, then removed (removing while walking the table
    // would skip entries).
    const entries = client.entries;
    const out = this.leaving;
    for (let i = 0; i < entries.capacity; i++) {
      if (!entries.usedAt(i)) continue;
      if (byView) {
        // The slot kept beside the key: entries inside the view are passed over untouched.
        const f = entries.slotAt(i) * ROW_F64;
        if (inView(CF, cb, C_SA, F[f + F_X]!, F[f + F_Y]!, F[f + F_Z]!)) continue;
      }
      const slot = entries.slotAt(i);
      if (!this.interest.relevant(client, T.recs[slot]!, true)) out.push(slot);
    }
    this.leaveAllOf(client, out);
    if (!grid) {
      for (const rec of liveRecords(this.table)) this.interest.consider(client, rec);
      return;
    }
    if (!client.hasView) {
      this.unwatchAll(client);
      return;
    }
    this.watchView(client);
    const { wx0: x0, wx1: x1, wy0: y0, wy1: y1, wz0: z0, wz1: z1 } = client;
    // What enters: entities in the watched cells the client does not have yet.
    const I = T.i32;
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        for (let cz = z0; cz <= z1; cz++) {
          const cell = client.watchedCells[boxIndex(client, cx, cy, cz)]!;
          const n = cell.entities.length;
          const slots = cell.entitySlots;
          const pos = cell.pos;
          for (let i = 0; i < n; i++) {
            const slot = slots[i]!;
            if (byView) {
              if (!inView(CF, cb, C_EA, pos[i * 3]!, pos[i * 3 + 1]!, pos[i * 3 + 2]!)) continue;
              if (client.entries.has(I[slot * ROW_I32 + I_ID]!)) continue;
            }
            this.interest.consider(client, T.recs[slot]!);
          }
        }
      }
    }
  }

  /**
   * A box view the view alone decides moved (or changed size) since its last query, which left
   * the client holding every entity inside the old view. Entities that moved this tick were
   * already offered to it at their new places (`moveEntities`) and dropped when they left (the
   * fold), so only the others remain: one that stays where it was can leave only if it lies in
   * the old view but not the new, and enter only if it lies in the new but not the old. Only the
   * cells that are not wholly inside the other view are read, so a view that moves a little
   * reads a thin band of cells, not all of them. Cells wholly inside are skipped; the per-entity
   * tests are exact, so reading a cell more is never wrong.
   */
  private sweep(client: RoomClient<D>): void {
    const grid = this.grid!;
    const T = this.table;
    const I = T.i32;
    const CF = this.ctable.f64;
    const P = this.ctable.prev;
    const cb = client.slot * CROW;
    const entries = client.entries;
    const size = grid.cellSize;
    const flat = grid.dimensions === 2;
    // The views' centres and extents, read once: the per-entity tests below are `inView`'s box
    // test (a sweep is for box views only) with the rows' values in locals.
    const nx = CF[cb + C_X]!;
    const ny = CF[cb + C_Y]!;
    const nz = CF[cb + C_Z]!;
    const ox = P[cb + C_X]!;
    const oy = P[cb + C_Y]!;
    const oz = P[cb + C_Z]!;
    // Leaving: the cells the old view watched, except those inside the new staying box.
    let ha = CF[cb + C_SA]!;
    let hb = CF[cb + C_SA + 1]!;
    let hc = CF[cb + C_SA + 2]!;
    let pa = P[cb + C_SA]!;
    let pb = P[cb + C_SA + 1]!;
    let pc = P[cb + C_SA + 2]!;
    // With the same extent on z before and after, what a move leaves or uncovers lies in strips
    // along x and y, found in crowded cells through their axis orders (axis-order.ts).
    let zKept = oz === nz && pc === hc;
    const out = this.leaving;
    const band = this.band;
    band.set(P, CF, cb, C_SA, size, flat, client.wx0, client.wx1, client.wy0, client.wy1, client.wz0, client.wz1);
    this.stripsOutside(CF, cb, C_SA);
    for (let cx = client.wx0; cx <= client.wx1; cx++) {
      for (let cy = client.wy0; cy <= client.wy1; cy++) {
        for (let cz = client.wz0; cz <= client.wz1; cz++) {
          if (!band.has(cx, cy, cz)) continue;
          const cell = client.watchedCells[boxIndex(client, cx, cy, cz)]!;
          const slots = cell.entitySlots;
          const pos = cell.pos;
          const byStrips = zKept && cell.entities.length >= STRIP_MIN;
          const n = byStrips ? this.inStrips(cell, cx, cy) : cell.entities.length;
          const found = this.strips.out;
          for (let k = 0; k < n; k++) {
            const i = byStrips ? found[k]! : k;
            const x = pos[i * 3]!;
            const y = pos[i * 3 + 1]!;
            const z = pos[i * 3 + 2]!;
            // Only what was inside the old view and is outside the new one: the band itself.
            // Without branches, as in `EntityMoves.moveEntities`: in a band cell either way is a coin toss.
            const inside = +(Math.abs(x - nx) <= ha) & +(Math.abs(y - ny) <= hb) & +(Math.abs(z - nz) <= hc);
            const was = +(Math.abs(x - ox) <= pa) & +(Math.abs(y - oy) <= pb) & +(Math.abs(z - oz) <= pc);
            if (was <= inside) continue;
            const slot = slots[i]!;
            if (entries.slotOf(I[slot * ROW_I32 + I_ID]!) === slot && !this.interest.relevant(client, T.recs[slot]!, true)) out.push(slot);
          }
        }
      }
    }
    this.leaveAllOf(client, out);
    this.watchView(client);
    const { wx0: x0, wx1: x1, wy0: y0, wy1: y1, wz0: z0, wz1: z1 } = client;
    // Entering: the cells around the new view, except those inside the old entering box.
    ha = CF[cb + C_EA]!;
    hb = CF[cb + C_EA + 1]!;
    hc = CF[cb + C_EA + 2]!;
    pa = P[cb + C_EA]!;
    pb = P[cb + C_EA + 1]!;
    pc = P[cb + C_EA + 2]!;
    zKept = oz === nz && pc === hc;
    band.set(CF, P, cb, C_EA, size, flat, x0, x1, y0, y1, z0, z1);
    this.stripsOutside(P, cb, C_EA);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        for (let cz = z0; cz <= z1; cz++) {
          if (!band.has(cx, cy, cz)) continue;
          const cell = client.watchedCells[boxIndex(client, cx, cy, cz)]!;
          const slots = cell.entitySlots;
          const pos = cell.pos;
          const byStrips = zKept && cell.entities.length >= STRIP_MIN;
          const n = byStrips ? this.inStrips(cell, cx, cy) : cell.entities.length;
          const found = this.strips.out;
          for (let k = 0; k < n; k++) {
            const i = byStrips ? found[k]! : k;
            const slot = slots[i]!;
            const x = pos[i * 3]!;
            const y = pos[i * 3 + 1]!;
            const z = pos[i * 3 + 2]!;
            // Only what is inside the new view and was outside the old one: the band itself.
            const inside = +(Math.abs(x - nx) <= ha) & +(Math.abs(y - ny) <= hb) & +(Math.abs(z - nz) <= hc);
            const was = +(Math.abs(x - ox) <= pa) & +(Math.abs(y - oy) <= pb) & +(Math.abs(z - oz) <= pc);
            if (inside <= was) continue;
            if (entries.has(I[slot * ROW_I32 + I_ID]!)) continue;
            this.interest.consider(client, T.recs[slot]!);
          }
        }
      }
    }
  }

  /** The entities in `slots`, which the client holds, leave its view; empties `slots`. */
  private leaveAllOf(client: RoomClient<D>, slots: number[]): void {
    const recs = this.table.recs;
    for (let i = 0; i < slots.length; i++) {
      this.interest.leave(client, recs[slots[i]!]!);
    }
    empty(slots);
  }

  /**
   * The other view of a sweep's pass, B, whose outside the strips lie in: client row `row` of
   * table `t`, half extents at `o` (C_SA or C_EA). Set once per pass, read from the row rather
   * than passed: a call not inlined boxes each double it is passed.
   */
  private stripsOutside(t: Float64Array, row: number, o: number): void {
    const b = this.strips.boxes;
    b[2] = t[row + C_X]! - t[row + o]!;
    b[3] = t[row + C_X]! + t[row + o]!;
    b[6] = t[row + C_Y]! - t[row + o + 1]!;
    b[7] = t[row + C_Y]! + t[row + o + 1]!;
  }

  /**
   * The entities of crowded band cell (cx, cy) that may lie in the pass's strips (inside the
   * band's part of the cell, outside the other view), into `strips.out`; returns how many.
   */
  private inStrips(cell: GridCell<EntityRecord, RoomClient<D>>, cx: number, cy: number): number {
    this.band.clip(cx, cy, this.strips.boxes);
    return this.strips.find(cell.ordered(), cell.pos);
  }

  /** Watches the cells around the client's view (its staying range): their box is then the client's `wx0`..`wz1`. */
  private watchView(client: RoomClient<D>): void {
    const b = this.grid!.watchBox(client.shape, this.box);
    this.rewatch(client, b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!);
  }

  /** Watches the box of cells x0..x1 × y0..y1 × z0..z1, changing only the cells that differ from the last box. */
  private rewatch(client: RoomClient<D>, x0: number, x1: number, y0: number, y1: number, z0: number, z1: number): void {
    const grid = this.grid!;
    const same = client.wx0 === x0 && client.wx1 === x1 && client.wy0 === y0 && client.wy1 === y1 && client.wz0 === z0 && client.wz1 === z1;
    if (same && client.watched.length > 0) return;
    const had = client.watched.length > 0;
    const prev = client.watchedCells;
    const next = client.spareCells;
    empty(next);
    if (had) {
      for (let cx = client.wx0; cx <= client.wx1; cx++) {
        for (let cy = client.wy0; cy <= client.wy1; cy++) {
          for (let cz = client.wz0; cz <= client.wz1; cz++) {
            if (cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1 && cz >= z0 && cz <= z1) continue;
            const key = grid.key(cx, cy, cz);
            grid.cell(key).unwatch(client);
            grid.release(key);
          }
        }
      }
    }
    empty(client.watched);
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        for (let cz = z0; cz <= z1; cz++) {
          const key = grid.key(cx, cy, cz);
          client.watched.push(key);
          const old = had && cx >= client.wx0 && cx <= client.wx1 && cy >= client.wy0 && cy <= client.wy1 && cz >= client.wz0 && cz <= client.wz1;
          if (old) next.push(prev[boxIndex(client, cx, cy, cz)]!);
          else {
            const cell = grid.cell(key);
            cell.watch(client, client.slot, this.ctable.views);
            next.push(cell);
          }
        }
      }
    }
    client.watchedCells = next;
    client.spareCells = prev;
    client.wx0 = x0;
    client.wx1 = x1;
    client.wy0 = y0;
    client.wy1 = y1;
    client.wz0 = z0;
    client.wz1 = z1;
  }

  unwatchAll(client: RoomClient<D>): void {
    const grid = this.grid;
    if (!grid) return;
    for (const key of client.watched) {
      grid.cell(key).unwatch(client);
      grid.release(key);
    }
    client.watched.length = 0;
    client.watchedCells.length = 0;
    client.wx1 = client.wy1 = client.wz1 = -1;
    client.wx0 = client.wy0 = client.wz0 = 0;
  }
}

/** Index of cell (cx, cy, cz) in a client's watched box (`watched`, `watchedCells`): x, then y, then z. */
function boxIndex(c: RoomClient<unknown>, cx: number, cy: number, cz: number): number {
  return ((cx - c.wx0) * (c.wy1 - c.wy0 + 1) + (cy - c.wy0)) * (c.wz1 - c.wz0 + 1) + (cz - c.wz0);
}
