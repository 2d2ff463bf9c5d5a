import { expect } from 'vitest';
import type { ReplicaWorld, RoomClient, RoomCore } from '@netschema/runtime';

/** What a view-membership check needs of a room's entities: a position. */
interface Placed {
  x: number;
  y: number;
}

/** The ids of the entities inside a client's view, ascending: what its replica must hold. */
export function idsInView<E extends Placed & object>(room: RoomCore<E, number>, c: RoomClient<number>, entities: readonly E[]): number[] {
  return entities
    .filter((e) => c.inView(e.x, e.y))
    .map((e) => room.world.idOf(e))
    .sort((a, b) => a - b);
}

/** Expects a client's replica to hold exactly the entities inside its view; `at` names the moment in a failure. */
export function expectHoldsView<E extends Placed & object>(room: RoomCore<E, number>, c: RoomClient<number>, rep: ReplicaWorld, entities: readonly E[], at: string): void {
  expect([...rep.entities.keys()].sort((a, b) => a - b), `client ${c.data} ${at}`).toEqual(idsInView(room, c, entities));
}
