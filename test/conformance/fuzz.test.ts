/**
 * Decoder fuzzing (seeded and bounded): random bytes, and valid frames of the conformance fixture
 * schema with random mutations, fed to ReplicaWorld.apply and to every generated decodeFull /
 * decodePatch. Only a result or a DecodeError may come out: never another exception type (a
 * RangeError from a DataView, a TypeError from a missing object, a stack overflow).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, ReplicaWorld, World } from '@netschema/runtime';
import * as gen from '@netschema/test-fixtures/schemas/conformance.netschema';
import { Bag, Chain, Hero, Actor, Optionals, Packed, Scalars, Squad, Vec2, Wide, Color, Mode } from '@netschema/test-fixtures/schemas/conformance';

const SEED = 0x6e657473;
const codecs = gen.netschema.classes.filter((c) => c !== undefined);

/** Runs `fn`; returns the DecodeError it threw, or undefined. Any other exception fails the test. */
function onlyDecodeError(fn: () => unknown): DecodeError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DecodeError && e.name === 'DecodeError') return e;
    throw new Error(`expected a result or a DecodeError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

// ── a server with one entity of each kind, driven by random operations ──

const KEYS = ['a', 'b', '__proto__', 'constructor', 'prototype', 'toString', 'é', ''];

interface Server {
  world: World;
  bag: Bag;
  squad: Squad;
  opt: Optionals;
  packed: Packed;
  scalars: Scalars;
  chain: Chain;
  wide: Wide;
  extra: Vec2[];
}

function newServer(): Server {
  const world = new World(gen);
  const s: Server = {
    world,
    bag: world.add(new Bag()),
    squad: world.add(new Squad()),
    opt: world.add(new Optionals()),
    packed: world.add(new Packed()),
    scalars: world.add(new Scalars()),
    chain: world.add(new Chain()),
    wide: world.add(new Wide()),
    extra: [],
  };
  return s;
}

function vec(a: number, b: number): Vec2 {
  const v = new Vec2();
  v.x = a;
  v.y = b / 7;
  return v;
}

/** One random, valid server-side change. `a` picks what to do, `b` and `x` parametrise it. */
function change(s: Server, a: number, b: number, x: number): void {
  const key = KEYS[b % KEYS.length]!;
  switch (a % 24) {
    case 0: s.packed.q = x; s.packed.heading = x * 3; break;
    case 1: s.packed.color = [Color.Red, Color.Green, Color.Blue][b % 3]!; s.packed.mode = Object.values(Mode)[b % 5]!; s.packed.a = !s.packed.a; break;
    case 2: s.scalars.byte = b & 255; s.scalars.word = b & 0xffff; s.scalars.int = b | 0; s.scalars.delta = -b; break;
    case 3: s.scalars.label = key.repeat(b % 5); s.scalars.ratio = x; s.scalars.precise = x; s.scalars.blob = new Uint8Array(b % 4); break;
    case 4: s.bag.points.push(vec(x, b)); break;
    case 5: s.bag.points.pop(); break;
    case 6: if (s.bag.points.length > 0) s.bag.points.get(b % s.bag.points.length)!.y = x; break;
    case 7: if (s.bag.points.length > 0) s.bag.points.set(b % s.bag.points.length, vec(b, x)); break;
    case 8: s.bag.flags.push(b % 2 === 0); if (b % 3 === 0) s.bag.flags.splice(0, 1); break;
    case 9: s.bag.ids.push(b & 0xffff); s.bag.tags.push(key); break;
    case 10: s.bag.scores.set(key, b & 255); break;
    case 11: s.bag.scores.delete(key); break;
    case 12: if (b % 4 === 0) s.bag.scores.clear(); else s.bag.seen.set(key, b % 2 === 0); break;
    case 13: s.bag.spots.set(b % 5 - 2, vec(x, b)); break;
    case 14: { const v = s.bag.spots.get(b % 5 - 2); if (v) v.x = x; else s.bag.spots.delete(b % 5); break; }
    case 15: s.opt.hp = b % 3 === 0 ? undefined : b & 255; s.opt.title = b % 2 === 0 ? undefined : key; break;
    case 16: s.opt.pos = b % 3 === 0 ? undefined : vec(x, b); s.opt.charge = b % 2 === 0 ? undefined : x; s.opt.shield = b % 5 === 0 ? undefined : b % 2 === 1; break;
    case 17: if (s.opt.pos) s.opt.pos.y = x; break;
    case 18: { const h = b % 2 === 0 ? new Hero() : new Actor(); h.hp = b & 255; if (h instanceof Hero) h.name = key; s.squad.leader = h; break; }
    case 19: { if (b % 3 === 0) s.squad.members.pop(); else s.squad.members.push(b % 2 === 0 ? new Hero() : new Actor()); const m = s.squad.members.get(0); if (m) m.pos.x = x; break; }
    case 20: { let c = s.chain; for (let i = 0; i < b % 6; i++) { c.next ??= new Chain(); c = c.next; } c.v = b & 255; if (b % 7 === 0) s.chain.next = undefined; break; }
    case 21: (s.wide as unknown as Record<string, unknown>)[`f${b % 32}`] = b % 2 === 0; s.wide.f32 = b & 255; if (b % 3 === 0) s.wide.f33 = key; break;
    case 22: s.extra.push(s.world.add(vec(x, b))); break;
    case 23: { const v = s.extra.splice(b % Math.max(1, s.extra.length), 1)[0]; if (v) s.world.remove(v); break; }
  }
}

const changeArb = fc.tuple(fc.nat(23), fc.nat(1 << 20), fc.double({ min: -2000, max: 2000, noNaN: false }));
const ticksArb = fc.array(fc.array(changeArb, { maxLength: 12 }), { minLength: 1, maxLength: 6 });

/** The frames of a random session: a full frame, then one patch per tick. */
function session(ticks: [number, number, number][][]): Uint8Array[] {
  const s = newServer();
  const frames = [s.world.encodeFull()];
  s.world.commit();
  for (const t of ticks) {
    for (const [a, b, x] of t) change(s, a, b, x);
    frames.push(s.world.diff());
  }
  return frames;
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; at: number; len: number; to: number }
  | { kind: 'set'; at: number; byte: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x01, 0x02, 0x03, 0x04) }),
);

function mutate(frame: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Array.from(frame);
  for (const m of ms) {
    const n = b.length;
    if (n === 0) break;
    if (m.kind === 'flip') b[m.at % n] = b[m.at % n]! ^ (1 << m.bit);
    else if (m.kind === 'set') b[m.at % n] = m.byte;
    else if (m.kind === 'truncate') b = b.slice(0, m.at % n);
    else if (m.kind === 'insert') b.splice(m.at % (n + 1), 0, ...m.bytes);
    else {
      const start = m.at % n;
      const span = b.slice(start, start + m.len);
      b.splice(m.to % (n + 1), 0, ...span);
    }
  }
  return new Uint8Array(b);
}

describe('decoder fuzzing', () => {
  it('random bytes: ReplicaWorld.apply returns or throws DecodeError, and stays usable', () => {
    const replica = new ReplicaWorld(gen);
    const good = session([[[4, 1, 1], [10, 2, 0], [18, 2, 0]]]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(0, 1, 2), (bytes, kind) => {
        replica.apply(good[0]!);
        // Bias towards the two valid frame kinds so that the bytes reach the entity decoders.
        const frame = kind === 0 ? bytes : Uint8Array.of(kind, ...bytes);
        onlyDecodeError(() => replica.apply(frame));
        replica.apply(good[0]!);
        expect(replica.entities.size).toBe(7);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('random bytes: every generated decodeFull and decodePatch returns or throws DecodeError', () => {
    const r = new Reader(new Uint8Array(0));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), fc.nat(codecs.length - 1), (bytes, i) => {
        const codec = codecs[i]!;
        r.reset(bytes);
        onlyDecodeError(() => codec.decodeFull(r));
        r.reset(bytes);
        onlyDecodeError(() => codec.decodePatch(r, new codec.Replica()));
        // A replica with its nested values in place, so patches get past "missing value".
        r.reset(bytes);
        onlyDecodeError(() => codec.decodePatch(r, full(codec)));
      }),
      { seed: SEED + 1, numRuns: 4000 },
    );
  });

  it('valid sessions decode; mutated frames only ever decode or throw DecodeError', () => {
    fc.assert(
      fc.property(ticksArb, fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (ticks, pick, ms) => {
        const frames = session(ticks);
        const at = pick % frames.length;
        const replica = new ReplicaWorld(gen);
        for (let i = 0; i < at; i++) replica.apply(frames[i]!); // valid frames must apply
        const bad = mutate(frames[at]!, ms);
        onlyDecodeError(() => replica.apply(bad));
        // Usable afterwards: a full frame resyncs.
        replica.apply(frames[0]!);
        expect(replica.entities.size).toBe(7);
      }),
      { seed: SEED + 2, numRuns: 1500 },
    );
  });

  it('mutated encodings of single objects fed to each generated decoder', () => {
    const server = newServer();
    for (let i = 0; i < 60; i++) change(server, i, i * 7919, i * 1.37 - 20);
    const full0 = server.world.encodeFull();
    const r = new Reader(new Uint8Array(0));
    fc.assert(
      fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), fc.nat(codecs.length - 1), (ms, i) => {
        // Skip the frame header (kind, count, id delta, class id) so the mutations hit object bytes.
        const bytes = mutate(full0.subarray(4), ms);
        const codec = codecs[i]!;
        r.reset(bytes);
        onlyDecodeError(() => codec.decodeFull(r));
        r.reset(bytes);
        onlyDecodeError(() => codec.decodePatch(r, full(codec)));
      }),
      { seed: SEED + 3, numRuns: 2000 },
    );
  });
});

/** A replica of the codec's class with every nested value present. */
function full(codec: (typeof codecs)[number]): object {
  const o = new codec.Replica() as Record<string, unknown>;
  if ('pos' in o && o.pos === undefined) o.pos = new gen.Vec2();
  if ('next' in o) o.next = new gen.Chain();
  return o;
}

describe('hostile lengths', () => {
  it('a frame claiming a 2^31-element array fails at the length prefix, before reading or allocating elements', () => {
    for (const [field, prefix] of [['points', ''], ['flags', '00'], ['ids', '0000'], ['tags', '000000']] as const) {
      const frame = Uint8Array.from(Buffer.from(`01010202${prefix}8080808008`, 'hex'));
      const e = onlyDecodeError(() => new ReplicaWorld(gen).apply(frame));
      expect(e?.message).toContain(`Bag.${field} too long`);
      expect(e?.offset).toBe(4 + prefix.length / 2);
      expect(e?.got).toBe(String(2 ** 31));
    }
  });

  it('a length under the limit but beyond the frame fails before allocating', () => {
    // 60,000 u16 ids need 120,000 bytes; the frame has 4.
    const e = onlyDecodeError(() => new ReplicaWorld(gen).apply(Uint8Array.from(Buffer.from('0101020200' + '00' + 'e0d403' + '00000000', 'hex'))));
    expect(e?.message).toContain('Bag.ids longer than the frame');
    expect(e?.offset).toBe(6);
  });

  it('a string claiming 2^53-1 bytes and an entity count of 2^53-1 fail fast', () => {
    const r = new Reader(Uint8Array.from(Buffer.from('ffffffffffffff0f41', 'hex')));
    expect(onlyDecodeError(() => r.string())?.message).toContain('string too long');
    const e = onlyDecodeError(() => new ReplicaWorld(gen).apply(Uint8Array.from(Buffer.from('01ffffffffffffff0f', 'hex'))));
    expect(e?.message).toContain('entities too long');
  });

  it('a reader with lower limits enforces them', () => {
    const replica = new ReplicaWorld(gen, { maxCollectionLength: 2, maxBytesLength: 3, maxDepth: 2 });
    expect(onlyDecodeError(() => replica.apply(Uint8Array.from(Buffer.from('0101020200000301000200030000000000', 'hex'))))?.message).toContain('Bag.ids too long');
    expect(onlyDecodeError(() => replica.apply(Uint8Array.from(Buffer.from('01010207' + '00'.repeat(28) + '046162636400', 'hex'))))?.message).toContain('string too long');
    expect(onlyDecodeError(() => replica.apply(Uint8Array.from(Buffer.from('01010203010101020003', 'hex'))))?.message).toContain('nesting too deep');
    // Within the limits: a Chain 2 deep.
    replica.apply(Uint8Array.from(Buffer.from('01010203010100' + '02', 'hex')));
    expect((replica.get(1) as gen.Chain).next?.v).toBe(2);
  });

  it('deep nesting past the limit is a DecodeError, not a stack overflow', () => {
    const frame = Uint8Array.from(Buffer.from('01010203' + '0100'.repeat(100_000) + '0000', 'hex'));
    const e = onlyDecodeError(() => new ReplicaWorld(gen).apply(frame));
    expect(e?.message).toContain('nesting too deep');
  });
});

describe('prototype pollution', () => {
  const protoKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'];
  const before = Object.getOwnPropertyNames(Object.prototype).sort();

  it('hostile string keys in maps stay plain Map keys and never touch Object.prototype', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...protoKeys), fc.nat(255), fc.boolean()), { minLength: 1, maxLength: 10 }), (ops) => {
        const world = new World(gen);
        const bag = world.add(new Bag());
        const replica = new ReplicaWorld(gen);
        replica.apply(world.encodeFull());
        world.commit();
        for (const [k, v, del] of ops) {
          if (del) bag.scores.delete(k);
          else bag.scores.set(k, v);
          bag.seen.set(k, v % 2 === 0);
        }
        replica.apply(world.diff());
        replica.apply(world.encodeFull());
        const got = replica.get(1) as gen.Bag;
        expect(got.scores).toBeInstanceOf(Map);
        expect(Object.getPrototypeOf(got)).toBe(gen.Bag.prototype);
        for (const k of protoKeys) expect(Object.hasOwn(got, k)).toBe(false);
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect([...got.scores.keys()].sort()).toEqual([...bag.scores.keys()].sort());
      }),
      { seed: SEED + 4, numRuns: 300 },
    );
  });

  it('a hand-made frame with __proto__ keys decodes into a Map', () => {
    // Bag full: 4 empty arrays, scores { "__proto__": 1 }, spots {}, seen { "__proto__": true }.
    const key = Buffer.from('__proto__').toString('hex');
    const frame = Uint8Array.from(Buffer.from(`01010202000000000109${key}01000109${key}01`, 'hex'));
    const replica = new ReplicaWorld(gen);
    replica.apply(frame);
    const bag = replica.get(1) as gen.Bag;
    expect(bag.scores.get('__proto__')).toBe(1);
    expect(bag.seen.get('__proto__')).toBe(true);
    expect(Object.getPrototypeOf(bag.scores)).toBe(Map.prototype);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
  });
});

