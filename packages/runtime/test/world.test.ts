import { describe, expect, it, onTestFinished } from 'vitest';
import { devChecks, ReplicaWorld, setDevChecks, World } from '@netschema/runtime';
import { Entity, QuantEntity } from '@netschema/test-fixtures/schemas/arena';
import * as arena from '@netschema/test-fixtures/schemas/arena.netschema';
import { Item, Soldier } from '@netschema/test-fixtures/schemas/kitchen-sink';
import * as sink from '@netschema/test-fixtures/schemas/kitchen-sink.netschema';

describe('World and ReplicaWorld', () => {
  it('gives entities increasing ids and sends creations, changes and removals in one patch', () => {
    const world = new World(arena);
    const a = world.add(new Entity());
    const b = world.add(new QuantEntity());
    expect([world.idOf(a), world.idOf(b)]).toEqual([1, 2]);
    const client = new ReplicaWorld(arena);
    client.apply(world.encodeFull());
    world.commit();

    a.hp = 7;
    world.remove(b);
    const c = world.add(new Entity());
    const changes = client.apply(world.diff());
    expect(changes).toEqual({ added: [3], changed: [1], masks: [1 << 3, 0], removed: [2] });
    expect((client.get(1) as arena.Entity).hp).toBe(7);
    expect(client.get(2)).toBeUndefined();
    expect(client.get(world.idOf(c))).toBeInstanceOf(arena.Entity);
  });

  it('an entity added and removed within one tick never reaches the client', () => {
    const world = new World(arena);
    const client = new ReplicaWorld(arena);
    client.apply(world.diff());
    const e = world.add(new Entity());
    e.hp = 3;
    world.remove(e);
    expect(client.apply(world.diff())).toEqual({ added: [], changed: [], masks: [], removed: [] });
    expect(client.entities.size).toBe(0);
  });

  it('a tick without changes costs four bytes', () => {
    const world = new World(arena);
    world.add(new Entity());
    world.commit();
    expect(Array.from(world.diff())).toEqual([2, 0, 0, 0]);
  });

  it("writing a field's current value is not a change", () => {
    const world = new World(arena);
    const e = world.add(new Entity());
    world.commit();
    e.hp = e.hp; // same value: not a change
    expect(world.diff().length).toBe(4);
  });

  it('refuses objects that are not schema classes, and entities owned elsewhere', () => {
    const world = new World(sink);
    expect(() => world.add({ x: 1 })).toThrow(/Object is not a schema class: decorate it with @schema/);
    const s = world.add(new Soldier());
    const item = new Item();
    s.inventory.push(item);
    expect(() => world.add(item)).toThrow(/Item is already in a world or owned by another object/);
    expect(() => world.add(s)).toThrow(/already in a world/);
  });

  it('refuses a class the generated module does not know, naming the fix', () => {
    const world = new World(arena);
    expect(() => world.add(new Soldier())).toThrow(/Soldier is not in the generated schema \(fingerprint [0-9a-f]{16}\): add it to the schema file and run netschema generate/);
  });

  it('detects generated code that no longer matches the class (a field renamed without regenerating)', () => {
    const stale = {
      ...arena.netschema,
      byName: new Map([['Entity', { ...arena.EntityCodec, fields: ['x', 'y', 'heading', 'hp', 'name'] }]]),
    };
    const world = new World(stale);
    expect(() => world.add(new Entity())).toThrow(/Entity: the generated code is stale: field 2 is 'heading' in the generated module but 'angle' in the class\. Run netschema generate/);
  });

  it('detects a visibility marker added or removed without regenerating', () => {
    const masks = sink.SoldierCodec.masks!;
    // The class marks secretAmmo (24) @ownerOnly: generated code without the bit would send it to everyone.
    const dropped = { ...sink.netschema, byName: new Map([['Soldier', { ...sink.SoldierCodec, masks: { ...masks, ownerOnly: [0, 0] as const } }]]) };
    expect(() => new World(dropped).add(new Soldier())).toThrow(
      /Soldier\.secretAmmo: the generated code is stale: the field is @ownerOnly in the class but visible to all clients in the generated module\. Run netschema generate/,
    );
    // The generated module hides x (0) from all but the team, the class does not.
    const added = { ...sink.netschema, byName: new Map([['Soldier', { ...sink.SoldierCodec, masks: { ...masks, teamOnly: [masks.teamOnly[0] | 1, 0] as const } }]]) };
    expect(() => new World(added).add(new Soldier())).toThrow(/Soldier\.x: the generated code is stale: the field is visible to all clients in the class but @teamOnly in the generated module/);
    expect(() => new World(sink).add(new Soldier())).not.toThrow();
  });

  it('modules generated before codecs carried masks get them from the manifest', async () => {
    const { defineSchemaModule } = await import('@netschema/runtime/codegen-v1');
    const { masks: _, ...old } = sink.SoldierCodec;
    const m = defineSchemaModule(sink.manifest, [old as typeof sink.SoldierCodec]);
    expect(m.byName.get('Soldier')!.masks).toEqual(sink.SoldierCodec.masks);
  });

  it('under churn it finds entities by id, forgets removed ones, and keeps them in the order they were added', () => {
    const world = new World(arena);
    const live: Entity[] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 300; i++) live.push(world.add(new Entity()));
    const goneIds: number[] = [];
    // Many rounds of removing a random third and adding as many: the index drops its holes
    // along the way, and nothing it holds may move or go missing.
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 100; k++) {
        const [e] = live.splice(Math.floor(rand() * live.length), 1);
        goneIds.push(world.idOf(e!));
        expect(world.remove(e!)).toBe(true);
        expect(world.remove(e!)).toBe(false);
      }
      for (let k = 0; k < 100; k++) live.push(world.add(new Entity()));
      world.commit();
    }
    expect(world.size).toBe(300);
    const ids = live.map((e) => world.idOf(e));
    expect([...world.values()]).toEqual([...live].sort((a, b) => world.idOf(a) - world.idOf(b)));
    for (const e of live) expect(world.get(world.idOf(e))).toBe(e);
    for (const id of goneIds) expect(world.get(id)).toBeUndefined();
    // Ids never seen, or held by no entity now, find nothing.
    expect(world.get(Math.max(...ids) + 1)).toBeUndefined();
    expect(world.get(0)).toBeUndefined();
    expect(world.get(Number.NaN)).toBeUndefined();
    expect(world.get(1)).toBe(live.find((e) => world.idOf(e) === 1));
    // Walking while removing: every entity is visited once, though removals sweep the holes.
    const visited: number[] = [];
    for (const e of world.values()) {
      visited.push(world.idOf(e));
      if (visited.length % 2 === 0) world.remove(e);
    }
    expect(visited).toEqual([...ids].sort((a, b) => a - b));
    expect(world.size).toBe(150);
    for (const e of live) if (world.idOf(e) !== 0) expect(world.get(world.idOf(e))).toBe(e);
    // The full frame lists them in that order too: ids ascending, deltas positive.
    const rep = new ReplicaWorld(arena);
    rep.apply(world.encodeFull());
    expect([...rep.entities.keys()]).toEqual(visited.filter((_, i) => i % 2 === 0));
  });

  it('a removed entity can join another world and is sent whole there', () => {
    const w1 = new World(arena);
    const w2 = new World(arena);
    const e = w1.add(new Entity());
    e.hp = 9;
    w1.remove(e);
    w2.add(e);
    const client = new ReplicaWorld(arena);
    client.apply(w2.encodeFull());
    expect((client.get(w2.idOf(e)) as arena.Entity).hp).toBe(9);
  });
});

describe('values a field cannot carry fail loudly, naming the field', () => {
  it('an integer out of range, a wrong type, a bad collection element', () => {
    // The encoder's own checks, which hold in production builds: the development write checks
    // (write-check.test.ts) would refuse these writes before they reach it.
    const was = devChecks();
    setDevChecks(false);
    onTestFinished(() => setDevChecks(was));
    const world = new World(sink);
    const s = world.add(new Soldier());
    world.commit();
    (s.prims as { a8: number }).a8 = 300;
    expect(() => world.encodePatch()).toThrow(/^Primitives\.a8: expected an integer from 0 to 255, got 300$/);
    s.prims.a8 = 1.5;
    expect(() => world.encodePatch()).toThrow(/Primitives\.a8: expected an integer from 0 to 255, got 1\.5/);
    s.prims.a8 = 3;
    (s.prims as unknown as { text: unknown }).text = 42;
    expect(() => world.encodeFull()).toThrow(/Primitives\.text: expected a string, got 42/);
    s.prims.text = 'ok';
    s.scores.push(-1);
    expect(() => world.encodePatch()).toThrow(/Soldier\.scores\[\]: expected an integer from 0 to 255, got -1/);
    expect(() => world.encodeFull()).toThrow(/Soldier\.scores\[\]: expected an integer from 0 to 255, got -1/);
  });

  it('a plain array assigned to a NetArray field is refused at the assignment', () => {
    const s = new Soldier();
    expect(() => {
      (s as unknown as { scores: unknown }).scores = [1, 2];
    }).toThrow(/Soldier\.scores: expected a @schema object, NetArray or NetMap \(plain values are not tracked\), got an Array/);
  });
});
