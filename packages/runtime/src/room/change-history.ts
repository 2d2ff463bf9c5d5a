// The last HISTORY ticks of each entity's change masks, so a client whose last frame was a few
// ticks ago can be sent exactly what changed since, without per-client bookkeeping.
import type { Tracked } from '../tracking/tracked.js';

/**
 * Ticks of change masks each entity remembers. A client whose last frame is older than this
 * (slower than a sixteenth of the tick rate, or stalled) keeps its changes in its view entries.
 */
export const HISTORY = 16;

/** Change masks: fields changed (c0, c1) and nested fields to send whole (r0, r1). */
export class ChangeMasks {
  c0 = 0;
  c1 = 0;
  r0 = 0;
  r1 = 0;
}

/** Last-frame ticks lo..hi that see the same changes of an entity (`ChangeHistory.window`). */
export class AfterWindow {
  lo = 0;
  hi = 0;
}

/** No noted tick (`ChangeHistory.last`, `prev`): below any tick. */
const NONE = -0x80000000;

/** Ints per slot's history: HISTORY entries of (tick, c0, c1, r0, r1). */
const BLOCK = HISTORY * 5;

/** What `ChangeHistory.since` reads of an entity's record. */
export interface HistoryRecord {
  readonly slot: number;
  readonly entity: Tracked;
  readonly masks: { readonly nested0: number; readonly nested1: number };
}

/**
 * The change histories of a room's entities, by table slot, in blocks of one typed array. A
 * listing client that is not due makes the fold note every change in its view; reading or
 * writing a history is then one cache line found from the slot, where a history array hung on
 * each record took three (the record, the array object, its elements) on a working set far
 * larger than the caches. A slot gets its block at its first note and keeps it across reuse:
 * the table reuses a slot only after HISTORY + 2 ticks, so every entry the last entity left is
 * older than any tick a reader of the new one visits.
 */
export class ChangeHistory {
  /** Each slot's block number plus one; 0 before its first note. */
  private ix = new Int32Array(1024);
  /**
   * Each slot's latest noted tick and the one before it: a reader whose last frame is at or after
   * the latest one before now (a client due every tick, always) finds its window and its masks
   * without walking the ring, whose five cache lines per slot cost more than the encoding.
   */
  private last = new Int32Array(1024).fill(NONE);
  private prev = new Int32Array(1024).fill(NONE);
  private data = new Int32Array(64 * BLOCK);
  private blocks = 0;

  /** Notes a changed entity's masks for tick `tick` in its history ring. */
  record(slot: number, tick: number, c0: number, c1: number, r0: number, r1: number): void {
    if (slot >= this.ix.length) {
      const cap = Math.max(slot + 1, this.ix.length * 2);
      this.ix = grown(this.ix, cap, 0);
      this.last = grown(this.last, cap, NONE);
      this.prev = grown(this.prev, cap, NONE);
    }
    let b = this.ix[slot]!;
    if (b === 0) {
      if ((this.blocks + 1) * BLOCK > this.data.length) {
        const data = new Int32Array(this.data.length * 2);
        data.set(this.data);
        this.data = data;
      }
      b = this.ix[slot] = ++this.blocks;
      this.data.fill(-1, (b - 1) * BLOCK, b * BLOCK);
    }
    if (this.last[slot] !== tick) {
      this.prev[slot] = this.last[slot]!;
      this.last[slot] = tick;
    }
    const h = this.data;
    const k = (b - 1) * BLOCK + (tick % HISTORY) * 5;
    h[k] = tick;
    h[k + 1] = c0;
    h[k + 2] = c1;
    h[k + 3] = r0;
    h[k + 4] = r1;
  }

  /**
   * The last-frame ticks [lo, hi] around `after` that `since(…, after, now, …)` treats alike: it
   * visits the same noted ticks for each, as none of them lies in (lo, hi]. Clients whose last
   * frames were a tick or two apart can then share one encoding of an entity that changed in
   * neither. Only `after` itself where `since` would not read the ring (outside its window).
   */
  window(slot: number, after: number, now: number, out: AfterWindow): AfterWindow {
    out.lo = out.hi = after;
    if (after < now - HISTORY || after >= now) return out;
    let lo = now - HISTORY;
    let hi = now - 1;
    const b = slot >= 0 && slot < this.ix.length ? this.ix[slot]! : 0;
    if (b !== 0) {
      const latest = this.latestBefore(slot, now);
      if (latest <= after) {
        // Nothing noted after `after`: the window runs from its latest noted tick to now.
        out.lo = latest > lo ? latest : lo;
        out.hi = hi;
        return out;
      }
      const h = this.data;
      const base = (b - 1) * BLOCK;
      // Ticks are never negative: a ring index of one would land in the block before.
      for (let t = Math.max(now - HISTORY + 1, 0); t < now; t++) {
        if (h[base + (t % HISTORY) * 5] !== t) continue;
        if (t <= after) lo = t;
        else {
          hi = t - 1;
          break;
        }
      }
    }
    out.lo = lo;
    out.hi = hi;
    return out;
  }

  /** A noted slot's latest noted tick before `now` (NONE if none; one older than the ring holds is harmless: callers compare it with later ticks). */
  private latestBefore(slot: number, now: number): number {
    const l = this.last[slot]!;
    return l < now ? l : this.prev[slot]!;
  }

  /**
   * The masks of an entity's changes after tick `after` up to tick `now`, into `out` (returned).
   * Nested fields changed in earlier ticks go whole (their inner changes are gone); this tick's,
   * read live from the entity while it is in `live` (the world's change list), keep their operations.
   */
  since(rec: HistoryRecord, after: number, now: number, live: readonly Tracked[], out: ChangeMasks): ChangeMasks {
    let c0 = 0;
    let c1 = 0;
    let r0 = 0;
    let r1 = 0;
    const slot = rec.slot;
    const b = slot >= 0 && slot < this.ix.length ? this.ix[slot]! : 0;
    if (b !== 0 && after < now - 1 && this.latestBefore(slot, now) > after) {
      const h = this.data;
      const base = (b - 1) * BLOCK;
      const n0 = rec.masks.nested0;
      const n1 = rec.masks.nested1;
      // Earlier ticks from the ring, visiting only those after `after`: usually a few.
      const from = Math.max(now - after > HISTORY ? now - HISTORY + 1 : after + 1, 0);
      for (let t = from; t < now; t++) {
        const k = base + (t % HISTORY) * 5;
        if (h[k] !== t) continue;
        const m0 = h[k + 1]!;
        const m1 = h[k + 2]!;
        c0 |= m0;
        c1 |= m1;
        r0 |= (m0 & n0) | h[k + 3]!;
        r1 |= (m1 & n1) | h[k + 4]!;
      }
    }
    const o = rec.entity;
    if (o.$t === live && after < now) {
      c0 |= o.$c0;
      c1 |= o.$c1;
      r0 |= o.$r0;
      r1 |= o.$r1;
    }
    out.c0 = c0;
    out.c1 = c1;
    out.r0 = r0;
    out.r1 = r1;
    return out;
  }
}

function grown(a: Int32Array, cap: number, fill: number) {
  const b = new Int32Array(cap);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
