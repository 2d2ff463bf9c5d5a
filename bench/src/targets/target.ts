import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';

/**
 * One system under test, driven through the same phases by the runner. A target holds a server
 * state and one client replica; `build` starts both afresh.
 */
export interface Target {
  readonly name: string;
  /** What the row measures, for the table's legend. */
  readonly description: string;
  /** Creates the server state from the fixture's initial state (timed as "build"). */
  build(fx: ArenaFixture): void;
  /** The full state as one owned byte array. */
  encodeFull(): Uint8Array;
  /** Prepares a fresh, empty client (not timed). */
  newClient(): void;
  /** Decodes a full state into the fresh client. */
  decodeFull(bytes: Uint8Array): void;
  /** Ends the join: the changes made while building are dropped, so patches hold only ticks. */
  afterJoin(): void;
  /** The tick's 3 tracked writes per moved entity. */
  write(m: TickMoves): void;
  /**
   * The hot-loop write test: entities 0 to HOT-1 get x, y, angle written, `rounds` times over
   * (new values each round). Runs after verification; `commit` follows.
   */
  hotWrite(rounds: number): void;
  /** The tick's changes as one owned byte array. */
  encodePatch(): Uint8Array;
  /** Clears the tick's change records. */
  commit(): void;
  decodePatch(bytes: Uint8Array): void;
  /** Checks the client against the expected state; returns problems (empty when equal). */
  verify(expected: ArenaState): string[];
  /** Drops the state so the next build starts from nothing. */
  dispose(): void;
}

/** Entities written by the hot-loop test (as in shared/facts.md's table: 1,024 objects). */
export const HOT = 1024;

/** How a replica's value relates to the server's: f32 rounding, or within half a quantization step. */
export interface Projection {
  /** The value a replica must hold for server value `v` (before the tolerance). */
  readonly xy: (v: number) => number;
  readonly angle: (v: number) => number;
  /** Allowed |replica - expected| (0 for exact). */
  readonly xyTol: number;
  readonly angleTol: number;
}

export const F32_PROJECTION: Projection = { xy: Math.fround, angle: Math.fround, xyTol: 0, angleTol: 0 };

/** Quantized to `bits` over [min, max] and to `angleBits` over a turn: within half a step. */
export function quantProjection(min: number, max: number, bits: number, angleBits: number): Projection {
  return {
    xy: (v) => v,
    angle: (v) => v,
    xyTol: (max - min) / (2 ** bits - 1) / 2 + 1e-9,
    angleTol: (2 * Math.PI) / 2 ** angleBits / 2 + 1e-9,
  };
}

function angleDiff(a: number, b: number): number {
  const d = Math.abs(a - b) % (2 * Math.PI);
  return Math.min(d, 2 * Math.PI - d);
}

export interface ReplicaFields {
  x: number;
  y: number;
  angle: number;
  hp: number;
  name: string;
}

/** Compares one replica with entity `i` of the expected state; appends problems to `out`. */
export function checkEntity(label: string, r: ReplicaFields | undefined, s: ArenaState, i: number, p: Projection, out: string[]): void {
  if (out.length >= 5) return;
  if (r === undefined) {
    out.push(`${label}: entity ${i + 1} missing`);
    return;
  }
  const ex = p.xy(s.x[i]!);
  const ey = p.xy(s.y[i]!);
  const ea = p.angle(s.angle[i]!);
  const bad =
    Math.abs(r.x - ex) > p.xyTol ||
    Math.abs(r.y - ey) > p.xyTol ||
    (p.angleTol === 0 ? r.angle !== ea : angleDiff(r.angle, ea) > p.angleTol) ||
    r.hp !== s.hp[i] ||
    r.name !== s.name[i];
  if (bad) {
    out.push(
      `${label}: entity ${i + 1} is {x: ${r.x}, y: ${r.y}, angle: ${r.angle}, hp: ${r.hp}, name: ${r.name}}, ` +
        `expected {x: ${ex}, y: ${ey}, angle: ${ea}, hp: ${s.hp[i]}, name: ${s.name[i]}}`,
    );
  }
}
