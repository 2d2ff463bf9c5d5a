// A client's view entries: per (client, entity), what the client may see of the entity (its
// visibility class) and what it has yet to receive (pending masks). The fold adds a tick's
// changes; a frame sends and clears them.
import { doubled } from './spatial-grid.js';
import type { EntityTable } from './entity-table.js';
import { ENTERING, GONE, KNOWN, LITE_ENTERING, VIS_OTHER, VIS_OWNER, VIS_TEAM, ViewEntry, type EntityRecord, type Lite, type RoomClient } from './records.js';

/**
 * View entries of entities that left a view, kept for the next that enters one: a view that
 * moves every tick makes and drops thousands a second, and long-lived garbage is what costs the
 * collector. An entry comes back once nothing refers to it: at once when it leaves, or, if its
 * client's pending list still holds it, when that client's next frame drops it.
 */
export class ViewEntryPool {
  private readonly free: ViewEntry[] = [];

  take(client: RoomClient<unknown>, rec: EntityRecord): ViewEntry {
    const e = this.free.pop();
    if (e === undefined) return new ViewEntry(client, rec);
    e.client = client;
    e.rec = rec;
    e.state = ENTERING;
    e.c0 = e.c1 = e.r0 = e.r1 = 0;
    e.pending = false;
    e.priority = 0;
    e.vis = VIS_OTHER;
    e.foldTick = 0;
    return e;
  }

  /** Takes back an entry that left (GONE) and that no list holds any more. */
  give(e: ViewEntry): void {
    // Bounded: a burst of leaving (a client gone, a teleport) need not be kept forever.
    if (this.free.length < 65536) this.free.push(e);
  }
}

/**
 * The view entry for what `client` holds of `rec`, made from a lite hold (records.ts `Lite`) if
 * that is what it holds: for what needs the entity's state per client (masks to fold, a
 * visibility class, a budget's priority). Undefined when the client holds nothing of it.
 */
export function entryOf(client: RoomClient<unknown>, rec: EntityRecord, pool: ViewEntryPool): ViewEntry | undefined {
  const held = client.entries.get(rec.id);
  if (held === undefined || held instanceof ViewEntry) return held;
  return adopt(client, rec, held, pool);
}

/**
 * A lite hold made a view entry, in its place. An entering one is listed pending, and its frame
 * passes over its slot in `enterSlots` (it no longer holds `LITE_ENTERING`).
 */
export function adopt(client: RoomClient<unknown>, rec: EntityRecord, held: Lite, pool: ViewEntryPool): ViewEntry {
  const e = pool.take(client, rec);
  // Held lite only while it could see the public fields alone (`Interest.enter`).
  e.vis = VIS_OTHER;
  client.entries.set(rec.id, e, rec.slot);
  if (held.state === ENTERING) markPending(e);
  else e.state = KNOWN;
  return e;
}

/** The visibility class of an entity for a client: owner, team (in a room with teams), or other. */
export function visOf(client: RoomClient<unknown>, rec: EntityRecord, teams: boolean): number {
  if (rec.owner === client) return VIS_OWNER;
  return teams && client.team !== undefined && client.team === rec.team ? VIS_TEAM : VIS_OTHER;
}

/** Lists the slot of an entity the client holds as `LITE_ENTERING`, for its next frame to send whole. */
export function listEntering(client: RoomClient<unknown>, slot: number): void {
  if (client.enterN === client.enterSlots.length) client.enterSlots = doubled(client.enterSlots);
  client.enterSlots[client.enterN++] = slot;
}

/**
 * Everything the client holds goes again whole (a resync): its view entries turn entering, and
 * so do its lite holds, listed for its next frame.
 */
export function reenterAll(client: RoomClient<unknown>): void {
  const entries = client.entries;
  for (let i = 0; i < entries.capacity; i++) {
    if (!entries.usedAt(i)) continue;
    const held = entries.valueAt(i)!;
    if (held instanceof ViewEntry) {
      held.state = ENTERING;
      held.c0 = held.c1 = held.r0 = held.r1 = 0;
      markPending(held);
    } else {
      // Replacing the value of a key in place moves no entry: the walk stays valid. Listed
      // again even if entering already: a frame that failed may have dropped the list.
      entries.set(entries.keyAt(i), LITE_ENTERING, entries.slotAt(i));
      listEntering(client, entries.slotAt(i));
    }
  }
}

/** A client leaving the room lets go of all it holds: it leaves each entity's row of viewers. */
export function releaseAll(client: RoomClient<unknown>, table: EntityTable): void {
  const entries = client.entries;
  for (let i = 0; i < entries.capacity; i++) {
    if (!entries.usedAt(i)) continue;
    table.removeViewer(entries.slotAt(i), client.slot);
    const held = entries.valueAt(i)!;
    if (held instanceof ViewEntry) held.state = GONE;
  }
  entries.clear();
  client.pendingList.length = 0;
  client.enterN = 0;
}

/** Lists an entry among its client's entries with something to send, once. */
export function markPending(entry: ViewEntry): void {
  if (!entry.pending) {
    entry.pending = true;
    entry.client.pendingList.push(entry);
  }
}

/** Nested fields a client has not received since an earlier tick must go whole: their inner changes are gone. */
export function ageNested(entry: ViewEntry, tick: number): void {
  if (entry.foldTick < tick && (entry.c0 | entry.c1) !== 0) {
    entry.r0 |= entry.c0 & entry.rec.masks.nested0;
    entry.r1 |= entry.c1 & entry.rec.masks.nested1;
  }
}

/** Adds an entity's changes of tick `tick` to an entry, keeping only the fields its client may see. */
export function fold(entry: ViewEntry, c0: number, c1: number, r0: number, r1: number, tick: number, teams: boolean): void {
  const rec = entry.rec;
  const m = rec.masks;
  if (rec.nested) ageNested(entry, tick);
  const vis = visOf(entry.client, rec, teams);
  entry.vis = vis;
  const a0 = rec.masks.allow[vis * 2]!;
  const a1 = rec.masks.allow[vis * 2 + 1]!;
  c0 &= a0;
  c1 &= a1;
  if ((c0 | c1) === 0) return;
  entry.c0 |= c0;
  entry.c1 |= c1;
  entry.r0 |= r0 & a0 & m.nested0;
  entry.r1 |= r1 & a1 & m.nested1;
  entry.foldTick = tick;
  markPending(entry);
}

/**
 * Ownership or team changed. A client that may now see more gets the newly visible fields; one
 * that may see less gets the entity again from scratch (a removal, then an entry with only what
 * it may see), so it does not keep values it is no longer allowed to hold.
 */
export function updateVis(entry: ViewEntry, tick: number, teams: boolean): void {
  const before = entry.vis;
  const after = visOf(entry.client, entry.rec, teams);
  entry.vis = after;
  if (after === before || entry.state !== KNOWN) return;
  if (after < before) {
    entry.client.leaving.push(entry.rec.id);
    entry.state = ENTERING;
    entry.c0 = entry.c1 = entry.r0 = entry.r1 = 0;
    markPending(entry);
    return;
  }
  const m = entry.rec.masks;
  const n0 = m.allow[after * 2]! & ~m.allow[before * 2]!;
  const n1 = m.allow[after * 2 + 1]! & ~m.allow[before * 2 + 1]!;
  ageNested(entry, tick);
  entry.c0 |= n0;
  entry.c1 |= n1;
  entry.r0 |= n0 & m.nested0;
  entry.r1 |= n1 & m.nested1;
  entry.foldTick = tick;
  markPending(entry);
}
