import type { ClassCodec } from '../codec/schema-module.js';
import type { Tracked } from '../tracking/tracked.js';
import type { RoomClassMasks } from './class-masks.js';
import { F_CELL, F_X, F_Y, F_Z, ROW_F64, type EntityTable } from './entity-table.js';
import type { RoomClient } from './room-client.js';
import type { GridCell } from './spatial-grid.js';

// Records are shared by rooms of any client data type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClient = RoomClient<any>;

/** The room's bookkeeping for one entity, found in O(1) from the entity (`$ext` holds its table slot). */
export class EntityRecord {
  /**
   * Clients that know the entity or are about to (their view entries). The table row keeps
   * their client slots, index for index, for the tick to read without touching the entries.
   */
  readonly viewers: ViewEntry[] = [];
  /** Its row in the room's entity table. */
  slot = -1;
  /** Its grid cell, or null. */
  gridCell: GridCell<EntityRecord, AnyClient> | null = null;
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
   * in the table row (I_EAFTER..), the second in the fields below, more in `directCache` as
   * [after, start, end] triples. The row's I_ECOUNT says how many, while its I_ETICK is this tick.
   */
  dAfter1 = 0;
  dStart1 = 0;
  dEnd1 = 0;
  readonly directCache: number[] = [];
  /** Clients whose view follows this entity. */
  readonly followers: AnyClient[] = [];
  /** Clients that show or hide it whatever their view says (`show` / `hide`). */
  readonly pinnedBy: AnyClient[] = [];

  /** The class has nested fields (whose pending changes age into whole sends). */
  readonly nested: boolean;

  constructor(
    readonly entity: Tracked,
    readonly id: number,
    readonly codec: ClassCodec,
    readonly masks: RoomClassMasks,
    readonly table: EntityTable<EntityRecord>,
  ) {
    this.nested = (masks.nested0 | masks.nested1) !== 0;
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

/** Removes an entry from its entity's viewers, keeping the table row's client slots in step. */
export function detachViewer(entry: ViewEntry): void {
  const rec = entry.rec;
  const viewers = rec.viewers;
  const i = viewers.indexOf(entry);
  if (i < 0) return;
  viewers[i] = viewers[viewers.length - 1]!;
  viewers.pop();
  rec.table.removeViewerAt(rec.slot, i);
}
