import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import type { RoomScenario } from '../room-scenario.js';
import { checkEntity, type Projection, type ReplicaFields } from './target.js';

/**
 * One system serving many clients, each with its own window (see room-scenario.ts), driven
 * through the same phases by room-bench.ts. A target holds the server state, every client's view
 * on the server side, and every client's replica; `build` starts all of them afresh.
 */
export interface RoomTarget {
  readonly name: string;
  readonly description: string;
  /** Server state from the fixture's initial state, the clients and their windows (timed as "build"). */
  build(fx: ArenaFixture, sc: RoomScenario): void;
  /** Every client's first frame, with everything in its window (server side, timed as "join"). */
  join(): void;
  /** The tick's 3 tracked writes per moved entity (timed apart from the server tick). */
  write(m: TickMoves): void;
  /**
   * Everything else the server does in a tick to produce every client's frame: change tracking,
   * interest (who sees what) and encoding. Each frame is kept as an owned copy for `decode`.
   */
  serverTick(m: TickMoves): void;
  /**
   * Frames kept by the last `join` / `serverTick`, and their total bytes; `idle`: clients that
   * were due but had nothing to receive, so got no frame (netschema sends none: a replica is as
   * current as the tick without one). Every client gets one of the two each tick.
   */
  frames(): { count: number; bytes: number; idle?: number };
  /** Each kept frame decoded into its client's replica (timed as client decode). */
  decode(): void;
  /** Checks every client's replica against the expected state restricted to its window. */
  verify(expected: ArenaState, members: readonly Int32Array[]): string[];
  dispose(): void;
}

/**
 * Compares each client's replica with `members[c]`: exactly those entities, with the expected
 * values (through the projection). `size(c)` is the replica's entity count, `get(c, i)` its
 * entity of fixture index i.
 */
export function checkReplicas(
  label: string,
  members: readonly Int32Array[],
  expected: ArenaState,
  p: Projection,
  size: (c: number) => number,
  get: (c: number, i: number) => ReplicaFields | undefined,
): string[] {
  const out: string[] = [];
  for (let c = 0; c < members.length && out.length < 5; c++) {
    const m = members[c]!;
    // Same count and every expected entity present: the same set.
    if (size(c) !== m.length) out.push(`${label}: client ${c} has ${size(c)} entities, expected ${m.length} (its window)`);
    for (let k = 0; k < m.length; k++) checkEntity(`${label} client ${c}`, get(c, m[k]!), expected, m[k]!, p, out);
  }
  return out;
}
