/**
 * `owner_mixed`: 100 clients, 1,000 heroes every client sees, 10 owned by each client; each tick
 * 10% of the heroes get a new hp (owner-only) and 5% move (public). See owner-room.ts.
 *
 * 1,500 warm-up ticks: V8 optimizes each new room's tick code again (owner-only.ts says why), and
 * with 300 (about 15 ms of netschema's loop) some runs were measured before it had: in one
 * scenario run, run means of 37–38 µs in two and 50–71 µs in four; 32–35 µs (one 47) with 1,500.
 */
import { runOwnerScenario } from './owner-room.js';
import type { Scenario } from './scenario.js';

export const ownerMixed: Scenario = {
  key: 'owner_mixed',
  run: (options) =>
    runOwnerScenario(
      'owner_mixed',
      '100 clients, 1,000 heroes seen by all, 10 owned per client; per tick 100 owner-only hp changes and 50 public moves',
      { clients: 100, heroes: 1000, hpPerTick: 100, movesPerTick: 50, warmup: 1500, ticks: 200 },
      options,
      { server: 'owner_mixed_ratio', bytes: 'owner_mixed_bytes_ratio' },
    ),
};
