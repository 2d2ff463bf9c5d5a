/**
 * The room of the owner-only scenarios (owner-mixed.ts, owner-only.ts): 100 clients, 1,000 heroes
 * `{x, y, angle: f32; hp: u16 (owner only); name: string}` every client sees, each client owning
 * 10 of them. Per tick some heroes get a new hp (only their owner may receive it) and some move
 * (everyone receives it). netschema's RoomCore against @colyseus/schema 5.0.34 with one StateView
 * per client, in one process, on the same precomputed writes.
 */
import { Decoder, Encoder, schema, StateView, t, type SchemaType } from '@colyseus/schema';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { prng, TWO_PI } from '../fixtures.js';
import { Hero } from '../schemas/hero.js';
import * as heroCodec from '../schemas/hero.netschema.js';
import { applySent, SendBuffers } from '../send-buffers.js';
import { collectGarbage, ms, now, round4 } from '../stats.js';
import { COLYSEUS_ROOM_STATE, colyseusPatches, decodeKept, drawDistinct, runPaired, type SystemRun } from './paired.js';
import type { ScenarioOptions, ScenarioReport } from './scenario.js';

// The Colyseus hero: the same fields, hp tagged `.view()`. The heroes' map is not tagged, so every
// client receives every hero's public fields through the shared encoding; a tagged field goes only
// to the StateViews that `view.add(hero)`ed the hero, and each owner's view adds its own heroes:
// the pattern of Colyseus's StateView documentation ("only the owner sees its health").
const CHero = schema({ x: t.float32(), y: t.float32(), angle: t.float32(), hp: t.uint16().view(), name: t.string() }, 'Hero');
type CHero = SchemaType<typeof CHero>;
const CHeroState = schema({ heroes: t.map(CHero) }, 'HeroState');
type CHeroState = SchemaType<typeof CHeroState>;

/** Frames per second of every client; the room clock advances one interval per tick. */
const RATE = 20;
const WORLD = 1000;

export interface OwnerParams {
  clients: number;
  heroes: number;
  /** Heroes whose hp changes each tick (owner-only field). */
  hpPerTick: number;
  /** Heroes that move each tick (x, y, angle: public fields). */
  movesPerTick: number;
  warmup: number;
  ticks: number;
}

interface HeroTick {
  /** Heroes given a new hp, ascending, and the values. */
  readonly hpIdx: Int32Array;
  readonly hp: Uint16Array;
  /** Heroes moved, ascending, and x, y, angle for each. */
  readonly moveIdx: Int32Array;
  readonly xya: Float64Array;
}

interface HeroState {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly angle: Float64Array;
  readonly hp: Uint16Array;
  readonly name: readonly string[];
}

interface HeroFixture {
  readonly p: OwnerParams;
  readonly initial: HeroState;
  readonly ticks: readonly HeroTick[];
  readonly final: HeroState;
}

/** Hero i belongs to client ⌊i / (heroes / clients)⌋: 10 consecutive heroes per client. */
const ownerOf = (p: OwnerParams, i: number): number => Math.floor(i / (p.heroes / p.clients));

function makeFixture(p: OwnerParams, seed: number): HeroFixture {
  const rand = prng(seed);
  const n = p.heroes;
  const initial: HeroState = {
    x: Float64Array.from({ length: n }, () => rand() * WORLD),
    y: Float64Array.from({ length: n }, () => rand() * WORLD),
    angle: Float64Array.from({ length: n }, () => rand() * TWO_PI),
    hp: Uint16Array.from({ length: n }, () => 1 + Math.floor(rand() * 1000)),
    name: Array.from({ length: n }, (_, i) => `hero-${i + 1}`),
  };
  const cur = { x: initial.x.slice(), y: initial.y.slice(), angle: initial.angle.slice(), hp: initial.hp.slice(), name: initial.name };
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  const ticks: HeroTick[] = [];
  for (let k = 0; k < p.warmup + p.ticks; k++) {
    const hpIdx = drawDistinct(rand, perm, p.hpPerTick);
    const hp = new Uint16Array(hpIdx.length);
    for (let j = 0; j < hpIdx.length; j++) {
      const i = hpIdx[j]!;
      let v = 1 + Math.floor(rand() * 1000);
      if (v === cur.hp[i]) v = v === 1000 ? 1 : v + 1; // always a change
      hp[j] = cur.hp[i] = v;
    }
    const moveIdx = drawDistinct(rand, perm, p.movesPerTick);
    const xya = new Float64Array(3 * moveIdx.length);
    for (let j = 0; j < moveIdx.length; j++) {
      const i = moveIdx[j]!;
      xya[3 * j] = cur.x[i] = rand() * WORLD;
      xya[3 * j + 1] = cur.y[i] = rand() * WORLD;
      xya[3 * j + 2] = cur.angle[i] = rand() * TWO_PI;
    }
    ticks.push({ hpIdx, hp, moveIdx, xya });
  }
  return { p, initial, ticks, final: cur };
}

// One write loop per class, so each store site sees one hidden class.
function writeHeroes(es: Hero[], m: HeroTick): void {
  const hi = m.hpIdx;
  const hv = m.hp;
  for (let k = 0; k < hi.length; k++) es[hi[k]!]!.hp = hv[k]!;
  const mi = m.moveIdx;
  const v = m.xya;
  for (let k = 0; k < mi.length; k++) {
    const e = es[mi[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

function writeCHeroes(es: CHero[], m: HeroTick): void {
  const hi = m.hpIdx;
  const hv = m.hp;
  for (let k = 0; k < hi.length; k++) es[hi[k]!]!.hp = hv[k]!;
  const mi = m.moveIdx;
  const v = m.xya;
  for (let k = 0; k < mi.length; k++) {
    const e = es[mi[k]!]!;
    e.x = v[3 * k]!;
    e.y = v[3 * k + 1]!;
    e.angle = v[3 * k + 2]!;
  }
}

interface HeroFields {
  x: number;
  y: number;
  angle: number;
  hp: number | undefined;
  name: string;
}

/** Client c's copy of hero i: public fields exact through f32, hp exactly when c owns it and absent otherwise. */
function checkHero(label: string, p: OwnerParams, c: number, i: number, r: HeroFields | undefined, s: HeroState, out: string[]): void {
  if (out.length >= 5) return;
  if (r === undefined) {
    out.push(`${label}: client ${c} lacks hero ${i + 1}`);
    return;
  }
  const hp = ownerOf(p, i) === c ? s.hp[i] : undefined;
  if (r.x !== Math.fround(s.x[i]!) || r.y !== Math.fround(s.y[i]!) || r.angle !== Math.fround(s.angle[i]!) || r.name !== s.name[i] || r.hp !== hp) {
    out.push(
      `${label}: client ${c} has hero ${i + 1} as {x: ${r.x}, y: ${r.y}, angle: ${r.angle}, hp: ${r.hp}, name: ${r.name}}, ` +
        `expected {x: ${Math.fround(s.x[i]!)}, y: ${Math.fround(s.y[i]!)}, angle: ${Math.fround(s.angle[i]!)}, hp: ${hp}, name: ${s.name[i]}}`,
    );
  }
}

const KEYS = [
  'build_ms',
  'join_ms',
  'join_bytes_per_client',
  'writes_ms',
  'server_ms',
  'server_us_per_client',
  'bytes_per_client',
  'frames_per_tick',
  'bytes_per_frame',
  'decode_us_per_frame',
  'decode_ms_all',
] as const;
type Key = (typeof KEYS)[number];

/** What both systems' runs do around their own calls: the loop, the clock, the sums. */
interface OwnerSystem {
  build(): void;
  /** First frames of every client. */
  join(): void;
  write(m: HeroTick): void;
  tick(): void;
  /** Frames and bytes of the last join or tick. */
  readonly count: number;
  readonly bytes: number;
  decode(): void;
  verify(): string[];
  dispose(): void;
}

function measure(fx: HeroFixture, s: OwnerSystem): SystemRun<Key> {
  const p = fx.p;
  let a = now();
  s.build();
  const buildMs = ms(a, now());
  // As bench:arena's runRoom: the build's and the join's garbage is collected before the ticks.
  collectGarbage();
  a = now();
  s.join();
  const joinMs = ms(a, now());
  const joinBytes = s.bytes;
  const problems: string[] = [];
  if (s.count !== p.clients) problems.push(`join sent ${s.count} frames, expected ${p.clients}`);
  collectGarbage();
  s.decode();
  collectGarbage();
  let writes = 0;
  let server = 0;
  let decode = 0;
  let bytes = 0;
  let frames = 0;
  for (let k = 0; k < fx.ticks.length; k++) {
    const t0 = now();
    s.write(fx.ticks[k]!);
    const t1 = now();
    s.tick();
    const t2 = now();
    s.decode();
    const t3 = now();
    if (k >= p.warmup) {
      writes += ms(t0, t1);
      server += ms(t1, t2);
      decode += ms(t2, t3);
      bytes += s.bytes;
      frames += s.count;
    }
  }
  problems.push(...s.verify());
  s.dispose();
  const n = p.ticks;
  return {
    sample: {
      build_ms: buildMs,
      join_ms: joinMs,
      join_bytes_per_client: joinBytes / p.clients,
      writes_ms: writes / n,
      server_ms: server / n,
      server_us_per_client: (server / n / p.clients) * 1000,
      // Every client counts, with 0 bytes on a tick it gets no frame.
      bytes_per_client: bytes / (p.clients * n),
      frames_per_tick: frames / n,
      bytes_per_frame: frames === 0 ? 0 : bytes / frames,
      decode_us_per_frame: frames === 0 ? 0 : (decode / frames) * 1000,
      decode_ms_all: decode / n,
    },
    problems,
  };
}

/**
 * netschema: one RoomCore without a grid, every hero added with `{ global: true }` (every client
 * sees it; a client view covering the whole world would do the same through the grid), owned by
 * `room.setOwner`; clients have no view. The server tick is one `room.update`; the sink copies each
 * frame and takes the client's ownership news, as the host does. A client with nothing to receive
 * gets no frame.
 */
class NetschemaOwner implements OwnerSystem {
  count = 0;
  bytes = 0;
  private room: RoomCore<Hero, number> | null = null;
  private ents: Hero[] = [];
  private ids = new Int32Array(0);
  private replicas: ReplicaWorld[] = [];
  private sent = new SendBuffers(0);
  private now = 0;
  private readonly sink = (c: RoomClient<number>, frame: Uint8Array): void => {
    this.sent.put(c.data, frame);
    this.count++;
    this.bytes += frame.length;
    // As the host does after every frame (host/room.ts sendFrame): the ownership news, a message
    // of its own, not null only after the join frame here. Left untaken, the room would keep
    // sending every owner a frame each tick to deliver it.
    this.room!.takeOwned(c);
  };

  constructor(private readonly fx: HeroFixture) {}

  build(): void {
    const { p, initial: s } = this.fx;
    const room = new RoomCore<Hero, number>({ schema: heroCodec, patchRate: RATE });
    const clients: RoomClient<number>[] = [];
    for (let c = 0; c < p.clients; c++) {
      clients.push(room.addClient(c));
      this.replicas.push(new ReplicaWorld(heroCodec));
    }
    const ents: Hero[] = new Array(p.heroes);
    const ids = new Int32Array(p.heroes);
    for (let i = 0; i < p.heroes; i++) {
      const e = new Hero();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      ents[i] = room.add(e, { global: true });
      room.setOwner(e, clients[ownerOf(p, i)]!);
      ids[i] = room.world.idOf(e);
    }
    this.sent = new SendBuffers(p.clients);
    this.room = room;
    this.ents = ents;
    this.ids = ids;
  }

  join(): void {
    this.tick();
  }

  write(m: HeroTick): void {
    writeHeroes(this.ents, m);
  }

  tick(): void {
    this.count = 0;
    this.bytes = 0;
    this.room!.update(this.now, this.sink);
    this.now += 1000 / RATE;
  }

  decode(): void {
    applySent(this.sent, this.replicas);
  }

  verify(): string[] {
    const { p, final } = this.fx;
    const out: string[] = [];
    for (let c = 0; c < p.clients && out.length < 5; c++) {
      const r = this.replicas[c]!;
      if (r.entities.size !== p.heroes) out.push(`client ${c} holds ${r.entities.size} heroes, expected ${p.heroes}`);
      for (let i = 0; i < p.heroes; i++) checkHero('netschema', p, c, i, r.get(this.ids[i]!) as HeroFields | undefined, final, out);
    }
    return out;
  }

  dispose(): void {
    this.room = null;
    this.ents = [];
    this.replicas = [];
  }
}

/**
 * Colyseus, as its Room's SchemaSerializer drives an encoder with filters (`applyPatches`): when
 * `encoder.hasChanges`, the shared `encode` once after the message type byte, then
 * `encodeView(view, sharedOffset, it)` for every client (a fresh array each: the shared bytes and
 * the view's own), sent to every client, then `discardChanges()`; without changes, `encodeView`
 * only for clients whose `view.changes` is not empty. The join is `getFullState`: `encodeAll`
 * once, `encodeAllView` per client, after each owner's `view.add` of its heroes (timed).
 * Each client is a `Decoder` reading past the type byte, as the client SDK does.
 */
class ColyseusOwner implements OwnerSystem {
  count = 0;
  bytes = 0;
  private encoder: Encoder | null = null;
  private ents: CHero[] = [];
  private views: StateView[] = [];
  private decoders: Decoder[] = [];
  private kept: (Uint8Array | null)[] = [];

  constructor(private readonly fx: HeroFixture) {}

  build(): void {
    const { p, initial: s } = this.fx;
    // Room for the join's full encodes without the encoder's grow-and-warn path (only ever raised).
    if (Encoder.BUFFER_SIZE < 1 << 20) Encoder.BUFFER_SIZE = 1 << 20;
    const state = new CHeroState();
    this.encoder = new Encoder(state);
    const map = state.heroes as Map<string, CHero>;
    const ents: CHero[] = new Array(p.heroes);
    for (let i = 0; i < p.heroes; i++) {
      const e = new CHero();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      map.set(String(i + 1), e);
      ents[i] = e;
    }
    this.views = Array.from({ length: p.clients }, () => new StateView());
    this.decoders = Array.from({ length: p.clients }, () => new Decoder(new CHeroState()));
    this.kept = new Array<Uint8Array | null>(p.clients).fill(null);
    this.ents = ents;
  }

  join(): void {
    const p = this.fx.p;
    for (let i = 0; i < p.heroes; i++) this.views[ownerOf(p, i)]!.add(this.ents[i]!);
    const encoder = this.encoder!;
    this.count = 0;
    this.bytes = 0;
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE;
    encoder.encodeAll(it);
    for (let c = 0; c < p.clients; c++) this.keep(c, encoder.encodeAllView(this.views[c]!, it.offset, { ...it }));
    encoder.discardChanges();
  }

  private readonly keeper = (c: number, frame: Uint8Array): void => this.keep(c, frame);

  private keep(c: number, frame: Uint8Array): void {
    this.kept[c] = frame;
    this.count++;
    this.bytes += frame.length;
  }

  write(m: HeroTick): void {
    writeCHeroes(this.ents, m);
  }

  tick(): void {
    this.count = 0;
    this.bytes = 0;
    colyseusPatches(this.encoder!, this.views, this.keeper);
  }

  decode(): void {
    decodeKept(this.kept, this.decoders);
  }

  verify(): string[] {
    const { p, final } = this.fx;
    const out: string[] = [];
    for (let c = 0; c < p.clients && out.length < 5; c++) {
      const map = (this.decoders[c]!.state as CHeroState).heroes as Map<string, CHero>;
      if (map.size !== p.heroes) out.push(`client ${c} holds ${map.size} heroes, expected ${p.heroes}`);
      for (let i = 0; i < p.heroes; i++) checkHero('colyseus', p, c, i, map.get(String(i + 1)) as HeroFields | undefined, final, out);
    }
    return out;
  }

  dispose(): void {
    for (const v of this.views) v.dispose();
    this.encoder = null;
    this.ents = [];
    this.views = [];
    this.decoders = [];
  }
}

/** Runs one owner scenario; `ratios` names the report's ratios (server time, bytes per client). */
export function runOwnerScenario(
  key: string,
  title: string,
  p: OwnerParams,
  options: ScenarioOptions,
  ratios: { server: string; bytes: string },
): ScenarioReport {
  const fx = makeFixture(p, options.seed);
  const r = runPaired(
    key,
    options.runs,
    KEYS,
    () => measure(fx, new NetschemaOwner(fx)),
    () => measure(fx, new ColyseusOwner(fx)),
  );
  return {
    key,
    title,
    systems: {
      netschema: 'RoomCore without a grid, heroes added { global: true } and owned via setOwner, hp @ownerOnly; one room.update per tick',
      colyseus:
        '@colyseus/schema 5.0.34, untagged MapSchema of heroes with hp .view(), each owner view.add()s its heroes; ' +
        'per tick as Room.applyPatches: encode + encodeView per client + discardChanges',
    },
    metrics: [
      r.metric('writes_ms', 'field writes per tick (ms)'),
      r.metric('server_ms', 'server time per tick (ms)'),
      r.metric('server_us_per_client', 'server time per client (µs)'),
      r.metric('bytes_per_client', 'bytes per client per tick (0 without a frame)', true),
      r.metric('frames_per_tick', 'frames sent per tick', true),
      r.metric('bytes_per_frame', 'bytes per frame sent', true),
      r.metric('decode_us_per_frame', 'client decode per frame (µs)'),
      r.metric('decode_ms_all', 'client decode, all clients per tick (ms)'),
      r.metric('join_ms', 'join: every first frame, server (ms)'),
      r.metric('join_bytes_per_client', 'join frame per client (bytes)', true),
      r.metric('build_ms', 'build server state + clients (ms)'),
    ],
    ratios: {
      [ratios.server]: round4(r.ratio('server_ms')),
      [ratios.bytes]: round4(r.ratio('bytes_per_client')),
    },
    problems: r.problems,
  };
}
