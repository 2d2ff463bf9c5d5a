import type { ClassCodec } from '../codec/schema-module.js';
import type { Tracked } from '../tracking/tracked.js';
import type { ClassMasks } from './class-masks.js';
import type { RoomClient } from './room-client.js';
import type { GridCell } from './spatial-grid.js';

// Records are shared by rooms of any client data type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = RoomClient<any>;

/** The room's bookkeeping for one entity, reachable in O(1) from the entity (`$ext`). */
export class EntityRecord {
  /** Clients that know the entity or are about to (their view entries). */
  readonly viewers: ViewEntry[] = [];
  /** The client of each viewer, index for index: the tick reads it without touching the entry. */
  readonly viewerClients: AnyClient[] = [];
  /** Grid cell key, or NaN when the room has no grid or the entity no position yet. */
  cell = NaN;
  /** That cell, or null. */
  gridCell: GridCell<EntityRecord, AnyClient> | null = null;
  x = 0;
  y = 0;
  z = 0;
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
  /** Change masks of recent ticks, a ring of [tick, c0, c1, r0, r1]; null until it first changes. */
  hist: Int32Array | null = null;
  /**
   * Shared encodings of its listed changes this tick, by the tick they start after: the first
   * two in the fields below, more in `directCache` as [after, start, end] triples.
   */
  directTick = -1;
  /** How many encodings this tick holds. */
  directCacheN = 0;
  dAfter0 = 0;
  dStart0 = 0;
  dEnd0 = 0;
  dAfter1 = 0;
  dStart1 = 0;
  dEnd1 = 0;
  readonly directCache: number[] = [];
  /** Stamp of the frame being built whose client has this entity's change in its direct list. */
  mark = 0;
  /** Clients whose view follows this entity. */
  readonly followers: AnyClient[] = [];

  /** The class has nested fields (whose pending changes age into whole sends). */
  readonly nested: boolean;

  constructor(
    readonly entity: Tracked,
    readonly id: number,
    readonly codec: ClassCodec,
    readonly masks: ClassMasks,
  ) {
    this.nested = (masks.nested0 | masks.nested1) !== 0;
  }
}

export const SLICE_FIELDS = 7;

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

  constructor(
    readonly client: AnyClient,
    readonly rec: EntityRecord,
  ) {}
}
