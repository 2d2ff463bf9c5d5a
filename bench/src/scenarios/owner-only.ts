/**
 * `owner_only`: the owner_mixed room (100 clients, 1,000 heroes seen by all, 10 owned per client),
 * but each tick only 2% of the heroes get a new hp (owner-only) and nothing public changes: most
 * clients have nothing to receive. See owner-room.ts.
 */
import { runOwnerScenario } from './owner-room.js';
import type { Scenario } from './scenario.js';

export const ownerOnly: Scenario = {
  key: 'owner_only',
  run: (options) =>
    runOwnerScenario(
      'owner_only',
      '100 clients, 1,000 heroes seen by all, 10 owned per client; per tick 20 owner-only hp changes, nothing public',
      { clients: 100, heroes: 1000, hpPerTick: 20, movesPerTick: 0, warmup: 300, ticks: 200 },
      options,
      { server: 'owner_only_ratio', bytes: 'owner_bytes_ratio' },
    ),
};
