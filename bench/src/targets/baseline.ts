import { isNativeAccelerationEnabled, pack, unpack } from 'msgpackr';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import { checkEntity, HOT, type Projection, type ReplicaFields, type Target } from './target.js';

/**
 * Baselines: what a game gets without a schema library. Entities are a hand-written class whose
 * setters put the entity on a change list (the "hand-written class setter" of shared/facts.md);
 * the full state is every entity as a tuple, a patch is every changed entity whole, and both are
 * serialized with JSON (UTF-8) or MessagePack (msgpackr, numbers as float64).
 */
class TrackedEntity {
  private _x = 0;
  private _y = 0;
  private _angle = 0;
  hp = 0;
  name = '';
  dirty = false;
  constructor(
    readonly id: number,
    private readonly changes: TrackedEntity[],
  ) {}
  get x(): number {
    return this._x;
  }
  set x(v: number) {
    if (v !== this._x) {
      this._x = v;
      if (!this.dirty) this.mark();
    }
  }
  get y(): number {
    return this._y;
  }
  set y(v: number) {
    if (v !== this._y) {
      this._y = v;
      if (!this.dirty) this.mark();
    }
  }
  get angle(): number {
    return this._angle;
  }
  set angle(v: number) {
    if (v !== this._angle) {
      this._angle = v;
      if (!this.dirty) this.mark();
    }
  }
  private mark(): void {
    this.dirty = true;
    this.changes.push(this);
  }
}

type Tuple = [id: number, x: number, y: number, angle: number, hp: number, name: string];

function writeEntities(es: TrackedEntity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

function hotEntities(es: TrackedEntity[], rounds: number): void {
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

const EXACT: Projection = { xy: (v) => v, angle: (v) => v, xyTol: 0, angleTol: 0 };

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
interface Codec {
  encode(v: unknown): Uint8Array;
  decode(b: Uint8Array): unknown;
}
const CODECS: Record<'json' | 'msgpack', Codec> = {
  json: { encode: (v: unknown) => utf8.encode(JSON.stringify(v)), decode: (b: Uint8Array) => JSON.parse(fromUtf8.decode(b)) as unknown },
  msgpack: { encode: (v: unknown) => pack(v) as Uint8Array, decode: (b: Uint8Array) => unpack(b) as unknown },
};

export class BaselineTarget implements Target {
  readonly name: string;
  readonly description: string;
  private ents: TrackedEntity[] = [];
  private changes: TrackedEntity[] = [];
  private client = new Map<number, ReplicaFields>();
  private readonly codec: Codec;

  constructor(private readonly kind: 'json' | 'msgpack') {
    this.name = kind;
    this.codec = CODECS[kind];
    this.description =
      kind === 'json'
        ? 'baseline: hand-written setters + change list; JSON.stringify of entity tuples, changed entities whole'
        : `baseline: the same with msgpackr 2.1.3 pack/unpack (float64 numbers; native string extraction ${isNativeAccelerationEnabled ? 'on' : 'off'})`;
  }

  build(fx: ArenaFixture): void {
    const s = fx.initial;
    const n = s.x.length;
    const changes: TrackedEntity[] = [];
    const ents: TrackedEntity[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = new TrackedEntity(i + 1, changes);
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      ents[i] = e;
    }
    this.ents = ents;
    this.changes = changes;
  }

  private static tuple(e: TrackedEntity): Tuple {
    return [e.id, e.x, e.y, e.angle, e.hp, e.name];
  }

  encodeFull(): Uint8Array {
    return this.codec.encode(this.ents.map(BaselineTarget.tuple));
  }

  newClient(): void {
    this.client = new Map();
  }

  private applyTuples(bytes: Uint8Array): void {
    const rows = this.codec.decode(bytes) as Tuple[];
    const client = this.client;
    for (const [id, x, y, angle, hp, name] of rows) {
      const r = client.get(id);
      if (r === undefined) client.set(id, { x, y, angle, hp, name });
      else {
        r.x = x;
        r.y = y;
        r.angle = angle;
        r.hp = hp;
        r.name = name;
      }
    }
  }

  decodeFull(bytes: Uint8Array): void {
    this.applyTuples(bytes);
  }

  afterJoin(): void {
    this.commit();
  }

  write(m: TickMoves): void {
    writeEntities(this.ents, m);
  }

  hotWrite(rounds: number): void {
    hotEntities(this.ents, rounds);
  }

  encodePatch(): Uint8Array {
    return this.codec.encode(this.changes.map(BaselineTarget.tuple));
  }

  commit(): void {
    const c = this.changes;
    for (let i = 0; i < c.length; i++) c[i]!.dirty = false;
    c.length = 0;
  }

  decodePatch(bytes: Uint8Array): void {
    this.applyTuples(bytes);
  }

  verify(expected: ArenaState): string[] {
    const out: string[] = [];
    const n = expected.x.length;
    if (this.client.size !== n) out.push(`${this.name}: replica has ${this.client.size} entities, expected ${n}`);
    for (let i = 0; i < n; i++) checkEntity(this.name, this.client.get(i + 1), expected, i, EXACT, out);
    return out;
  }

  dispose(): void {
    this.ents = [];
    this.changes = [];
    this.client = new Map();
  }
}
