import { Decoder, Encoder, schema, StateView, t, type SchemaType } from '@colyseus/schema';
import type { ArenaFixture, ArenaState, TickMoves } from '../fixtures.js';
import { inWindow, windowMembers, WindowIndex, type RoomScenario } from '../room-scenario.js';
import { CEntity, CQuantEntity, writeEntities, writeQuantEntities } from './colyseus.js';
import { checkReplicas, type RoomTarget } from './room-target.js';
import { F32_PROJECTION, quantProjection, type ReplicaFields } from './target.js';

// The entities' map is tagged `.view()`: its entries reach only the StateViews they were added
// to (`view.add(entity)` / `view.remove(entity)`), which is @colyseus/schema 5's per-client
// filtering. The same entity classes as the codec benchmark (colyseus.ts).
const CViewState = schema({ entities: t.map(CEntity).view() }, 'ViewState');
type CViewState = SchemaType<typeof CViewState>;
const CQuantViewState = schema({ entities: t.map(CQuantEntity).view() }, 'QuantViewState');
type CQuantViewState = SchemaType<typeof CQuantViewState>;
type AnyState = CViewState | CQuantViewState;
type AnyEntity = CEntity | CQuantEntity;

// The join encodes 100 views' full states one after the other in the shared buffer (~1.5 MB):
// room for it without the encoder's grow-and-warn path.
Encoder.BUFFER_SIZE = 1 << 23;

/**
 * @colyseus/schema 5.0.34 with StateViews. Per tick, the server (1) keeps every view's membership
 * equal to its window: each moved entity (the game's list of what it moved, at the positions it
 * wrote) is tested against the clients whose window is near its old or new position (a coarse
 * grid of clients, built once) and `view.add` / `view.remove` is called when it crossed the
 * window's edge; (2) `encoder.encode(it)` once (the shared part);
 * (3) `encoder.encodeView(view, sharedOffset, it)` per client (an owned copy); (4)
 * `encoder.discardChanges()`. The join follows the README: `encodeAll(it)` once, then
 * `encodeAllView` per client. Each client is a `Decoder` on its own state.
 */
export class ColyseusRoomTarget implements RoomTarget {
  readonly name: string;
  readonly description: string;
  private sc: RoomScenario | null = null;
  private state: AnyState | null = null;
  private encoder: Encoder | null = null;
  private ents: AnyEntity[] = [];
  private views: StateView[] = [];
  private decoders: Decoder[] = [];
  /** member[c][i] = 1 when entity i is in client c's view. */
  private member: Uint8Array[] = [];
  /** Where each entity was when membership was last updated. */
  private px = new Float64Array(0);
  private py = new Float64Array(0);
  private index: WindowIndex | null = null;
  private initial: Int32Array[] = [];
  private kept: (Uint8Array | null)[] = [];
  private count = 0;
  private bytes = 0;

  constructor(private readonly kind: 'f32' | 'quant') {
    this.name = `colyseus-${kind}`;
    this.description =
      kind === 'f32'
        ? '@colyseus/schema 5.0.34, float32 x/y/angle, MapSchema .view(), StateView per client + encodeView'
        : '@colyseus/schema 5.0.34, t.quantized x/y 16 bits over [0, 1000], t.angle 8 bits, StateView per client';
  }

  private newState(): AnyState {
    return this.kind === 'f32' ? new CViewState() : new CQuantViewState();
  }

  build(fx: ArenaFixture, sc: RoomScenario): void {
    const s = fx.initial;
    const state = this.newState();
    const encoder = new Encoder(state);
    const n = s.x.length;
    const ents: AnyEntity[] = new Array(n);
    const map = state.entities as Map<string, AnyEntity>;
    for (let i = 0; i < n; i++) {
      const e = this.kind === 'f32' ? new CEntity() : new CQuantEntity();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      map.set(String(i + 1), e);
      ents[i] = e;
    }
    const clients = sc.cx.length;
    this.views = Array.from({ length: clients }, () => new StateView());
    this.decoders = Array.from({ length: clients }, () => new Decoder(this.newState()));
    this.member = Array.from({ length: clients }, () => new Uint8Array(n));
    this.px = s.x.slice();
    this.py = s.y.slice();
    this.index = new WindowIndex(sc);
    // Who is in which window at the start: a query a Colyseus game would do with its own index;
    // computed here before timing, only the view.add calls are timed (in join).
    this.initial = windowMembers(sc, s);
    this.kept = new Array<Uint8Array | null>(clients).fill(null);
    this.sc = sc;
    this.state = state;
    this.encoder = encoder;
    this.ents = ents;
  }

  join(): void {
    const ents = this.ents;
    for (let c = 0; c < this.views.length; c++) {
      const view = this.views[c]!;
      const member = this.member[c]!;
      for (const i of this.initial[c]!) {
        view.add(ents[i]!);
        member[i] = 1;
      }
    }
    const encoder = this.encoder!;
    const it = { offset: 0 };
    encoder.encodeAll(it);
    const shared = it.offset;
    this.count = 0;
    this.bytes = 0;
    for (let c = 0; c < this.views.length; c++) this.keep(c, encoder.encodeAllView(this.views[c]!, shared, it));
    encoder.discardChanges();
  }

  private keep(c: number, frame: Uint8Array): void {
    // encodeView / encodeAllView return a fresh array (concatBytes): already an owned copy.
    this.kept[c] = frame;
    this.count++;
    this.bytes += frame.length;
  }

  write(m: TickMoves): void {
    if (this.kind === 'f32') writeEntities(this.ents as CEntity[], m);
    else writeQuantEntities(this.ents as CQuantEntity[], m);
  }

  serverTick(m: TickMoves): void {
    // (1) Interest: keep each view's membership equal to its window.
    const sc = this.sc!;
    const index = this.index!;
    const idx = m.idx;
    const xya = m.xya;
    const px = this.px;
    const py = this.py;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const e = this.ents[i]!;
      // The positions the game just wrote: t.quantized's setter keeps the quantized value, so
      // reading e.x back would judge the window on a rounded position.
      const nx = xya[3 * k]!;
      const ny = xya[3 * k + 1]!;
      const a = index.near(px[i]!, py[i]!);
      const b = index.near(nx, ny);
      for (let j = 0; j < b.length; j++) this.place(sc, b[j]!, i, e, nx, ny);
      if (a !== b) for (let j = 0; j < a.length; j++) if (!b.includes(a[j]!)) this.place(sc, a[j]!, i, e, nx, ny);
      px[i] = nx;
      py[i] = ny;
    }
    // (2)-(4) Encoding: the shared pass, one pass per view, then the changes are dropped.
    const encoder = this.encoder!;
    const it = { offset: 0 };
    encoder.encode(it);
    const shared = it.offset;
    this.count = 0;
    this.bytes = 0;
    for (let c = 0; c < this.views.length; c++) this.keep(c, encoder.encodeView(this.views[c]!, shared, it));
    encoder.discardChanges();
  }

  private place(sc: RoomScenario, c: number, i: number, e: AnyEntity, x: number, y: number): void {
    const inside = inWindow(sc, c, x, y) ? 1 : 0;
    const member = this.member[c]!;
    if (inside === member[i]) return;
    member[i] = inside;
    if (inside) this.views[c]!.add(e);
    else this.views[c]!.remove(e);
  }

  frames(): { count: number; bytes: number } {
    return { count: this.count, bytes: this.bytes };
  }

  decode(): void {
    const kept = this.kept;
    const decoders = this.decoders;
    for (let c = 0; c < kept.length; c++) {
      const f = kept[c];
      if (f) {
        decoders[c]!.decode(f);
        kept[c] = null;
      }
    }
  }

  verify(expected: ArenaState, members: readonly Int32Array[]): string[] {
    const p = this.kind === 'f32' ? F32_PROJECTION : quantProjection(0, 1000, 16, 8);
    const maps = this.decoders.map((d) => (d.state as AnyState).entities as Map<string, AnyEntity>);
    return checkReplicas(
      this.name,
      members,
      expected,
      p,
      (c) => maps[c]!.size,
      (c, i) => maps[c]!.get(String(i + 1)) as ReplicaFields | undefined,
    );
  }

  dispose(): void {
    for (const v of this.views) v.dispose();
    this.sc = null;
    this.state = null;
    this.encoder = null;
    this.ents = [];
    this.views = [];
    this.decoders = [];
    this.member = [];
    this.initial = [];
    this.kept = [];
  }
}
