/**
 * `owner_only`: the owner_mixed room (100 clients, 1,000 heroes seen by all, 10 owned per client),
 * but each tick only 2% of the heroes get a new hp (owner-only) and nothing public changes: most
 * clients have nothing to receive. See owner-room.ts.
 *
 * 2,000 measured ticks a run, not the 200 of the other scenarios: a tick here takes tens of µs,
 * so 200 of them are a few ms, where one 4 ms preemption of the main thread by another thread
 * (this VM's scheduler quantum; V8's background GC threads after the run's full GC) doubles a
 * run's mean, and the first ticks after that GC run with cold caches. Measured at a3611c4:
 * netschema's run means spread 12–126 µs with 200 ticks and 14–36 µs with 2,000; the ratio was
 * 0.26–0.80 in eight scenario runs of 200 ticks and 0.24–0.25 in three of 2,000. Both systems
 * run the same ticks.
 */
import { runOwnerScenario } from './owner-room.js';
import type { Scenario } from './scenario.js';

export const ownerOnly: Scenario = {
  key: 'owner_only',
  run: (options) =>
    runOwnerScenario(
      'owner_only',
      '100 clients, 1,000 heroes seen by all, 10 owned per client; per tick 20 owner-only hp changes, nothing public',
      { clients: 100, heroes: 1000, hpPerTick: 20, movesPerTick: 0, warmup: 300, ticks: 2000 },
      options,
      { server: 'owner_only_ratio', bytes: 'owner_bytes_ratio' },
    ),
};
