// Interest: which entities each client has in view. With a grid, entities live in cells and
// clients watch the cells their view reaches; a view that moves (or follows its player) is
// queried again (a moved entity is offered to the clients watching its cell in
// entity-moves.ts). Pins (show/hide), ownership, global entities and the game's filter have the
// last word.
import { StripFinder } from './axis-order.js';
import type { CellLog } from './cell-log.js';
import { CROW, C_EA, C_FLAGS, C_ROUND, C_SA, C_X, C_Y, C_Z, inView, type ClientTable } from './client-table.js';
import { F_CELL, F_X, F_Y, F_Z, I_CELLIX, I_ID, I_OWNER, I_VN, INLINE, ROW_F64, ROW_I32, type EntityTable } from './entity-table.js';
import { EntityRecord, GONE, KNOWN, LITE_ENTERING, VIS_OTHER, ViewEntry, liveRecords, type Held, type RoomClient } from './records.js';
import { PendingHolds } from './pending-holds.js';
import { empty } from './reused-arrays.js';
import type { SharedRun } from './shared-run.js';
import type { GridCell, SpatialGrid } from './spatial-grid.js';
import { SweepBand } from './sweep-band.js';
import type { TickLists } from './tick-lists.js';
import { adopt, entryOf, listEntering, markPending, updateVis, visOf, type ViewEntryPool } from './view-entries.js';

/**
 * Entities a band cell needs before a sweep looks up the strips of its move in the cell's axis
 * orders instead of testing each: below, a few tests cost less than the binary searches.
 */
const STRIP_MIN = 32;

export class Interest<E extends object, D> {
  /** The room's tick, set by `begin`. */
  private tick = 0;
  /** Stamps tell which clients a walk has seen already; each walk takes a new one. */
  private stampNo = 0;
  /** Slots of entities leaving a client's view, gathered before they leave (removing while walking its entries would skip some). */
  private readonly leaving: number[] = [];
  /** What a sweep's strips hold in a crowded cell. */
  private readonly strips = new StripFinder();
  /** The cells a sweep reads. */
  private readonly band = new SweepBand();
  /** The box of cells a view watches (`SpatialGrid.watchBox`). */
  private readonly box = new Int32Array(6);
  /** Leaves the fold's walk made, and lite holds the moves gave, whose entries are not yet updated (`leaveSoon`, `enterSoon`). */
  private readonly leaves = new PendingHolds<D>();
  private readonly enters = new PendingHolds<D>();

  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly ctable: ClientTable,
    private readonly grid: SpatialGrid<EntityRecord, RoomClient<D>> | null,
    private readonly gx: (e: E) => number,
    private readonly gy: (e: E) => number,
    private readonly gz: (e: E) => number,
    private readonly filter: ((client: RoomClient<D>, entity: E) => boolean) | undefined,
    private readonly teams: boolean,
    private readonly clients: readonly RoomClient<D>[],
    private readonly run: SharedRun,
    private readonly pool: ViewEntryPool,
    private readonly log: CellLog,
    private readonly ticks: TickLists,
  ) {}

  begin(tick: number): void {
    this.tick = tick;
  }

  /** A stamp no client holds yet (also invalidates walks in progress' stamps). */
  newStamp(): number {
    return ++this.stampNo;
  }

  place(rec: EntityRecord): void {
    const e = rec.entity as unknown as E;
    const F = this.table.f64;
    const f = rec.slot * ROW_F64;
    const x = (F[f + F_X] = this.gx(e));
    const y = (F[f + F_Y] = this.gy(e));
    const z = (F[f + F_Z] = this.gz(e));
    const key = (F[f + F_CELL] = this.grid!.keyAt(x, y, z));
    rec.gridCell = this.grid!.cell(key);
    this.table.i32[rec.slot * ROW_I32 + I_CELLIX] = rec.gridCell.index;
    this.table.cellPos[rec.slot] = rec.gridCell.addEntity(rec, rec.slot, x, y, z);
  }

  /** Takes a removed entity out of its grid cell. */
  unplace(rec: EntityRecord): void {
    const cell = rec.gridCell;
    if (cell === null) return;
    this.leaveCell(cell, rec.slot);
    this.grid!.release(rec.cell);
    rec.gridCell = null;
  }

  /** Removes an entity slot from a cell, keeping the table's cell positions in step. */
  leaveCell(cell: GridCell<EntityRecord, RoomClient<D>>, slot: number): void {
    const at = this.table.cellPos[slot]!;
    const moved = cell.removeAt(at);
    if (moved >= 0) this.table.cellPos[moved] = at;
  }

  /** Clients that might want `rec`: its viewers and the clients watching its cell (or all, without a grid). */
  *candidates(rec: EntityRecord): Iterable<RoomClient<D>> {
    if (!this.grid || rec.global) {
      yield* this.clients;
      return;
    }
    const stamp = this.newStamp();
    const T = this.table;
    const viewers: RoomClient<D>[] = [];
    const vn = T.i32[rec.slot * ROW_I32 + I_VN]!;
    for (let j = 0; j < vn; j++) viewers.push(this.ctable.clients[T.viewer(rec.slot, j)] as RoomClient<D>);
    for (const c of viewers) {
      c.stamp = stamp;
      yield c;
    }
    if (rec.owner && rec.owner.stamp !== stamp) {
      rec.owner.stamp = stamp;
      yield rec.owner;
    }
    if (rec.gridCell !== null) for (const c of rec.gridCell.watchers) if (c.stamp !== stamp) yield c;
  }

  /**
   * A new entity goes to every client that should have it: the clients watching its cell and its
   * owner (every client when it is global or the room has no grid). `consider` skips a client
   * that has it, so no walk stamps are needed. `late`: the offer was deferred to the tick, and
   * clients may have it already (pinned, owned or global since it was added).
   */
  offerNew(rec: EntityRecord, late: boolean): void {
    if (!this.grid || rec.global) {
      this.table.reserveViewers(rec.slot, this.clients.length);
      for (let i = 0; i < this.clients.length; i++) this.consider(this.clients[i]!, rec);
      return;
    }
    const owner = rec.owner as RoomClient<D> | null;
    if (owner) this.consider(owner, rec);
    const cell = rec.gridCell;
    if (cell === null) return;
    // A new entity: only its owner may have it already, unless the offer is late and some
    // client was given it since. Where the view alone decides (no filter, no pins), the verdict
    // is the view's test, on a position read once.
    const F = this.table.f64;
    const f = rec.slot * ROW_F64;
    const x = F[f + F_X]!;
    const y = F[f + F_Y]!;
    const z = F[f + F_Z]!;
    const byView = this.filter === undefined;
    const known = late && this.table.i32[rec.slot * ROW_I32 + I_VN]! > 0;
    const watchers = cell.watchers;
    for (let i = 0; i < watchers.length; i++) {
      const c = watchers[i]!;
      if (c === owner || (known && this.has(c, c.slot, rec.slot))) continue;
      const yes = byView && c.hasView && c.hiddenN === 0 && c.shown.size === 0 ? c.shape.contains(x, y, z, false) : this.relevant(c, rec, false);
      if (yes) this.enter(c, rec);
    }
  }

  /** Whether `client` should have `rec`: entering uses the view, staying the view plus its hysteresis. */
  relevant(client: RoomClient<D>, rec: EntityRecord, staying: boolean): boolean {
    if (client.hiddenN > 0 && client.hidden.has(rec)) return false;
    if (rec.global || rec.owner === client || (client.shown.size > 0 && client.shown.has(rec))) return true;
    if (this.grid) {
      // The row, not the record's getters, and no doubles passed: a call the caller does not
      // inline boxes each double it passes or returns, and the tick makes thousands of these.
      const F = this.table.f64;
      const f = rec.slot * ROW_F64;
      if (!client.hasView || Number.isNaN(F[f + F_CELL]!)) return false;
      if (!client.shape.containsAt(F, f + F_X, staying)) return false;
    }
    const filter = this.filter;
    return filter === undefined || filter(client, rec.entity as unknown as E);
  }

  /** Adds or drops `rec` for `client` according to `relevant`. */
  revisit(client: RoomClient<D>, rec: EntityRecord): void {
    const held = client.entries.get(rec.id);
    if (held !== undefined) {
      if (!this.relevant(client, rec, true)) this.leave(client, rec);
      // A lite hold stays one while the client may see the public fields alone.
      else if (held instanceof ViewEntry) updateVis(held, this.tick, this.teams);
      else if (visOf(client, rec, this.teams) !== VIS_OTHER) updateVis(adopt(client, rec, held, this.pool), this.tick, this.teams);
    } else if (this.relevant(client, rec, false)) {
      this.enter(client, rec);
    }
  }

  /**
   * Whether client `c` (slot `cs`) has the entity in `slot`. A few viewers are scanned in its
   * row; for an entity many clients see (about a hundred in bench:load's crowded cells) the
   * client's entries are probed instead of scanning them all.
   */
  has(c: RoomClient<D>, cs: number, slot: number): boolean {
    const T = this.table;
    if (T.i32[slot * ROW_I32 + I_VN]! <= INLINE) return T.hasViewer(slot, cs);
    return c.entries.slotOf(T.i32[slot * ROW_I32 + I_ID]!) === slot;
  }

  /** The view entry for what the client holds of `rec`, made from a lite hold if need be (view-entries.ts `entryOf`). */
  entryOf(client: RoomClient<D>, rec: EntityRecord): ViewEntry | undefined {
    return entryOf(client, rec, this.pool);
  }

  consider(client: RoomClient<D>, rec: EntityRecord): void {
    if (!client.entries.has(rec.id) && this.relevant(client, rec, false)) this.enter(client, rec);
  }

  /**
   * `rec` enters the client's view. A client without a budget and not paused, in a room without
   * teams, holds an entity it does not own lite (records.ts `Lite`): it may see only the public
   * fields, and its frames send them without a view entry.
   */
  enter(client: RoomClient<D>, rec: EntityRecord): void {
    if (this.holdsLite(client, rec.slot)) this.enterLite(client, rec.slot);
    else this.enterEntry(client, rec);
  }

  /**
   * `enter` for the entity in table slot `slot`: a lite hold needs its row alone. The moves enter
   * entities this way, whose records the tick does not touch otherwise (a cache miss each).
   */
  enterSlot(client: RoomClient<D>, slot: number): void {
    if (this.holdsLite(client, slot)) this.enterLite(client, slot);
    else this.enterEntry(client, this.table.recs[slot]!);
  }

  /**
   * As `enterSlot`, for the moves' scans: a lite hold's entry in the client's entries is set by
   * `settleEnters`, once the moves are done, its lookup read ahead with the others (as
   * `settleLeaves` does). Meanwhile the entity's row names the client as a viewer, and the moves
   * test each pair once. Its callers, the scans of box views the view alone decides, run no game
   * callback (such views exist only in rooms without a filter).
   */
  enterSoon(client: RoomClient<D>, slot: number): void {
    if (!this.holdsLite(client, slot)) {
      this.enterEntry(client, this.table.recs[slot]!);
      return;
    }
    this.table.pushViewer(slot, client.slot);
    listEntering(client, slot);
    this.enters.push(client, slot, this.table.i32[slot * ROW_I32 + I_ID]!);
  }

  /** The lite holds `enterSoon` gave: set in each client's entries, in the order they entered. */
  settleEnters(): void {
    const q = this.enters;
    const n = q.readAhead();
    const cs = q.clients;
    const ids = q.ids;
    const slots = q.slots;
    for (let i = 0; i < n; i++) cs[i]!.entries.set(ids[i]!, LITE_ENTERING, slots[i]!);
    q.clear();
  }

  /** Whether the client holds the entity in `slot` lite when it enters (see `enter`). */
  private holdsLite(client: RoomClient<D>, slot: number): boolean {
    return !this.teams && !client.paused && client.budget === Infinity && this.table.i32[slot * ROW_I32 + I_OWNER] !== client.slot;
  }

  private enterLite(client: RoomClient<D>, slot: number): void {
    this.table.pushViewer(slot, client.slot);
    client.entries.set(this.table.i32[slot * ROW_I32 + I_ID]!, LITE_ENTERING, slot);
    listEntering(client, slot);
  }

  private enterEntry(client: RoomClient<D>, rec: EntityRecord): void {
    this.table.pushViewer(rec.slot, client.slot);
    const entry = this.pool.take(client, rec);
    entry.vis = visOf(client, rec, this.teams);
    client.entries.set(rec.id, entry, rec.slot);
    markPending(entry);
  }

  /** `rec`, which the client holds, leaves its view. */
  leave(client: RoomClient<D>, rec: EntityRecord): void {
    this.unticked(client);
    this.table.removeViewer(rec.slot, client.slot);
    this.drop(client, rec.slot, rec.id, client.entries.take(rec.id)!);
  }

  /**
   * As `leave`, for the viewer at index `j` of the entity's row: the fold's walk over them, which
   * has not put the entity in the client's tick list, nor will (tick-lists.ts).
   */
  leaveAt(client: RoomClient<D>, slot: number, j: number): void {
    const id = this.table.i32[slot * ROW_I32 + I_ID]!;
    this.table.removeViewerAt(slot, j);
    this.drop(client, slot, id, client.entries.take(id)!);
  }

  /**
   * As `leaveAt`, with the client's entries updated by `settleLeaves`, which the fold calls once
   * its walk is done. Each such update looks the id up in the client's hold table, a cache miss
   * in a table of them all; settled together, the lookups are read ahead in a loop of their own,
   * so the misses overlap. Until then the client still holds the entity by its entries, not by
   * the entity's row: nothing in the walk asks either for a pair it has already left. The walk's
   * quick case, the only caller, runs no game callback that could throw before the settling (its
   * room has no filter, and no teams when every client is due).
   */
  leaveSoon(client: RoomClient<D>, slot: number, j: number): void {
    this.table.removeViewerAt(slot, j);
    this.leaves.push(client, slot, this.table.i32[slot * ROW_I32 + I_ID]!);
  }

  /** The leaves `leaveSoon` noted: each client's entries give up the entity, in the order they left. */
  settleLeaves(): void {
    const q = this.leaves;
    const n = q.readAhead();
    const cs = q.clients;
    const ids = q.ids;
    const slots = q.slots;
    for (let i = 0; i < n; i++) {
      const c = cs[i]!;
      this.drop(c, slots[i]!, ids[i]!, c.entries.take(ids[i]!)!);
    }
    q.clear();
  }

  /** As `leaveAt`, the viewer found by its client slot; nothing when the client does not hold the entity. */
  leaveSlot(client: RoomClient<D>, slot: number): void {
    if (!this.table.removeViewer(slot, client.slot)) return;
    this.unticked(client);
    const id = this.table.i32[slot * ROW_I32 + I_ID]!;
    this.drop(client, slot, id, client.entries.take(id)!);
  }

  /** A removed entity leaves every view at once: one walk over its row, no viewer detached one by one. */
  leaveAll(rec: EntityRecord): void {
    const T = this.table;
    const vn = T.i32[rec.slot * ROW_I32 + I_VN]!;
    for (let j = 0; j < vn; j++) {
      const c = this.ctable.clients[T.viewer(rec.slot, j)] as RoomClient<D>;
      this.unticked(c);
      this.drop(c, rec.slot, rec.id, c.entries.take(rec.id)!);
    }
    T.i32[rec.slot * ROW_I32 + I_VN] = 0;
    T.overflow[rec.slot] = null;
  }

  /**
   * Before a client leaves an entity outside the fold's walk (a sink call's removal, hide or
   * ownership change, a query): its tick list may name the entity, so the list goes to the
   * direct list, whose claim drops what left (tick-lists.ts).
   */
  private unticked(client: RoomClient<D>): void {
    this.ticks.spill(client);
  }

  /** What the client held of the entity in `slot` (id `id`), taken off its viewers and out of the client's entries already, leaves it. */
  private drop(client: RoomClient<D>, slot: number, id: number, held: Held): void {
    // A rider losing an entity of the run: the run's patch would follow its removal.
    if (client.rider && this.run.has(slot)) this.run.alight(client);
    if (held.state === KNOWN) client.leaving.push(id);
    // The frame's claim drops it from the direct list, or from what the frame collects from the log.
    if (client.directN > 0 || this.log.logged > 0) client.leftSince.push(slot);
    if (!(held instanceof ViewEntry)) return;
    held.state = GONE;
    // An entry its client's pending list still holds comes back when the next frame drops it.
    if (!held.pending) this.pool.give(held);
  }

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
      if (!this.relevant(client, T.recs[slot]!, true)) out.push(slot);
    }
    this.leaveAllOf(client, out);
    if (!grid) {
      for (const rec of liveRecords(this.table)) this.consider(client, rec);
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
            this.consider(client, T.recs[slot]!);
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
            if (entries.slotOf(I[slot * ROW_I32 + I_ID]!) === slot && !this.relevant(client, T.recs[slot]!, true)) out.push(slot);
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
            this.consider(client, T.recs[slot]!);
          }
        }
      }
    }
  }

  /** The entities in `slots`, which the client holds, leave its view; empties `slots`. */
  private leaveAllOf(client: RoomClient<D>, slots: number[]): void {
    const recs = this.table.recs;
    for (let i = 0; i < slots.length; i++) {
      this.leave(client, recs[slots[i]!]!);
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
