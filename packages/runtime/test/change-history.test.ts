import { describe, expect, it } from 'vitest';
import { AfterWindow, ChangeHistory, ChangeMasks, HISTORY } from '../src/room/change-history.js';
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

  it('finds the same windows and masks as a walk over every noted tick, however the notes fall', () => {
    // Slots noted at random ticks (some twice in a tick, some idle for longer than the ring), each
    // read at every last-frame tick around now, against a reference that walks what was noted.
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const h = new ChangeHistory();
    const noted = new Map<number, Map<number, number>>();
    const out = new ChangeMasks();
    let checked = 0;
    let shortcuts = 0;
    const check = (slot: number, now: number) => {
      for (let after = now - HISTORY - 2; after <= now; after++) {
        const ticks = noted.get(slot) ?? new Map<number, number>();
        const inRing = (t: number) => ticks.has(t) && t > now - HISTORY && t < now;
        let lo = after;
        let hi = after;
        if (after >= now - HISTORY && after < now) {
          lo = now - HISTORY;
          hi = now - 1;
          for (let t = now - HISTORY + 1; t < now; t++) {
            if (!inRing(t)) continue;
            if (t <= after) lo = t;
            else {
              hi = t - 1;
              break;
            }
          }
        }
        let c0 = 0;
        if (after < now - 1) for (let t = Math.max(after, now - HISTORY) + 1; t < now; t++) if (inRing(t)) c0 |= ticks.get(t)!;
        const win = h.window(slot, after, now, new AfterWindow());
        expect([slot, now, after, win.lo, win.hi]).toEqual([slot, now, after, lo, hi]);
        expect([slot, now, after, h.since(rec(slot), after, now, live, out).c0]).toEqual([slot, now, after, c0]);
        checked++;
        if (after >= now - 1 && ticks.size > 0) shortcuts++;
      }
    };
    for (let now = 1; now < 200; now++) {
      for (let slot = 0; slot < 40; slot++) {
        // Read before this tick's notes and after them, as a frame after the fold does.
        check(slot, now);
        // This tick's notes: slot 0 is never noted, slots idle for stretches longer than the ring.
        const idle = slot === 0 || (slot % 7 === 3 && now % 50 < 25);
        const times = !idle && rand() < 0.3 ? (rand() < 0.2 ? 2 : 1) : 0;
        for (let i = 0; i < times; i++) {
          const m = 1 + ((rand() * 0xffff) | 0);
          h.record(slot, now, m, 0, 0, 0);
          if (!noted.has(slot)) noted.set(slot, new Map());
          noted.get(slot)!.set(now, m);
        }
        check(slot, now);
      }
    }
    expect(checked).toBe(2 * 199 * 40 * (HISTORY + 3));
    expect(shortcuts).toBeGreaterThan(1000);
  });
});
