import { describe, expect, it } from 'vitest';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import * as arena from '@netschema/test-fixtures/schemas/arena.netschema';
import { Rng } from '@netschema/test-fixtures/support/rng';
import { expectHoldsView } from './support/view-membership.js';

// When every client is due, a client whose last frame was the last tick takes that tick's
// changes from a tick list (tick-lists.ts): the fold lists each change's place in the tick, and
// the frame copies the encodings the fold made. These tests pin what must hold when a frame
// callback changes things between the fold and the client's own frame.

type C = RoomClient<number>;

/**
 * 12 clients with box views over a 200 × 200 world of 200 entities, every client due every tick
 * (60 Hz), changes listed per viewer (no cell log). Each tick moves 40 entities along one axis,
 * x and y in turn: a tick whose changes a client lost leaves that axis stale.
 */
function setup(seed: number) {
  const rng = new Rng(seed);
  const room = new RoomCore<Entity, number>({ schema: arena, patchRate: 60, grid: { cellSize: 50, cellLog: 'never' } });
  const reps = new Map<number, ReplicaWorld>();
  const cs = Array.from({ length: 12 }, (_, i) => {
    reps.set(i, new ReplicaWorld(arena));
    return room.addClient(i, { view: { x: rng.nextDouble() * 200, y: rng.nextDouble() * 200, halfWidth: 60, halfHeight: 60, hysteresis: 0 } });
  });
  const es = Array.from({ length: 200 }, () => {
    const e = new Entity();
    e.x = rng.nextDouble() * 200;
    e.y = rng.nextDouble() * 200;
    return room.add(e);
  });
  /** One tick at `t`, moving entities unless `still`; `onFrame` sees each frame after its replica applied it. */
  const tick = (t: number, onFrame?: (c: C, frame: Uint8Array, ids: number[]) => void, still = false) => {
    if (!still) {
      for (let k = 0; k < 40; k++) {
        const e = es[rng.nextInt(0, es.length - 1)]!;
        if (t % 2 === 0) e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 8));
        else e.y = Math.min(200, Math.max(0, e.y + (rng.nextDouble() - 0.5) * 8));
      }
    }
    room.update((t * 1000) / 60, (c, f) => {
      const ch = reps.get(c.data)!.apply(f);
      onFrame?.(c, f, [...ch.added, ...ch.changed]);
    });
  };
  /** Every replica holds its view (and what its client owns), each entity where it is; returns how many it checked. */
  const check = (owned: Map<number, Entity[]> = new Map()) => {
    let checked = 0;
    for (const c of cs) {
      const rep = reps.get(c.data)!;
      if (!owned.has(c.data)) expectHoldsView(room, c, rep, es, 'at rest');
      for (const e of es) {
        const r = rep.get(room.world.idOf(e)) as unknown as { x: number; y: number } | undefined;
        if (r === undefined) continue;
        expect([r.x, r.y], `client ${c.data}, entity ${room.world.idOf(e)}`).toEqual([Math.fround(e.x), Math.fround(e.y)]);
        checked++;
      }
    }
    return checked;
  };
  return { room, cs, es, tick, check };
}

describe('tick lists: what a frame callback changes before a client frame', () => {
  it('a client paused before its frame gets that tick changes when resumed', () => {
    const { room, cs, tick, check } = setup(3);
    let paused = 0;
    for (let t = 1; t <= 60; t++) {
      if (cs[5]!.paused) room.resume(cs[5]!);
      tick(t, (c) => {
        // Client 0's frame comes first: client 5, due too, gets none this tick.
        if (c.data === 0 && t >= 30 && t % 4 === 0) {
          room.pause(cs[5]!);
          paused++;
        }
      });
    }
    room.resume(cs[5]!);
    for (let t = 61; t <= 63; t++) tick(t, undefined, true);
    expect(paused).toBe(8);
    expect(check()).toBeGreaterThan(300);
  });

  it('a budget given before the frame holds from the next frame, and what it defers follows', () => {
    const { room, cs, tick, check } = setup(4);
    const sizes: number[] = [];
    for (let t = 1; t <= 60; t++) {
      tick(t, (c, frame) => {
        if (c.data === 0 && t === 30) cs[5]!.budget = 40;
        // That tick's frame takes what the fold listed for it, as without a budget.
        if (c.data === 5 && t > 30) sizes.push(frame.length);
      });
    }
    // The budget counts what goes out, less than this tick's changes in view (frames of 50–80
    // bytes without it); one entry always does (under 20 bytes here).
    expect(sizes.length).toBeGreaterThan(20);
    for (const n of sizes) expect(n).toBeLessThanOrEqual(40 + 20);
    cs[5]!.budget = Infinity;
    for (let t = 61; t <= 66; t++) tick(t, undefined, true);
    expect(check()).toBeGreaterThan(300);
  });

  it('ownership given before the frame: the entity goes once, with what the owner may see', () => {
    const { room, cs, es, tick, check } = setup(5);
    const given: Entity[] = [];
    let frames = 0;
    for (let t = 1; t <= 40; t++) {
      tick(t, (c, _frame, ids) => {
        if (c.data === 0 && t >= 20 && t % 5 === 0) {
          // An entity client 5 sees (it holds its id), handed to it between the fold and its frame.
          const held = es.find((e) => !given.includes(e) && cs[5]!.knownEntities().some((k) => k.id === room.world.idOf(e)));
          if (held !== undefined) {
            room.setOwner(held, cs[5]!);
            given.push(held);
          }
        }
        if (c.data !== 5) return;
        expect(new Set(ids).size, `tick ${t}: an entity named twice`).toBe(ids.length);
        frames++;
      });
    }
    for (let t = 41; t <= 43; t++) tick(t, undefined, true);
    expect(given.length).toBe(5);
    expect(frames).toBeGreaterThan(35);
    expect(check(new Map([[5, given]]))).toBeGreaterThan(300);
  });
});

describe('tick lists: a tick with more changes for a client than its list held', () => {
  it('every change reaches every client when the lists grow in the middle of the fold', () => {
    // 300 entities inside every client's view, 200 of them moved each tick: far more than a
    // list's first room (64), so the lists grow during the fold's walk over the viewers.
    const rng = new Rng(11);
    const room = new RoomCore<Entity, number>({ schema: arena, patchRate: 60, grid: { cellSize: 50, cellLog: 'never' } });
    const reps = Array.from({ length: 5 }, () => new ReplicaWorld(arena));
    const cs = reps.map((_, i) => room.addClient(i, { view: { x: 100, y: 100, halfWidth: 150, halfHeight: 150, hysteresis: 0 } }));
    const es = Array.from({ length: 300 }, () => {
      const e = new Entity();
      e.x = rng.nextDouble() * 200;
      e.y = rng.nextDouble() * 200;
      return room.add(e);
    });
    let listed = 0;
    for (let t = 1; t <= 6; t++) {
      for (let k = 0; k < 200; k++) {
        const e = es[(k * 7 + t * 13) % es.length]!;
        e.x = Math.min(200, Math.max(0, e.x + (rng.nextDouble() - 0.5) * 8));
      }
      room.update((t * 1000) / 60, (c, f) => {
        const ch = reps[c.data]!.apply(f);
        if (t > 1) listed = Math.max(listed, ch.changed.length);
      });
      // After every tick, not only the last: a change lost in one tick may be sent again later.
      for (const c of cs) {
        const rep = reps[c.data]!;
        for (const e of es) {
          const r = rep.get(room.world.idOf(e)) as unknown as { x: number; y: number } | undefined;
          expect(r, `tick ${t}, client ${c.data}, entity ${room.world.idOf(e)}`).toBeDefined();
          expect([r!.x, r!.y], `tick ${t}, client ${c.data}, entity ${room.world.idOf(e)}`).toEqual([Math.fround(e.x), Math.fround(e.y)]);
        }
      }
    }
    // The ticks after the join sent each client about 200 changes in one frame.
    expect(listed).toBeGreaterThan(150);
  });
});
