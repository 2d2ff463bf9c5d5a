// The last HISTORY ticks of each entity's change masks, so a client whose last frame was a few
// ticks ago can be sent exactly what changed since, without per-client bookkeeping.
import type { Tracked } from '../tracking/tracked.js';
import type { EntityRecord } from './records.js';

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

/** Notes a changed entity's masks for tick `tick` in its history ring. */
export function recordChange(rec: EntityRecord, tick: number, c0: number, c1: number, r0: number, r1: number): void {
  let h = rec.hist;
  if (h === null) h = rec.hist = new Int32Array(HISTORY * 5).fill(-1);
  const k = (tick % HISTORY) * 5;
  h[k] = tick;
  h[k + 1] = c0;
  h[k + 2] = c1;
  h[k + 3] = r0;
  h[k + 4] = r1;
}

/**
 * The masks of an entity's changes after tick `after` up to tick `now`, into `out` (returned).
 * Nested fields changed in earlier ticks go whole (their inner changes are gone); this tick's,
 * read live from the entity while it is in `live` (the world's change list), keep their operations.
 */
export function changesSince(rec: EntityRecord, after: number, now: number, live: readonly Tracked[], out: ChangeMasks): ChangeMasks {
  let c0 = 0;
  let c1 = 0;
  let r0 = 0;
  let r1 = 0;
  const h = rec.hist;
  if (h !== null && after < now - 1) {
    const n0 = rec.masks.nested0;
    const n1 = rec.masks.nested1;
    // Earlier ticks from the ring, visiting only those after `after`: usually a few.
    const from = now - after > HISTORY ? now - HISTORY + 1 : after + 1;
    for (let t = from; t < now; t++) {
      const k = (t % HISTORY) * 5;
      if (h[k] !== t) continue;
      const a = h[k + 1]!;
      const b = h[k + 2]!;
      c0 |= a;
      c1 |= b;
      r0 |= (a & n0) | h[k + 3]!;
      r1 |= (b & n1) | h[k + 4]!;
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
