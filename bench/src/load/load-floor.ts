import { FRAME_HEAD_BOUND, Writer, entityKey, writeRoomFrameHead } from '@netschema/runtime';
import { Unit } from '../schemas/load.netschema.js';
import { FloorGrid, MOVED, writeWhole } from '../targets/floor-parts.js';
/** Ticks of change lists kept: a client looks back over the ticks since its last frame. */
const RING = 4;

export interface LoadFloorOptions {
  x: Float64Array;
  y: Float64Array;
  angle: Float64Array;
  hp: Uint8Array;
  names: readonly string[];
  /** Each client's box centre; every box has half side `half`. */
  cx: Float64Array;
  cy: Float64Array;
  half: number;
  world: number;
  /** Ticks between a client's frames (tick rate / frame rate): client c is due when tick % period === c % period. */
  period: number;
}

/**
 * A floor, not a system: the least work `bench:load`'s room does per tick, in netschema's wire
 * format, for setting the room core's cost beside what any server must do. Written for that
 * scenario alone: fixed square views with no hysteresis, one class, every change a move, clients
 * due on fixed ticks (`period` apart, spread evenly), no owners, budgets, pins or filters, and
 * the tick's moves handed over as a list instead of found by tracked setters.
 *
 * It still does the whole job, and its replicas are verified:
 * - each moved unit's patch and whole bytes are encoded at most once per tick, copied into every
 *   frame that needs them;
 * - a tick's moves are listed under the grid cells they left and entered (cell edge: the views'
 *   half side, as in bench:load), and a client due now walks, for each tick since its last frame,
 *   the lists of the cells its view overlaps: its cost follows what changed around it;
 * - with fixed views and no hysteresis a client holds a unit exactly when it was inside the view
 *   at its last frame, so the unit's position then (before its first move since) and now decide
 *   patch, enter or leave, with no per-client state but the tick of its last frame.
 */
export class LoadFloor {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly angle: Float64Array;
  private readonly hp: Uint8Array;
  private readonly names: readonly string[];
  private readonly cx: Float64Array;
  private readonly cy: Float64Array;
  private readonly half: number;
  private readonly grid: FloorGrid;
  private readonly period: number;
  private readonly clients: number;
  private readonly watched: Int32Array[] = [];
  private readonly last: Int32Array;
  private tick = 0;
  /** The tick each unit last moved in: only its first move of a tick is listed, with where it was before. */
  private readonly movedAt: Int32Array;
  /** The tick each ring slot holds. */
  private readonly ringTick = new Int32Array(RING).fill(-1);
  private readonly ring: { unit: Int32Array; ox: Float64Array; oy: Float64Array; n: number; stamp: Int32Array; head: Int32Array; nodeK: Int32Array; next: Int32Array }[] = [];
  // One frame in the making: units seen (stamped with the frame), entries and removals.
  private readonly seen: Int32Array;
  private seenMark = 0;
  private readonly ents: Int32Array;
  private readonly entering: Uint8Array;
  private readonly leaving: Int32Array;
  // Each unit's bytes this tick, encoded on first use.
  private readonly patchTick: Int32Array;
  private readonly patchS: Int32Array;
  private readonly patchE: Int32Array;
  private readonly wholeTick: Int32Array;
  private readonly wholeS: Int32Array;
  private readonly wholeE: Int32Array;
  private readonly shared = new Writer(1 << 16);
  private readonly frame = new Writer(1 << 14);

  constructor(o: LoadFloorOptions) {
    const n = o.x.length;
    this.x = o.x;
    this.y = o.y;
    this.angle = o.angle;
    this.hp = o.hp;
    this.names = o.names;
    this.cx = o.cx;
    this.cy = o.cy;
    this.half = o.half;
    this.period = o.period;
    this.grid = new FloorGrid(o.half, o.world);
    this.clients = o.cx.length;
    this.last = new Int32Array(this.clients);
    for (let c = 0; c < this.clients; c++) this.watched.push(this.grid.watched(o.cx[c]!, o.cy[c]!, o.half));
    const cells = this.grid.side * this.grid.side;
    for (let r = 0; r < RING; r++) {
      this.ring.push({ unit: new Int32Array(n), ox: new Float64Array(n), oy: new Float64Array(n), n: 0, stamp: new Int32Array(cells).fill(-1), head: new Int32Array(cells), nodeK: new Int32Array(2 * n), next: new Int32Array(2 * n) });
    }
    this.movedAt = new Int32Array(n).fill(-1);
    this.seen = new Int32Array(n);
    this.ents = new Int32Array(n);
    this.entering = new Uint8Array(n);
    this.leaving = new Int32Array(n);
    this.patchTick = new Int32Array(n).fill(-1);
    this.patchS = new Int32Array(n);
    this.patchE = new Int32Array(n);
    this.wholeTick = new Int32Array(n).fill(-1);
    this.wholeS = new Int32Array(n);
    this.wholeE = new Int32Array(n);
  }

  private inside(c: number, x: number, y: number): boolean {
    const dx = x - this.cx[c]!;
    const dy = y - this.cy[c]!;
    return dx <= this.half && dx >= -this.half && dy <= this.half && dy >= -this.half;
  }

  private writeWhole(w: Writer, i: number): void {
    writeWhole(w, Unit.$id, this.x[i]!, this.y[i]!, this.angle[i]!, this.hp[i]!, this.names[i]!);
  }

  /** Tick 0: every client's first frame, whole (not part of what is timed). */
  join(sink: (client: number, frame: Uint8Array) => void): void {
    const w = this.frame;
    for (let c = 0; c < this.clients; c++) {
      w.reset();
      w.reserve(FRAME_HEAD_BOUND);
      writeRoomFrameHead(w, 0, 0, true);
      w.varuint(0);
      let n = 0;
      for (let i = 0; i < this.x.length; i++) if (this.inside(c, this.x[i]!, this.y[i]!)) n++;
      w.varuint(n);
      let prev = 0;
      for (let i = 0; i < this.x.length; i++) {
        if (!this.inside(c, this.x[i]!, this.y[i]!)) continue;
        w.reserve(8);
        w.varuint(entityKey(i + 1 - prev, 1));
        prev = i + 1;
        this.writeWhole(w, i);
      }
      sink(c, w.view_(0));
    }
  }

  /** Moves unit i (before `update`); a unit moved twice in a tick keeps its position before the first. */
  move(i: number, x: number, y: number, angle: number): void {
    const t = this.tick + 1;
    if (this.movedAt[i] !== t) {
      this.movedAt[i] = t;
      const r = this.ring[t % RING]!;
      if (this.ringTick[t % RING] !== t) {
        r.n = 0;
        this.ringTick[t % RING] = t;
      }
      r.unit[r.n] = i;
      r.ox[r.n] = this.x[i]!;
      r.oy[r.n] = this.y[i]!;
      r.n++;
    }
    this.x[i] = x;
    this.y[i] = y;
    this.angle[i] = angle;
  }

  /** One tick: the moves are listed under their cells, then every due client gets its frame. */
  update(sink: (client: number, frame: Uint8Array) => void): void {
    const t = ++this.tick;
    const slot = t % RING;
    const r = this.ring[slot]!;
    if (this.ringTick[slot] !== t) {
      r.n = 0;
      this.ringTick[slot] = t;
    }
    let m = 0;
    for (let k = 0; k < r.n; k++) {
      const i = r.unit[k]!;
      const before = this.grid.cellAt(r.ox[k]!, r.oy[k]!);
      const now = this.grid.cellAt(this.x[i]!, this.y[i]!);
      m = this.listUnder(r, now, k, m);
      if (before !== now) m = this.listUnder(r, before, k, m);
    }
    this.shared.reset();
    const w = this.frame;
    for (let c = t % this.period; c < this.clients; c += this.period) {
      const mark = ++this.seenMark;
      let count = 0;
      let leftN = 0;
      const cells = this.watched[c]!;
      for (let tt = Math.max(this.last[c]! + 1, t - RING + 1); tt <= t; tt++) {
        const q = this.ring[tt % RING]!;
        if (this.ringTick[tt % RING] !== tt) continue;
        for (let ci = 0; ci < cells.length; ci++) {
          const cell = cells[ci]!;
          if (q.stamp[cell] !== tt) continue;
          for (let p = q.head[cell]!; p >= 0; p = q.next[p]!) {
            const k = q.nodeK[p]!;
            const i = q.unit[k]!;
            if (this.seen[i] === mark) continue;
            this.seen[i] = mark;
            // Its first move since this client's last frame: where it was then, and where it is now.
            const had = this.inside(c, q.ox[k]!, q.oy[k]!);
            if (this.inside(c, this.x[i]!, this.y[i]!)) {
              this.entering[i] = had ? 0 : 1;
              this.ents[count++] = i;
            } else if (had) this.leaving[leftN++] = i + 1;
          }
        }
      }
      this.last[c] = t;
      if (count === 0 && leftN === 0) continue;
      const ents = this.ents.subarray(0, count).sort();
      const left = this.leaving.subarray(0, leftN).sort();
      w.reset();
      w.reserve(FRAME_HEAD_BOUND + 8 + 5 * leftN);
      writeRoomFrameHead(w, t, 0, false);
      w.varuint(leftN);
      let prev = 0;
      for (let j = 0; j < leftN; j++) {
        w.varint(left[j]! - prev);
        prev = left[j]!;
      }
      w.varuint(count);
      prev = 0;
      const sh = this.shared;
      for (let j = 0; j < count; j++) {
        const i = ents[j]!;
        const enter = this.entering[i]!;
        let start: number;
        let end: number;
        if (enter) {
          if (this.wholeTick[i] !== t) {
            this.wholeTick[i] = t;
            this.wholeS[i] = sh.pos;
            this.writeWhole(sh, i);
            this.wholeE[i] = sh.pos;
          }
          start = this.wholeS[i]!;
          end = this.wholeE[i]!;
        } else {
          if (this.patchTick[i] !== t) {
            this.patchTick[i] = t;
            this.patchS[i] = sh.pos;
            sh.reserve(16);
            sh.varuint(MOVED);
            sh.f32(this.x[i]!);
            sh.f32(this.y[i]!);
            sh.f32(this.angle[i]!);
            this.patchE[i] = sh.pos;
          }
          start = this.patchS[i]!;
          end = this.patchE[i]!;
        }
        w.reserve(10 + end - start);
        const head = entityKey(i + 1 - prev, enter);
        prev = i + 1;
        if (head < 128) w.buf[w.pos++] = head;
        else w.varuint(head);
        w.copyFrom(sh, start, end);
      }
      sink(c, w.view_(0));
    }
  }

  /** Lists move k under cell `cell` as node m; returns the next free node. */
  private listUnder(r: (typeof this.ring)[number], cell: number, k: number, m: number): number {
    const t = this.tick;
    if (r.stamp[cell] !== t) {
      r.stamp[cell] = t;
      r.head[cell] = -1;
    }
    r.nodeK[m] = k;
    r.next[m] = r.head[cell]!;
    r.head[cell] = m;
    return m + 1;
  }
}
