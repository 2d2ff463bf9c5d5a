import { describe, expect, it } from 'vitest';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import * as arena from '@netschema/test-fixtures/schemas/arena.netschema';
import { Rng } from '@netschema/test-fixtures/support/rng';
import { VIEW_FIELDS, ViewEdges } from '../src/room/view-edges.js';
import type { SpatialGrid } from '../src/room/spatial-grid.js';
import { expectHoldsView, idsInView } from './support/view-membership.js';

const inBox = (v: Float64Array, i: number, x: number, y: number, z: number) => {
  const o = i * VIEW_FIELDS;
  return Math.abs(x - v[o]!) <= v[o + 3]! && Math.abs(y - v[o + 1]!) <= v[o + 4]! && Math.abs(z - v[o + 2]!) <= v[o + 5]!;
};

describe('ViewEdges (a cell box views by their edges)', () => {
  it('finds every view a move entered, among views and moves that land on edges exactly', () => {
    let entered = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rng = new Rng(seed);
      const count = rng.nextInt(1, 60);
      const views = new Float64Array(count * VIEW_FIELDS);
      for (let i = 0; i < count; i++) {
        const o = i * VIEW_FIELDS;
        // Some views are not boxes (NaN centre): listed apart, never returned as candidates.
        views[o] = rng.nextInt(0, 9) === 0 ? NaN : rng.nextDouble() * 100;
        views[o + 1] = rng.nextDouble() * 100;
        views[o + 2] = rng.nextInt(0, 1) === 0 ? 0 : rng.nextDouble() * 10;
        views[o + 3] = rng.nextDouble() * 30;
        views[o + 4] = rng.nextDouble() * 30;
        views[o + 5] = rng.nextInt(0, 1) === 0 ? Infinity : rng.nextDouble() * 5;
      }
      const edges = new ViewEdges();
      edges.build(views, count);
      const boxes = [...Array(count).keys()].filter((i) => !Number.isNaN(views[i * VIEW_FIELDS]));
      expect([...edges.others.subarray(0, edges.othersN)].sort((a, b) => a - b)).toEqual([...Array(count).keys()].filter((i) => !boxes.includes(i)));
      for (let m = 0; m < 300; m++) {
        let fx = rng.nextDouble() * 100;
        let fy = rng.nextDouble() * 100;
        const fz = rng.nextDouble() * 10;
        // Often start or end right on a view's edge, where rounding decides.
        if (boxes.length > 0 && rng.nextInt(0, 2) === 0) {
          const o = boxes[rng.nextInt(0, boxes.length - 1)]! * VIEW_FIELDS;
          fx = views[o]! + (rng.nextInt(0, 1) === 0 ? -1 : 1) * views[o + 3]!;
          fy = views[o + 1]! + (rng.nextInt(0, 1) === 0 ? -1 : 1) * views[o + 4]!;
        }
        const step = rng.nextInt(0, 3) === 0 ? 1e-12 : 4;
        const x = fx + (rng.nextDouble() - 0.5) * 2 * step;
        const y = rng.nextInt(0, 3) === 0 ? fy : fy + (rng.nextDouble() - 0.5) * 2 * step;
        const z = rng.nextInt(0, 3) === 0 ? fz : fz + (rng.nextDouble() - 0.5) * step;
        const n = edges.candidates(Float64Array.of(fx, fy, fz), 0, Float64Array.of(x, y, z), 0);
        const found = new Set(edges.hits.subarray(0, n));
        for (const i of found) expect(boxes).toContain(i);
        for (const i of boxes) {
          if (inBox(views, i, x, y, z) && !inBox(views, i, fx, fy, fz)) {
            expect(found.has(i), `seed ${seed} move ${m}: view ${i} entered but not found`).toBe(true);
            entered++;
          }
        }
      }
    }
    expect(entered).toBeGreaterThan(500);
  });

  it('returns no candidates for an entity that did not move', () => {
    const views = new Float64Array([10, 10, 0, 5, 5, 5, 20, 20, 0, 5, 5, 5]);
    const edges = new ViewEdges();
    edges.build(views, 2);
    expect(edges.candidates(Float64Array.of(10, 5, 0), 0, Float64Array.of(10, 5, 0), 0)).toBe(0);
  });
});

describe('moved entities found through the edge index', () => {
  // Listed per viewer, the fold finds the views a moved entity left; noted by cell, the edge index does (`exits`).
  it.each(['never', 'always'] as const)('every client of a crowded grid holds exactly the entities inside its box view, tick after tick (cellLog %s)', (cellLog) => {
    const rng = new Rng(7);
    // Box views of half side 40 over cells of 40 in a 200 × 200 world: 120 clients put about 40
    // box views on every cell, so cells index their views' edges once entities have moved.
    const room = new RoomCore<Entity, number>({ schema: arena, grid: { cellSize: 40, cellLog } });
    const reps = new Map<number, ReplicaWorld>();
    const clients = Array.from({ length: 120 }, (_, i) => {
      const c = room.addClient(i, { view: { x: rng.nextDouble() * 200, y: rng.nextDouble() * 200, halfWidth: 40, halfHeight: 40, hysteresis: 0 } });
      reps.set(i, new ReplicaWorld(arena));
      return c;
    });
    const es: Entity[] = [];
    for (let i = 0; i < 300; i++) {
      const e = new Entity();
      e.x = rng.nextDouble() * 200;
      e.y = rng.nextDouble() * 200;
      es.push(room.add(e));
    }
    let now = 0;
    let checked = 0;
    for (let t = 0; t < 80; t++) {
      // Midway some views move a little: their cells' indexes must not serve the old views.
      if (t === 40) for (const c of clients.slice(0, 30)) c.moveView(c.shape.x + rng.nextDouble() * 6 - 3, c.shape.y + rng.nextDouble() * 6 - 3);
      for (let k = 0; k < 60; k++) {
        const e = es[rng.nextInt(0, es.length - 1)]!;
        // Small steps, some onto a view's edge exactly.
        if (rng.nextInt(0, 4) === 0) {
          const c = clients[rng.nextInt(0, clients.length - 1)]!;
          e.x = c.shape.x + (rng.nextInt(0, 1) === 0 ? -40 : 40);
        } else e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 6));
        e.y = Math.min(200, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 6));
      }
      now += 50;
      room.update(now, (c, f) => reps.get(c.data)!.apply(f));
      for (const c of clients) {
        expectHoldsView(room, c, reps.get(c.data)!, es, `at tick ${t}`);
        checked++;
      }
    }
    expect(checked).toBe(80 * 120);
    // The index was in use: some cell built one and kept it.
    const grid = (room as unknown as { grid: SpatialGrid<unknown, unknown> }).grid;
    expect([...grid.cells.values()].some((cell) => cell.edgesFresh)).toBe(true);
    expect(room.stats.cellLogTicks > 0).toBe(cellLog === 'always');
  });
});

describe('changes noted by cell (grid cellLog)', () => {
  /**
   * A room of `clients` box views of half side `half` over a 200 × 200 world, its entities moving:
   * checks that every replica holds exactly its view, position for position, and returns the
   * room and how many positions it checked.
   */
  function run(clients: number, half: number, cellLog?: 'auto' | 'always' | 'never', rates = [60, 20, 15]): { room: RoomCore<Entity, number>; checked: number } {
    const rng = new Rng(11);
    const room = new RoomCore<Entity, number>({ schema: arena, grid: { cellSize: 50, ...(cellLog ? { cellLog } : {}) } });
    const reps = new Map<number, ReplicaWorld>();
    const cs = Array.from({ length: clients }, (_, i) => {
      reps.set(i, new ReplicaWorld(arena));
      return room.addClient(i, { rate: rates[i % rates.length]!, view: { x: rng.nextDouble() * 200, y: rng.nextDouble() * 200, halfWidth: half, halfHeight: half, hysteresis: 0 } });
    });
    const es = Array.from({ length: 200 }, () => {
      const e = new Entity();
      e.x = rng.nextDouble() * 200;
      e.y = rng.nextDouble() * 200;
      return room.add(e);
    });
    for (let t = 1; t <= 60; t++) {
      for (let k = 0; k < 40; k++) {
        const e = es[rng.nextInt(0, es.length - 1)]!;
        e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 10));
        e.y = Math.min(200, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 10));
      }
      room.update(t * 1000 / 60, (c, f) => reps.get(c.data)!.apply(f));
    }
    // Every client's next frame carries what changed since its last: then each replica is exact.
    for (let t = 61; t <= 64; t++) room.update(t * 1000 / 60, (c, f) => reps.get(c.data)!.apply(f));
    return { room, checked: checkReplicas(room, cs, es, reps) };
  }

  /** Checks that every replica holds exactly its client's view, position for position; returns how many positions it checked. */
  function checkReplicas(room: RoomCore<Entity, number>, cs: RoomClient<number>[], es: Entity[], reps: Map<number, ReplicaWorld>): number {
    let checked = 0;
    for (const c of cs) {
      const rep = reps.get(c.data)!;
      expectHoldsView(room, c, rep, es, 'after the last frames');
      const want = idsInView(room, c, es);
      for (const e of es) {
        const id = room.world.idOf(e);
        if (!want.includes(id)) continue;
        const r = rep.get(id) as unknown as { x: number; y: number };
        expect([r.x, r.y], `client ${c.data}, entity ${id}`).toEqual([Math.fround(e.x), Math.fround(e.y)]);
        checked++;
      }
    }
    return checked;
  }

  /**
   * A room noting by cell whatever its crowd, every client due every tick (60 Hz): `clients`
   * box views of half side `half` and 200 entities over a 200 × 200 world, a replica per client.
   */
  function loggedRoom(seed: number, clients: number, half: number) {
    const rng = new Rng(seed);
    const room = new RoomCore<Entity, number>({ schema: arena, patchRate: 60, grid: { cellSize: 50, cellLog: 'always' } });
    const reps = new Map<number, ReplicaWorld>();
    const cs = Array.from({ length: clients }, (_, i) => {
      reps.set(i, new ReplicaWorld(arena));
      return room.addClient(i, { view: { x: rng.nextDouble() * 200, y: rng.nextDouble() * 200, halfWidth: half, halfHeight: half, hysteresis: 0 } });
    });
    const es = Array.from({ length: 200 }, () => {
      const e = new Entity();
      e.x = rng.nextDouble() * 200;
      e.y = rng.nextDouble() * 200;
      return room.add(e);
    });
    return { rng, room, reps, cs, es };
  }

  it("'auto' notes by cell where changes have many viewers, and lists per viewer where they have few", () => {
    // 64 views of half side 120 in a 200 × 200 world: about 45 viewers per entity.
    const crowded = run(64, 120);
    expect(crowded.room.stats.cellLogTicks).toBeGreaterThan(50);
    // 8 views of half side 40: about one viewer per entity.
    const sparse = run(8, 40);
    expect(sparse.room.stats.cellLogTicks).toBe(0);
    expect(crowded.checked).toBeGreaterThan(1000);
  });

  it("'auto' lists per viewer however crowded in ticks where every client is due", () => {
    // The fold's tick lists then make listing the cheaper way (BENCHMARKS.md): the crowded room
    // above, every client at the room's 60 Hz.
    const { room, checked } = run(64, 120, 'auto', [60]);
    expect(room.stats.cellLogTicks).toBe(0);
    expect(checked).toBeGreaterThan(1000);
  });

  it("'never' lists per viewer however crowded, with the same replicas", () => {
    const { room, checked } = run(64, 120, 'never');
    expect(room.stats.cellLogTicks).toBe(0);
    expect(checked).toBeGreaterThan(1000);
  });

  it('a client paused by a frame callback in a tick noted by cell, every client due, catches up exactly', () => {
    // Every client is due every tick, so a tick noted by cell keeps no masks in the histories,
    // unless a due client misses its frame. Ticks alternate which axis moves: a patch that lost
    // the paused tick's masks would send y and leave x stale.
    const { rng, room, reps, cs, es } = loggedRoom(5, 12, 120);
    let paused = 0;
    for (let t = 1; t <= 64; t++) {
      if (t <= 60) {
        for (let k = 0; k < 60; k++) {
          const e = es[rng.nextInt(0, es.length - 1)]!;
          if (t % 2 === 0) e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 10));
          else e.y = Math.min(200, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 10));
        }
      }
      if (cs[5]!.paused) room.resume(cs[5]!);
      room.update((t * 1000) / 60, (c, f) => {
        reps.get(c.data)!.apply(f);
        // Client 0's frame comes first: client 5, due too, gets none this tick.
        if (c.data === 0 && t >= 40 && t <= 58 && t % 3 === 0) {
          room.pause(cs[5]!);
          paused++;
        }
      });
    }
    expect(paused).toBe(6);
    expect(room.stats.cellLogTicks).toBeGreaterThan(55);
    expect(checkReplicas(room, cs, es, reps)).toBeGreaterThan(1000);
  });

  it('a frame of a tick noted by cell names each entity once, an owner listed by the fold as well', () => {
    // Every client is due every tick, so each collects one tick of notes: an entity is noted in
    // one cell, so those name it once. An owner also has its own entities listed by the fold,
    // and a moved one is noted in its cell too: its frame must still send it once.
    const { rng, room, reps, cs, es } = loggedRoom(21, 10, 80);
    for (let i = 0; i < 40; i++) room.setOwner(es[i]!, cs[i % cs.length]!);
    let entries = 0;
    let ownedSent = 0;
    for (let t = 1; t <= 40; t++) {
      for (let k = 0; k < 60; k++) {
        // The owned entities move every tick; others at random.
        const e = es[k < 40 ? k : rng.nextInt(40, es.length - 1)]!;
        e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 6));
        e.y = Math.min(200, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 6));
      }
      room.update((t * 1000) / 60, (c, f) => {
        const ch = reps.get(c.data)!.apply(f);
        const ids = [...ch.added, ...ch.changed];
        expect(new Set(ids).size, `tick ${t}, client ${c.data}: an entity named twice`).toBe(ids.length);
        entries += ids.length;
        if (t > 1) for (let i = c.data; i < 40; i += cs.length) if (ch.changed.includes(room.world.idOf(es[i]!))) ownedSent++;
      });
    }
    expect(room.stats.cellLogTicks).toBeGreaterThan(35);
    // Every owner got its own moving entities' changes (39 ticks of 4 each, 10 owners).
    expect(ownedSent).toBe(39 * 40);
    expect(entries).toBeGreaterThan(2000);
    // Each replica holds its view and its own entities (an owner knows them wherever they are), each where it is.
    let checked = 0;
    for (const c of cs) {
      const rep = reps.get(c.data)!;
      const want = new Set(idsInView(room, c, es));
      for (let i = c.data; i < 40; i += cs.length) want.add(room.world.idOf(es[i]!));
      expect([...rep.entities.keys()].sort((a, b) => a - b), `client ${c.data}`).toEqual([...want].sort((a, b) => a - b));
      for (const e of es) {
        const r = rep.get(room.world.idOf(e)) as unknown as { x: number; y: number } | undefined;
        if (r === undefined) continue;
        expect([r.x, r.y]).toEqual([Math.fround(e.x), Math.fround(e.y)]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('refuses a cellLog it does not know, naming the option and the choices', () => {
    expect(() => new RoomCore({ schema: arena, grid: { cellSize: 50, cellLog: 'sometimes' as 'auto' } })).toThrow("grid cellLog: expected 'auto', 'always' or 'never', got sometimes");
  });
});
