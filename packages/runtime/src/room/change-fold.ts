// The change fold: each tick, the world's changed entities, read once in id order, go to the
// clients that see them: into a direct list for a client on the fast path (no budget, not
// paused, recent enough for the history), else into its view entry. Moved entities are noted
// for interest, and views that follow them move first.
import type { ClassCodec } from '../codec/schema-module.js';
import type { World } from '../state/world.js';
import type { Tracked } from '../tracking/tracked.js';
import type { CellLog, CellLogMode } from './cell-log.js';
import { HISTORY, type ChangeHistory } from './change-history.js';
import { CROW, C_FLAGS, C_ROUND, C_SA, DUE, FAST, PLAIN, REQUERY, RIDER, SWEPT, TICKED, inView, type ClientTable } from './client-table.js';
import type { DirectLists } from './direct-lists.js';
import { F_CELL, F_X, F_Y, F_Z, INLINE, I_CELLIX, I_ETICK, I_ID, I_OPEN0, I_OPEN1, I_OWNER, I_V, I_VN, ROW_F64, ROW_I32, type EntityTable } from './entity-table.js';
import type { Interest } from './interest.js';
import { KNOWN, VIS_OTHER, VIS_OWNER, type EntityRecord, type RoomClient } from './records.js';
import type { SharedEncodings, Span } from './shared-encodings.js';
import type { SharedRun } from './shared-run.js';
import { KEY_SPAN, sortKeys } from './sort-keys.js';
import { doubled, type SpatialGrid } from './spatial-grid.js';
import type { TickLists } from './tick-lists.js';
import { fold, updateVis, visOf } from './view-entries.js';

/** Average viewers per changed entity above which ticks note changes by cell, and below which they stop. */
const LOG_ON = 32;
const LOG_OFF = 16;
/** A ticked client whose view alone decides (client-table.ts): the fold's quick case. */
const TICKED_PLAIN = TICKED | PLAIN;
/** The row word at byte 60, between its first and last: see the touch at the start of the fold. */
const ROW_MID = 15;

export class ChangeFold<E extends object, D> {
  /** Slots of the entities that moved this tick, where each was before (x, y, z), and how many. */
  moved = new Int32Array(1024);
  movedFrom = new Float64Array(3072);
  /**
   * For each moved entity, whether the fold skipped its viewers (the cell log holds the tick):
   * 0 it walked them, 1 skipped, 2 skipped and the change is public, to be noted in its new cell.
   * A skipped entity's leaves are then found through its cell's watchers (EntityMoves.moveEntities).
   */
  movedLog = new Uint8Array(1024);
  movedN = 0;
  /** The room's tick, set by `begin`. */
  private tick = 0;
  /**
   * Whether ticks note changes by cell (cell-log.ts) when every client allows it: on once the
   * last tick's changed entities averaged LOG_ON viewers, off below LOG_OFF. With few viewers per
   * change, listing each is cheaper than every frame testing the notes of the cells it watches.
   */
  private logging = false;
  /** This tick's changed entities of the room, by slot, in id order, with their masks and positions. */
  private gSlot = new Int32Array(1024);
  /**
   * Their entities and codecs, for the encodes in the fold (`encodeNow`): reused, set by `gather`.
   * The entities are let go after the walk, so a removed one is not kept alive by a quiet room.
   */
  private readonly gEnt: (Tracked | null)[] = [];
  private readonly gCodec: ClassCodec[] = [];
  private gMask = new Int32Array(4096);
  private gPos = new Float64Array(3072);
  private order = new Float64Array(1024);
  private orderN = 0;
  /** How many changed entities this tick gathered (`gSlot`, `gMask`), and whether it noted changes by cell. */
  private gN = 0;
  private loggedTick = false;
  /** What the fold read from the rows it touched first: kept so the reads are not optimized away. */
  private touched = 0;
  /** Whether some client is not due this tick: a tick noting by cell keeps its masks in the histories for it. */
  private someNotDue = false;
  /** Where an encoding made in the fold is put (its bytes stay in the row). */
  private readonly span: Span = { src: null!, start: 0, end: 0 };

  constructor(
    private readonly world: World,
    private readonly table: EntityTable<EntityRecord>,
    private readonly ctable: ClientTable,
    private readonly clients: readonly RoomClient<D>[],
    private readonly grid: SpatialGrid<EntityRecord, RoomClient<D>> | null,
    private readonly gx: (e: E) => number,
    private readonly gy: (e: E) => number,
    private readonly gz: (e: E) => number,
    private readonly teamOf: ((entity: E) => unknown) | undefined,
    /** The game filters interest (`filter`): the view alone never decides. */
    private readonly filtered: boolean,
    private readonly teams: boolean,
    private readonly interest: Interest<E, D>,
    private readonly direct: DirectLists,
    private readonly run: SharedRun,
    private readonly history: ChangeHistory,
    private readonly log: CellLog,
    private readonly cellLog: CellLogMode,
    private readonly enc: SharedEncodings,
    private readonly ticks: TickLists,
  ) {
    this.logging = cellLog === 'always';
  }

  begin(tick: number): void {
    this.tick = tick;
  }

  /** Changed entities: their changes go to every viewer that knows them; moved ones are noted. */
  fold(now: number, followed: number): void {
    const changes = this.world.changes;
    const teamOf = this.teamOf;
    const grid = this.grid;
    const n = this.gather(changes);
    this.gN = n;
    this.ticks.reserve(n);
    const slots = this.gSlot;
    const T = this.table;
    const F = T.f64;
    const I = T.i32;
    const recs = T.recs;
    // Views that follow a moved entity move first, so the checks below see where they are now.
    if (followed > 0 && grid !== null) {
      for (let k = 0; k < n; k++) {
        if (T.followed[slots[k]!] === 0) continue;
        const rec = recs[slots[k]!]!;
        const followers = rec.followers;
        for (let i = 0; i < followers.length; i++) followers[i]!.moveView(this.gPos[k * 3]!, this.gPos[k * 3 + 1]!, this.gPos[k * 3 + 2]!);
      }
    }
    // A client without a budget that is not paused needs no per-entity bookkeeping between
    // its frames: it lists the entities that changed in its view (its direct list), and its
    // frame encodes each with the fields changed since its last frame, read from the entity's
    // recent history, bytes shared with every client whose last frame was the same tick. That
    // skips touching its view entries, the dominant cost at scale. A client that stops
    // qualifying, or whose last frame falls out of the history, folds its list into its entries.
    const plain = !this.filtered;
    // Whether this tick notes its changes by cell (cell-log.ts) instead of listing them per
    // viewer. A tick that stops doing so first has every client collect what the log holds for
    // it, with its view as of the last tick (the client rows are not synced yet).
    const logged = this.logging && plain && grid !== null && teamOf === undefined && this.loggable(now);
    const log = this.log;
    if (!logged && log.logged > 0) {
      for (let i = 0; i < this.clients.length; i++) {
        const c = this.clients[i]!;
        if (c.hasView) log.collect(c, c.frameTick);
      }
      log.clear();
    }
    if (logged) log.start();
    this.loggedTick = logged;
    // A fast client due now whose last frame was the last tick wants exactly this tick's changes:
    // it takes the shared run (shared-run.ts) instead of listing each public change of the
    // entities every client sees. Needs the fold in id order (the run is) and no teams (team
    // fields would split it); a reset client gets everything entering anyway. Not with the log:
    // its frames would find the run's entities in their cells too.
    const runs = !this.teams && this.direct.foldSorted && !logged;
    const run = this.run;
    const P = this.ctable.prev;
    // Tick lists (tick-lists.ts) take public changes encoded in this tick alone: not with teams
    // (team fields would split them), nor in a tick noted by cell (its frames collect from cells).
    const tickable = !this.teams && !logged;
    let someNotDue = false;
    for (let i = 0; i < this.clients.length; i++) {
      const c = this.clients[i]!;
      const on = !c.paused && c.budget === Infinity && this.tick - c.frameTick < HISTORY - 1;
      if (!on && c.directN > 0) this.direct.spill(c);
      c.fast = on;
      c.dueNow = !c.paused && now >= c.nextDue;
      if (!c.dueNow) someNotDue = true;
      c.rider = false;
      const rides = runs && on && c.dueNow && c.frameTick === this.tick - 1 && c.directN === 0 && !c.reset && c.hiddenN === 0;
      if (rides) run.board(c);
      const byView = plain && c.hasView && c.hiddenN === 0;
      const simple = byView && !c.viewDirty;
      // A moved box view whose last query was of a box too (its `prev` is exact): see SWEPT.
      const b = c.slot * CROW;
      const swept = byView && c.viewDirty && !c.shape.round && P[b + C_FLAGS] === 1 && P[b + C_ROUND] === 0;
      const requery = c.viewDirty && !swept;
      // A view that moved is queried after the fold: what its query drops would spill the list.
      const ticked =
        tickable && on && c.dueNow && c.frameTick === this.tick - 1 && !c.reset && !c.viewDirty && c.directN === 0 && c.enterN === 0 && c.pendingList.length === 0;
      this.ctable.sync(c, (on ? FAST : 0) | (c.dueNow ? DUE : 0) | (simple ? PLAIN : 0) | (rides ? RIDER : 0) | (swept ? SWEPT : 0) | (requery ? REQUERY : 0) | (ticked ? TICKED : 0));
    }
    this.someNotDue = someNotDue;
    // With every client due now, each change listed to a client is sent this tick, to a client
    // whose last frame was the last tick unless it just joined or skipped: encoded here, while
    // the entity is still in cache from the gather, instead of at the first frame that needs it.
    const eager = !someNotDue && !this.teams;
    const ticks = this.ticks;
    // Client slots' list lengths: the array is replaced only as clients join, never in the fold.
    const tc = ticks.count;
    const allRide = run.riders === this.clients.length;
    const CF = this.ctable.f64;
    const byClient = this.ctable.clients;
    const masks = this.gMask;
    const pos = this.gPos;
    let movedN = 0;
    let viewers = 0;
    // The changed entities' table rows, touched first in a loop of their own, so their cache
    // misses overlap each other instead of each stalling the walk below (the rows of a thousand
    // random entities are cold between ticks). Touched in the pass over the changes before the
    // gather instead, they were partly gone again by now: this place measured 2–3 % off the
    // arena's tick (BENCHMARKS.md). A row is two cache lines only if its buffer starts on a line;
    // a large ArrayBuffer starts 16 bytes past one (glibc), which spreads a row over three. Words
    // at most 64 bytes apart (bytes 0, 60 and 124 of the row) touch each line it spans.
    let touch = 0;
    for (let k = 0; k < n; k++) {
      const r = slots[k]! * ROW_I32;
      touch += I[r]! + I[r + ROW_MID]! + I[r + ROW_I32 - 1]!;
    }
    this.touched = touch;
    for (let k = 0; k < n; k++) {
      const slot = slots[k]!;
      const f = slot * ROW_F64;
      const b = slot * ROW_I32;
      // Tick lists are made only when every client is due (`eager`): this change's row of their table.
      if (eager) {
        ticks.slot[k] = slot;
        ticks.id[k] = I[b + I_ID]!;
        ticks.start[k] = -1;
      }
      // Its shared encoding of earlier changes no longer serves anyone (shared-encodings.ts).
      I[b + I_ETICK] = -1;
      if (teamOf) {
        const rec = recs[slot]!;
        const team = teamOf(rec.entity as unknown as E);
        if (team !== rec.team) {
          rec.team = team;
          const vn = I[b + I_VN]!;
          for (let j = 0; j < vn; j++) {
            const entry = this.interest.entryOf(byClient[T.viewer(slot, j)] as RoomClient<D>, rec);
            if (entry !== undefined) updateVis(entry, this.tick, this.teams);
          }
        }
      }
      let hasMoved = false;
      const x = pos[k * 3]!;
      const y = pos[k * 3 + 1]!;
      const z = pos[k * 3 + 2]!;
      if (grid !== null && (x !== F[f + F_X] || y !== F[f + F_Y] || z !== F[f + F_Z])) {
        if (movedN === this.moved.length) {
          this.moved = doubled(this.moved);
          const old = new Float64Array(this.moved.length * 3);
          old.set(this.movedFrom);
          this.movedFrom = old;
          const kinds = new Uint8Array(this.moved.length);
          kinds.set(this.movedLog);
          this.movedLog = kinds;
        }
        const from = this.movedFrom;
        from[movedN * 3] = F[f + F_X]!;
        from[movedN * 3 + 1] = F[f + F_Y]!;
        from[movedN * 3 + 2] = F[f + F_Z]!;
        F[f + F_X] = x;
        F[f + F_Y] = y;
        F[f + F_Z] = z;
        this.movedLog[movedN] = 0;
        this.moved[movedN++] = slot;
        hasMoved = true;
      }
      const vn = I[b + I_VN]!;
      viewers += vn;
      if (vn === 0) continue;
      const c0 = masks[k * 4]!;
      const c1 = masks[k * 4 + 1]!;
      // Whether a client that sees no hidden field gets anything from this change.
      const open = ((c0 & I[b + I_OPEN0]!) | (c1 & I[b + I_OPEN1]!)) !== 0;
      const owner = I[b + I_OWNER]!;
      // This tick's masks go into the entity's history only if a listing client will read them
      // after this tick; one due now reads them live from the entity.
      let keep = false;
      let listed = false;
      if (!open && !hasMoved && teamOf === undefined) {
        // Only fields hidden from everyone but the owner changed (an @ownerOnly hp), in place:
        // no other viewer takes anything, so only the owner is visited, not every viewer.
        if (owner >= 0 && this.foldForOwner(recs[slot]!, owner, k, eager, c0, c1, masks[k * 4 + 2]!, masks[k * 4 + 3]!)) {
          this.history.record(slot, this.tick, c0, c1, masks[k * 4 + 2]!, masks[k * 4 + 3]!);
        }
        continue;
      }
      if (logged && this.skips(slot, x)) {
        // Noted once under its cell for the viewers' frames to collect; a moved one is noted by
        // `EntityMoves.moveEntities` once its new cell is known, which also finds its leaves.
        if (hasMoved) this.movedLog[movedN - 1] = open ? 2 : 1;
        else if (open) log.note(I[b + I_CELLIX]!, slot, x, y, z);
        // The owner knows it wherever it is, inside its box or not.
        if (owner >= 0) {
          const oc = byClient[owner]!;
          if (sees(oc as RoomClient<D>, recs[slot]!, this.teams, c0, c1)) this.direct.list(oc, slot);
        }
        // Clients not due now read this tick's masks at their frames (and a due client that
        // misses its frame after all: `keepLoggedTick`).
        if (someNotDue) this.history.record(slot, this.tick, c0, c1, masks[k * 4 + 2]!, masks[k * 4 + 3]!);
        // Frames around it will copy it: encoded now, while the entity is in cache (see `eager`).
        else if (open && eager) this.encodeNow(slot, k);
        continue;
      }
      // An entity every client sees: its public change goes in the shared run for the riders,
      // and a riding owner lists only what its hidden fields add; the walk below skips riders.
      const every = run.riders > 0 && T.everyone[slot] === 1;
      if (every) {
        if (open) run.push(slot);
        if (owner >= 0 && (CF[owner * CROW + C_FLAGS]! & RIDER) !== 0 && this.hiddenChanged(recs[slot]!, c0, c1)) {
          if (eager && (CF[owner * CROW + C_FLAGS]! & TICKED) !== 0) ticks.listOwn(owner, k);
          else this.direct.list(byClient[owner]!, slot);
        }
        if (allRide) continue;
      }
      // One walk over the viewers' client slots: a moved entity may leave some; the others take
      // the change. Going down, a viewer swapped into a removed one's place was already seen.
      // Removing a viewer moves the last one into its place, which never grows the overflow.
      const over = vn > INLINE ? T.overflow[slot]! : null;
      // Most pairs when every client is due (no teams then): a ticked client whose view alone
      // decides, not the owner. Its case of the walk below, with the branches it never takes left out.
      const quick = eager && !every;
      // The tick lists' storage in locals, for the quick case's listing written out below: read
      // through the object on every pair, it was reloaded after each call the walk might make.
      // Taken again after anything that may widen the lists.
      let tl = ticks.lists;
      let tw = ticks.width;
      for (let j = vn - 1; j >= 0; j--) {
        const cs = j < INLINE ? I[b + I_V + j]! : over![j - INLINE]!;
        const cb = cs * CROW;
        const flags = CF[cb + C_FLAGS]!;
        if (quick && (flags & TICKED_PLAIN) === TICKED_PLAIN && cs !== owner) {
          if (hasMoved && !inView(CF, cb, C_SA, x, y, z)) {
            if ((T.everyone[slot] === 0 && T.pinned[slot] === 0) || !this.interest.relevant(byClient[cs] as RoomClient<D>, recs[slot]!, true)) {
              this.interest.leaveSoon(byClient[cs] as RoomClient<D>, slot, j);
              continue;
            }
          }
          if (open) {
            const ln = tc[cs]!;
            if (ln === tw) {
              ticks.widen();
              tl = ticks.lists;
              tw = ticks.width;
            }
            tl[cs * tw + ln] = k;
            tc[cs] = ln + 1;
            listed = true;
          }
          continue;
        }
        if (every && (flags & RIDER) !== 0) continue;
        // A view the view alone decides keeps what is inside its staying box (a moved one: its new box, in the row).
        // A view queried whole this tick (REQUERY) leaves that query to judge what it keeps.
        if (hasMoved && (flags & REQUERY) === 0 && !((flags & (PLAIN | SWEPT)) !== 0 && inView(CF, cb, C_SA, x, y, z))) {
          // Out of a view that alone decides: it stays only global, owned or shown, each flagged in
          // the table, so a plain leave needs the row alone, not the record (a cache miss each).
          if ((flags & (PLAIN | SWEPT)) !== 0 && T.everyone[slot] === 0 && T.pinned[slot] === 0 && owner !== cs) {
            this.interest.leaveAt(byClient[cs] as RoomClient<D>, slot, j);
            continue;
          }
          const c = byClient[cs]!;
          // A client whose view moved this tick judges it by the new view, already in its shape.
          if (!this.interest.relevant(c as RoomClient<D>, recs[slot]!, true)) {
            this.interest.leaveAt(c as RoomClient<D>, slot, j);
            continue;
          }
        }
        if ((flags & FAST) !== 0) {
          if (cs === owner || teamOf !== undefined) {
            if (!sees(byClient[cs] as RoomClient<D>, recs[slot]!, this.teams, c0, c1)) continue;
            // An owner's frame encodes what it alone may see (no teams, or it would not be TICKED).
            if ((flags & TICKED) !== 0 && eager) {
              ticks.listOwn(cs, k);
              tl = ticks.lists;
              tw = ticks.width;
              continue;
            }
          } else if (!open) continue;
          else if ((flags & TICKED) !== 0 && eager) {
            // Encoded below (`listed`), for every client due now.
            ticks.list(cs, k);
            tl = ticks.lists;
            tw = ticks.width;
            listed = true;
            continue;
          }
          this.direct.list(byClient[cs]!, slot);
          if (cs !== owner) listed = true;
          if ((flags & DUE) === 0) keep = true;
          continue;
        }
        const entry = this.interest.entryOf(byClient[cs] as RoomClient<D>, recs[slot]!);
        if (entry !== undefined && entry.state === KNOWN) fold(entry, c0, c1, masks[k * 4 + 2]!, masks[k * 4 + 3]!, this.tick, this.teams);
      }
      if (keep) this.history.record(slot, this.tick, c0, c1, masks[k * 4 + 2]!, masks[k * 4 + 3]!);
      if (listed && eager) this.encodeNow(slot, k);
    }
    this.interest.settleLeaves();
    this.gEnt.fill(null, 0, n);
    this.movedN = movedN;
    if (n > 0 && this.cellLog === 'auto') this.logging = viewers >= n * (this.logging ? LOG_OFF : LOG_ON);
  }

  /**
   * Encodes a changed entity's public patch for the clients whose last frame was the last tick,
   * into its row and the tick lists' table (change `k`). One that cannot be encoded is left as
   * it is: the first frame that needs it meets the same error, where the room drops the entity
   * (`RoomCore.dropUnencodable`).
   */
  private encodeNow(slot: number, k: number): void {
    const t = this.ticks;
    try {
      this.enc.openSliceOf(slot, this.gEnt[k]!, this.gCodec[k]!, this.tick - 1, this.span);
      // Fresh, so in this tick's arena (the fold dropped the row's older encoding).
      if (this.span.src === this.enc.arena) {
        t.start[k] = this.span.start;
        t.end[k] = this.span.end;
      }
    } catch {
      // Handled at the frame, as above.
    }
  }

  /**
   * Whether every client may take this tick's changes from the cell log (cell-log.ts): each has a
   * box view the view alone decides, entered and left at the same edge, is on the fast path and
   * has nothing hidden. With `cellLog: 'auto'`, also that some client is not due now: when every
   * client is due, the fold's tick lists (tick-lists.ts) make listing per viewer the cheaper way
   * at every density measured (BENCHMARKS.md: 10–15 % at 50 and 100 viewers per change).
   */
  private loggable(now: number): boolean {
    const clients = this.clients;
    if (clients.length === 0) return false;
    let someNotDue = false;
    for (let i = 0; i < clients.length; i++) {
      const c = clients[i]!;
      const s = c.shape;
      if (c.paused || c.budget !== Infinity || this.tick - c.frameTick >= HISTORY - 1) return false;
      if (!c.hasView || c.viewDirty || c.hiddenN !== 0 || s.round || s.margin !== 0) return false;
      if (now < c.nextDue) someNotDue = true;
    }
    return someNotDue || this.cellLog === 'always';
  }

  /**
   * Whether a changed entity's viewers are left to the cell log: not one a client knows wherever
   * it is (global, or shown to some), and one with a place (x is NaN without one). Its owner is
   * listed by the fold.
   */
  private skips(slot: number, x: number): boolean {
    // Typed flags, not the record: reading it was a cache miss per changed entity.
    const T = this.table;
    return T.everyone[slot] === 0 && T.pinned[slot] === 0 && x === x && !Number.isNaN(T.f64[slot * ROW_F64 + F_CELL]);
  }

  /**
   * After the frames: a tick that noted changes by cell with every client due kept no masks in
   * the histories. A client that was due and got no frame after all (paused or removed by a
   * sink call) collects those notes at a later frame, which reads this tick's masks from the
   * history: they are kept now, while the gathered masks are still this tick's.
   */
  keepLoggedTick(): void {
    if (!this.loggedTick || this.someNotDue) return;
    const slots = this.gSlot;
    const masks = this.gMask;
    for (let k = 0; k < this.gN; k++) this.history.record(slots[k]!, this.tick, masks[k * 4]!, masks[k * 4 + 1]!, masks[k * 4 + 2]!, masks[k * 4 + 3]!);
  }

  /** Whether a change touches fields only the owner may see (the owner's share beyond the run). */
  private hiddenChanged(rec: EntityRecord, c0: number, c1: number): boolean {
    const a = rec.masks.allow;
    return ((c0 & a[VIS_OWNER * 2]! & ~a[VIS_OTHER * 2]!) | (c1 & a[VIS_OWNER * 2 + 1]! & ~a[VIS_OTHER * 2 + 1]!)) !== 0;
  }

  /**
   * The owner's share of a change only it may see, as the viewer walk would give it: listed for
   * a client on the fast path, folded into its entry otherwise. Returns whether the entity's
   * history must keep this tick's masks (a listing owner that is not due now reads them later).
   */
  private foldForOwner(rec: EntityRecord, ownerSlot: number, k: number, eager: boolean, c0: number, c1: number, r0: number, r1: number): boolean {
    const c = this.ctable.clients[ownerSlot]!;
    const flags = this.ctable.f64[ownerSlot * CROW + C_FLAGS]!;
    // An owner has its entity unless it hides it (`Interest.relevant`), so a listing owner that
    // hides nothing is listed without looking its entry up (a cache miss in a table of them all).
    const listing = (flags & FAST) !== 0;
    if (!listing || c.hiddenN !== 0) {
      const entry = this.interest.entryOf(c as RoomClient<D>, rec);
      if (entry === undefined) return false;
      if (!listing) {
        if (entry.state === KNOWN) fold(entry, c0, c1, r0, r1, this.tick, this.teams);
        return false;
      }
    }
    if (!sees(c as RoomClient<D>, rec, this.teams, c0, c1)) return false;
    if (eager && (flags & TICKED) !== 0) this.ticks.listOwn(ownerSlot, k);
    else this.direct.list(c, rec.slot);
    return (flags & DUE) === 0;
  }

  /**
   * Reads each changed entity once, in one tight pass: its slot, masks and position into typed
   * scratch. Its table row is then found without chasing its record, and the entities' cache
   * misses overlap instead of queuing behind each other. Returns how many.
   */
  private gather(changes: readonly Tracked[]): number {
    if (this.gSlot.length < changes.length) {
      const cap = Math.max(changes.length, this.gSlot.length * 2);
      this.gSlot = new Int32Array(cap);
      this.gMask = new Int32Array(cap * 4);
      this.gPos = new Float64Array(cap * 3);
    }
    const slots = this.gSlot;
    const masks = this.gMask;
    const pos = this.gPos;
    const grid = this.grid !== null;
    // Walk the changes in id order: the shared run needs it, and each tick's part of a direct
    // list then has small id gaps (keys of one or two bytes), at one sort per tick.
    const order = this.changeOrder(changes);
    const total = order === null ? changes.length : this.orderN;
    let n = 0;
    const codecs = this.table.codecs;
    for (let x = 0; x < total; x++) {
      let i = x;
      if (order !== null) {
        const key = order[x]!;
        i = key - Math.floor(key / KEY_SPAN) * KEY_SPAN;
      }
      const o = changes[i]!;
      const slot = o.$ext;
      if (typeof slot !== 'number' || o.$t !== changes || o.$id === 0) continue;
      slots[n] = slot;
      this.gEnt[n] = o;
      this.gCodec[n] = codecs[slot]!;
      masks[n * 4] = o.$c0;
      masks[n * 4 + 1] = o.$c1;
      masks[n * 4 + 2] = o.$r0;
      masks[n * 4 + 3] = o.$r1;
      if (grid) {
        const e = o as unknown as E;
        pos[n * 3] = this.gx(e);
        pos[n * 3 + 1] = this.gy(e);
        pos[n * 3 + 2] = this.gz(e);
      }
      n++;
    }
    return n;
  }

  /** Sort keys of the changed entities (id, then index), or null when there are too many to pack. */
  private changeOrder(changes: readonly Tracked[]): Float64Array | null {
    // Whether this tick's fold walks the changes in id order (the shared run needs it).
    this.direct.foldSorted = changes.length < KEY_SPAN;
    if (!this.direct.foldSorted) return null;
    if (this.order.length < changes.length) this.order = new Float64Array(Math.max(changes.length, this.order.length * 2));
    const order = this.order;
    let n = 0;
    let sorted = true;
    let last = -1;
    for (let i = 0; i < changes.length; i++) {
      const o = changes[i]!;
      const id = o.$id;
      if (id === 0) continue;
      const key = id * KEY_SPAN + i;
      if (key < last) sorted = false;
      last = order[n++] = key;
    }
    this.orderN = n;
    // Games often write their entities in id order: then there is nothing to sort.
    if (!sorted) sortKeys(order, n);
    return order;
  }
}

/** Whether a client may see any of the changed fields c0/c1 of an entity. */
function sees(client: RoomClient<unknown>, rec: EntityRecord, teams: boolean, c0: number, c1: number): boolean {
  const vis = visOf(client, rec, teams);
  return ((c0 & rec.masks.allow[vis * 2]!) | (c1 & rec.masks.allow[vis * 2 + 1]!)) !== 0;
}
