// Moved entities: each moved entity changes grid cell when it crossed into another, and is
// offered to the views around it that it entered. When the fold left its viewers to the cell log
// (cell-log.ts), the views it left are found here too, through the same cells.
import type { CellLog } from './cell-log.js';
import { CROW, C_EA, C_FLAGS, PLAIN, REQUERY, SWEPT, inView, type ClientTable } from './client-table.js';
import { F_CELL, F_X, F_Y, F_Z, I_CELLIX, I_OWNER, ROW_F64, ROW_I32, type EntityTable } from './entity-table.js';
import type { Interest } from './interest.js';
import type { EntityRecord, RoomClient } from './records.js';
import { VIEW_FIELDS, type GridCell, type SpatialGrid } from './spatial-grid.js';

export class EntityMoves<E extends object, D> {
  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly ctable: ClientTable,
    private readonly grid: SpatialGrid<EntityRecord, RoomClient<D>>,
    private readonly interest: Interest<E, D>,
    private readonly log: CellLog,
  ) {}

  /** Entities that moved this tick (slots, and where they were: x, y, z each) may enter the views watching their cells. */
  moveEntities(moved: Int32Array, from: Float64Array, logKinds: Uint8Array, n: number): void {
    const grid = this.grid;
    const T = this.table;
    const F = T.f64;
    const I = T.i32;
    const CF = this.ctable.f64;
    const P = this.ctable.prev;
    for (let k = 0; k < n; k++) {
      const slot = moved[k]!;
      const f = slot * ROW_F64;
      const x = F[f + F_X]!;
      const y = F[f + F_Y]!;
      const z = F[f + F_Z]!;
      let cell = grid.byIndex[I[slot * ROW_I32 + I_CELLIX]!]!;
      // The fold left this entity's viewers to the cell log: the views it left are found here.
      let leaves = logKinds[k]! !== 0;
      // The row keeps its cell: no map lookup while the entity stays inside it.
      if (!grid.inCell(F, f + F_X, f + F_CELL)) {
        const rec = T.recs[slot]!;
        // Every view that held it watches the cell it left; the new cell's need no leave test.
        if (leaves) this.leaveOld(cell, slot, from, k * 3, f + F_X);
        leaves = false;
        this.interest.leaveCell(cell, slot);
        cell = rec.gridCell = grid.recell(cell, F, f + F_X, f + F_CELL);
        I[slot * ROW_I32 + I_CELLIX] = cell.index;
        T.cellPos[slot] = cell.addEntityAt(rec, slot, F, f + F_X);
      } else cell.moveAt(T.cellPos[slot]!, F, f + F_X);
      if (logKinds[k] === 2) this.log.note(cell.index, slot, x, y, z);
      // Viewers were checked while folding; the clients watching the cell may gain the entity.
      // A client the view alone decides for already has every entity inside its view as of the
      // last tick (entering, adding, querying and unhiding see to it), so only an entity that
      // was outside before can be new to it: for a box view, the cell's copy of the view
      // (`GridCell.views`, the same test as `inView`) is the whole test.
      const watchers = cell.watchers;
      const ws = cell.slots;
      const V = cell.views;
      const boxes = cell.boxes > 0;
      const fx = from[k * 3]!;
      const fy = from[k * 3 + 1]!;
      const fz = from[k * 3 + 2]!;
      if (cell.useEdges()) {
        this.offerByEdges(cell, slot, from, k * 3, leaves);
        continue;
      }
      const nw = watchers.length;
      if (cell.boxes === nw) {
        // Every watcher a box view (the usual cell): the scan below without its other cases and
        // with one branch per watcher, about 1.4 % off the arena's tick (BENCHMARKS.md).
        for (let i = 0, o = 0; i < nw; i++, o += VIEW_FIELDS) {
          const vx = V[o]!;
          const vy = V[o + 1]!;
          const vz = V[o + 2]!;
          const ex = V[o + 3]!;
          const ey = V[o + 4]!;
          const ez = V[o + 5]!;
          const inside = +(Math.abs(x - vx) <= ex) & +(Math.abs(y - vy) <= ey) & +(Math.abs(z - vz) <= ez);
          const was = +(Math.abs(fx - vx) <= ex) & +(Math.abs(fy - vy) <= ey) & +(Math.abs(fz - vz) <= ez);
          if (inside === was) continue;
          if (inside === 1) {
            if (!this.interest.has(watchers[i]!, ws[i]!, slot)) this.interest.enterSoon(watchers[i]!, slot);
          } else if (leaves) this.leaveView(watchers[i]!, ws[i]!, slot);
        }
        continue;
      }
      for (let i = 0; i < watchers.length; i++) {
        // `vx` is read only inside `boxes`: with NaN chosen in its place, TurboFan kept it boxed,
        // one allocation per watcher.
        if (boxes) {
          const o = i * VIEW_FIELDS;
          const vx = V[o]!;
          if (vx === vx) {
            const ex = V[o + 3]!;
            const ey = V[o + 4]!;
            const ez = V[o + 5]!;
            const vy = V[o + 1]!;
            const vz = V[o + 2]!;
            // Without branches: which way each test goes is a coin toss, and mispredicting
            // costs more than testing.
            const inside = +(Math.abs(x - vx) <= ex) & +(Math.abs(y - vy) <= ey) & +(Math.abs(z - vz) <= ez);
            const was = +(Math.abs(fx - vx) <= ex) & +(Math.abs(fy - vy) <= ey) & +(Math.abs(fz - vz) <= ez);
            if (inside > was) {
              if (!this.interest.has(watchers[i]!, ws[i]!, slot)) this.interest.enterSoon(watchers[i]!, slot);
            } else if (leaves && was > inside) this.leaveView(watchers[i]!, ws[i]!, slot);
            continue;
          }
        }
        // Not a box the view alone decides for (`offerOther`, written out: this loop runs once per
        // (moved entity, watcher), and a following view is such a watcher every tick).
        const cs = ws[i]!;
        const cb = cs * CROW;
        const flags = CF[cb + C_FLAGS]!;
        if ((flags & (PLAIN | SWEPT)) !== 0) {
          // Its view now against its view then: the same row, or for a view that moved this tick
          // the box of its last query (see SWEPT).
          const then = (flags & SWEPT) !== 0 ? P : CF;
          if (inView(CF, cb, C_EA, x, y, z) && !inView(then, cb, C_EA, fx, fy, fz) && !this.interest.has(watchers[i]!, cs, slot)) {
            this.interest.enterSlot(watchers[i]!, slot);
          }
          continue;
        }
        // A view queried whole this tick finds the entity there.
        if ((flags & REQUERY) !== 0) continue;
        const c = watchers[i]!;
        if (this.interest.has(c, cs, slot)) continue;
        const rec = T.recs[slot]!;
        if (c.shape.containsAt(F, f + F_X, false) && this.interest.relevant(c, rec, false)) this.interest.enter(c, rec);
      }
    }
    this.interest.settleEnters();
  }

  /**
   * `moveEntities` for a cell whose box views stayed put: only the views whose edge the entity
   * crossed, found in the cell's edge index (view-edges.ts), get the box test; the others
   * cannot have gained it. Watchers without a box view are offered it one by one.
   */
  private offerByEdges(cell: GridCell<EntityRecord, RoomClient<D>>, slot: number, from: Float64Array, fa: number, leaves: boolean): void {
    const T = this.table;
    const F = T.f64;
    const ta = slot * ROW_F64 + F_X;
    const V = cell.views;
    const edges = cell.edges!;
    const n = edges.candidates(from, fa, F, ta);
    const hits = edges.hits;
    for (let h = 0; h < n; h++) {
      const o = hits[h]! * VIEW_FIELDS;
      // The same test as the scan in `moveEntities`; a view crossed on two axes comes twice,
      // and the viewer check turns the second away.
      if (holds(V, o, F, ta) && !holds(V, o, from, fa) && !this.interest.has(cell.watchers[hits[h]!]!, cell.slots[hits[h]!]!, slot)) this.interest.enterSlot(cell.watchers[hits[h]!]!, slot);
    }
    if (leaves) {
      const m = edges.exits(from, fa, F, ta);
      // A view left across two axes comes twice: the second finds no entry.
      for (let h = 0; h < m; h++) {
        const o = hits[h]! * VIEW_FIELDS;
        if (holds(V, o, from, fa) && !holds(V, o, F, ta)) this.leaveView(cell.watchers[hits[h]!]!, cell.slots[hits[h]!]!, slot);
      }
    }
    const others = edges.others;
    for (let h = 0; h < edges.othersN; h++) this.offerOther(cell, others[h]!, slot, from, fa);
  }

  /**
   * A moved entity left the cell `cell` while the fold left its viewers to the cell log: each box
   * view there that held it where it was (`from` at `fa`) and does not where it is (its table
   * row, at `ta`) loses it.
   */
  private leaveOld(cell: GridCell<EntityRecord, RoomClient<D>>, slot: number, from: Float64Array, fa: number, ta: number): void {
    const V = cell.views;
    const F = this.table.f64;
    // A watcher without a box view has a NaN centre, which holds nothing.
    for (let i = 0; i < cell.watchers.length; i++) {
      const o = i * VIEW_FIELDS;
      if (holds(V, o, from, fa) && !holds(V, o, F, ta)) this.leaveView(cell.watchers[i]!, cell.slots[i]!, slot);
    }
  }

  /**
   * A box view the entity moved out of, when the fold did not walk its viewers (a tick noted by
   * cell): it leaves, unless the client owns it. Every view is then a box the view alone decides
   * and the entity is neither global nor shown (`ChangeFold.loggable`, `skips`), so its row is
   * the whole test: no record, no lookup in the client's entries.
   */
  private leaveView(client: RoomClient<D>, cs: number, slot: number): void {
    if (this.table.i32[slot * ROW_I32 + I_OWNER] !== cs) this.interest.leaveSlot(client, slot);
  }

  /** A moved entity offered to watcher `i` of its cell, whose view is not a box the view alone decides for. */
  private offerOther(cell: GridCell<EntityRecord, RoomClient<D>>, i: number, slot: number, from: Float64Array, fa: number): void {
    const T = this.table;
    const F = T.f64;
    const ta = slot * ROW_F64 + F_X;
    const x = F[ta]!;
    const y = F[ta + 1]!;
    const z = F[ta + 2]!;
    const CF = this.ctable.f64;
    const cs = cell.slots[i]!;
    const cb = cs * CROW;
    const flags = CF[cb + C_FLAGS]!;
    if ((flags & (PLAIN | SWEPT)) !== 0) {
      // A round view, or a box view that moved this tick: its view now against its view then
      // (the same row, or the box of its last query: see SWEPT).
      const then = (flags & SWEPT) !== 0 ? this.ctable.prev : CF;
      if (inView(CF, cb, C_EA, x, y, z) && !inView(then, cb, C_EA, from[fa]!, from[fa + 1]!, from[fa + 2]!) && !this.interest.has(cell.watchers[i]!, cs, slot)) {
        this.interest.enterSlot(cell.watchers[i]!, slot);
      }
      return;
    }
    // A view queried whole this tick finds the entity there; any other (the game's filter or pins
    // have a say) gets the full verdict.
    if ((flags & REQUERY) !== 0) return;
    const c = cell.watchers[i]!;
    if (this.interest.has(c, cs, slot)) return;
    const rec = T.recs[slot]!;
    if (c.shape.containsAt(F, ta, false) && this.interest.relevant(c, rec, false)) this.interest.enter(c, rec);
  }
}

/** Whether the box view at offset `o` of a cell's views (`GridCell.views`) holds the position at `p[a..a+2]`. */
function holds(V: Float64Array, o: number, p: Float64Array, a: number): boolean {
  return Math.abs(p[a]! - V[o]!) <= V[o + 3]! && Math.abs(p[a + 1]! - V[o + 1]!) <= V[o + 4]! && Math.abs(p[a + 2]! - V[o + 2]!) <= V[o + 5]!;
}
