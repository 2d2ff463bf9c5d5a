/**
 * Deterministic fixtures for the arena benchmark: the initial world and every tick's moves are
 * drawn from a seeded PRNG before anything is timed, so every target (and every run) replays the
 * very same writes, and the final state is known in advance for verification.
 */

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TWO_PI = 2 * Math.PI;

export interface ArenaOptions {
  entities: number;
  movedPerTick: number;
  /** Side of the square world: x and y stay in [0, worldSize]. */
  worldSize: number;
  /** Ticks replayed per run (warm-up ticks included). */
  ticks: number;
  seed: number;
  /** Order in which a tick's moved entities are written: ascending id (a game loop) or random. */
  order: 'sorted' | 'random';
}

/** One tick's moves: entity indices, and x, y, angle for each (three values per move). */
export interface TickMoves {
  readonly idx: Int32Array;
  readonly xya: Float64Array;
}

/** The state of every entity, one typed array per field. */
export interface ArenaState {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly angle: Float64Array;
  readonly hp: Uint8Array;
  readonly name: readonly string[];
}

export interface ArenaFixture {
  readonly options: ArenaOptions;
  readonly initial: ArenaState;
  readonly ticks: readonly TickMoves[];
  /** The state after every tick: what every replica must hold at the end (before projection). */
  readonly final: ArenaState;
}

function copyState(s: ArenaState): ArenaState {
  return { x: s.x.slice(), y: s.y.slice(), angle: s.angle.slice(), hp: s.hp.slice(), name: s.name.slice() };
}

/** Builds the world and the moves of every tick. */
export function makeArena(o: ArenaOptions): ArenaFixture {
  const rnd = prng(o.seed);
  const n = o.entities;
  const initial: ArenaState = {
    x: new Float64Array(n),
    y: new Float64Array(n),
    angle: new Float64Array(n),
    hp: new Uint8Array(n),
    name: Array.from({ length: n }, (_, i) => `player-${i + 1}`),
  };
  for (let i = 0; i < n; i++) {
    initial.x[i] = rnd() * o.worldSize;
    initial.y[i] = rnd() * o.worldSize;
    initial.angle[i] = rnd() * TWO_PI;
    initial.hp[i] = 1 + Math.floor(rnd() * 100);
  }
  const s = copyState(initial);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const clamp = (v: number) => (v < 0 ? 0 : v > o.worldSize ? o.worldSize : v);
  const ticks: TickMoves[] = [];
  const m = Math.min(o.movedPerTick, n);
  for (let t = 0; t < o.ticks; t++) {
    // A partial Fisher-Yates shuffle picks m distinct entities.
    for (let k = 0; k < m; k++) {
      const j = k + Math.floor(rnd() * (n - k));
      const tmp = perm[k]!;
      perm[k] = perm[j]!;
      perm[j] = tmp;
    }
    const idx = perm.slice(0, m);
    if (o.order === 'sorted') idx.sort();
    const xya = new Float64Array(m * 3);
    for (let k = 0; k < m; k++) {
      const i = idx[k]!;
      const x = clamp(s.x[i]! + (rnd() - 0.5) * 10);
      const y = clamp(s.y[i]! + (rnd() - 0.5) * 10);
      let a = (s.angle[i]! + (rnd() - 0.5) * 0.5) % TWO_PI;
      if (a < 0) a += TWO_PI;
      s.x[i] = xya[3 * k] = x;
      s.y[i] = xya[3 * k + 1] = y;
      s.angle[i] = xya[3 * k + 2] = a;
    }
    ticks.push({ idx, xya });
  }
  return { options: o, initial, ticks, final: s };
}
