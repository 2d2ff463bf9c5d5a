// The shared run: the tick's public changes of the entities every client sees (global ones, or
// all of a room without a grid or filter), written once as a run of frame entries in id order
// and copied whole into the frame of every client that takes it (a rider). A rider's frame is
// its own entries, then the run; only the run's first key, a delta from the entry before it, is
// written per client. Colyseus-style fan-out, in the room frame as it is: entries apply in turn,
// so an owner's hidden fields of a run entity go in an entry of their own (wire-format §9.3).
import { entityKey } from '../protocol/room-frame.js';
import { Writer } from '../wire/writer.js';
import { C_FLAGS, CROW, RIDER, type ClientTable } from './client-table.js';
import type { DirectLists } from './direct-lists.js';
import { I_ID, ROW_I32, type EntityTable } from './entity-table.js';
import type { EntityRecord, RoomClient } from './records.js';
import { doubled } from './spatial-grid.js';
import type { SharedEncodings, Span } from './shared-encodings.js';

export class SharedRun {
  /** Entity slots in the run this tick, in id order, and how many. */
  private slots = new Int32Array(256);
  n = 0;
  /** Clients taking the run this tick. */
  riders = 0;
  /** The run's entries (keys and patches), written at the first rider's frame. */
  private readonly bytes = new Writer(1 << 12);
  /** Id of the run's first entity, and the run's bytes after its first key (a view made once per tick). */
  firstId = 0;
  rest: Uint8Array = new Uint8Array(0);
  private encoded = false;
  /** The tick each slot was last put in the run. */
  private inRun = new Int32Array(1024);
  private tick = 0;
  private readonly span: Span = { src: new Writer(0), start: 0, end: 0 };

  constructor(
    private readonly table: EntityTable<EntityRecord>,
    private readonly ctable: ClientTable,
    private readonly enc: SharedEncodings,
    private readonly direct: DirectLists,
  ) {}

  begin(tick: number): void {
    this.tick = tick;
    this.n = 0;
    this.riders = 0;
    this.encoded = false;
  }

  /** Makes a client a rider for this tick (the fold decides who qualifies). */
  board(client: RoomClient<unknown>): void {
    client.rider = true;
    this.riders++;
  }

  /** Adds a changed entity (its slot) to the run; the fold adds them in id order. */
  push(slot: number): void {
    if (this.n === this.slots.length) this.slots = doubled(this.slots);
    this.slots[this.n++] = slot;
    if (slot >= this.inRun.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.inRun.length * 2));
      grown.set(this.inRun);
      this.inRun = grown;
    }
    this.inRun[slot] = this.tick;
  }

  /** Whether an entity slot is in this tick's run. */
  has(slot: number): boolean {
    return this.n > 0 && slot < this.inRun.length && this.inRun[slot] === this.tick;
  }

  /** Whether this client's frame carries the run. */
  carries(client: RoomClient<unknown>): boolean {
    return client.rider && this.n > 0;
  }

  /**
   * Encodes the run once per tick: each entity's public changes of this tick (the bytes shared
   * with any other client whose last frame was the last tick), keyed by id deltas from 0.
   */
  encode(): void {
    if (this.encoded) return;
    const w = this.bytes;
    w.reset();
    const I = this.table.i32;
    const span = this.span;
    let prev = 0;
    let first = 0;
    for (let k = 0; k < this.n; k++) {
      const slot = this.slots[k]!;
      this.enc.openSlice(slot, this.tick - 1, span);
      const id = I[slot * ROW_I32 + I_ID]!;
      w.reserve(10);
      w.varuint(entityKey(id - prev, 0));
      if (k === 0) {
        this.firstId = id;
        first = w.pos;
      }
      prev = id;
      w.copyFrom(span.src, span.start, span.end);
    }
    this.rest = w.buf.subarray(first, w.pos);
    this.encoded = true;
  }

  /**
   * The client stops riding (an entity of the run left its view, or its frame was not built):
   * if it has not had its frame this tick, the run's entities are listed for it instead.
   */
  alight(client: RoomClient<unknown>): void {
    if (!client.rider) return;
    client.rider = false;
    this.riders--;
    const f = client.slot * CROW + C_FLAGS;
    this.ctable.f64[f] = this.ctable.f64[f]! & ~RIDER;
    if (client.frameTick === this.tick) return;
    for (let k = 0; k < this.n; k++) this.direct.list(client, this.slots[k]!);
  }
}
