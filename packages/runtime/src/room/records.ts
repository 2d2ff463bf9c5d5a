import type { ClassCodec } from '../codec/schema-module.js';
import type { Tracked } from '../tracking/tracked.js';
import type { RoomClassMasks } from './class-masks.js';
import { F_CELL, F_X, F_Y, F_Z, ROW_F64, type EntityTable } from './entity-table.js';
import { EntryMap } from './entry-map.js';
import { ViewShape, type View } from './view.js';
import type { GridCell } from './spatial-grid.js';

// Records are shared by rooms of any client data type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = RoomClient<any>;

// Rarely used lists of a record start as these shared empty ones (frozen: a push would throw),
// replaced by an own array on first use: a spawn allocates less.
const NO_CLIENTS = Object.freeze([]) as unknown as AnyClient[];
const NO_NUMBERS = Object.freeze([]) as unknown as number[];

/** The room's bookkeeping for one entity, found in O(1) from the entity (`$ext` holds its table slot). */
export class EntityRecord {
  /** Its row in the room's entity table, which lists the clients that hold it or are about to (their slots). */
  slot = -1;
  /** Its grid cell, or null. */
  gridCell: GridCell<EntityRecord, AnyClient> | null = null;
  /** In the room (false once removed, while its table slot is held back). */
  live = true;
  /** Visible to every client whatever the interest rules. */
  global = false;
  owner: AnyClient | null = null;
  team: unknown = undefined;
  /** The room tick this record's shared slices belong to; slices of older ticks are stale. */
  sliceTick = -1;
  /** Shared encodings this tick: groups of SLICE_FIELDS numbers [start, end, c0, c1, r0, r1, enter]. */
  readonly slices: number[] = [];
  /** How many numbers of `slices` belong to this tick. */
  sliceN = 0;
  /**
   * Shared encodings of its listed changes beside the table row's (I_ELO..), each for the
   * last-frame ticks lo..hi it serves: the first in the fields below, more in `directCache` as
   * [lo, hi, start, end] quads; `dN` of them, while the row's I_E2TICK is this tick.
   */
  dN = 0;
  dLo1 = 0;
  dHi1 = -1;
  dStart1 = 0;
  dEnd1 = 0;
  directCache: number[] = NO_NUMBERS;
  /** Clients whose view follows this entity. */
  followers: AnyClient[] = NO_CLIENTS;
  /** Clients that show or hide it whatever their view says (`show` / `hide`). */
  pinnedBy: AnyClient[] = NO_CLIENTS;

  /** The class has nested fields (whose pending changes age into whole sends). */
  nested: boolean;

  // The entity and its class are set again only when a dead record is reused (`reuse`).
  constructor(
    public entity: Tracked,
    public id: number,
    public codec: ClassCodec,
    public masks: RoomClassMasks,
    readonly table: EntityTable<EntityRecord>,
  ) {
    this.nested = (masks.nested0 | masks.nested1) !== 0;
  }

  /**
   * This record, dead since its slot was released, made the record of a new entity: a spawn
   * then allocates no record, no lists and no history. Nothing refers to a dead record once its
   * slot's hold has passed (see `EntityTable.take`); its lists are empty since its removal.
   */
  reuse(entity: Tracked, id: number, codec: ClassCodec, masks: RoomClassMasks): this {
    this.entity = entity;
    this.id = id;
    this.codec = codec;
    this.masks = masks;
    this.nested = (masks.nested0 | masks.nested1) !== 0;
    this.slot = -1;
    this.gridCell = null;
    this.live = true;
    this.global = false;
    this.owner = null;
    this.team = undefined;
    this.sliceTick = -1;
    this.sliceN = 0;
    this.dN = this.dLo1 = this.dStart1 = this.dEnd1 = 0;
    this.dHi1 = -1;
    return this;
  }

  // Position and cell live in the table row, where the tick reads them.
  get x(): number {
    return this.table.f64[this.slot * ROW_F64 + F_X]!;
  }
  get y(): number {
    return this.table.f64[this.slot * ROW_F64 + F_Y]!;
  }
  get z(): number {
    return this.table.f64[this.slot * ROW_F64 + F_Z]!;
  }
  /** Grid cell key, or NaN when the room has no grid or the entity no position yet. */
  get cell(): number {
    return this.table.f64[this.slot * ROW_F64 + F_CELL]!;
  }
}

export const SLICE_FIELDS = 7;

/**
 * The room's entities' records, read from its table: a snapshot for walks off the tick path (a
 * joining client without a grid, `refresh`). The table is the one index of them, so adding and
 * removing an entity updates no set.
 */
export function liveRecords(table: EntityTable<EntityRecord>): EntityRecord[] {
  const out: EntityRecord[] = [];
  const recs = table.recs;
  for (let s = 0; s < recs.length; s++) {
    const rec = recs[s];
    if (rec !== null && rec !== undefined && rec.live) out.push(rec);
  }
  // In the order they were added (ids only grow), as a walk over the room should be: slots are reused.
  return out.sort((a, b) => a.id - b.id);
}

export const ENTERING = 1;
export const KNOWN = 2;
export const GONE = 3;

/** Visibility classes of a client towards an entity: which hidden fields it may see. */
export const VIS_OTHER = 0;
export const VIS_TEAM = 1;
export const VIS_OWNER = 2;

/**
 * What one client has of one entity: whether it knows it yet, the changes it has not received
 * (accumulated across frames it skipped or could not fit), and its priority accumulator.
 */
export class ViewEntry {
  state = ENTERING;
  c0 = 0;
  c1 = 0;
  r0 = 0;
  r1 = 0;
  /** Listed in the client's pending list. */
  pending = false;
  priority = 0;
  /** Which hidden fields this client may see (VIS_*), as of the last change folded in. */
  vis = VIS_OTHER;
  /** Room tick of the last change folded in: nested fields pending from older ticks go whole. */
  foldTick = 0;
  /** Where this entry's bytes sit in the tick's arena while its frame is assembled. */
  start = 0;
  end = 0;

  // Reassigned only when a pooled entry is reused (ViewEntryPool).
  constructor(
    public client: AnyClient,
    public rec: EntityRecord,
  ) {}
}

/**
 * What a client holds of an entity that entered its view while the client had no budget and was
 * not paused, in a room without teams, and that it does not own (so it may see only the public
 * fields; `Interest.enter`): no view entry, only whether its first frame has gone out. Such a client's frames read the entity's changes from the direct
 * list and the shared encodings, so an entry would be kept for entering and leaving alone, and
 * making, listing and dropping one for every window crossing was a fifth of the arena's tick.
 * A lite hold becomes a view entry (`adopt` in view-entries.ts) when something needs one: a
 * budget, a pause, ownership, a resync.
 */
export class Lite {
  constructor(readonly state: typeof ENTERING | typeof KNOWN) {}
}

/** Entered, its first frame not sent yet: its slot waits in the client's `enterSlots`. */
export const LITE_ENTERING = new Lite(ENTERING);
/** Sent. */
export const LITE_KNOWN = new Lite(KNOWN);

/** What a client holds of an entity in view: a view entry, or a lite hold. */
export type Held = ViewEntry | Lite;

/** Per-client counters, updated every frame the client receives. */
export class ClientStats {
  frames = 0;
  bytes = 0;
  lastFrameBytes = 0;
  /** Entities whose data went out in the last frame (entered or patched). */
  lastSent = 0;
  /** Entities with pending data left for a later frame by the byte budget in the last frame. */
  lastDeferred = 0;
  entered = 0;
  left = 0;
  /** Times it was due but had nothing to receive, so no frame went out (see `RoomCore.update`). */
  idle = 0;
}

/**
 * One connected player as the room core sees it: what it sees, how often and how much it may
 * receive, and what it has not received yet. The transport owns the socket; this owns the state.
 */
export class RoomClient<D = unknown> {
  /** Entities it knows or is about to know, by id. */
  readonly entries = new EntryMap<Held>(16, [LITE_ENTERING, LITE_KNOWN]);
  /**
   * @internal Slots of entities held lite and entering (`LITE_ENTERING`), for its next frame to
   * send whole. May hold slots that left or were adopted since: the frame checks each.
   */
  enterSlots = new Int32Array(16);
  /** @internal How many of `enterSlots` are in use. */
  enterN = 0;
  /** Entries with something to send: entering, or changed since last delivered. */
  readonly pendingList: ViewEntry[] = [];
  /** Ids to send as removals in the next frame. */
  readonly leaving: number[] = [];
  readonly stats = new ClientStats();
  /** Set by the transport while the socket is congested: frames are skipped, changes accumulate. */
  paused = false;
  /** Last input sequence number the server processed for this client; every frame carries it. */
  lastInputSeq = 0;
  /** @internal The input acknowledgement its last frame carried: a new one is worth a frame. */
  ackSent = 0;
  /** Group for `@teamOnly` fields: the client sees them on entities whose team equals this. */
  team: unknown = undefined;
  /** Bytes per frame; what does not fit goes out in later frames, by priority. */
  budget: number;
  /** Next time (ms) a frame is due. */
  nextDue = 0;
  /** @internal */ interval: number;
  /** @internal */ readonly shape = new ViewShape();
  /** @internal */ hasView = false;
  /** @internal */ viewDirty = false;
  /** @internal */ follow: EntityRecord | null = null;
  /** @internal Keys of the grid cells it watches: the box of cells wx0..wx1 × wy0..wy1 × wz0..wz1. */
  readonly watched: number[] = [];
  /** @internal The cells of `watched`, index for index: a sweep reads them without map lookups. */
  watchedCells: GridCell<EntityRecord, AnyClient>[] = [];
  /** @internal The other array `rewatch` fills and swaps with `watchedCells`. */
  spareCells: GridCell<EntityRecord, AnyClient>[] = [];
  /** @internal */ wx0 = 0;
  /** @internal */ wx1 = -1;
  /** @internal */ wy0 = 0;
  /** @internal */ wy1 = -1;
  /** @internal */ wz0 = 0;
  /** @internal */ wz1 = -1;
  /** @internal */ readonly shown = new Set<EntityRecord>();
  /** @internal */ readonly owned = new Set<EntityRecord>();
  /** @internal */ readonly hidden = new Set<EntityRecord>();
  /**
   * @internal `hidden.size`, kept by the room: the tick asks every client whether it hides
   * anything, and a Set's size lives in its table, a cache miss of its own.
   */
  hiddenN = 0;
  /**
   * @internal Ownership changes not yet told to the client: id → owned now. A change undone
   * before it was told deletes its entry, so only the net change goes out.
   */
  readonly ownedNews = new Map<number, boolean>();
  /** @internal `ownedNews.size`, kept with it: read for every due client (see `hiddenN`). */
  newsN = 0;
  /** @internal The next ownership message carries the whole owned set (after a reset frame). */
  ownedReset = true;
  /** @internal The client may hold a non-empty owned set: a reset must then be told even when empty. */
  ownedTold = false;
  /** @internal */ stamp = 0;
  /** @internal */ reset = true;
  /** @internal */ removed = false;
  /** @internal */ radiusHint = 1;
  /**
   * @internal Unpaused and without a budget: changes in its view are listed in `direct` and
   * encoded at its frame from the entities' histories, without touching its view entries.
   */
  fast = false;
  /** @internal Its slot in the room's client table. */
  slot = -1;
  /** @internal Entity slots that changed in its view since its last frame (may repeat). */
  direct = new Int32Array(64);
  /** @internal How many of `direct` are in use (a count, so the array keeps its storage). */
  directN = 0;
  /** @internal Takes this tick's shared run (see shared-run.ts). */
  rider = false;
  /** @internal Due for a frame this tick (as of the fold). */
  dueNow = false;
  /** @internal Room tick of the direct list's first entry. */
  directSince = 0;
  /** @internal Room tick of its last frame: the direct list holds changes after it. */
  frameTick = 0;
  /** @internal Entity slots that left its view while its direct list was in use: not to be patched. */
  readonly leftSince: number[] = [];

  constructor(
    readonly id: number,
    readonly data: D,
    rate: number,
    budget: number,
  ) {
    this.interval = 1000 / rate;
    this.budget = budget;
  }

  /** Frames per second this client receives. */
  get rate(): number {
    return 1000 / this.interval;
  }
  set rate(hz: number) {
    if (!(hz > 0 && Number.isFinite(hz))) throw new RangeError(`client rate: expected frames per second > 0, got ${hz}`);
    this.interval = 1000 / hz;
  }

  /**
   * Whether a point lies in this client's view; `staying`: within the view plus its hysteresis
   * band (where an entity it already has stays). False without a view.
   */
  inView(x: number, y: number, z = 0, staying = false): boolean {
    return this.hasView && this.shape.contains(x, y, z, staying);
  }

  /**
   * The entities this client's replica holds (sent, not yet removed), each with whether changes
   * still wait for its next frames. For inspectors and tests; allocates, so not for the tick.
   */
  knownEntities(): Array<{ id: number; pending: boolean }> {
    const out: Array<{ id: number; pending: boolean }> = [];
    for (const [id, held] of this.entries) {
      if (held.state === KNOWN) out.push({ id, pending: held instanceof ViewEntry && held.pending });
    }
    return out;
  }

  /** How many entities this client shows and hides whatever its view says (`show` / `hide` pins). */
  get pins(): { shown: number; hidden: number } {
    return { shown: this.shown.size, hidden: this.hidden.size };
  }

  /** Sets the area of interest around a point (the room re-queries its grid on the next frame). */
  setView(v: View): void {
    this.shape.set(v);
    this.hasView = true;
    this.viewDirty = true;
    this.radiusHint = 'radius' in v ? v.radius : Math.max(v.halfWidth, v.halfHeight);
  }

  /** Moves the view's center, keeping its size. */
  moveView(x: number, y: number, z = 0): void {
    if (!this.hasView) throw new Error(`client ${this.id}: moveView before setView; give the view a size first`);
    if (x === this.shape.x && y === this.shape.y && z === this.shape.z) return;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) throw new RangeError(`moveView: expected finite coordinates, got ${x}, ${y}, ${z}`);
    this.shape.x = x;
    this.shape.y = y;
    this.shape.z = z;
    this.viewDirty = true;
  }
}
