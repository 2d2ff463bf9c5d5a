import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplicaWorld, World, Writer } from '@netschema/runtime';
import * as server from '@netschema/test-fixtures/schemas/kitchen-sink';
import * as gen from '@netschema/test-fixtures/schemas/kitchen-sink.netschema';
import { ReferenceEncoder } from './support/reference-encoder.js';
import { Rng } from '@netschema/test-fixtures/support/rng';
import { SchemaModel } from './support/schema-model.js';

const model = new SchemaModel(gen.manifest, server as unknown as Record<string, unknown>);
const ROOTS = ['Soldier', 'Officer', 'Wide', 'TreeNode', 'Primitives', 'Item', 'Pose'];
const SEED = 20261121;

function worldJson(w: World): unknown[] {
  return [...w.values()].map((e) => [w.idOf(e), model.projectObject(e as Record<string, unknown>)]);
}
function replicaJson(r: ReplicaWorld): unknown[] {
  return [...r.entities].map(([id, o]) => [id, model.replicaObject(o as Record<string, unknown>)]);
}

describe('full state and patches round-trip through generated codecs (seeded)', () => {
  it('a replica fed patches equals a fresh full decode and the server, after every tick', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 30 }), (seed, ticks) => {
        const rng = new Rng(seed);
        const world = new World(gen);
        const live: Record<string, unknown>[] = [];
        for (let i = 0; i < 3; i++) live.push(world.add(model.instance(rng, ROOTS[rng.nextInt(0, ROOTS.length - 1)]!, 0)));
        const client = new ReplicaWorld(gen);
        client.apply(world.encodeFull());
        world.commit();
        for (let t = 0; t < ticks; t++) {
          // Many changes to one entity per tick reach the interesting op sequences (delete then set, splice then patch).
          const focus = live.length > 0 ? live[rng.nextInt(0, live.length - 1)]! : undefined;
          const actions = rng.nextInt(1, 12);
          for (let a = 0; a < actions; a++) {
            const roll = rng.nextInt(0, 29);
            if (roll === 0) live.push(world.add(model.instance(rng, ROOTS[rng.nextInt(0, ROOTS.length - 1)]!, 0)));
            else if (roll === 1 && live.length > 0) world.remove(live.splice(rng.nextInt(0, live.length - 1), 1)[0]!);
            else if (live.length > 0) {
              const e = roll < 20 && focus !== undefined && live.includes(focus) ? focus : live[rng.nextInt(0, live.length - 1)]!;
              model.mutate(rng, (e.constructor as { name: string }).name, e);
            }
          }
          client.apply(world.diff());
          const fresh = new ReplicaWorld(gen);
          const full = world.encodeFull();
          fresh.apply(full);
          const expected = worldJson(world);
          expect(replicaJson(client)).toEqual(expected);
          expect(replicaJson(fresh)).toEqual(expected);
          // Re-encoding: each server object rebuilt from its replica encodes to the same bytes.
          for (const [id, o] of client.entities) {
            const original = world.get(id)!;
            const rebuilt = model.rebuild({ class: (o.constructor as { name: string }).name }, o) as object;
            const codec = world.codecOf(original);
            const a = new Writer(64);
            const b = new Writer(64);
            codec.encodeFull(a, original);
            codec.encodeFull(b, rebuilt);
            expect(Buffer.from(b.toBytes()).toString('hex')).toBe(Buffer.from(a.toBytes()).toString('hex'));
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('generated codecs match the reflective reference encoder byte for byte', () => {
  const ref = new ReferenceEncoder(gen.manifest);
  it('full encodings and patches of random objects after random changes', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = new Rng(seed);
        const name = ROOTS[rng.nextInt(0, ROOTS.length - 1)]!;
        const world = new World(gen);
        const e = world.add(model.instance(rng, name, 0)) as Record<string, unknown> & { $c0: number; $c1: number; $r0: number; $r1: number };
        const cls = (e.constructor as { name: string }).name;
        const codec = gen.netschema.byName.get(cls)!;
        const a = new Writer(16);
        const b = new Writer(16);
        codec.encodeFull(a, e);
        ref.full(b, cls, e as never);
        expect(Buffer.from(a.toBytes()).toString('hex')).toBe(Buffer.from(b.toBytes()).toString('hex'));
        expect(a.pos).toBeLessThanOrEqual(codec.sizeBound(e));
        world.commit();
        for (let i = rng.nextInt(1, 5); i > 0; i--) model.mutate(rng, cls, e);
        a.reset();
        b.reset();
        codec.encodePatch(a, e, e.$c0, e.$c1, e.$r0, e.$r1);
        ref.patch(b, cls, e as never);
        expect(Buffer.from(a.toBytes()).toString('hex')).toBe(Buffer.from(b.toBytes()).toString('hex'));
      }),
      { seed: SEED, numRuns: 400 },
    );
  });
});

describe('Writer.copyFrom', () => {
  it('appends exactly the bytes another writer wrote in [start, end), at any offsets and lengths, short runs and long', () => {
    const src = new Writer(16);
    src.reserve(200); // u8 does not check capacity
    for (let i = 0; i < 200; i++) src.u8((i * 37 + 11) & 0xff);
    for (const prefix of [0, 1, 3]) {
      for (const start of [0, 1, 2, 5, 7]) {
        for (let n = 0; n <= 80; n++) {
          const w = new Writer(8);
          for (let i = 0; i < prefix; i++) w.u8(0xee);
          w.copyFrom(src, start, start + n);
          const want = [...new Array<number>(prefix).fill(0xee), ...src.buf.subarray(start, start + n)];
          expect([...w.view_(0)], `prefix ${prefix}, start ${start}, length ${n}`).toEqual(want);
        }
      }
    }
  });
});
