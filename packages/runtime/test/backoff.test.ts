// The default reconnection policy, replayed without sockets or timers: a server that stays
// unreachable (every attempt refused at once) is retried for how long, how often, and how far
// apart. connection.test.ts drives the same policy through a Connection with fake timers.
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECONNECT, reconnectOptions, type ReconnectOptions } from '../src/net/backoff.js';

/** The retries a Connection schedules while down, as it does: each while `downMs < giveUpAfterMs`. */
function replay(o: ReconnectOptions, random: () => number): { delays: number[]; windowMs: number } {
  const delays: number[] = [];
  let downMs = 0;
  while (delays.length < o.retries && downMs < o.giveUpAfterMs) {
    const delay = backoffDelay(delays.length, o, random);
    delays.push(delay);
    downMs += delay;
  }
  return { delays, windowMs: downMs };
}

describe('default reconnection', () => {
  const defaults = reconnectOptions(undefined)!;

  it('is the documented policy: unlimited retries for 3 minutes, 200 ms to 5 s apart', () => {
    expect(defaults).toEqual({ retries: Infinity, giveUpAfterMs: 180_000, minDelayMs: 200, maxDelayMs: 5000, factor: 2 });
    expect(defaults).toEqual(DEFAULT_RECONNECT);
  });

  it('keeps trying for 3 minutes after a drop, never more than 5 s apart', () => {
    for (const [what, random] of [['longest delays', () => 1], ['average delays', () => 0.5], ['shortest delays', () => 0]] as const) {
      const { delays, windowMs } = replay(defaults, random);
      // The last retry starts at least 3 minutes after the drop: a server back within that
      // time is found within one more delay.
      expect(windowMs, what).toBeGreaterThanOrEqual(180_000);
      expect(Math.max(...delays), what).toBeLessThanOrEqual(5000);
      expect(delays[0], what).toBe(200);
    }
    expect(replay(defaults, () => 1).delays.length).toBe(40);
    expect(replay(defaults, () => 0.5).delays.length).toBe(73);
  });

  it('the old default (10 retries, no time limit) gave up after 31.2 s of delays at most, shorter than a port held in TIME_WAIT', () => {
    const old = { ...defaults, retries: 10, giveUpAfterMs: Infinity };
    expect(replay(old, () => 1).windowMs).toBe(200 + 400 + 800 + 1600 + 3200 + 5 * 5000);
    expect(replay(old, () => 0).windowMs).toBe(2000);
  });
});
