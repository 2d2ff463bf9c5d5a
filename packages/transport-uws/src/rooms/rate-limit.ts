/**
 * A token bucket: `rate` messages per second on average, bursts up to `burst`. Refilled lazily
 * from the clock on each take, so idle clients cost nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty (the limit is exceeded). */
  take(now: number): boolean {
    const t = this.tokens + ((now - this.last) * this.rate) / 1000;
    this.tokens = t > this.burst ? this.burst : t;
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether the bucket has refilled to its burst by `now` (an idle bucket can then be dropped). */
  full(now: number): boolean {
    return this.tokens + ((now - this.last) * this.rate) / 1000 >= this.burst;
  }
}
