import { describe, expect, it } from 'vitest';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import * as arena from '@netschema/test-fixtures/schemas/arena.netschema';
import { Rng } from '@netschema/test-fixtures/support/rng';
import { AxisOrder, CellOrders, StripFinder } from '../src/room/axis-order.js';
import type { SpatialGrid } from '../src/room/spatial-grid.js';
import { expectHoldsView } from './support/view-membership.js';

// A view that moves a little reads only the cells along its edges, and in a crowded cell only
// the entities in the strips between its old and new edges, found in the cell's axis orders.

describe('AxisOrder (a cell sorted along one axis)', () => {
  it('stays sorted, with ranks and indices in step, through adds, moves and swap-removals', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new Rng(seed);
      // The cell: coordinates by index, removal moving the last index into the hole (as GridCell does).
      const xs: number[] = [];
      const order = new AxisOrder();
      const pos = new Float64Array(0);
      order.build(pos, 0, 0);
      for (let step = 0; step < 400; step++) {
        const roll = rng.nextInt(0, 9);
        if (roll < 3 || xs.length === 0) {
          // Some land on equal values, some have no place (NaN).
          const x = rng.nextInt(0, 5) === 0 ? NaN : rng.nextInt(0, 3) === 0 ? 50 : rng.nextDouble() * 100;
          xs.push(x);
          order.add(xs.length - 1, x);
        } else if (roll < 5) {
          const i = rng.nextInt(0, xs.length - 1);
          const last = xs.length - 1;
          order.remove(i, last);
          xs[i] = xs[last]!;
          xs.pop();
        } else {
          const i = rng.nextInt(0, xs.length - 1);
          xs[i] = rng.nextInt(0, 9) === 0 ? rng.nextDouble() * 100 : xs[i]! + (rng.nextDouble() - 0.5) * 4;
          order.move(i, xs[i]!);
        }
        expect(order.size).toBe(xs.length);
        const seen = new Set<number>();
        let prev = -Infinity;
        for (let r = 0; r < order.size; r++) {
          const i = order.indexAt(r);
          seen.add(i);
          const x = Number.isNaN(xs[i]!) ? Infinity : xs[i]!;
          expect(x, `seed ${seed} step ${step} rank ${r}`).toBeGreaterThanOrEqual(prev);
          prev = x;
        }
        expect(seen.size).toBe(xs.length);
        // lowerBound agrees with a count of what lies below.
        const probe = rng.nextDouble() * 100;
        expect(order.lowerBound(probe)).toBe(xs.filter((x) => x < probe).length);
      }
      // Built from scratch, the same order.
      const built = new Float64Array(xs.length * 3);
      xs.forEach((x, i) => (built[i * 3] = x));
      const fresh = new AxisOrder();
      fresh.build(built, 0, xs.length);
      for (let r = 0; r < xs.length; r++) expect(Number.isNaN(xs[fresh.indexAt(r)]!) ? Infinity : xs[fresh.indexAt(r)]).toBe(Number.isNaN(xs[order.indexAt(r)]!) ? Infinity : xs[order.indexAt(r)]);
    }
  });
});

describe('StripFinder (what a move leaves or uncovers in a cell)', () => {
  it('finds every entity inside box A and outside box B, each once, among boxes that overlap, touch or miss', () => {
    let sought = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const rng = new Rng(seed);
      const n = rng.nextInt(0, 80);
      const pos = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        pos[i * 3] = rng.nextDouble() * 50;
        pos[i * 3 + 1] = rng.nextDouble() * 50;
      }
      const orders = new CellOrders();
      orders.build(pos, n);
      const strips = new StripFinder();
      for (let m = 0; m < 20; m++) {
        const ax = rng.nextDouble() * 50;
        const ay = rng.nextDouble() * 50;
        const ah = rng.nextDouble() * 30;
        const big = rng.nextInt(0, 4) === 0;
        const bx = big ? rng.nextDouble() * 50 : ax + (rng.nextDouble() - 0.5) * 4;
        const by = big ? rng.nextDouble() * 50 : ay + (rng.nextDouble() - 0.5) * 4;
        const bh = rng.nextInt(0, 2) === 0 ? ah : rng.nextDouble() * 30;
        // Some entities sit exactly on an edge of either box.
        if (n > 0 && rng.nextInt(0, 1) === 0) {
          const i = rng.nextInt(0, n - 1);
          pos[i * 3] = rng.nextInt(0, 1) === 0 ? ax - ah : bx + bh;
          orders.byX.move(i, pos[i * 3]!);
        }
        strips.boxes.set([ax - ah, ax + ah, bx - bh, bx + bh, ay - ah, ay + ah, by - bh, by + bh]);
        const k = strips.find(orders, pos);
        const found = [...strips.out.subarray(0, k)];
        expect(new Set(found).size, `seed ${seed}: found one twice`).toBe(found.length);
        for (let i = 0; i < n; i++) {
          const x = pos[i * 3]!;
          const y = pos[i * 3 + 1]!;
          const inA = Math.abs(x - ax) <= ah && Math.abs(y - ay) <= ah;
          const inB = Math.abs(x - bx) <= bh && Math.abs(y - by) <= bh;
          if (inA && !inB) {
            expect(found, `seed ${seed} move ${m}: entity ${i} at (${x}, ${y})`).toContain(i);
            sought++;
          }
        }
      }
    }
    expect(sought).toBeGreaterThan(2000);
  });
});

describe('views that move over crowded cells', () => {
  it('every client holds exactly the entities inside its box, tick after tick, as views follow, jump and resize', () => {
    const rng = new Rng(3);
    // 3,000 entities over cells of 40 in a 400 × 400 world: about 30 a cell, so moving views read
    // the strips of their moves in the cells' axis orders.
    const room = new RoomCore<Entity, number>({ schema: arena, grid: { cellSize: 40 } });
    const reps = new Map<number, ReplicaWorld>();
    const clients: RoomClient<number>[] = [];
    for (let i = 0; i < 24; i++) {
      clients.push(room.addClient(i, { view: { x: rng.nextDouble() * 400, y: rng.nextDouble() * 400, halfWidth: 60, halfHeight: 60, hysteresis: 0 } }));
      reps.set(i, new ReplicaWorld(arena));
    }
    const es: Entity[] = [];
    for (let i = 0; i < 3000; i++) {
      const e = new Entity();
      e.x = rng.nextDouble() * 400;
      e.y = rng.nextDouble() * 400;
      // Crowds: many on one value of x or y, where strips end.
      if (i % 10 === 0) e.x = 200;
      es.push(room.add(e));
    }
    let checked = 0;
    for (let t = 1; t <= 60; t++) {
      for (let k = 0; k < 300; k++) {
        const e = es[rng.nextInt(0, es.length - 1)]!;
        e.x = Math.min(400, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 8));
        e.y = Math.min(400, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 8));
      }
      // Some leave and some come: cells lose and gain entities between reads.
      for (let k = 0; k < 5; k++) {
        const at = rng.nextInt(0, es.length - 1);
        room.remove(es[at]!);
        const e = new Entity();
        e.x = rng.nextDouble() * 400;
        e.y = rng.nextDouble() * 400;
        es[at] = room.add(e);
      }
      for (const c of clients) {
        const s = c.shape;
        const roll = rng.nextInt(0, 19);
        if (roll === 0) c.moveView(rng.nextDouble() * 400, rng.nextDouble() * 400);
        else if (roll === 1) c.setView({ x: s.x, y: s.y, halfWidth: 40 + rng.nextDouble() * 40, halfHeight: 40 + rng.nextDouble() * 40, hysteresis: 0 });
        // Most step a little, some onto an entity's coordinate exactly.
        else if (roll === 2) c.moveView(es[rng.nextInt(0, es.length - 1)]!.x + s.hx, s.y);
        else c.moveView(s.x + (rng.nextDouble() - 0.5) * 6, s.y + (rng.nextDouble() - 0.5) * 6);
      }
      room.update(t * 50, (c, f) => reps.get(c.data)!.apply(f));
      for (const c of clients) {
        expectHoldsView(room, c, reps.get(c.data)!, es, `at tick ${t}`);
        checked++;
      }
    }
    expect(checked).toBe(60 * 24);
    // The strips were read: crowded cells keep their axis orders.
    const grid = (room as unknown as { grid: SpatialGrid<unknown, unknown> }).grid;
    expect([...grid.cells.values()].filter((cell) => cell.keepsOrders).length).toBeGreaterThan(10);
  });
});
