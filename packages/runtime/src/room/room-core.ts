import type { SchemaModule } from '../codec/schema-module.js';
import type { OwnedNews } from '../protocol/messages.js';
import { World } from '../state/world.js';
import type { Tracked } from '../tracking/tracked.js';
import { classMasks } from './class-masks.js';
import { CellLog, isCellLogMode, type CellLogMode } from './cell-log.js';
import { ClientTable } from './client-table.js';
import { ChangeHistory, HISTORY } from './change-history.js';
import { EntityEncodeError, findEncodeFaults } from './encode-fault.js';
import { EntityMoves } from './entity-moves.js';
import { advanceDue } from './frame-schedule.js';
import { noteOwned, takeOwned } from './ownership.js';
import { DirectLists } from './direct-lists.js';
import { FrameBuilder } from './frame-builder.js';
import { TickLists } from './tick-lists.js';
import { Interest } from './interest.js';
import { ChangeFold } from './change-fold.js';
import { SharedEncodings } from './shared-encodings.js';
import { SharedRun } from './shared-run.js';
import { reenterAll, releaseAll, updateVis, ViewEntryPool } from './view-entries.js';
import { ViewQuery } from './view-query.js';
import { EntityTable, I_OPEN0, I_OPEN1, I_OWNER, ROW_I32 } from './entity-table.js';
import { EntityRecord, VIS_OTHER, ViewEntry, liveRecords, RoomClient } from './records.js';
import { empty } from './reused-arrays.js';
import { SpatialGrid, swapRemove } from './spatial-grid.js';
import type { View } from './view.js';

export interface GridOptions<E> {
  /** Edge of a cell; about the view radius works well. */
  cellSize: number;
  /** 2 (default) or 3. */
  dimensions?: 2 | 3;
  /** Where an entity is. Default: its `x`, `y` (and `z`) fields. */
  x?: (entity: E) => number;
  y?: (entity: E) => number;
  z?: (entity: E) => number;
  /**
   * Ticks when every client has a box view the view alone decides (no hysteresis, no filter,
   * nothing hidden, no budget, no teams) may note each changed entity once under its cell for
   * the frames to collect, instead of listing it for each viewer (docs/rooms.md). 'auto'
   * (default) does so while changes average 32 viewers or more and some client is not due (with
   * every client due, the tick lists make listing cheaper); 'always' and 'never' force it.
   */
  cellLog?: CellLogMode;
}

export interface RoomCoreOptions<E extends object, D> {
  schema: SchemaModule | { netschema: SchemaModule };
  /** Frames per second each client receives unless it sets its own rate. Default 20. */
  patchRate?: number;
  /** Bytes per frame per client unless the client sets its own. Default: no limit. */
  budget?: number;
  /** Spatial interest. Without it every entity is relevant to every client (small rooms). */
  grid?: GridOptions<E>;
  /** Custom interest on top of the grid: teams, fog of war, sub-rooms. Re-evaluate with `refresh`. */
  filter?: (client: RoomClient<D>, entity: E) => boolean;
  /** Priority of an entity for a client under a byte budget (higher goes first). Default: nearer is higher, own entity highest. */
  priority?: (client: RoomClient<D>, entity: E, distance2: number) => number;
  /** The team of an entity, for `@teamOnly` fields. Read when the entity is added and whenever it changes. */
  teamOf?: (entity: E) => unknown;
  /**
   * An entity whose state cannot be encoded (a `string` field holding `undefined`, say). It is
   * taken out of replication, like `remove`, before this is called, once per entity; the other
   * entities and clients carry on. Default: throw nothing, report through `console.error`.
   */
  onEntityError?: (error: EntityEncodeError, entity: E) => void;
}

export interface AddClientOptions {
  rate?: number;
  budget?: number;
  view?: View;
  team?: unknown;
}

/** Receives each due client's frame. The bytes are valid only during the call: send or copy them. */
export type FrameSink<D> = (client: RoomClient<D>, frame: Uint8Array) => void;

export class RoomStats {
  ticks = 0;
  lastTickMs = 0;
  lastFrames = 0;
  lastBytes = 0;
  /** Bytes of entity encodings the last tick wrote, shared by every frame that carried them. */
  lastEncodedBytes = 0;
  /** Entity table slots ever allocated (its high-water mark): bounded by live entities plus the released ones held back. */
  entitySlots = 0;
  /** Released entity slots held back from reuse until no frame can still refer to them. */
  heldSlots = 0;
  frames = 0;
  bytes = 0;
  /** Ticks whose changes were noted by grid cell for the frames to collect (grid `cellLog`). */
  cellLogTicks = 0;
}

/**
 * The transport-independent core of a room: one authoritative World, many clients, each getting
 * only what it may and needs to see, at its own rate, within its own byte budget. `update` is
 * the tick: it folds the world's changes into each viewer's pending state, moves interest, and
 * builds a frame for each client that is due. Its cost grows with what changed and with what
 * each client sees, not with the size of the world.
 */
export class RoomCore<E extends object = object, D = unknown> {
  readonly world: World;
  readonly stats = new RoomStats();
  readonly clients: RoomClient<D>[] = [];
  /** Room ticks so far; every frame carries the tick it was built in. */
  tickNo = 0;
  private readonly grid: SpatialGrid<EntityRecord, RoomClient<D>> | null;
  private readonly gx: (e: E) => number;
  private readonly gy: (e: E) => number;
  private readonly gz: (e: E) => number;
  /** Hot per-entity state by slot (entity.$ext holds the slot). */
  private readonly table = new EntityTable<EntityRecord>(HISTORY + 2);
  /** Views and flags by client slot. */
  private readonly ctable = new ClientTable();
  /** Recent change masks by entity slot, for clients whose last frame was a few ticks ago. */
  private readonly history = new ChangeHistory();
  /** Changes noted by grid cell in ticks when every view is a box the view alone decides (cell-log.ts). */
  private readonly log: CellLog;
  /** Moved entities' cells, enters and (with the cell log) leaves; null without a grid. */
  private readonly moves: EntityMoves<E, D> | null;
  /** Entities every client sees: what a joining client gets without scanning the world. */
  private readonly globals = new Set<EntityRecord>();
  private readonly enc: SharedEncodings;
  private readonly direct: DirectLists;
  private readonly run: SharedRun;
  /** This tick's changes listed by their place in the fold, for frames due this tick (tick-lists.ts). */
  private readonly ticks: TickLists;
  /** View entries that left, for the next to enter. */
  private readonly pool = new ViewEntryPool();
  private readonly frames: FrameBuilder;
  private readonly interest: Interest<E, D>;
  /** Views that moved, queried again each tick. */
  private readonly views: ViewQuery<E, D>;
  private readonly changes: ChangeFold<E, D>;
  /** Follow links: while there are none, the tick skips looking for followers. */
  private followed = 0;
  private readonly patchRate: number;
  /** Whether the room has teams (`teamOf`): visibility then depends on them. */
  private readonly teams: boolean;
  private readonly budget: number;
  private nextClientId = 1;
  /** Entities removed since the last tick, whose viewers the next tick tells. */
  private readonly removed: EntityRecord[] = [];
  /** Entities added since the last tick, which the next tick offers to the clients around them. */
  private readonly added: EntityRecord[] = [];
  /** Inside `update`: a removal then reaches its viewers at once. */
  private ticking = false;

  constructor(private readonly options: RoomCoreOptions<E, D>) {
    this.world = new World(options.schema);
    this.enc = new SharedEncodings(this.table, this.world, this.history);
    this.teams = options.teamOf !== undefined;
    this.direct = new DirectLists(this.table, this.world, this.teams, this.history, this.pool);
    this.run = new SharedRun(this.table, this.ctable, this.enc, this.direct);
    this.ticks = new TickLists(this.direct);
    this.frames = new FrameBuilder(this.table, this.enc, this.direct, this.run, this.ticks, this.pool, this.teams, options.grid !== undefined, options.priority as ((client: RoomClient<unknown>, entity: Tracked, d2: number) => number) | undefined);
    this.patchRate = options.patchRate ?? 20;
    if (!(this.patchRate > 0 && Number.isFinite(this.patchRate))) throw new RangeError(`patchRate: expected frames per second > 0, got ${options.patchRate}`);
    this.budget = options.budget ?? Infinity;
    if (!(this.budget > 0)) throw new RangeError(`budget: expected bytes per frame > 0, got ${options.budget}`);
    const g = options.grid;
    this.grid = g ? new SpatialGrid(g.cellSize, g.dimensions ?? 2) : null;
    const cellLog = g?.cellLog ?? 'auto';
    if (!isCellLogMode(cellLog)) throw new RangeError(`grid cellLog: expected 'auto', 'always' or 'never', got ${String(cellLog)}`);
    this.gx = g?.x ?? ((e: E) => (e as { x: number }).x);
    this.gy = g?.y ?? ((e: E) => (e as { y: number }).y);
    this.gz = g?.z ?? ((e: E) => (e as { z?: number }).z ?? 0);
    this.log = new CellLog(this.ctable);
    this.interest = new Interest<E, D>(this.table, this.ctable, this.grid, this.gx, this.gy, this.gz, options.filter, this.teams, this.clients, this.run, this.pool, this.log, this.ticks);
    this.views = new ViewQuery<E, D>(this.interest, this.table, this.ctable, this.grid, options.filter);
    this.moves = this.grid ? new EntityMoves<E, D>(this.table, this.ctable, this.grid, this.interest, this.log) : null;
    this.changes = new ChangeFold<E, D>(this.world, this.table, this.ctable, this.clients, this.grid, this.gx, this.gy, this.gz, options.teamOf, options.filter !== undefined, this.teams, this.interest, this.direct, this.run, this.history, this.log, cellLog, this.enc, this.ticks);
  }

  // ── entities ──

  /**
   * Adds an entity to the room's world; clients that may see it get it in their next frame. It
   * is offered to them at the next tick, every spawn of the tick together (at once when called
   * during a tick, from a frame callback), as removals are: spawning costs the same whoever
   * will watch the entity, and the tick's enters run back to back.
   */
  add<T extends E>(entity: T, opts: { owner?: RoomClient<D> | null; global?: boolean } = {}): T {
    this.world.add(entity);
    const t = entity as unknown as Tracked;
    const codec = this.world.codecOf(entity);
    const masks = classMasks(codec);
    const slot = this.table.take(this.tickNo);
    const dead = this.table.recs[slot];
    const rec = dead && !dead.live ? dead.reuse(t, t.$id, codec, masks) : new EntityRecord(t, t.$id, codec, masks, this.table);
    this.table.fill(slot, rec);
    rec.slot = slot;
    t.$ext = slot;
    const row = slot * ROW_I32;
    this.table.i32[row + I_OPEN0] = masks.allow[VIS_OTHER * 2]!;
    this.table.i32[row + I_OPEN1] = masks.allow[VIS_OTHER * 2 + 1]!;
    rec.global = opts.global === true;
    if (rec.global) this.globals.add(rec);
    this.table.everyone[slot] = this.seenByAll(rec) ? 1 : 0;
    rec.owner = opts.owner ?? null;
    if (rec.owner) {
      rec.owner.owned.add(rec);
      noteOwned(rec.owner, rec.id, true);
      this.table.i32[row + I_OWNER] = rec.owner.slot;
    }
    if (this.options.teamOf) rec.team = this.options.teamOf(entity);
    if (this.grid) this.interest.place(rec);
    if (this.ticking) this.interest.offerNew(rec, false);
    else if (this.watched(rec)) this.added.push(rec);
    return entity;
  }

  /**
   * Whether any client may want a new entity now: its owner, any client for a global one or in
   * a room without a grid, else the clients watching its cell. A client that comes to want it
   * later (a view set or moved, a pin, ownership) gets it through that change.
   */
  private watched(rec: EntityRecord): boolean {
    if (rec.owner !== null) return true;
    if (rec.global || this.grid === null) return this.clients.length > 0;
    return rec.gridCell !== null && rec.gridCell.watchers.length > 0;
  }

  /**
   * Removes an entity; clients that knew it get a removal in their next frame. Its viewers are
   * told at the next tick, all removals of the tick together (at once when called during a tick,
   * from a frame callback), so removing costs the same whoever watched the entity.
   */
  remove(entity: E): boolean {
    const rec = this.recordOf(entity);
    if (rec === undefined) return false;
    if (this.ticking) this.interest.leaveAll(rec);
    else this.removed.push(rec);
    for (const c of rec.followers) c.follow = null;
    // Pins of a removed entity would be kept forever, and a client with anything hidden stays
    // off the tick's fast path.
    for (const c of rec.pinnedBy) {
      c.shown.delete(rec);
      unhide(c, rec);
    }
    if (rec.pinnedBy.length !== 0) rec.pinnedBy.length = 0;
    this.table.pinned[rec.slot] = 0;
    this.followed -= rec.followers.length;
    if (rec.followers.length !== 0) rec.followers.length = 0;
    if (this.grid && !Number.isNaN(rec.cell)) this.interest.unplace(rec);
    rec.live = false;
    if (rec.global) this.globals.delete(rec);
    if (rec.owner) {
      rec.owner.owned.delete(rec);
      noteOwned(rec.owner, rec.id, false);
    }
    this.table.release(rec.slot, this.tickNo);
    (entity as unknown as Tracked).$ext = null;
    this.world.remove(entity);
    return true;
  }

  private recordOf(entity: E): EntityRecord | undefined {
    const slot = (entity as unknown as Tracked).$ext;
    if (typeof slot !== 'number') return undefined;
    const rec = this.table.recs[slot];
    return rec !== null && rec !== undefined && rec.entity === (entity as unknown) && rec.live ? rec : undefined;
  }

  private need(entity: E, what: string): EntityRecord {
    const rec = this.recordOf(entity);
    if (rec === undefined) throw new Error(`${what}: this ${entity.constructor.name} is not in the room; add it with room.add first`);
    return rec;
  }

  /** Gives an entity to a client: it sees the entity's `@ownerOnly` fields and always has it in view. */
  setOwner(entity: E, client: RoomClient<D> | null): void {
    const rec = this.need(entity, 'setOwner');
    const before = rec.owner;
    if (before === client) return;
    if (before) {
      before.owned.delete(rec);
      noteOwned(before, rec.id, false);
    }
    rec.owner = client;
    if (client) {
      client.owned.add(rec);
      noteOwned(client, rec.id, true);
    }
    this.table.i32[rec.slot * ROW_I32 + I_OWNER] = client === null ? -1 : client.slot;
    if (before) this.interest.revisit(before, rec);
    if (client) this.interest.revisit(client, rec);
  }

  /** The client that owns an entity (sees its `@ownerOnly` fields), or null; undefined if it is not in the room. */
  ownerOf(entity: E): RoomClient<D> | null | undefined {
    const rec = this.recordOf(entity);
    return rec === undefined ? undefined : rec.owner;
  }

  /**
   * What to tell a client about its owned entities after the frame just built for it, or null
   * when nothing changed (no work for clients whose ownership did not change). After a reset
   * frame it is the whole owned set with `reset` (null if the set is empty and the client was
   * never told of any). Ids are sorted. Consumes the news.
   */
  takeOwned(client: RoomClient<D>): OwnedNews | null {
    return takeOwned(client);
  }

  /** Whether every client sees the entity, unless it hides it: its public changes can go in the shared run. */
  private seenByAll(rec: EntityRecord): boolean {
    return rec.global || (this.grid === null && this.options.filter === undefined);
  }

  /** Makes an entity visible to every client (scoreboards, match state). */
  setGlobal(entity: E, global: boolean): void {
    const rec = this.need(entity, 'setGlobal');
    rec.global = global;
    if (global) this.globals.add(rec);
    else this.globals.delete(rec);
    this.table.everyone[rec.slot] = this.seenByAll(rec) ? 1 : 0;
    this.interest.newStamp();
    for (const c of global ? this.clients : this.interest.candidates(rec)) this.interest.revisit(c, rec);
  }

  // ── clients ──

  addClient(data: D, opts: AddClientOptions = {}): RoomClient<D> {
    const c = new RoomClient<D>(this.nextClientId++, data, opts.rate ?? this.patchRate, opts.budget ?? this.budget);
    c.team = opts.team;
    c.nextDue = -Infinity;
    c.slot = this.ctable.alloc(c);
    // Its tick list, empty: a client removed mid-tick may have left one in the slot.
    this.ticks.fit(c.slot + 1);
    this.ticks.clear(c.slot);
    this.clients.push(c);
    if (opts.view) c.setView(opts.view);
    if (!this.grid) for (const rec of liveRecords(this.table)) this.interest.consider(c, rec);
    else for (const rec of this.globals) this.interest.consider(c, rec);
    return c;
  }

  removeClient(client: RoomClient<D>): void {
    if (client.removed) return;
    client.removed = true;
    swapRemove(this.clients, client);
    releaseAll(client, this.table);
    this.views.unwatchAll(client);
    if (client.follow) this.unfollow(client);
    for (const rec of client.owned) {
      rec.owner = null;
      this.table.i32[rec.slot * ROW_I32 + I_OWNER] = -1;
    }
    client.owned.clear();
    for (const rec of client.shown) unpinFrom(rec, client);
    for (const rec of client.hidden) unpinFrom(rec, client);
    client.shown.clear();
    client.hidden.clear();
    client.hiddenN = 0;
    this.ctable.release(client.slot);
  }

  /**
   * How many entities the client holds (known, or entering with its next frame), by class name.
   * For inspectors: it walks every entry and allocates.
   */
  heldByClass(client: RoomClient<D>): Record<string, number> {
    const out: Record<string, number> = {};
    const entries = client.entries;
    for (let i = 0; i < entries.capacity; i++) {
      if (!entries.usedAt(i)) continue;
      const name = this.table.codecs[entries.slotAt(i)]!.name;
      out[name] = (out[name] ?? 0) + 1;
    }
    return out;
  }

  /** The client's view follows an entity (usually its own player), or stops following with null. */
  follow(client: RoomClient<D>, entity: E | null): void {
    if (entity === null) {
      if (client.follow) this.unfollow(client);
      return;
    }
    const rec = this.need(entity, 'follow');
    if (!client.hasView) throw new Error(`follow: client ${client.id} has no view yet; call setView with a radius or box first`);
    if (client.follow) this.unfollow(client);
    client.follow = rec;
    if (rec.followers.length === 0) rec.followers = [client];
    else rec.followers.push(client);
    this.table.followed[rec.slot] = 1;
    this.followed++;
    client.moveView(rec.x, rec.y, rec.z);
  }

  private unfollow(client: RoomClient<D>): void {
    const rec = client.follow!;
    client.follow = null;
    swapRemove(rec.followers, client);
    if (rec.followers.length === 0) this.table.followed[rec.slot] = 0;
    this.followed--;
  }

  /** Always show an entity to a client, whatever the grid or filter say. */
  show(client: RoomClient<D>, entity: E): void {
    const rec = this.need(entity, 'show');
    unhide(client, rec);
    client.shown.add(rec);
    pin(rec, client);
    this.interest.revisit(client, rec);
  }

  /** Never show an entity to a client. */
  hide(client: RoomClient<D>, entity: E): void {
    const rec = this.need(entity, 'hide');
    client.shown.delete(rec);
    client.hidden.add(rec);
    client.hiddenN = client.hidden.size;
    pin(rec, client);
    this.interest.revisit(client, rec);
  }

  /** Back to the grid and filter's verdict for this entity. */
  unpin(client: RoomClient<D>, entity: E): void {
    const rec = this.need(entity, 'unpin');
    client.shown.delete(rec);
    unhide(client, rec);
    unpinFrom(rec, client);
    this.interest.revisit(client, rec);
  }

  /** Changes a client's team: fields it may now see are sent, and `filter` is asked again. */
  setTeam(client: RoomClient<D>, team: unknown): void {
    client.team = team;
    // Lite holds exist only in rooms without teams (`Interest.enter`), where a team changes no visibility.
    for (const held of client.entries.values()) if (held instanceof ViewEntry) updateVis(held, this.tickNo, this.teams);
    this.refresh(client);
  }

  /** Re-evaluates a client's interest (after the game changed what `filter` answers). */
  refresh(client: RoomClient<D>): void {
    if (this.grid) client.viewDirty = true;
    else for (const rec of liveRecords(this.table)) this.interest.revisit(client, rec);
  }

  /**
   * Stops building frames for a client (its socket is congested, or its connection dropped and
   * its session is held): its changes keep accumulating, and `resume` sends them.
   */
  pause(client: RoomClient<D>): void {
    client.paused = true;
  }

  /** Builds frames for a paused client again, from what accumulated. */
  resume(client: RoomClient<D>): void {
    client.paused = false;
  }

  /** The client's input `seq` was handled: its next frames acknowledge it (`lastInputSeq`). */
  acknowledge(client: RoomClient<D>, seq: number): void {
    if (seq > client.lastInputSeq) client.lastInputSeq = seq;
  }

  /** Sends the client everything it sees again, whole (after a client-side decode error). */
  resync(client: RoomClient<D>): void {
    // Its next frame sends everything whole: this tick's list has nothing more to say.
    this.ticks.clear(client.slot);
    reenterAll(client);
    client.leaving.length = 0;
    client.reset = true;
  }

  // ── the tick ──

  /**
   * One room tick at time `now` (ms): folds the world's changes into each viewer, updates
   * interest, and calls `sink` with a frame for every client that is due and not paused.
   */
  update(now: number, sink: FrameSink<D>): void {
    const t0 = performance.now();
    this.tickNo++;
    this.enc.begin(this.tickNo);
    this.direct.begin(this.tickNo);
    this.log.begin(this.tickNo);
    this.frames.begin(this.tickNo);
    this.run.begin(this.tickNo);
    this.interest.begin(this.tickNo);
    this.changes.begin(this.tickNo);
    this.ticking = true;
    const removed = this.removed;
    if (removed.length !== 0) {
      for (let i = 0; i < removed.length; i++) this.interest.leaveAll(removed[i]!);
      empty(removed);
    }
    // Before the fold: an entity that moved since it was added is then seen to move from where
    // it was offered. One removed again before this tick is skipped.
    const added = this.added;
    if (added.length !== 0) {
      // Entities every client is offered: each client's entries grow once for all of them (for
      // a few, the pass over the clients is not worth it).
      let all = 0;
      for (let i = 0; i < added.length; i++) if (this.grid === null || added[i]!.global) all++;
      if (all > 16) for (let i = 0; i < this.clients.length; i++) this.clients[i]!.entries.reserve(all);
      for (let i = 0; i < added.length; i++) if (added[i]!.live) this.interest.offerNew(added[i]!, true);
      empty(added);
    }
    this.changes.fold(now, this.followed);
    if (this.moves) this.moves.moveEntities(this.changes.moved, this.changes.movedFrom, this.changes.movedLog, this.changes.movedN);
    if (this.log.seal()) this.stats.cellLogTicks++;
    // Indexed, not `for...of`: code run again unoptimized (after a deopt) allocates an iterator result per client.
    for (let i = 0; i < this.clients.length; i++) if (this.clients[i]!.viewDirty) this.views.query(this.clients[i]!);
    let frames = 0;
    let bytes = 0;
    for (let i = 0; i < this.clients.length; i++) {
      const c = this.clients[i]!;
      if (c.paused || now < c.nextDue) continue;
      const due = advanceDue(c, now);
      if (this.log.logged > 0) this.log.collect(c, c.frameTick);
      if (this.frames.quiet(c)) {
        this.frames.passOver(c);
        continue;
      }
      let frame: Uint8Array | null;
      try {
        frame = this.frames.build(c);
      } catch (e) {
        // One entity the encoder refuses must not stop the room: find and drop it, and give
        // this client everything again (its half-built frame left its entries mid-state).
        this.dropUnencodable(e);
        this.resync(c);
        c.nextDue = due;
        i--;
        continue;
      }
      if (frame === null) continue;
      frames++;
      bytes += frame.length;
      sink(c, frame);
    }
    // A client that was due but got no frame after all (paused or removed by a sink call) folds
    // its list now, while this tick's masks are still on the entities: they are not kept for it.
    // Notes of a tick noted by cell wait for its next frame, so their masks are kept then.
    let missed = false;
    for (let i = 0; i < this.clients.length; i++) {
      const c = this.clients[i]!;
      // A rider without its frame has the run listed instead, then folded with the rest.
      if (c.rider && c.frameTick !== this.tickNo) this.run.alight(c);
      if (c.dueNow && c.frameTick !== this.tickNo) {
        missed = true;
        // Its tick list is listed, then folded below like the rest.
        this.ticks.spill(c);
      }
      if (c.fast && c.dueNow && c.frameTick !== this.tickNo && c.directN > 0) this.direct.spill(c);
    }
    if (missed) this.changes.keepLoggedTick();
    this.ticking = false;
    this.world.commit();
    const s = this.stats;
    s.ticks++;
    s.lastFrames = frames;
    s.lastBytes = bytes;
    s.lastEncodedBytes = this.enc.arena.pos;
    s.entitySlots = this.table.slotsInUse;
    s.heldSlots = this.table.quarantined;
    s.frames += frames;
    s.bytes += bytes;
    s.lastTickMs = performance.now() - t0;
  }

  /**
   * A frame failed to build: every entity that cannot be encoded leaves replication and is
   * reported once. Rethrows when none is found (the failure is not an entity's), so a bug
   * elsewhere is not retried forever in silence.
   */
  private dropUnencodable(cause: unknown): void {
    const faults = findEncodeFaults(liveRecords(this.table));
    if (faults.length === 0) throw cause;
    for (const fault of faults) {
      this.remove(fault.entity as E);
      const error = new EntityEncodeError(fault);
      if (this.options.onEntityError) this.options.onEntityError(error, fault.entity as E);
      else console.error(`netschema: ${error.message}`);
    }
  }
}

/** Notes that `client` pins `rec` (show or hide), once; the table's byte follows. */
function pin(rec: EntityRecord, client: RoomClient<unknown>): void {
  if (rec.pinnedBy.includes(client)) return;
  if (rec.pinnedBy.length === 0) rec.pinnedBy = [client];
  else rec.pinnedBy.push(client);
  rec.table.pinned[rec.slot] = 1;
}

/** Takes `rec` out of what `client` hides, keeping the count the tick reads (`hiddenN`). */
function unhide(client: RoomClient<unknown>, rec: EntityRecord): void {
  client.hidden.delete(rec);
  client.hiddenN = client.hidden.size;
}

/** Drops `client`'s pin of `rec`, if any. */
function unpinFrom(rec: EntityRecord, client: RoomClient<unknown>): void {
  swapRemove(rec.pinnedBy, client);
  if (rec.pinnedBy.length === 0) rec.table.pinned[rec.slot] = 0;
}
