import { describe, expect, it } from 'vitest';
import { EntryMap } from '../src/room/entry-map.js';
import type { ViewEntry } from '../src/room/records.js';
import { Rng } from '@netschema/test-fixtures/support/rng';

// The room keeps each client's view entries in this table; it must behave exactly like a Map.
const entry = (id: number) => ({ id }) as unknown as ViewEntry;

describe('EntryMap (a client view entries by entity id)', () => {
  it('matches a Map over seeded random sets, gets and deletes, through growth and long probe runs', () => {
    matchesMap([]);
  });

  it('matches a Map likewise with values kept inline (as the room keeps its lite holds) mixed with others', () => {
    // Three values kept as a tag, swapped and replaced to and from values kept aside.
    matchesMap([entry(-1), entry(-2), entry(-3)]);
  });

  it('reserving room for many entries keeps the ones it holds and grows once for the rest', () => {
    const m = new EntryMap<ViewEntry>();
    for (let id = 1; id <= 20; id++) m.set(id * 7, entry(id * 7), id);
    m.reserve(1000);
    const capacity = m.capacity;
    expect(capacity).toBeGreaterThanOrEqual(2 * 1020);
    for (let id = 1; id <= 20; id++) expect([m.get(id * 7), m.has(id * 7 + 1)]).toEqual([entry(id * 7), false]);
    for (let id = 21; id <= 1020; id++) m.set(id * 7, entry(id * 7), id);
    expect(m.capacity).toBe(capacity);
    expect(m.size).toBe(1020);
    for (let id = 1; id <= 1020; id++) expect(m.get(id * 7)).toEqual(entry(id * 7));
    // Reserving what it has room for already changes nothing.
    m.reserve(0);
    expect(m.capacity).toBe(capacity);
  });

  it('iterates a snapshot: removing entries while walking visits every entry once', () => {
    const m = new EntryMap<ViewEntry>();
    for (let id = 1; id <= 100; id++) m.set(id, entry(id));
    const seen: number[] = [];
    for (const [id] of m) {
      seen.push(id);
      m.delete(id);
      m.delete(id + 1);
    }
    expect(seen.length).toBe(100);
    expect(m.size).toBe(0);
    m.set(7, entry(7));
    m.clear();
    expect(m.get(7)).toBeUndefined();
    expect(m.size).toBe(0);
  });
});

/** Seeded random operations on an EntryMap keeping `inline` values as tags, each checked against a Map. */
function matchesMap(inline: ViewEntry[]): void {
  for (let seed = 1; seed <= 40; seed++) {
    const rng = new Rng(seed);
    const m = new EntryMap<ViewEntry>(4, inline);
    const ref = new Map<number, ViewEntry>();
    // Few distinct ids in a narrow range: many collisions and deletions inside probe runs.
    // Some ids beyond 2^32 check keys are compared exactly, not through the hash.
    const span = rng.nextInt(8, 400);
    const pickId = () => (rng.nextInt(0, 9) === 0 ? 2 ** 32 + rng.nextInt(1, span) : rng.nextInt(1, span));
    for (let op = 0; op < 3000; op++) {
      const id = pickId();
      const k = rng.nextInt(0, 9);
      // A value kept inline, one time in three when there are any.
      const value = () => (inline.length > 0 && rng.nextInt(0, 2) === 0 ? inline[rng.nextInt(0, inline.length - 1)]! : entry(id));
      if (k < 5) {
        const e = value();
        m.set(id, e, id % 1000);
        ref.set(id, e);
      } else if (k < 7) {
        expect(m.delete(id)).toBe(ref.delete(id));
      } else if (k < 8) {
        // A take returns the value it removes.
        const was = ref.get(id);
        ref.delete(id);
        expect(m.take(id)).toBe(was);
      } else if (k < 9) {
        expect(m.get(id)).toBe(ref.get(id));
        expect(m.has(id)).toBe(ref.has(id));
        // The slot stored with the entry, or -1 without one.
        expect(m.slotOf(id)).toBe(ref.has(id) ? id % 1000 : -1);
      } else {
        // A swap replaces the value only if it is the one expected.
        const was = ref.get(id);
        const to = value();
        const from = rng.nextInt(0, 1) === 0 && was !== undefined ? was : value();
        const swapped = m.swap(id, from, to);
        expect(swapped).toBe(was !== undefined && from === was);
        if (swapped) ref.set(id, to);
        expect(m.get(id)).toBe(ref.get(id));
      }
      expect(m.size).toBe(ref.size);
    }
    for (const id of ref.keys()) expect(m.get(id)).toBe(ref.get(id));
    expect(new Map([...m])).toEqual(ref);
    expect(m.values().length).toBe(ref.size);
    expect(new Set(m.values())).toEqual(new Set(ref.values()));
    let walked = 0;
    for (let i = 0; i < m.capacity; i++) {
      const e = m.valueAt(i);
      expect(m.usedAt(i)).toBe(e !== undefined);
      if (e === undefined) {
        expect(m.keyAt(i)).toBe(0);
        continue;
      }
      expect(ref.get(m.keyAt(i))).toBe(e);
      walked++;
      // The slot stays with its entry through growth and backward shifts.
      expect(m.slotAt(i)).toBe(m.keyAt(i) % 1000);
    }
    expect(walked).toBe(ref.size);
  }
}
