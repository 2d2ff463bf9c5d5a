/** A small seeded PRNG (mulberry32): property tests draw whole scenarios from one integer seed. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  nextDouble(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  nextInt(lo: number, hi: number): number {
    return lo + Math.floor(this.nextDouble() * (hi - lo + 1));
  }
}
