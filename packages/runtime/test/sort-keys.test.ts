import { describe, expect, it } from 'vitest';
import { KEY_SPAN, sortKeys } from '../src/room/sort-keys.js';
import { Rng } from '@netschema/test-fixtures/support/rng';

/** `n` distinct keys (id, index) arranged as `runs` ascending runs of random ids, end to end. */
function runsOf(rng: Rng, n: number, runs: number): Float64Array {
  const keys = new Float64Array(n + 3);
  const ids = new Set<number>();
  while (ids.size < n) ids.add(rng.nextInt(1, 4 * n + 10));
  const all = [...ids];
  let at = 0;
  for (let r = 0; r < runs; r++) {
    const end = r === runs - 1 ? n : Math.floor(((r + 1) * n) / runs);
    const run = all.slice(at, end).sort((a, b) => a - b);
    for (const id of run) keys[at] = id * KEY_SPAN + at++;
  }
  // Past n: values the sort must leave alone.
  keys[n] = -1;
  keys[n + 1] = -2;
  keys[n + 2] = -3;
  return keys;
}

describe('sortKeys (frame and direct-list order by entity id)', () => {
  it('sorts the first n keys of runs end to end, random orders and sorted input, and leaves the rest', () => {
    let cases = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new Rng(seed);
      // Sizes on both sides of the insertion-sort cut (16) and the native-sort cut (96).
      for (const n of [0, 1, 2, 7, 15, 16, 17, 40, 95, 96, 97, 300, 2000]) {
        for (const runs of [1, 2, 3, 5, 17, Math.max(1, n >> 1), Math.max(1, n)]) {
          if (runs > Math.max(1, n)) continue;
          const keys = runsOf(rng, n, runs);
          const want = [...keys.subarray(0, n)].sort((a, b) => a - b);
          sortKeys(keys, n);
          expect([...keys.subarray(0, n)]).toEqual(want);
          expect([...keys.subarray(n)]).toEqual([-1, -2, -3]);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(2000);
  });

  it('sorts many keys in no order whatever their ids: below 256, past 2^24, near 2^32, distinct or some equal', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Rng(seed);
      for (const [top, repeats] of [[200, true], [70_000, false], [70_000, true], [1 << 25, false], [2 ** 32 - 1, false], [2 ** 32 - 1, true]] as const) {
        const n = 97 + rng.nextInt(0, 600);
        const keys = new Float64Array(n + 1);
        const seen = new Set<number>();
        for (let i = 0; i < n; i++) {
          // With repeats, every tenth key repeats an earlier id with a later index: the sort puts
          // the index in order too. Without, ids are distinct (as every caller's are).
          let id = i > 0 && i % 10 === 0 && repeats ? Math.floor(keys[i - 1]! / KEY_SPAN) : rng.nextInt(0, top);
          while (!repeats && seen.has(id)) id = rng.nextInt(0, top);
          seen.add(id);
          keys[i] = id * KEY_SPAN + (n - i);
        }
        keys[n] = -7;
        const want = [...keys.subarray(0, n)].sort((a, b) => a - b);
        sortKeys(keys, n);
        expect([...keys.subarray(0, n)]).toEqual(want);
        expect(keys[n]).toBe(-7);
      }
    }
  });

  it('merges runs whose count is odd and whose lengths differ widely', () => {
    // One long run, then single keys below, inside and above it: each pass pairs runs unevenly.
    const keys = new Float64Array([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 5, 55, 165, 1, 2]).map((v, i) => v * KEY_SPAN + i);
    const want = [...keys].sort((a, b) => a - b);
    sortKeys(keys, keys.length);
    expect([...keys]).toEqual(want);
  });
});
