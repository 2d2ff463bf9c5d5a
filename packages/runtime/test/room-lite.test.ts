import { describe, expect, it } from 'vitest';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Unit } from '@netschema/test-fixtures/schemas/room';
import * as gen from '@netschema/test-fixtures/schemas/room.netschema';

// A client without a budget holds what enters its view "lite" (records.ts `Lite`): no view
// entry, only whether its first frame went out. These tests pin what it must still get right:
// the first frame sends the entity whole, and whatever later needs a view entry (a budget,
// ownership, a resync, a pause) finds one made from the lite hold.

type C = RoomClient<string>;

/** A room without teams (so lite holds apply), a box view per client, a replica per client, ticks of 50 ms. */
function setup() {
  const room = new RoomCore<Unit, string>({ schema: gen, grid: { cellSize: 50 } });
  const reps = new Map<C, ReplicaWorld>();
  const frames = new Map<C, Uint8Array>();
  let now = 0;
  /** One tick; `onFrame` runs after each frame is applied, as a game's frame callback would. */
  const tick = (onFrame?: (c: C) => void) => {
    now += 50;
    frames.clear();
    room.update(now, (c, f) => {
      frames.set(c, f.slice());
      reps.get(c)!.apply(f);
      onFrame?.(c);
    });
  };
  const unit = (x: number, y: number, name = 'u', secret = '') => {
    const u = new Unit();
    u.x = x;
    u.y = y;
    u.name = name;
    u.secret = secret;
    return room.add(u);
  };
  const held = (c: C, u: Unit) => reps.get(c)!.get(room.world.idOf(u)) as Unit | undefined;
  /** Ticks until `c` is due (its frame built, or passed over with nothing to send): the tick after is then not due. */
  const sync = (c: C) => {
    for (let i = 0; i < 4; i++) {
      tick();
      if (c.frameTick === room.tickNo) return;
    }
    throw new Error(`client ${c.id} was not due in 4 ticks`);
  };
  /**
   * A client with a box view at the origin. At 10 Hz it is due every other tick, so what enters
   * between its frames can be looked at; it is returned past its first frames (the first comes
   * at once, the second after a phase of its own), so its next frame is due two ticks after one.
   */
  const client = (name: string, rate = 10) => {
    const c = room.addClient(name, { rate, view: { x: 0, y: 0, halfWidth: 100, halfHeight: 100, hysteresis: 0 } });
    reps.set(c, new ReplicaWorld(gen));
    sync(c);
    sync(c);
    return c;
  };
  return { room, reps, frames, client, tick, unit, held, sync };
}

describe('lite holds: what enters the view of a client without a budget', () => {
  it('makes no view entry; the next frame sends it whole, and later frames patch it', () => {
    const { room, client, tick, unit, held, frames, sync } = setup();
    const c = client('a');
    const u = unit(10, 20, 'scout');
    sync(c); // u enters and goes whole
    expect(held(c, u)).toMatchObject({ x: 10, y: 20, name: 'scout', hp: 100 });
    const v = unit(30, 40, 'tank');
    tick(); // not due: v entered, held lite, waiting for the next frame
    expect(frames.has(c)).toBe(false);
    expect(c.pendingList.length).toBe(0);
    expect(c.enterN).toBe(1);
    expect(c.entries.size).toBe(2);
    sync(c);
    expect(held(c, v)).toMatchObject({ x: 30, y: 40, name: 'tank' });
    expect(c.enterN).toBe(0);
    expect(c.knownEntities().map((k) => k.id)).toEqual(expect.arrayContaining([room.world.idOf(u), room.world.idOf(v)]));
    v.hp = 7;
    sync(c);
    expect(held(c, v)!.hp).toBe(7);
    expect(c.stats.entered).toBe(2);
  });

  it('an entity that enters and leaves between two frames never reaches the client, and no removal is sent', () => {
    const { client, tick, unit, held, frames, sync } = setup();
    const c = client('a');
    const u = unit(10, 10);
    sync(c); // u goes whole
    const v = unit(50, 50);
    tick(); // not due: v enters lite
    expect(c.enterN).toBe(1);
    v.x = 900; // out of view before the frame
    tick(); // due
    expect(held(c, v)).toBeUndefined();
    expect(held(c, u)).toBeDefined();
    expect(c.stats.left).toBe(0);
    // Nothing else changed: the frame would have carried nothing, so none was sent.
    expect(frames.has(c)).toBe(false);
  });

  it('an entity removed by an earlier frame callback while it enters another client never reaches that client', () => {
    const { room, reps, client, tick, unit, held, sync } = setup();
    const a = client('a', 20);
    const b = client('b', 20);
    const u = unit(10, 10, 'stays');
    const v = unit(500, 500, 'doomed');
    sync(a);
    expect(held(b, u)).toBeDefined();
    v.x = 20;
    v.y = 20;
    // v enters both views this tick; a's frame comes first, and its callback removes v.
    const vid = room.world.idOf(v);
    tick((c) => {
      if (c === a && room.world.idOf(v) !== 0) room.remove(v);
    });
    expect(a.frameTick).toBe(room.tickNo);
    expect(b.frameTick).toBe(room.tickNo);
    expect(reps.get(a)!.get(vid)).toBeDefined();
    expect(reps.get(b)!.get(vid)).toBeUndefined();
    expect(b.entries.size).toBe(1);
    u.hp = 3;
    tick();
    // a got v whole before the removal, and the removal next; b never knew it.
    expect(reps.get(a)!.get(vid)).toBeUndefined();
    expect(a.stats.left).toBe(1);
    expect(b.stats.left).toBe(0);
    expect(held(b, u)!.hp).toBe(3);
  });

  it('a budget given before the frame sends what entered lite by priority within it, over as many frames as it takes', () => {
    const { client, tick, unit, held, sync } = setup();
    const c = client('a');
    const units = Array.from({ length: 30 }, (_, i) => unit(i * 3, i * 3, `unit-with-a-long-name-${i}`));
    sync(c); // all 30 go whole, no budget
    expect(units.every((u) => held(c, u) !== undefined)).toBe(true);
    const more = Array.from({ length: 30 }, (_, i) => unit(-i * 3, -i * 3, `another-unit-with-a-long-name-${i}`));
    tick(); // not due: 30 enter lite
    expect(c.enterN).toBe(30);
    c.budget = 200;
    tick(); // due
    const first = more.filter((u) => held(c, u) !== undefined).length;
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(30);
    expect(c.stats.lastDeferred).toBe(30 - first);
    expect(c.stats.lastFrameBytes).toBeLessThan(200 + 64);
    for (let i = 0; i < 60 && more.some((u) => held(c, u) === undefined); i++) tick();
    for (const u of more) expect(held(c, u)).toMatchObject({ x: u.x, y: u.y, name: u.name });
  });

  it('ownership given on an entity held lite sends the owner its owner-only field; taken back, the field goes with it', () => {
    const { room, client, tick, unit, held } = setup();
    const c = client('a', 20);
    tick();
    const u = unit(10, 10, 'hero', 'OWNER-SECRET');
    tick(); // u enters lite and goes whole, without the secret (a replica leaves unsent fields undefined)
    expect(held(c, u)).toMatchObject({ name: 'hero' });
    expect(held(c, u)!.secret).toBeUndefined();
    room.setOwner(u, c);
    tick();
    expect(held(c, u)!.secret).toBe('OWNER-SECRET');
    u.secret = 'OWNER-SECRET-2';
    tick();
    expect(held(c, u)!.secret).toBe('OWNER-SECRET-2');
    room.setOwner(u, null);
    tick();
    // Sent again from scratch, so the replica does not keep a value it may no longer hold.
    expect(held(c, u)).toMatchObject({ name: 'hero' });
    expect(held(c, u)!.secret).toBeUndefined();
  });

  it('a resync sends everything the client holds again whole, lite or not, in a reset frame', () => {
    const { room, client, tick, unit, frames } = setup();
    const c = client('a', 20);
    tick();
    const units = [unit(10, 10, 'a'), unit(20, 20, 'b'), unit(30, 30, 'c')];
    tick();
    room.resync(c);
    tick();
    // The reset frame alone rebuilds the replica: a fresh one fed only it holds everything.
    const fresh = new ReplicaWorld(gen);
    fresh.apply(frames.get(c)!);
    expect(fresh.entities.size).toBe(3);
    for (const u of units) expect(fresh.get(room.world.idOf(u))).toMatchObject({ x: u.x, y: u.y, name: u.name });
  });

  it('a paused client gets what entered its view lite once it resumes', () => {
    const { room, client, tick, unit, held } = setup();
    const c = client('a', 20);
    tick();
    const u = unit(10, 10, 'early');
    tick();
    expect(held(c, u)).toBeDefined();
    room.pause(c);
    const v = unit(40, 40, 'late');
    u.hp = 3;
    tick();
    tick();
    expect(held(c, v)).toBeUndefined();
    room.resume(c);
    tick();
    expect(held(c, v)).toMatchObject({ name: 'late' });
    expect(held(c, u)!.hp).toBe(3);
  });
});
