// Direct lists: a client without a budget lists the entities that changed in its view tick by
// tick, and its frame sends each with the fields changed since its last frame, read from the
// entity's history, instead of keeping per-entity state for it between frames.
import type { World } from '../state/world.js';
import { ChangeMasks, type ChangeHistory } from './change-history.js';
import { I_MARK, ROW_I32, type EntityTable } from './entity-table.js';
import { KNOWN, type EntityRecord, type RoomClient } from './records.js';
import { empty } from './reused-arrays.js';
import { KEY_SPAN } from './sort-keys.js';
import { doubled } from './spatial-grid.js';
import { entryOf, fold, type ViewEntryPool } from './view-entries.js';

/** What `claim` took: entities listed (in the client's `direct`), and how many of them go out through the list. */
export class DirectClaim {
  listed = 0;
  claimed = 0;
}

export class DirectLists {
  /** The room's tick, set by `begin`. */
  private tick = 0;
  /** Marks tag table rows as taken by one pass (a frame, a spill); each pass takes a new one. */
  private markNo = 0;
  /** Whether this tick's fold walked the changes in id order (the shared run needs it). */
  foldSorted = true;
  private readonly since = new ChangeMasks();

  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly world: World,
    private readonly teams: boolean,
    private readonly history: ChangeHistory,
    private readonly pool: ViewEntryPool,
  ) {}

  begin(tick: number): void {
    this.tick = tick;
  }

  /** Lists a changed entity slot in a fast client's direct list, for its next frame. */
  list(c: RoomClient<unknown>, slot: number): void {
    if (c.directN === 0) c.directSince = this.tick;
    else if (c.directN === c.direct.length) c.direct = doubled(c.direct);
    c.direct[c.directN++] = slot;
  }

  /** A mark no row holds yet. */
  nextMark(): number {
    return ++this.markNo;
  }

  /** Folds a client's direct list into its view entries (it stopped qualifying for one). */
  spill(client: RoomClient<unknown>): void {
    const n = client.directN;
    client.directN = 0;
    empty(client.leftSince);
    const mark = this.nextMark();
    const I = this.table.i32;
    for (let k = 0; k < n; k++) {
      const slot = client.direct[k]!;
      if (I[slot * ROW_I32 + I_MARK] === mark) continue;
      I[slot * ROW_I32 + I_MARK] = mark;
      const rec = this.table.recs[slot]!;
      if (client.entries.slotOf(rec.id) !== slot) continue;
      const entry = entryOf(client, rec, this.pool)!;
      if (entry.state !== KNOWN) continue;
      const m = this.history.since(rec, client.frameTick, this.tick, this.world.changes, this.since);
      fold(entry, m.c0, m.c1, m.r0, m.r1, this.tick, this.teams);
    }
  }

  /**
   * Takes a client's direct list for this frame: each entity once, in the order it was listed
   * (a tick's fold lists in id order, the cell log in cell order), only those it still knows:
   * how many it lists, and how many of them go out through the list (`out`). An entity that
   * also has a pending entry (entering, or changed before the list began) goes out through the
   * entry instead, with the listed changes folded into it, so it is written once.
   */
  claim(client: RoomClient<unknown>, mark: number, out: DirectClaim): DirectClaim {
    const n = client.directN;
    if (n + client.pendingList.length >= KEY_SPAN) {
      // Too many for the frame's sort keys: fall back to the entries, which handle any number.
      this.spill(client);
      out.listed = out.claimed = 0;
      return out;
    }
    client.directN = 0;
    const direct = client.direct;
    let m = 0;
    const I = this.table.i32;
    if (client.directSince === this.tick) {
      // Gathered in this tick alone: no repeats.
      for (let k = 0; k < n; k++) I[direct[k]! * ROW_I32 + I_MARK] = mark;
      m = n;
    } else {
      // Gathered over several ticks (or collected from the cell log): each entity once, where it
      // was first listed. The list is not sorted: a frame's entries may come in any order (ids
      // are zigzag deltas). Sorting ~50 ids cost about 2.5 µs a frame in
      // `bench:load` and saved no bytes: a key of an id up to 4,095 away takes 2 bytes either way.
      for (let k = 0; k < n; k++) {
        const slot = direct[k]!;
        const row = slot * ROW_I32;
        if (I[row + I_MARK] === mark) continue;
        I[row + I_MARK] = mark;
        direct[m++] = slot;
      }
    }
    // What left this client's view since the list began is not patched (if it came back, its
    // new entry sends it whole).
    const left = client.leftSince;
    let claimed = m;
    for (let i = 0; i < left.length; i++) {
      const row = left[i]! * ROW_I32;
      if (I[row + I_MARK] !== mark) continue;
      I[row + I_MARK] = 0;
      claimed--;
    }
    empty(left);
    const pending = client.pendingList;
    for (let i = 0; i < pending.length; i++) {
      const e = pending[i]!;
      const row = e.rec.slot * ROW_I32;
      if (I[row + I_MARK] !== mark) continue;
      I[row + I_MARK] = 0;
      claimed--;
      if (e.state !== KNOWN) continue;
      const masks = this.history.since(e.rec, client.frameTick, this.tick, this.world.changes, this.since);
      fold(e, masks.c0, masks.c1, masks.r0, masks.r1, this.tick, this.teams);
    }
    out.listed = m;
    out.claimed = claimed;
    return out;
  }
}
