/** How a connection retries after an unexpected close. */
export interface ReconnectOptions {
  /** Failed attempts in a row before giving up (reset by every welcome). Default: no limit (`giveUpAfterMs` ends it). */
  retries: number;
  /**
   * Time (ms) from the first failed attempt after a welcome past which no retry is started.
   * Default 180000: long enough for a server to be restarted or redeployed (the transport rebinds
   * its port at once after a kill), while a game shows "reconnecting…".
   */
  giveUpAfterMs: number;
  /** Delay before the first retry, and the least any retry waits. Default 200 ms. */
  minDelayMs: number;
  /** Most any retry waits. Default 5000 ms. */
  maxDelayMs: number;
  /** Growth of the delay ceiling per failed attempt. Default 2. */
  factor: number;
}

export const DEFAULT_RECONNECT: Readonly<ReconnectOptions> = Object.freeze({ retries: Infinity, giveUpAfterMs: 180_000, minDelayMs: 200, maxDelayMs: 5000, factor: 2 });

/** Fills in defaults and checks the values; `false` turns reconnection off (null). */
export function reconnectOptions(o: false | Partial<ReconnectOptions> | undefined): ReconnectOptions | null {
  if (o === false) return null;
  const r = { ...DEFAULT_RECONNECT, ...o };
  if (!((Number.isInteger(r.retries) || r.retries === Infinity) && r.retries >= 0)) throw new RangeError(`reconnect.retries: expected an integer >= 0 or Infinity, got ${r.retries}`);
  if (!(r.giveUpAfterMs >= 0)) throw new RangeError(`reconnect.giveUpAfterMs: expected ms >= 0, got ${r.giveUpAfterMs}`);
  if (!(r.minDelayMs >= 0)) throw new RangeError(`reconnect.minDelayMs: expected >= 0, got ${r.minDelayMs}`);
  if (!(r.maxDelayMs >= r.minDelayMs)) throw new RangeError(`reconnect.maxDelayMs: expected >= minDelayMs (${r.minDelayMs}), got ${r.maxDelayMs}`);
  if (!(r.factor >= 1)) throw new RangeError(`reconnect.factor: expected >= 1, got ${r.factor}`);
  return r;
}

/**
 * Delay before retry number `attempt` (0 for the first): uniform between `minDelayMs` and a
 * ceiling of `minDelayMs * factor^attempt` capped at `maxDelayMs`. The jitter spreads clients
 * that lost the same server so they do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, o: ReconnectOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(o.maxDelayMs, o.minDelayMs * o.factor ** attempt);
  return o.minDelayMs + random() * (ceiling - o.minDelayMs);
}
