import { Decoder, Encoder, schema, t, type SchemaType } from '@colyseus/schema';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import { checkEntity, F32_PROJECTION, HOT, quantProjection, type ReplicaFields, type Target } from './target.js';

// The same entity with @colyseus/schema's non-decorator API (`schema()` + `t.*`), which needs no
// compiler settings: its `@type()` decorators are legacy (`experimentalDecorators`) ones and both
// styles give the same wire format. Entities live in a map keyed by id, as Colyseus rooms do.
export const CEntity = schema(
  { x: t.float32(), y: t.float32(), angle: t.float32(), hp: t.uint8(), name: t.string() },
  'Entity',
);
export type CEntity = SchemaType<typeof CEntity>;
const CState = schema({ entities: t.map(CEntity) }, 'State');
type CState = SchemaType<typeof CState>;

// Colyseus 5 quantizes too, byte-aligned: 16-bit x/y (clamped) and an 8-bit wrapping angle.
export const CQuantEntity = schema(
  {
    x: t.quantized({ min: 0, max: 1000, bits: 16 }),
    y: t.quantized({ min: 0, max: 1000, bits: 16 }),
    angle: t.angle({ bits: 8 }),
    hp: t.uint8(),
    name: t.string(),
  },
  'QuantEntity',
);
export type CQuantEntity = SchemaType<typeof CQuantEntity>;
const CQuantState = schema({ entities: t.map(CQuantEntity) }, 'QuantState');
type CQuantState = SchemaType<typeof CQuantState>;

// Room for the full state without the encoder's grow-and-warn path.
Encoder.BUFFER_SIZE = 1 << 20;

// One write loop per class, so each store site sees one hidden class (see netschema.ts).
export function writeEntities(es: CEntity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

export function writeQuantEntities(es: CQuantEntity[], m: TickMoves): void {
  const idx = m.idx;
  const v = m.xya;
  for (let k = 0; k < idx.length; k++) {
    const e = es[idx[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

// Hot loops, as in netschema.ts.
function hotEntities(es: CEntity[], rounds: number): void {
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

function hotQuantEntities(es: CQuantEntity[], rounds: number): void {
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

type AnyState = CState | CQuantState;
type AnyEntity = CEntity | CQuantEntity;

/** @colyseus/schema 5: Encoder.encodeAll / encode + discardChanges; Decoder.decode. */
export class ColyseusTarget implements Target {
  readonly name: string;
  readonly description: string;
  private state: AnyState | null = null;
  private encoder: Encoder | null = null;
  private decoder: Decoder | null = null;
  private ents: AnyEntity[] = [];

  constructor(private readonly kind: 'f32' | 'quant') {
    this.name = `colyseus-${kind}`;
    this.description =
      kind === 'f32'
        ? '@colyseus/schema 5.0.34, x/y/angle float32, MapSchema keyed by id'
        : '@colyseus/schema 5.0.34, t.quantized x/y 16 bits over [0, 1000], t.angle 8 bits';
  }

  private newState(): AnyState {
    return this.kind === 'f32' ? new CState() : new CQuantState();
  }

  build(fx: ArenaFixture): void {
    const s = fx.initial;
    const state = this.newState();
    const encoder = new Encoder(state);
    const n = s.x.length;
    const ents: AnyEntity[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const e = this.kind === 'f32' ? new CEntity() : new CQuantEntity();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      (state.entities as Map<string, AnyEntity>).set(String(i + 1), e);
      ents[i] = e;
    }
    this.state = state;
    this.encoder = encoder;
    this.ents = ents;
  }

  encodeFull(): Uint8Array {
    // encodeAll returns a view of the encoder's shared buffer: copy it, as netschema's frames are.
    return this.encoder!.encodeAll().slice();
  }

  newClient(): void {
    this.decoder = new Decoder(this.newState());
  }

  decodeFull(bytes: Uint8Array): void {
    this.decoder!.decode(bytes);
  }

  afterJoin(): void {
    // Without this, the first patch repeats the whole state (their issue #249).
    this.encoder!.discardChanges();
  }

  write(m: TickMoves): void {
    if (this.kind === 'f32') writeEntities(this.ents as CEntity[], m);
    else writeQuantEntities(this.ents as CQuantEntity[], m);
  }

  hotWrite(rounds: number): void {
    if (this.kind === 'f32') hotEntities(this.ents as CEntity[], rounds);
    else hotQuantEntities(this.ents as CQuantEntity[], rounds);
  }

  encodePatch(): Uint8Array {
    return this.encoder!.encode().slice();
  }

  commit(): void {
    this.encoder!.discardChanges();
  }

  decodePatch(bytes: Uint8Array): void {
    this.decoder!.decode(bytes);
  }

  verify(expected: ArenaState): string[] {
    const out: string[] = [];
    const map = (this.decoder!.state as AnyState).entities as Map<string, AnyEntity>;
    const n = expected.x.length;
    if (map.size !== n) out.push(`${this.name}: replica has ${map.size} entities, expected ${n}`);
    const p = this.kind === 'f32' ? F32_PROJECTION : quantProjection(0, 1000, 16, 8);
    for (let i = 0; i < n; i++) checkEntity(this.name, map.get(String(i + 1)) as ReplicaFields | undefined, expected, i, p, out);
    // A client fed patches equals a fresh decode of a full snapshot taken now.
    const fresh = new Decoder(this.newState());
    fresh.decode(this.encoder!.encodeAll().slice());
    for (const [id, f] of (fresh.state as AnyState).entities as Map<string, AnyEntity>) {
      const b = map.get(id);
      if (b === undefined || f.x !== b.x || f.y !== b.y || f.angle !== b.angle || f.hp !== b.hp || f.name !== b.name) {
        out.push(`${this.name}: entity ${id} differs from a fresh full decode`);
        break;
      }
    }
    return out;
  }

  dispose(): void {
    this.state = null;
    this.encoder = null;
    this.decoder = null;
    this.ents = [];
  }
}
