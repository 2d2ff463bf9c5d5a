// The cell log. In a tick when every client is a box view the view alone decides (no hysteresis,
// no budget, recent frames), the fold does not list a changed entity for each of its viewers: it
// notes the entity once, under its grid cell, and each client's frame collects from the cells it
// watches the noted entities inside its box. With 1,000 clients of about 50 viewers per moved
// unit, that is one note instead of 50 list entries, and a frame reads a few short lists instead.
// Such a client knows exactly the entities inside its box (the view alone decides, and it enters
// and leaves at the same edge), so inside the box means known; a moved entity's leaves are found
// through its cell's watchers, as its enters are (EntityMoves.moveEntities).
import { HISTORY } from './change-history.js';
import { CROW, C_SA, C_SB, C_SC, C_X, C_Y, C_Z, type ClientTable } from './client-table.js';
import type { RoomClient } from './records.js';
import { empty } from './reused-arrays.js';
import { doubled } from './spatial-grid.js';

/** When ticks note by cell: the grid's `cellLog` option (see `GridOptions`). */
export type CellLogMode = 'auto' | 'always' | 'never';

/** Whether `v` is a `grid.cellLog` value, for the checks at `define` and at construction. */
export function isCellLogMode(v: unknown): v is CellLogMode {
  return v === 'auto' || v === 'always' || v === 'never';
}

const RING = HISTORY;
const MASK = RING - 1;

export class CellLog {
  /** The tick whose notes each ring slot holds (tick & MASK), or -1. */
  private readonly ticks = new Int32Array(RING).fill(-1);
  /** Per ring slot, by cell index: where the cell's notes start in the sealed arrays, and how many. */
  private readonly starts: Int32Array<ArrayBuffer>[] = [];
  private readonly lens: Int32Array<ArrayBuffer>[] = [];
  /** Per ring slot: the cells holding notes, to clear when the slot is reused. */
  private readonly touched: number[][] = [];
  /** Per ring slot, sealed: the notes' entity slots and positions (x, y, z), grouped by cell. */
  private readonly slots: Int32Array<ArrayBuffer>[] = [];
  private readonly pos: Float64Array<ArrayBuffer>[] = [];
  private readonly counts = new Int32Array(RING);
  /** This tick's notes as they come: cell index, entity slot, position. */
  private nCell = new Int32Array(256);
  private nSlot = new Int32Array(256);
  private nPos = new Float64Array(768);
  private tick = 0;
  private r = 0;
  /** Ticks in the ring whose changes were noted here rather than listed. */
  logged = 0;

  constructor(private readonly ctable: ClientTable) {
    for (let r = 0; r < RING; r++) {
      this.starts.push(new Int32Array(64));
      this.lens.push(new Int32Array(64));
      this.touched.push([]);
      this.slots.push(new Int32Array(256));
      this.pos.push(new Float64Array(768));
    }
  }

  /** A new tick: its ring slot drops the notes of the tick HISTORY ago. */
  begin(tick: number): void {
    this.tick = tick;
    const r = (this.r = tick & MASK);
    if (this.ticks[r]! >= 0) {
      this.ticks[r] = -1;
      this.logged--;
    }
    const lens = this.lens[r]!;
    const touched = this.touched[r]!;
    for (let i = 0; i < touched.length; i++) lens[touched[i]!] = 0;
    empty(touched);
    this.counts[r] = 0;
  }

  /** This tick's changes are noted here (the fold found every client a box view the view alone decides). */
  start(): void {
    this.ticks[this.r] = this.tick;
    this.logged++;
  }

  /** Notes a changed entity under the grid cell it is in now, at (x, y, z). */
  note(cellIndex: number, slot: number, x: number, y: number, z: number): void {
    const r = this.r;
    let lens = this.lens[r]!;
    if (cellIndex >= lens.length) {
      const size = Math.max(cellIndex + 1, lens.length * 2);
      lens = this.lens[r] = grownI32(lens, size);
      this.starts[r] = grownI32(this.starts[r]!, size);
    }
    const n = this.counts[r]!;
    if (n === this.nSlot.length) {
      this.nCell = doubled(this.nCell);
      this.nSlot = doubled(this.nSlot);
      const pos = new Float64Array(this.nSlot.length * 3);
      pos.set(this.nPos);
      this.nPos = pos;
    }
    this.nCell[n] = cellIndex;
    this.nSlot[n] = slot;
    this.nPos[n * 3] = x;
    this.nPos[n * 3 + 1] = y;
    this.nPos[n * 3 + 2] = z;
    if (lens[cellIndex] === 0) this.touched[r]!.push(cellIndex);
    lens[cellIndex] = lens[cellIndex]! + 1;
    this.counts[r] = n + 1;
  }

  /**
   * Groups this tick's notes by cell (a counting sort), once they are all in: a frame then reads
   * each watched cell's notes as one run of memory, not a chain of dependent loads. Returns
   * whether this tick noted its changes here.
   */
  seal(): boolean {
    const r = this.r;
    if (this.ticks[r] !== this.tick) return false;
    const n = this.counts[r]!;
    if (this.slots[r]!.length < n) {
      this.slots[r] = new Int32Array(this.nSlot.length);
      this.pos[r] = new Float64Array(this.nSlot.length * 3);
    }
    const starts = this.starts[r]!;
    const lens = this.lens[r]!;
    const touched = this.touched[r]!;
    let at = 0;
    for (let i = 0; i < touched.length; i++) {
      const ix = touched[i]!;
      starts[ix] = at;
      at += lens[ix]!;
    }
    // Each cell's notes in the order they came (id order): `starts` advances as they land, then goes back.
    const slots = this.slots[r]!;
    const pos = this.pos[r]!;
    for (let e = 0; e < n; e++) {
      const ix = this.nCell[e]!;
      const d = starts[ix]!;
      starts[ix] = d + 1;
      slots[d] = this.nSlot[e]!;
      pos[d * 3] = this.nPos[e * 3]!;
      pos[d * 3 + 1] = this.nPos[e * 3 + 1]!;
      pos[d * 3 + 2] = this.nPos[e * 3 + 2]!;
    }
    for (let i = 0; i < touched.length; i++) starts[touched[i]!] = starts[touched[i]!]! - lens[touched[i]!]!;
    return true;
  }

  /**
   * Lists in the client's direct list every entity noted after tick `after` in the cells it
   * watches where it was inside the client's box. An entity noted twice, or also listed by the
   * fold, is listed again: the frame's claim keeps each once. One noted inside the box that is
   * no longer known to the client left it since (moved out, or removed), and is in the client's
   * `leftSince`, which the claim also drops: so the note's own position serves, and the
   * entities' table rows, scattered in memory, are not read.
   */
  collect(client: RoomClient<unknown>, after: number): void {
    const CF = this.ctable.f64;
    const cb = client.slot * CROW;
    const vx = CF[cb + C_X]!;
    const vy = CF[cb + C_Y]!;
    const vz = CF[cb + C_Z]!;
    const ex = CF[cb + C_SA]!;
    const ey = CF[cb + C_SB]!;
    const ez = CF[cb + C_SC]!;
    const cells = client.watchedCells;
    const n0 = client.directN;
    let n = n0;
    let list = client.direct;
    const first = Math.max(after + 1, this.tick - MASK);
    for (let t = first; t <= this.tick; t++) {
      const r = t & MASK;
      if (this.ticks[r] !== t) continue;
      // Room for every note of the tick, so the walk below writes without checks.
      if (n + this.counts[r]! > list.length) {
        const grown = new Int32Array(Math.max(n + this.counts[r]!, list.length * 2));
        grown.set(list.subarray(0, n));
        list = client.direct = grown;
      }
      const starts = this.starts[r]!;
      const lens = this.lens[r]!;
      const slots = this.slots[r]!;
      const pos = this.pos[r]!;
      for (let i = 0; i < cells.length; i++) {
        const ix = cells[i]!.index;
        if (ix >= lens.length) continue;
        const end = starts[ix]! + lens[ix]!;
        for (let e = starts[ix]!; e < end; e++) {
          // Without branches: about half the notes of a watched cell lie inside the box, a coin
          // toss the branch predictor loses. Each is written, and kept by advancing past it.
          const inside = +(Math.abs(pos[e * 3]! - vx) <= ex) & +(Math.abs(pos[e * 3 + 1]! - vy) <= ey) & +(Math.abs(pos[e * 3 + 2]! - vz) <= ez);
          list[n] = slots[e]!;
          n += inside;
        }
      }
    }
    if (n > n0) {
      client.directN = n;
      // One tick's notes alone name each entity once (it is noted in one cell, watched once);
      // with more ticks, or entries listed before, repeats are possible: the claim looks for them.
      if (n0 === 0 && first === this.tick) client.directSince = this.tick;
      else client.directSince = -1;
    }
  }

  /** Every client collected what it needs (the room leaves this mode): no note is read again. */
  clear(): void {
    this.ticks.fill(-1);
    this.logged = 0;
  }
}

function grownI32(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(a);
  return grown;
}
