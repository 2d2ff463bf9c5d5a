import { EntryMap } from './entry-map.js';
import type { EntityRecord, ViewEntry } from './records.js';
import { ViewShape, type View } from './view.js';

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
}

/**
 * One connected player as the room core sees it: what it sees, how often and how much it may
 * receive, and what it has not received yet. The transport owns the socket; this owns the state.
 */
export class RoomClient<D = unknown> {
  /** Entities it knows or is about to know, by id. */
  readonly entries = new EntryMap<ViewEntry>();
  /** Entries with something to send: entering, or changed since last delivered. */
  readonly pendingList: ViewEntry[] = [];
  /** Ids to send as removals in the next frame. */
  readonly leaving: number[] = [];
  readonly stats = new ClientStats();
  /** Set by the transport while the socket is congested: frames are skipped, changes accumulate. */
  paused = false;
  /** Last input sequence number the server processed for this client; every frame carries it. */
  lastInputSeq = 0;
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
   * @internal Ownership changes not yet told to the client: id → owned now. A change undone
   * before it was told deletes its entry, so only the net change goes out.
   */
  readonly ownedNews = new Map<number, boolean>();
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
