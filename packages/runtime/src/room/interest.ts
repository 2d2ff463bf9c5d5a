// Interest: which entities each client has in view, and how one enters or leaves it. With a
// grid, entities live in cells and clients watch the cells their view reaches; a view that moves
// (or follows its player) is queried again (view-query.ts), and a moved entity is offered to the
// clients watching its cell (entity-moves.ts). Pins (show/hide), ownership, global entities and
// the game's filter have the last word (`relevant`).
import type { CellLog } from './cell-log.js';
import type { ClientTable } from './client-table.js';
import { F_CELL, F_X, F_Y, F_Z, I_CELLIX, I_ID, I_OWNER, I_VN, INLINE, ROW_F64, ROW_I32, type EntityTable } from './entity-table.js';
import { PendingHolds } from './pending-holds.js';
import { EntityRecord, GONE, KNOWN, LITE_ENTERING, VIS_OTHER, ViewEntry, type Held, type RoomClient } from './records.js';
import type { SharedRun } from './shared-run.js';
import type { GridCell, SpatialGrid } from './spatial-grid.js';
import type { TickLists } from './tick-lists.js';
import { adopt, entryOf, listEntering, markPending, updateVis, visOf, type ViewEntryPool } from './view-entries.js';

export class Interest<E extends object, D> {
  /** The room's tick, set by `begin`. */
  private tick = 0;
  /** Stamps tell which clients a walk has seen already; each walk takes a new one. */
  private stampNo = 0;
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
}
