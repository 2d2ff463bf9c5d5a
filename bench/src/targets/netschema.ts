import { ReplicaWorld, World } from '@netschema/runtime';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import { Entity, QuantEntity } from '@netschema/test-fixtures/schemas/arena';
import { netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { checkEntity, F32_PROJECTION, HOT, quantProjection, type ReplicaFields, type Target } from './target.js';

// The write loops are written out once per class (not shared through a generic helper) so each
// property store site sees one hidden class, as it would in a game's own update loop.
/** Entity `i` of an arena state as a new netschema `Entity` (not yet in a room or world). */
export function arenaEntity(s: ArenaState, i: number): Entity {
  const e = new Entity();
  e.x = s.x[i]!;
  e.y = s.y[i]!;
  e.angle = s.angle[i]!;
  e.hp = s.hp[i]!;
  e.name = s.name[i]!;
  return e;
}

export function writeEntities(es: Entity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

export function writeQuantEntities(es: QuantEntity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

// Hot loops: the same HOT entities written round after round (in cache, already marked dirty
// after the first round), like the "cost of a tracked field write" table in shared/facts.md.
function hotEntities(es: Entity[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    const x = r * 0.5;
    const y = r * 0.25 + 1;
    const a = (r & 7) * 0.5;
    for (let i = 0; i < HOT; i++) {
      const e = es[i]!;
      e.x = x;
      e.y = y;
      e.angle = a;
    }
  }
}

function hotQuantEntities(es: QuantEntity[], rounds: number): void {
  for (let r = 0; r < rounds; r++) {
    const x = r * 0.5;
    const y = r * 0.25 + 1;
    const a = (r & 7) * 0.5;
    for (let i = 0; i < HOT; i++) {
      const e = es[i]!;
      e.x = x;
      e.y = y;
      e.angle = a;
    }
  }
}

/** netschema: a World of decorated entities on the server, a ReplicaWorld on the client. */
export class NetschemaTarget implements Target {
  readonly name: string;
  readonly description: string;
  private world: World | null = null;
  private client: ReplicaWorld | null = null;
  private ents: (Entity | QuantEntity)[] = [];

  constructor(private readonly kind: 'f32' | 'quant') {
    this.name = `netschema-${kind}`;
    this.description =
      kind === 'f32'
        ? 'netschema, x/y/angle f32 (generated codec, World / ReplicaWorld)'
        : 'netschema, x/y quantized 16 bits over [0, 1000], angle 8 bits (bit-packed)';
  }

  build(fx: ArenaFixture): void {
    const s = fx.initial;
    const world = new World(netschema);
    const n = s.x.length;
    const ents: (Entity | QuantEntity)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.kind === 'f32' ? new Entity() : new QuantEntity();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      ents[i] = world.add(e);
    }
    this.world = world;
    this.ents = ents;
  }

  encodeFull(): Uint8Array {
    return this.world!.encodeFull();
  }

  newClient(): void {
    this.client = new ReplicaWorld(netschema);
  }

  decodeFull(bytes: Uint8Array): void {
    this.client!.apply(bytes);
  }

  afterJoin(): void {
    this.world!.commit();
  }

  write(m: TickMoves): void {
    if (this.kind === 'f32') writeEntities(this.ents as Entity[], m);
    else writeQuantEntities(this.ents as QuantEntity[], m);
  }

  hotWrite(rounds: number): void {
    if (this.kind === 'f32') hotEntities(this.ents as Entity[], rounds);
    else hotQuantEntities(this.ents as QuantEntity[], rounds);
  }

  encodePatch(): Uint8Array {
    return this.world!.encodePatch();
  }

  commit(): void {
    this.world!.commit();
  }

  decodePatch(bytes: Uint8Array): void {
    this.client!.apply(bytes);
  }

  verify(expected: ArenaState): string[] {
    const out: string[] = [];
    const client = this.client!;
    const n = expected.x.length;
    if (client.entities.size !== n) out.push(`${this.name}: replica has ${client.entities.size} entities, expected ${n}`);
    const p = this.kind === 'f32' ? F32_PROJECTION : quantProjection(0, 1000, 16, 8);
    for (let i = 0; i < n; i++) checkEntity(this.name, client.get(i + 1) as ReplicaFields | undefined, expected, i, p, out);
    // A client fed patches equals a fresh decode of a full snapshot taken now, field for field.
    const fresh = new ReplicaWorld(netschema);
    fresh.apply(this.world!.encodeFull());
    for (const [id, f] of fresh.entities) {
      const a = f as ReplicaFields;
      const b = client.get(id) as ReplicaFields | undefined;
      if (b === undefined || a.x !== b.x || a.y !== b.y || a.angle !== b.angle || a.hp !== b.hp || a.name !== b.name) {
        out.push(`${this.name}: entity ${id} differs from a fresh full decode`);
        break;
      }
    }
    return out;
  }

  dispose(): void {
    this.world = null;
    this.client = null;
    this.ents = [];
  }
}
