/**
 * `churn`: 5,000 arena entities in a 1000×1000 world, 100 clients with the arena's fixed 224×224
 * windows; each tick 2% of the entities are removed and as many new ones spawn at random places
 * (nothing moves). netschema's RoomCore (grid, box views) against @colyseus/schema 5.0.34 with a
 * StateView per client, in one process, on the same precomputed draws.
 */
import { Decoder, Encoder, schema, StateView, t, type SchemaType } from '@colyseus/schema';
import { ReplicaWorld, RoomCore, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import { netschema as arenaCodec } from '@netschema/test-fixtures/schemas/arena.netschema';
import { prng, TWO_PI, type ArenaState } from '../fixtures.js';
import { inWindow, placeClients, windowMembers, WindowIndex, type RoomScenario } from '../room-scenario.js';
import { collectGarbage, fmt, ms, now, round4 } from '../stats.js';
import { applySent, SendBuffers } from '../send-buffers.js';
import { CEntity } from '../targets/colyseus.js';
import { arenaEntity } from '../targets/netschema.js';
import { checkReplicas } from '../targets/room-target.js';
import { F32_PROJECTION, type ReplicaFields } from '../targets/target.js';
import { COLYSEUS_ROOM_STATE, colyseusPatches, decodeKept, drawDistinct, runPaired, type SystemRun } from './paired.js';
import type { Scenario, ScenarioOptions, ScenarioReport } from './scenario.js';

// As in bench:arena (targets/room-colyseus.ts): the entities' map is tagged `.view()`, so an entry
// reaches only the StateViews it was `view.add`ed to.
const CChurnState = schema({ entities: t.map(CEntity).view() }, 'ChurnState');
type CChurnState = SchemaType<typeof CChurnState>;

const RATE = 20;
const WORLD = 1000;
const HALF = 112;
const ENTITIES = 5000;
const CLIENTS = 100;
/** Entities removed and spawned per tick: 2%. */
const CHURN = 100;
/**
 * Unmeasured ticks first: V8 optimizes each new room's code again (owner-only.ts says why), and
 * netschema's ticks 20–80 still ran at 0.17–0.47 ms against 0.14–0.21 after.
 */
const WARMUP = 100;
const TICKS = 200;

/** One tick: the slots whose entity is removed (ascending), and the entity spawned into each. */
interface ChurnTick {
  readonly kill: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly angle: Float64Array;
  readonly hp: Uint8Array;
  readonly name: readonly string[];
  /** The Colyseus map key of each new entity. */
  readonly key: readonly string[];
}

interface ChurnFixture {
  readonly sc: RoomScenario;
  readonly initial: ArenaState;
  readonly initialKeys: readonly string[];
  readonly ticks: readonly ChurnTick[];
  /** Every slot's entity after the last tick, and who sees which slot. */
  readonly final: ArenaState;
  readonly finalMembers: readonly Int32Array[];
  /** Spawned entities inside some window, summed over clients, per measured tick. */
  readonly spawnsInView: number;
}

function makeFixture(seed: number): ChurnFixture {
  const rand = prng(seed);
  const sc = placeClients(CLIENTS, WORLD, HALF);
  let serial = 0;
  const spawn = () => {
    serial++;
    return { x: rand() * WORLD, y: rand() * WORLD, angle: rand() * TWO_PI, hp: Math.floor(rand() * 256), name: `unit-${serial}`, key: String(serial) };
  };
  const x = new Float64Array(ENTITIES);
  const y = new Float64Array(ENTITIES);
  const angle = new Float64Array(ENTITIES);
  const hp = new Uint8Array(ENTITIES);
  const name: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < ENTITIES; i++) {
    const s = spawn();
    x[i] = s.x;
    y[i] = s.y;
    angle[i] = s.angle;
    hp[i] = s.hp;
    name.push(s.name);
    keys.push(s.key);
  }
  const initial: ArenaState = { x: x.slice(), y: y.slice(), angle: angle.slice(), hp: hp.slice(), name: name.slice() };
  const initialKeys = keys.slice();
  const perm = Int32Array.from({ length: ENTITIES }, (_, i) => i);
  const ticks: ChurnTick[] = [];
  let inView = 0;
  for (let k = 0; k < WARMUP + TICKS; k++) {
    const kill = drawDistinct(rand, perm, CHURN);
    const tk = {
      kill,
      x: new Float64Array(CHURN),
      y: new Float64Array(CHURN),
      angle: new Float64Array(CHURN),
      hp: new Uint8Array(CHURN),
      name: [] as string[],
      key: [] as string[],
    };
    for (let j = 0; j < CHURN; j++) {
      const s = spawn();
      const i = kill[j]!;
      tk.x[j] = x[i] = s.x;
      tk.y[j] = y[i] = s.y;
      tk.angle[j] = angle[i] = s.angle;
      tk.hp[j] = hp[i] = s.hp;
      tk.name.push((name[i] = s.name));
      tk.key.push(s.key);
      if (k >= WARMUP) for (let c = 0; c < CLIENTS; c++) if (inWindow(sc, c, s.x, s.y)) inView++;
    }
    ticks.push(tk);
  }
  const final: ArenaState = { x, y, angle, hp, name };
  return { sc, initial, initialKeys, ticks, final, finalMembers: windowMembers(sc, final), spawnsInView: inView / TICKS };
}

const KEYS = [
  'build_ms',
  'join_ms',
  'join_bytes_per_client',
  'churn_ms',
  'server_ms',
  'server_us_per_client',
  'bytes_per_client',
  'frames_per_tick',
  'decode_us_per_frame',
  'decode_ms_all',
] as const;
type Key = (typeof KEYS)[number];

interface ChurnSystem {
  build(): void;
  join(): void;
  /** The tick's removals and spawns, entity construction and field writes included. */
  churn(t: ChurnTick): void;
  tick(): void;
  readonly count: number;
  readonly bytes: number;
  decode(): void;
  verify(): string[];
  dispose(): void;
}

function measure(fx: ChurnFixture, s: ChurnSystem): SystemRun<Key> {
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
  if (s.count !== CLIENTS) problems.push(`join sent ${s.count} frames, expected ${CLIENTS}`);
  collectGarbage();
  s.decode();
  collectGarbage();
  let churn = 0;
  let server = 0;
  let decode = 0;
  let bytes = 0;
  let frames = 0;
  for (let k = 0; k < fx.ticks.length; k++) {
    const t0 = now();
    s.churn(fx.ticks[k]!);
    const t1 = now();
    s.tick();
    const t2 = now();
    s.decode();
    const t3 = now();
    if (k >= WARMUP) {
      churn += ms(t0, t1);
      server += ms(t1, t2);
      decode += ms(t2, t3);
      bytes += s.bytes;
      frames += s.count;
    }
  }
  problems.push(...s.verify());
  s.dispose();
  return {
    sample: {
      build_ms: buildMs,
      join_ms: joinMs,
      join_bytes_per_client: joinBytes / CLIENTS,
      churn_ms: churn / TICKS,
      server_ms: server / TICKS,
      server_us_per_client: (server / TICKS / CLIENTS) * 1000,
      bytes_per_client: bytes / (CLIENTS * TICKS),
      frames_per_tick: frames / TICKS,
      decode_us_per_frame: frames === 0 ? 0 : (decode / frames) * 1000,
      decode_ms_all: decode / TICKS,
    },
    problems,
  };
}

/**
 * netschema: RoomCore with a grid (cell = the window's half side) and box views without
 * hysteresis, as bench:arena. Churn: `room.remove(old)`, then a `new Entity()` with its fields
 * set and `room.add(e)`; the room decides who sees it. The server tick is one `room.update`.
 */
class NetschemaChurn implements ChurnSystem {
  count = 0;
  bytes = 0;
  private room: RoomCore<Entity, number> | null = null;
  private ents: Entity[] = [];
  private replicas: ReplicaWorld[] = [];
  private sent = new SendBuffers(0);
  private now = 0;
  private readonly sink = (c: RoomClient<number>, frame: Uint8Array): void => {
    this.sent.put(c.data, frame);
    this.count++;
    this.bytes += frame.length;
  };

  constructor(private readonly fx: ChurnFixture) {}

  build(): void {
    const { sc, initial: s } = this.fx;
    const room = new RoomCore<Entity, number>({ schema: arenaCodec, patchRate: RATE, grid: { cellSize: HALF } });
    const ents: Entity[] = new Array(ENTITIES);
    for (let i = 0; i < ENTITIES; i++) {
      ents[i] = room.add(arenaEntity(s, i));
    }
    for (let c = 0; c < CLIENTS; c++) {
      room.addClient(c, { view: { x: sc.cx[c]!, y: sc.cy[c]!, halfWidth: HALF, halfHeight: HALF, hysteresis: 0 } });
      this.replicas.push(new ReplicaWorld(arenaCodec));
    }
    this.sent = new SendBuffers(CLIENTS);
    this.room = room;
    this.ents = ents;
  }

  join(): void {
    this.tick();
  }

  churn(tk: ChurnTick): void {
    const room = this.room!;
    const ents = this.ents;
    const kill = tk.kill;
    for (let j = 0; j < kill.length; j++) {
      const i = kill[j]!;
      room.remove(ents[i]!);
      const e = new Entity();
      e.x = tk.x[j]!;
      e.y = tk.y[j]!;
      e.angle = tk.angle[j]!;
      e.hp = tk.hp[j]!;
      e.name = tk.name[j]!;
      ents[i] = room.add(e);
    }
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
    const world = this.room!.world;
    const ents = this.ents;
    const reps = this.replicas;
    const out = checkReplicas(
      'netschema',
      this.fx.finalMembers,
      this.fx.final,
      F32_PROJECTION,
      (c) => reps[c]!.entities.size,
      (c, i) => reps[c]!.get(world.idOf(ents[i]!)) as ReplicaFields | undefined,
    );
    const st = this.room!.stats;
    if (st.entitySlots > 2 * ENTITIES) out.push(`the entity table grew to ${st.entitySlots} slots for ${ENTITIES} entities`);
    return out;
  }

  dispose(): void {
    this.room = null;
    this.ents = [];
    this.replicas = [];
  }
}

/**
 * Colyseus: the bench:arena state (`entities: t.map(CEntity).view()`), one StateView per client.
 * Churn: `map.delete(key)` (the DELETE reaches the views that held the entity: MapSchema's
 * filter checks the deleted value's visibility, so no `view.remove` is needed), then a
 * `new CEntity()` with its fields set, `map.set(key, e)`, and `view.add(e)` on every client whose
 * window holds its position (the clients near it from a coarse grid built once, as
 * room-colyseus.ts's WindowIndex, then the window test). The server tick is Room.applyPatches with
 * filters: `encode` once, `encodeView` per client, `discardChanges`.
 */
class ColyseusChurn implements ChurnSystem {
  count = 0;
  bytes = 0;
  private encoder: Encoder | null = null;
  private map: Map<string, CEntity> | null = null;
  private keys: string[] = [];
  private views: StateView[] = [];
  private decoders: Decoder[] = [];
  private index: WindowIndex | null = null;
  private kept: (Uint8Array | null)[] = [];

  constructor(private readonly fx: ChurnFixture) {}

  build(): void {
    const { sc, initial: s } = this.fx;
    if (Encoder.BUFFER_SIZE < 1 << 20) Encoder.BUFFER_SIZE = 1 << 20;
    const state = new CChurnState();
    this.encoder = new Encoder(state);
    const map = state.entities as Map<string, CEntity>;
    for (let i = 0; i < ENTITIES; i++) {
      const e = new CEntity();
      e.x = s.x[i]!;
      e.y = s.y[i]!;
      e.angle = s.angle[i]!;
      e.hp = s.hp[i]!;
      e.name = s.name[i]!;
      map.set(this.fx.initialKeys[i]!, e);
    }
    this.keys = this.fx.initialKeys.slice();
    this.views = Array.from({ length: CLIENTS }, () => new StateView());
    this.decoders = Array.from({ length: CLIENTS }, () => new Decoder(new CChurnState()));
    this.index = new WindowIndex(sc);
    this.kept = new Array<Uint8Array | null>(CLIENTS).fill(null);
    this.map = map;
  }

  join(): void {
    // The same index query as a spawn, for every entity (timed with the join).
    // (on the positions the game wrote, as room-colyseus.ts does).
    const { sc, initial: s } = this.fx;
    const map = this.map!;
    const index = this.index!;
    for (let i = 0; i < ENTITIES; i++) {
      const e = map.get(this.keys[i]!)!;
      const x = s.x[i]!;
      const y = s.y[i]!;
      const near = index.near(x, y);
      for (let j = 0; j < near.length; j++) if (inWindow(sc, near[j]!, x, y)) this.views[near[j]!]!.add(e);
    }
    const encoder = this.encoder!;
    this.count = 0;
    this.bytes = 0;
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE;
    encoder.encodeAll(it);
    for (let c = 0; c < CLIENTS; c++) this.keep(c, encoder.encodeAllView(this.views[c]!, it.offset, { ...it }));
    encoder.discardChanges();
  }

  private readonly keeper = (c: number, frame: Uint8Array): void => this.keep(c, frame);

  private keep(c: number, frame: Uint8Array): void {
    this.kept[c] = frame;
    this.count++;
    this.bytes += frame.length;
  }

  churn(tk: ChurnTick): void {
    const sc = this.fx.sc;
    const map = this.map!;
    const keys = this.keys;
    const index = this.index!;
    const views = this.views;
    const kill = tk.kill;
    for (let j = 0; j < kill.length; j++) {
      const i = kill[j]!;
      map.delete(keys[i]!);
      const e = new CEntity();
      const x = tk.x[j]!;
      const y = tk.y[j]!;
      e.x = x;
      e.y = y;
      e.angle = tk.angle[j]!;
      e.hp = tk.hp[j]!;
      e.name = tk.name[j]!;
      const key = tk.key[j]!;
      map.set(key, e);
      keys[i] = key;
      const near = index.near(x, y);
      for (let n = 0; n < near.length; n++) if (inWindow(sc, near[n]!, x, y)) views[near[n]!]!.add(e);
    }
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
    const maps = this.decoders.map((d) => (d.state as CChurnState).entities as Map<string, CEntity>);
    const keys = this.keys;
    return checkReplicas(
      'colyseus',
      this.fx.finalMembers,
      this.fx.final,
      F32_PROJECTION,
      (c) => maps[c]!.size,
      (c, i) => maps[c]!.get(keys[i]!) as ReplicaFields | undefined,
    );
  }

  dispose(): void {
    for (const v of this.views) v.dispose();
    this.encoder = null;
    this.map = null;
    this.views = [];
    this.decoders = [];
  }
}

export const churn: Scenario = {
  key: 'churn',
  run(options: ScenarioOptions): ScenarioReport {
    const fx = makeFixture(options.seed);
    const r = runPaired(
      'churn',
      options.runs,
      KEYS,
      () => measure(fx, new NetschemaChurn(fx)),
      () => measure(fx, new ColyseusChurn(fx)),
    );
    return {
      key: 'churn',
      title:
        `${ENTITIES} entities, ${CLIENTS} clients with fixed ${2 * HALF}×${2 * HALF} windows; per tick ${CHURN} removed and ${CHURN} spawned ` +
        `at random places (${fmt(fx.spawnsInView / CLIENTS)} spawns in each window per tick on average)`,
      systems: {
        netschema: 'RoomCore, grid cell 112, box views; room.remove + new Entity + room.add; one room.update per tick',
        colyseus:
          '@colyseus/schema 5.0.34, MapSchema .view(), StateView per client; map.delete + new CEntity + map.set + view.add for the windows holding it; ' +
          'encode + encodeView per client + discardChanges',
      },
      metrics: [
        r.metric('churn_ms', 'removals + spawns per tick, incl. construction (ms)'),
        r.metric('server_ms', 'server time per tick (ms)'),
        r.metric('server_us_per_client', 'server time per client (µs)'),
        r.metric('bytes_per_client', 'bytes per client per tick (0 without a frame)', true),
        r.metric('frames_per_tick', 'frames sent per tick', true),
        r.metric('decode_us_per_frame', 'client decode per frame (µs)'),
        r.metric('decode_ms_all', 'client decode, all clients per tick (ms)'),
        r.metric('join_ms', 'join: every first frame, server (ms)'),
        r.metric('join_bytes_per_client', 'join frame per client (bytes)', true),
        r.metric('build_ms', 'build server state + clients (ms)'),
      ],
      ratios: {
        churn_writes_ratio: round4(r.ratio('churn_ms')),
        churn_ratio: round4(r.ratio('server_ms')),
        churn_bytes_ratio: round4(r.ratio('bytes_per_client')),
      },
      problems: r.problems,
    };
  },
};
