import { describe, expect, it } from 'vitest';
import { FuzzFailure, runServerFuzz } from './fuzz-driver.js';

// A fixed seed by default, so `pnpm test` is reproducible; NETSCHEMA_FUZZ_SEED picks another.
const seed = Number(process.env['NETSCHEMA_FUZZ_SEED'] ?? 20261205);

describe('server fuzz (short run; `pnpm fuzz:server` runs a long one)', () => {
  it(`a rooms server under hostile connections keeps honest clients at frame rate and in sync (seed ${seed})`, async () => {
    try {
      const s = await runServerFuzz({ seed, seconds: 15, honest: 3, concurrency: 12, rssLimitMib: 400 });
      expect(s.failure).toBeNull();
      expect(s.messages).toBeGreaterThan(1000);
      expect(s.honest_checks).toBeGreaterThan(0);
      expect(s.desyncs).toBe(0);
      // Hostile input must be refused by the protocol, not reach room code as exceptions. The one
      // expected report is the 'bad-entity' class's: a room that wrote a bad value into Mover.name.
      expect(s.server_error_samples.filter((e) => !/Mover|name/.test(e))).toEqual([]);
    } catch (e) {
      if (e instanceof FuzzFailure) throw new Error(`${e.message}\nsummary: ${JSON.stringify(e.summary)}`);
      throw e;
    }
  }, 28_000);
});
