import { ReplicaWorld, Writer, entityKey, FRAME_HEAD_BOUND, writeRoomFrameHead } from '@netschema/runtime';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import type { RoomScenario } from '../room-scenario.js';
import { EntityCodec, netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { checkReplicas, type RoomTarget } from './room-target.js';
import { F32_PROJECTION, type ReplicaFields } from './target.js';
import { applySent, SendBuffers } from '../send-buffers.js';
import { FloorGrid, MOVED, writeWhole } from './floor-parts.js';


/**
 * A floor, not a system: the least work this scenario's frames take in netschema's wire format,
 * for comparing what RoomCore does per tick with what any server must do. It is written for
 * this scenario alone: fixed square windows with no hysteresis, one class, every change a move,
 * every client due every tick, no owners, teams, budgets, pins, filters or history, no view
 * entries (a bit per (client, entity) says what the client has), and the changed entities
 * handed over as a list by the bench's writes instead of found by tracked setters.
 *
 * It still does the whole job, and its replicas are verified like the others:
 * - each changed entity's patch is encoded once and copied into every frame that needs it;
 * - each client scans the changes listed under the grid cells its window overlaps (cell edge:
 *   the window's half side, netschema's default here), so its cost follows what changes around it;
 * - with fixed windows and no hysteresis, a client has an entity exactly when it was inside its
 *   window at the last tick, so old and new positions decide entering and leaving, with no
 *   per-client state at all;
 * - entities entering a window go out whole, leaving ones as removals, in id order.
 */
export class FloorRoomTarget implements RoomTarget {
  readonly name = 'floor-f32';
  readonly description =
    'lower bound: a server written for this scenario alone (fixed windows, one class, no view entries), netschema wire format, verified replicas';
  private x = new Float64Array(0);
  private y = new Float64Array(0);
  private angle = new Float64Array(0);
  private hp = new Uint8Array(0);
  private names: readonly string[] = [];
  private sc: RoomScenario | null = null;
  private grid = new FloorGrid(1, 1);
  /** Each entity's grid cell. */
  private cellOf = new Int32Array(0);
  /** Each client's cells (indices into the grid). */
  private watched: Int32Array[] = [];
  private clients = 0;
  private words = 0;
  /** Each entity's position at the last tick. */
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private dirty = new Uint8Array(0);
  private changed = new Int32Array(0);
  private changedN = 0;
  // This tick's changes (k), in id order: entity, shared patch bytes, whole-entity bytes (lazy).
  private gI = new Int32Array(0);
  private gS = new Int32Array(0);
  private gE = new Int32Array(0);
  /** Old and new positions (x, y, x, y) and old cell, by change. */
  private gPos = new Float64Array(0);
  private gCell0 = new Int32Array(0);
  private eS = new Int32Array(0);
  private eE = new Int32Array(0);
  // Changes by cell: a linked list per cell, stamped with the tick.
  private stamp = new Int32Array(0);
  private head = new Int32Array(0);
  private nodeK = new Int32Array(0);
  private next = new Int32Array(0);
  // One client's frame in the making: bits of the changes it gets, which of them enter, removals.
  private bits = new Uint32Array(0);
  private enters = new Uint32Array(0);
  private leaving = new Int32Array(0);
  private readonly shared = new Writer(1 << 16);
  private readonly frame = new Writer(1 << 14);
  private tick = 0;
  private replicas: ReplicaWorld[] = [];
  private sent = new SendBuffers(0);
  private count = 0;
  private bytes = 0;

  build(fx: ArenaFixture, sc: RoomScenario): void {
    const s = fx.initial;
    const n = s.x.length;
    this.x = s.x.slice();
    this.y = s.y.slice();
    this.angle = s.angle.slice();
    this.hp = s.hp.slice();
    this.names = s.name;
    this.sc = sc;
    this.grid = new FloorGrid(sc.half, sc.worldSize);
    this.cellOf = new Int32Array(n);
    for (let i = 0; i < n; i++) this.cellOf[i] = this.grid.cellAt(this.x[i]!, this.y[i]!);
    const clients = sc.cx.length;
    this.clients = clients;
    this.words = Math.ceil(n / 32);
    this.px = s.x.slice();
    this.py = s.y.slice();
    this.gPos = new Float64Array(4 * n);
    this.gCell0 = new Int32Array(n);
    this.watched = [];
    for (let c = 0; c < clients; c++) this.watched.push(this.grid.watched(sc.cx[c]!, sc.cy[c]!, sc.half));
    this.dirty = new Uint8Array(n);
    this.changed = new Int32Array(n);
    this.changedN = 0;
    for (const a of ['gI', 'gS', 'gE', 'eS', 'eE'] as const) this[a] = new Int32Array(n);
    this.stamp = new Int32Array(this.grid.side * this.grid.side);
    this.head = new Int32Array(this.grid.side * this.grid.side);
    this.nodeK = new Int32Array(2 * n);
    this.next = new Int32Array(2 * n);
    this.bits = new Uint32Array(this.words);
    this.enters = new Uint32Array(this.words);
    this.leaving = new Int32Array(n);
    this.replicas = Array.from({ length: clients }, () => new ReplicaWorld(netschema));
    this.sent = new SendBuffers(clients);
    this.tick = 0;
  }

  private inside(c: number, i: number): boolean {
    const sc = this.sc!;
    return Math.abs(this.x[i]! - sc.cx[c]!) <= sc.half && Math.abs(this.y[i]! - sc.cy[c]!) <= sc.half;
  }

  /** An entity whole, as an entering entry's bytes. */
  private writeWhole(w: Writer, i: number): void {
    writeWhole(w, EntityCodec.id, this.x[i]!, this.y[i]!, this.angle[i]!, this.hp[i]!, this.names[i]!);
  }

  private header(w: Writer, reset: boolean): void {
    w.reset();
    w.reserve(FRAME_HEAD_BOUND);
    writeRoomFrameHead(w, this.tick, 0, reset);
  }

  join(): void {
    this.tick++;
    this.count = this.bytes = 0;
    const w = this.frame;
    for (let c = 0; c < this.clients; c++) {
      this.header(w, true);
      w.varuint(0);
      let n = 0;
      for (let i = 0; i < this.x.length; i++) if (this.inside(c, i)) n++;
      w.varuint(n);
      let prev = 0;
      for (let i = 0; i < this.x.length; i++) {
        if (!this.inside(c, i)) continue;
        w.reserve(8);
        w.varuint(entityKey(i + 1 - prev, 1));
        prev = i + 1;
        this.writeWhole(w, i);
      }
      this.keep(c, w.view_(0));
    }
  }

  write(m: TickMoves): void {
    const idx = m.idx;
    const v = m.xya;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      this.x[i] = v[3 * k]!;
      this.y[i] = v[3 * k + 1]!;
      this.angle[i] = v[3 * k + 2]!;
      // What a tracked setter does: note the entity once.
      if (this.dirty[i] === 0) {
        this.dirty[i] = 1;
        this.changed[this.changedN++] = i;
      }
    }
  }

  serverTick(): void {
    this.tick++;
    this.count = this.bytes = 0;
    const tick = this.tick;
    const n = this.changedN;
    this.changedN = 0;
    const changed = this.changed.subarray(0, n).sort();
    const sh = this.shared;
    sh.reset();
    const { gI, gS, gE, eS, gPos, gCell0, stamp, head, nodeK, next, cellOf } = this;
    // Each change once: its patch bytes, and its cell lists (the old cell too when it changed cells).
    let m = 0;
    for (let k = 0; k < n; k++) {
      const i = changed[k]!;
      this.dirty[i] = 0;
      gI[k] = i;
      eS[k] = -1;
      gS[k] = sh.pos;
      sh.reserve(16);
      sh.varuint(MOVED);
      sh.f32(this.x[i]!);
      sh.f32(this.y[i]!);
      sh.f32(this.angle[i]!);
      gE[k] = sh.pos;
      gPos[4 * k] = this.px[i]!;
      gPos[4 * k + 1] = this.py[i]!;
      gPos[4 * k + 2] = this.px[i] = this.x[i]!;
      gPos[4 * k + 3] = this.py[i] = this.y[i]!;
      const now = this.grid.cellAt(this.x[i]!, this.y[i]!);
      const before = cellOf[i]!;
      gCell0[k] = before;
      m = this.listUnder(now, k, m);
      if (before !== now) m = this.listUnder(before, k, m);
      cellOf[i] = now;
    }
    const sc = this.sc!;
    const bits = this.bits;
    const enters = this.enters;
    const leaving = this.leaving;
    const w = this.frame;
    const lastWord = (n + 31) >> 5;
    for (let c = 0; c < this.clients; c++) {
      const cx = sc.cx[c]!;
      const cy = sc.cy[c]!;
      const half = sc.half;
      let count = 0;
      let leftN = 0;
      const cells = this.watched[c]!;
      for (let q = 0; q < cells.length; q++) {
        const ci = cells[q]!;
        if (stamp[ci] !== tick) continue;
        for (let p = head[ci]!; p >= 0; p = next[p]!) {
          const k = nodeK[p]!;
          let dx = gPos[4 * k]! - cx;
          let dy = gPos[4 * k + 1]! - cy;
          const had = dx <= half && dx >= -half && dy <= half && dy >= -half;
          dx = gPos[4 * k + 2]! - cx;
          dy = gPos[4 * k + 3]! - cy;
          if (dx <= half && dx >= -half && dy <= half && dy >= -half) {
            const bit = 1 << (k & 31);
            if ((bits[k >> 5]! & bit) !== 0) continue; // listed under two of its cells
            bits[k >> 5]! |= bit;
            count++;
            if (!had) enters[k >> 5]! |= bit;
          } else if (had) {
            // It was in a cell this client watches, its old one: the removal goes from there only
            // (a change that changed cells is listed under both).
            if (gCell0[k] === ci) leaving[leftN++] = gI[k]! + 1;
          }
        }
      }
      this.header(w, false);
      w.reserve(8 + 5 * leftN);
      w.varuint(leftN);
      let prev = 0;
      for (let j = 0; j < leftN; j++) {
        w.varint(leaving[j]! - prev);
        prev = leaving[j]!;
      }
      w.reserve(8);
      w.varuint(count);
      prev = 0;
      for (let wd = 0; wd < lastWord; wd++) {
        let b = bits[wd]!;
        if (b === 0) continue;
        const e = enters[wd]!;
        bits[wd] = 0;
        enters[wd] = 0;
        while (b !== 0) {
          const low = b & -b;
          b ^= low;
          const t = 31 - Math.clz32(low);
          const k = (wd << 5) | t;
          const id = gI[k]! + 1;
          const enter = (e >>> t) & 1;
          let start = gS[k]!;
          let end = gE[k]!;
          if (enter !== 0) {
            // Whole, encoded once per tick for every client it enters.
            if (eS[k] === -1) {
              eS[k] = sh.pos;
              this.writeWhole(sh, gI[k]!);
              this.eE[k] = sh.pos;
            }
            start = eS[k]!;
            end = this.eE[k]!;
          }
          w.reserve(10 + end - start);
          const head = entityKey(id - prev, enter);
          prev = id;
          if (head < 128) w.buf[w.pos++] = head;
          else w.varuint(head);
          w.copyFrom(sh, start, end);
        }
      }
      this.keep(c, w.view_(0));
    }
  }

  /** Lists change k under cell `ci` as node m; returns the next free node. */
  private listUnder(ci: number, k: number, m: number): number {
    if (this.stamp[ci] !== this.tick) {
      this.stamp[ci] = this.tick;
      this.head[ci] = -1;
    }
    this.nodeK[m] = k;
    this.next[m] = this.head[ci]!;
    this.head[ci] = m;
    return m + 1;
  }

  private keep(c: number, frame: Uint8Array): void {
    this.sent.put(c, frame);
    this.count++;
    this.bytes += frame.length;
  }

  frames(): { count: number; bytes: number } {
    return { count: this.count, bytes: this.bytes };
  }

  decode(): void {
    applySent(this.sent, this.replicas);
  }

  verify(expected: ArenaState, members: readonly Int32Array[]): string[] {
    const reps = this.replicas;
    return checkReplicas(
      this.name,
      members,
      expected,
      F32_PROJECTION,
      (c) => reps[c]!.entities.size,
      (c, i) => reps[c]!.get(i + 1) as ReplicaFields | undefined,
    );
  }

  dispose(): void {
    this.replicas = [];
    this.sent = new SendBuffers(0);
  }
}

