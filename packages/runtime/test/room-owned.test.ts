import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, ReplicaWorld, RoomCore, Writer, readOwned, writeOwned, S_OWNED, type OwnedNews, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import * as arena from '@netschema/test-fixtures/schemas/arena.netschema';

type C = RoomClient<string>;

/** A room whose tick collects, per client, the ownership news sent after its frame (through the wire format). */
function setup() {
  const room = new RoomCore<Entity, string>({ schema: arena });
  const reps = new Map<C, ReplicaWorld>();
  const news = new Map<C, OwnedNews>();
  let now = 0;
  const client = (name: string) => {
    const c = room.addClient(name);
    reps.set(c, new ReplicaWorld(arena));
    return c;
  };
  const tick = () => {
    now += 50;
    news.clear();
    room.update(now, (c, f) => {
      reps.get(c)!.apply(f);
      const n = room.takeOwned(c);
      if (n === null) return;
      const w = new Writer(16);
      writeOwned(w, n);
      const r = new Reader(w.view_(0).slice());
      expect(r.u8()).toBe(S_OWNED);
      const back = readOwned(r);
      // The client can find every entity it is told it owns once the frame before is applied.
      for (const id of back.added) expect(reps.get(c)!.get(id)).toBeDefined();
      news.set(c, back);
    });
  };
  const spawn = (owner?: C) => room.add(new Entity(), owner ? { owner } : {});
  return { room, news, client, tick, spawn, id: (e: Entity) => room.world.idOf(e) };
}

describe('ownership news', () => {
  it('tells each client what it owns, and only what changed, and nothing to others', () => {
    const { room, news, client, tick, spawn, id } = setup();
    const a = client('a');
    const b = client('b');
    tick();
    // The first frame is a reset, but an empty set that was never told needs no message.
    expect(news.size).toBe(0);

    const e1 = spawn(a);
    const e2 = spawn(a);
    spawn();
    tick();
    expect(news.get(a)).toEqual({ reset: false, added: [id(e1), id(e2)], removed: [] });
    expect(news.has(b)).toBe(false);

    tick();
    expect(news.size).toBe(0); // no change, no message

    room.setOwner(e1, b);
    tick();
    expect(news.get(a)).toEqual({ reset: false, added: [], removed: [id(e1)] });
    expect(news.get(b)).toEqual({ reset: false, added: [id(e1)], removed: [] });

    room.setOwner(e1, b); // same owner: nothing
    room.setOwner(e2, null);
    tick();
    expect(news.get(a)).toEqual({ reset: false, added: [], removed: [id(e2)] });
    expect(news.has(b)).toBe(false);

    const gone = id(e1);
    room.remove(e1);
    tick();
    expect(news.get(b)).toEqual({ reset: false, added: [], removed: [gone] });
    expect(news.has(a)).toBe(false);
  });

  it('a change undone before the next frame sends nothing', () => {
    const { room, news, client, tick, spawn } = setup();
    const a = client('a');
    tick();
    const e = spawn();
    room.setOwner(e, a);
    room.setOwner(e, null);
    tick();
    expect(news.has(a)).toBe(false);
  });

  it('after a resync the whole set goes again, flagged reset', () => {
    const { room, news, client, tick, spawn, id } = setup();
    const a = client('a');
    const e1 = spawn(a);
    const e2 = spawn(a);
    tick();
    expect(news.get(a)).toEqual({ reset: true, added: [id(e1), id(e2)].sort((x, y) => x - y), removed: [] });
    room.resync(a);
    room.setOwner(e1, null);
    tick();
    expect(news.get(a)).toEqual({ reset: true, added: [id(e2)], removed: [] });
    // Once told of some, an empty set after a reset is told too, so the client drops the old one.
    room.setOwner(e2, null);
    room.resync(a);
    tick();
    expect(news.get(a)).toEqual({ reset: true, added: [], removed: [] });
  });

  it('the decoder refuses counts beyond the message and unknown flags, before allocating', () => {
    const bad = (bytes: number[]) => () => readOwned(new Reader(Uint8Array.from(bytes)));
    expect(bad([0, 0xff, 0xff, 0xff, 0x7f])).toThrow(DecodeError);
    expect(bad([0, 0xff, 0xff, 0xff, 0x7f])).toThrow(/ownership added count too large/);
    expect(bad([0, 0, 3, 2])).toThrow(/ownership removed count too large/);
    expect(bad([2, 0, 0])).toThrow(/unknown ownership flags/);
    expect(bad([0, 1])).toThrow(DecodeError); // truncated
  });
});
