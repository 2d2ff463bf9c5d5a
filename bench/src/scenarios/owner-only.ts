/**
 * `owner_only`: the owner_mixed room (100 clients, 1,000 heroes seen by all, 10 owned per client),
 * but each tick only 2% of the heroes get a new hp (owner-only) and nothing public changes: most
 * clients have nothing to receive. See owner-room.ts.
 *
 * 2,000 measured ticks a run, not the 200 of the other scenarios: a tick here takes a few µs,
 * so 200 of them are a few ms, where one 4 ms preemption of the main thread doubles a run's mean.
 * Measured at a3611c4: netschema's run means spread 12–126 µs with 200 ticks and 14–36 µs with
 * 2,000.
 *
 * 3,000 warm-up ticks, not 300: each run builds a new room after the last one's was collected,
 * and V8 optimizes the tick's code again (`--trace-opt` shows `fold`, `update`, `build` … anew in
 * every run), on a background thread. 300 ticks of this size are about 6 ms of the loop, and the
 * measured ticks then began in unoptimized code: run means spread 7.7–27 µs while the ticks'
 * medians stayed at 6.8–11.4, and one bench:arena run in six missed the 0.5 goal. With 3,000 the
 * run means spread 6.6–8.0 µs (BENCHMARKS.md, "warm-up"). Both systems warm up and run the same
 * ticks.
 */
import { runOwnerScenario } from './owner-room.js';
import type { Scenario } from './scenario.js';

export const ownerOnly: Scenario = {
  key: 'owner_only',
  run: (options) =>
    runOwnerScenario(
      'owner_only',
      '100 clients, 1,000 heroes seen by all, 10 owned per client; per tick 20 owner-only hp changes, nothing public',
      { clients: 100, heroes: 1000, hpPerTick: 20, movesPerTick: 0, warmup: 3000, ticks: 2000 },
      options,
      { server: 'owner_only_ratio', bytes: 'owner_bytes_ratio' },
    ),
};
