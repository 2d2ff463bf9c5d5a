// Hold-table updates put off to the end of a walk: the fold's leaves and the moves' enters
// (`Interest.leaveSoon`, `enterSoon`). Each update looks an id up in its client's hold table, a
// cache miss in a table of them all; noted here, the lookups are read ahead in a loop of their
// own, so the misses overlap, before the updates are made in the order they came.
import type { RoomClient } from './records.js';
import { doubled } from './spatial-grid.js';

export class PendingHolds<D> {
  /** Each noted update's client, entity slot and entity id. */
  readonly clients: (RoomClient<D> | null)[] = [];
  slots = new Int32Array(64);
  ids = new Int32Array(64);
  n = 0;
  /** What `readAhead` read: kept so the reads are not optimized away. */
  private touched = 0;

  push(client: RoomClient<D>, slot: number, id: number): void {
    const n = this.n;
    if (n === this.slots.length) {
      this.slots = doubled(this.slots);
      this.ids = doubled(this.ids);
    }
    this.clients[n] = client;
    this.slots[n] = slot;
    this.ids[n] = id;
    this.n = n + 1;
  }

  /** Reads each noted id's home bucket in its client's hold table; returns how many are noted. */
  readAhead(): number {
    const cs = this.clients;
    const ids = this.ids;
    let touch = 0;
    for (let i = 0; i < this.n; i++) touch += cs[i]!.entries.touch(ids[i]!);
    this.touched = touch;
    return this.n;
  }

  /** Forgets every update, letting the clients go (one removed before the next tick is not kept alive here). */
  clear(): void {
    this.clients.fill(null, 0, this.n);
    this.n = 0;
  }
}
