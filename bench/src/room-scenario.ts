/**
 * The many-clients scenarios (`bench:arena`, `bench:scale`): the arena fixture (fixtures.ts) plus
 * clients at fixed positions, each seeing the entities inside a square window around it. The
 * window rule is the same for every system: an entity is in client c's window when
 * |x - cx| <= half and |y - cy| <= half (inclusive, no hysteresis), evaluated on the server's
 * float64 positions.
 */
import type { ArenaFixture, ArenaState } from './fixtures.js';

export interface RoomScenario {
  readonly worldSize: number;
  /** Half the side of every client's square window. */
  readonly half: number;
  /** Window centers, one per client. */
  readonly cx: Float64Array;
  readonly cy: Float64Array;
}

/**
 * Places `n` clients on a rows × cols grid (cols the largest divisor of n not above √n), with the
 * window centers spread evenly over [half, worldSize - half], so every window lies inside the
 * world and holds about the same number of entities.
 */
export function placeClients(n: number, worldSize: number, half: number): RoomScenario {
  let cols = Math.floor(Math.sqrt(n));
  while (n % cols !== 0) cols--;
  const rows = n / cols;
  const span = worldSize - 2 * half;
  const at = (k: number, count: number) => half + (count === 1 ? span / 2 : (span * k) / (count - 1));
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    cx[i] = at(i % cols, cols);
    cy[i] = at(Math.floor(i / cols), rows);
  }
  return { worldSize, half, cx, cy };
}

export function inWindow(sc: RoomScenario, c: number, x: number, y: number): boolean {
  return Math.abs(x - sc.cx[c]!) <= sc.half && Math.abs(y - sc.cy[c]!) <= sc.half;
}

/** For each client, the indices (entity id - 1) of the entities in its window, ascending. */
export function windowMembers(sc: RoomScenario, s: ArenaState): Int32Array[] {
  const out: Int32Array[] = [];
  const n = s.x.length;
  for (let c = 0; c < sc.cx.length; c++) {
    const list: number[] = [];
    for (let i = 0; i < n; i++) if (inWindow(sc, c, s.x[i]!, s.y[i]!)) list.push(i);
    out.push(Int32Array.from(list));
  }
  return out;
}

/**
 * Geometry of the whole replay, computed from the fixture before anything is timed: for every
 * tick, the number of (client, moved entity) pairs with the entity inside the client's window
 * after the move (the denominator of "bytes per moved entity"), and the mean window population.
 */
export interface ReplayGeometry {
  /** Per tick: pairs (client, moved entity in its window after the move), summed over clients. */
  readonly movedInView: Float64Array;
  /** Mean entities per window at the start. */
  readonly meanWindow: number;
  /** Per tick: entities entering or leaving some window, summed over clients. */
  readonly crossings: Float64Array;
}

/**
 * Which clients' windows overlap each cell of a coarse grid (cells of `half` units), so a moved
 * entity is tested against the few clients around it rather than against every client.
 */
export class WindowIndex {
  private readonly side: number;
  private readonly cell: number;
  private readonly byCell: number[][];

  constructor(readonly sc: RoomScenario) {
    this.cell = sc.half;
    this.side = Math.ceil(sc.worldSize / this.cell) + 1;
    this.byCell = Array.from({ length: this.side * this.side }, () => []);
    for (let c = 0; c < sc.cx.length; c++) {
      const x0 = this.coord(sc.cx[c]! - sc.half);
      const x1 = this.coord(sc.cx[c]! + sc.half);
      const y0 = this.coord(sc.cy[c]! - sc.half);
      const y1 = this.coord(sc.cy[c]! + sc.half);
      for (let gx = x0; gx <= x1; gx++) for (let gy = y0; gy <= y1; gy++) this.byCell[gx * this.side + gy]!.push(c);
    }
  }

  private coord(v: number): number {
    const c = Math.floor(v / this.cell);
    return c < 0 ? 0 : c >= this.side ? this.side - 1 : c;
  }

  /** The clients whose window may contain (x, y): a superset of those that do. */
  near(x: number, y: number): readonly number[] {
    return this.byCell[this.coord(x) * this.side + this.coord(y)]!;
  }
}

export function replayGeometry(sc: RoomScenario, fx: ArenaFixture): ReplayGeometry {
  const x = fx.initial.x.slice();
  const y = fx.initial.y.slice();
  const clients = sc.cx.length;
  const index = new WindowIndex(sc);
  let total = 0;
  for (const m of windowMembers(sc, fx.initial)) total += m.length;
  const movedInView = new Float64Array(fx.ticks.length);
  const crossings = new Float64Array(fx.ticks.length);
  for (let t = 0; t < fx.ticks.length; t++) {
    const { idx, xya } = fx.ticks[t]!;
    let inView = 0;
    let cross = 0;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const ox = x[i]!;
      const oy = y[i]!;
      const nx = xya[3 * k]!;
      const ny = xya[3 * k + 1]!;
      const a = index.near(ox, oy);
      const b = index.near(nx, ny);
      for (const c of b) if (inWindow(sc, c, nx, ny)) inView++;
      for (const c of b) if (inWindow(sc, c, ox, oy) !== inWindow(sc, c, nx, ny)) cross++;
      // Clients near the old position only (their window held the entity before, not after).
      if (a !== b) for (const c of a) if (!b.includes(c) && inWindow(sc, c, ox, oy)) cross++;
      x[i] = nx;
      y[i] = ny;
    }
    movedInView[t] = inView;
    crossings[t] = cross;
  }
  return { movedInView, meanWindow: total / clients, crossings };
}
