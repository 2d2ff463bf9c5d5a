import { describe, expect, it } from 'vitest';
import { ChangeHistory, ChangeMasks, HISTORY } from '../src/room/change-history.js';
import type { Tracked } from '../src/tracking/tracked.js';

/** A record as the history reads it: slot, masks of nested fields, and an entity not in this tick's changes. */
const rec = (slot: number, nested0 = 0) => ({ slot, entity: { $t: null } as unknown as Tracked, masks: { nested0, nested1: 0 } });
const live: Tracked[] = [];

describe('ChangeHistory', () => {
  it('gives each slot the union of its masks after a tick, through growth past its first sizes', () => {
    const h = new ChangeHistory();
    // 3,000 slots (past the first 1,024 indices and 64 blocks), each changed at ticks 10..13
    // with a bit per tick and per slot.
    for (let t = 10; t <= 13; t++) for (let s = 0; s < 3000; s++) h.record(s, t, 1 << (t - 10), s, 0, 0);
    const out = new ChangeMasks();
    for (const s of [0, 1023, 1024, 2999]) {
      expect({ ...h.since(rec(s), 9, 14, live, out) }).toEqual({ c0: 0b1111, c1: s, r0: 0, r1: 0 });
      expect({ ...h.since(rec(s), 11, 14, live, out) }).toEqual({ c0: 0b1100, c1: s, r0: 0, r1: 0 });
      expect({ ...h.since(rec(s), 13, 14, live, out) }).toEqual({ c0: 0, c1: 0, r0: 0, r1: 0 });
    }
    // A slot never noted has no history.
    expect({ ...h.since(rec(5000), 0, 14, live, out) }).toEqual({ c0: 0, c1: 0, r0: 0, r1: 0 });
  });

  it('forgets ticks older than HISTORY, and sends nested fields changed in earlier ticks whole', () => {
    const h = new ChangeHistory();
    h.record(7, 1, 0b01, 0, 0, 0);
    h.record(7, 2 + HISTORY, 0b10, 0, 0, 0);
    const out = new ChangeMasks();
    // Tick 1 is older than the HISTORY ticks before tick 3 + HISTORY: not read, though still stored.
    expect(h.since(rec(7), 0, 3 + HISTORY, live, out).c0).toBe(0b10);
    // Field 1 nested: its change in an earlier tick goes whole (r0).
    expect({ ...h.since(rec(7, 0b10), 1 + HISTORY, 3 + HISTORY, live, out) }).toEqual({ c0: 0b10, c1: 0, r0: 0b10, r1: 0 });
  });
});
