/**
 * `following`: every client's view follows its own player. 200 clients, each owning a player
 * entity, 5,000 arena entities in a 1000×1000 world. Every tick every player takes a small random
 * step (±2 units per axis), 500 other entities move (±5), and each client's window (a 224×224
 * box, half side 112, no hysteresis) is re-centred on its player. netschema's RoomCore against
 * @colyseus/schema 5.0.34 with one StateView per client whose membership the game keeps itself.
 */
import { Decoder, Encoder, StateView } from '@colyseus/schema';
import { ReplicaWorld, RoomCore, type BoxView, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import { netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { prng, TWO_PI, type ArenaState, type TickMoves } from '../fixtures.js';
import { collectGarbage, ms, now } from '../stats.js';
import { applySent, SendBuffers } from '../send-buffers.js';
import { CEntity, writeEntities as writeCEntities } from '../targets/colyseus.js';
import { arenaEntity, writeEntities } from '../targets/netschema.js';
import { checkReplicas } from '../targets/room-target.js';
import { F32_PROJECTION, type ReplicaFields } from '../targets/target.js';
import type { Scenario, ScenarioOptions, ScenarioReport } from './scenario.js';
import { COLYSEUS_ROOM_STATE, COLYSEUS_ROOM_STATE_PATCH, runPaired, type SystemRun } from './paired.js';
import { CScenarioState, EntityGrid, swapOut } from './side-by-side.js';

const CLIENTS = 200;
const ENTITIES = 5000;
const WORLD = 1000;
const HALF = 112;
const OTHERS_MOVED = 500;
/** Players step up to ±2 units per axis per tick, other entities up to ±5. */
const PLAYER_STEP = 2;
const OTHER_STEP = 5;
const WARMUP = 20;
const TICKS = 100;
/** Frames per second per client; the room clock advances one interval per tick, so every client is due every tick. */
const RATE = 20;
/**
 * netschema's grid cell edge: a quarter of the window, as docs/rooms.md advises for following
 * views (a moving view reads only the band of cells its move uncovered or left). Measured on this
 * scenario (3 runs each): 32 gave 0.63–0.81 of Colyseus, 40 gave 0.49, 56 gave 0.44–0.45, 75
 * gave 0.62. The Colyseus game's entity cell was tried likewise (16, 32, 56) and keeps its best, 32.
 */
const NETSCHEMA_CELL = 56;
/** The Colyseus game's entity grid (for the strips a moving window sweeps) and its grid of windows (for moved entities). */
const ENTITY_CELL = 32;
const WINDOW_CELL = 56;

const KEYS = ['writes_ms', 'server_ms', 'server_us_per_client', 'upkeep_ms', 'bytes_per_client', 'decode_us_per_client'] as const;
type Key = (typeof KEYS)[number];

/** The world, every tick's moves (players first: move k < CLIENTS is player k) and the final state, all f32-exact. */
interface FollowFixture {
  readonly initial: ArenaState;
  readonly ticks: readonly TickMoves[];
  readonly final: ArenaState;
}

/**
 * Positions are rounded to f32 when drawn, so the window test gives the same answer on the
 * game's float64 copy, netschema's f32 fields and Colyseus's float32 fields.
 */
function makeFixture(seed: number): FollowFixture {
  const rnd = prng(seed);
  const n = ENTITIES;
  const f = Math.fround;
  const initial: ArenaState = {
    x: new Float64Array(n),
    y: new Float64Array(n),
    angle: new Float64Array(n),
    hp: new Uint8Array(n),
    name: Array.from({ length: n }, (_, i) => `player-${i + 1}`),
  };
  for (let i = 0; i < n; i++) {
    initial.x[i] = f(rnd() * WORLD);
    initial.y[i] = f(rnd() * WORLD);
    initial.angle[i] = f(rnd() * TWO_PI);
    initial.hp[i] = 1 + Math.floor(rnd() * 100);
  }
  const x = initial.x.slice();
  const y = initial.y.slice();
  const angle = initial.angle.slice();
  const clamp = (v: number) => (v < 0 ? 0 : v > WORLD ? WORLD : v);
  const others = Int32Array.from({ length: n - CLIENTS }, (_, k) => CLIENTS + k);
  const ticks: TickMoves[] = [];
  for (let t = 0; t < WARMUP + TICKS; t++) {
    // Partial Fisher–Yates: OTHERS_MOVED distinct non-player entities.
    for (let k = 0; k < OTHERS_MOVED; k++) {
      const j = k + Math.floor(rnd() * (others.length - k));
      const tmp = others[k]!;
      others[k] = others[j]!;
      others[j] = tmp;
    }
    const drawn = others.slice(0, OTHERS_MOVED).sort();
    const m = CLIENTS + OTHERS_MOVED;
    const idx = new Int32Array(m);
    for (let c = 0; c < CLIENTS; c++) idx[c] = c;
    idx.set(drawn, CLIENTS);
    const xya = new Float64Array(3 * m);
    for (let k = 0; k < m; k++) {
      const i = idx[k]!;
      const step = k < CLIENTS ? PLAYER_STEP : OTHER_STEP;
      x[i] = xya[3 * k] = f(clamp(x[i]! + (rnd() - 0.5) * 2 * step));
      y[i] = xya[3 * k + 1] = f(clamp(y[i]! + (rnd() - 0.5) * 2 * step));
      let a = (angle[i]! + (rnd() - 0.5) * 0.5) % TWO_PI;
      if (a < 0) a += TWO_PI;
      angle[i] = xya[3 * k + 2] = f(a);
    }
    ticks.push({ idx, xya });
  }
  return { initial, ticks, final: { x, y, angle, hp: initial.hp.slice(), name: initial.name.slice() } };
}

const inside = (x: number, y: number, cx: number, cy: number) => Math.abs(x - cx) <= HALF && Math.abs(y - cy) <= HALF;

/** Each client's window at the end (centred on its player): the ids it must hold, as fixture indices. */
function finalMembers(s: ArenaState): Int32Array[] {
  const out: Int32Array[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const list: number[] = [];
    for (let i = 0; i < s.x.length; i++) if (inside(s.x[i]!, s.y[i]!, s.x[c]!, s.y[c]!)) list.push(i);
    out.push(Int32Array.from(list));
  }
  return out;
}

// ── netschema ──

function runNetschema(fx: FollowFixture, members: readonly Int32Array[]): SystemRun<Key> {
  const s = fx.initial;
  const room = new RoomCore<Entity, number>({ schema: netschema, patchRate: RATE, grid: { cellSize: NETSCHEMA_CELL } });
  const ents: Entity[] = new Array(ENTITIES);
  const ids = new Int32Array(ENTITIES);
  for (let i = 0; i < ENTITIES; i++) {
    const e = (ents[i] = room.add(arenaEntity(s, i)));
    ids[i] = room.world.idOf(e);
  }
  const views: BoxView[] = [];
  const clients: RoomClient<number>[] = [];
  const replicas: ReplicaWorld[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    const view: BoxView = { x: s.x[c]!, y: s.y[c]!, halfWidth: HALF, halfHeight: HALF, hysteresis: 0 };
    const client = room.addClient(c, { view });
    room.setOwner(ents[c]!, client);
    views.push(view);
    clients.push(client);
    replicas.push(new ReplicaWorld(netschema));
  }
  const outbox = new SendBuffers(CLIENTS);
  let count = 0;
  let bytes = 0;
  const sink = (c: RoomClient<number>, frame: Uint8Array): void => {
    outbox.put(c.data, frame);
    count++;
    bytes += frame.length;
  };
  const decode = () => applySent(outbox, replicas);
  const problems: string[] = [];
  let clock = 0;
  room.update(clock, sink);
  clock += 1000 / RATE;
  if (count !== CLIENTS) problems.push(`join sent ${count} frames, expected ${CLIENTS}`);
  decode();
  collectGarbage();

  let writes = 0;
  let server = 0;
  let upkeep = 0;
  let dec = 0;
  let sent = 0;
  let frames = 0;
  for (let t = 0; t < fx.ticks.length; t++) {
    const m = fx.ticks[t]!;
    const xya = m.xya;
    count = 0;
    bytes = 0;
    const t0 = now();
    writeEntities(ents, m);
    const t1 = now();
    // Each client's window re-centred on its player (move c is player c).
    for (let c = 0; c < CLIENTS; c++) {
      const v = views[c]!;
      v.x = xya[3 * c]!;
      v.y = xya[3 * c + 1]!;
      clients[c]!.setView(v);
    }
    const t2 = now();
    room.update(clock, sink);
    const t3 = now();
    decode();
    const t4 = now();
    clock += 1000 / RATE;
    // Every client's own player moves every tick: every client has a frame.
    if (count !== CLIENTS && problems.length < 5) problems.push(`tick ${t} sent ${count} frames, expected ${CLIENTS}`);
    if (t >= WARMUP) {
      writes += ms(t0, t1);
      upkeep += ms(t1, t2);
      server += ms(t1, t3);
      dec += ms(t3, t4);
      sent += bytes;
      frames += count;
    }
  }
  problems.push(
    ...checkReplicas(
      'netschema',
      members,
      fx.final,
      F32_PROJECTION,
      (c) => replicas[c]!.entities.size,
      (c, i) => replicas[c]!.get(ids[i]!) as ReplicaFields | undefined,
    ),
  );
  return { sample: sample(writes, server, upkeep, sent, frames, dec), problems };
}

function sample(writes: number, server: number, upkeep: number, bytes: number, frames: number, decode: number): Record<Key, number> {
  return {
    writes_ms: writes / TICKS,
    server_ms: server / TICKS,
    server_us_per_client: (server / TICKS / CLIENTS) * 1000,
    upkeep_ms: upkeep / TICKS,
    bytes_per_client: bytes / (CLIENTS * TICKS),
    decode_us_per_client: (decode / frames) * 1000,
  };
}

// ── Colyseus ──

/** Which clients' windows overlap each cell of a grid; a window is re-registered only when the cells it overlaps change. */
class WindowGrid {
  readonly side: number;
  private readonly cells: number[][];
  /** Per client: gx0, gx1, gy0, gy1 of the cells its window overlaps (gx0 = -1: none yet). */
  private readonly range: Int32Array;

  constructor(
    world: number,
    private readonly cell: number,
    clients: number,
  ) {
    this.side = Math.ceil(world / cell) + 1;
    this.cells = Array.from({ length: this.side * this.side }, () => []);
    this.range = new Int32Array(4 * clients).fill(-1);
  }

  private coord(v: number): number {
    const c = Math.floor(v / this.cell);
    return c < 0 ? 0 : c >= this.side ? this.side - 1 : c;
  }

  /** Client c's window is now centred on (x, y). */
  place(c: number, x: number, y: number): void {
    const r = this.range;
    const gx0 = this.coord(x - HALF);
    const gx1 = this.coord(x + HALF);
    const gy0 = this.coord(y - HALF);
    const gy1 = this.coord(y + HALF);
    const o = 4 * c;
    if (r[o] === gx0 && r[o + 1] === gx1 && r[o + 2] === gy0 && r[o + 3] === gy1) return;
    if (r[o]! >= 0) for (let gx = r[o]!; gx <= r[o + 1]!; gx++) for (let gy = r[o + 2]!; gy <= r[o + 3]!; gy++) swapOut(this.cells[gx * this.side + gy]!, c);
    for (let gx = gx0; gx <= gx1; gx++) for (let gy = gy0; gy <= gy1; gy++) this.cells[gx * this.side + gy]!.push(c);
    r[o] = gx0;
    r[o + 1] = gx1;
    r[o + 2] = gy0;
    r[o + 3] = gy1;
  }

  /** The clients whose window may contain (x, y): a superset of those that do. */
  near(x: number, y: number): readonly number[] {
    return this.cells[this.coord(x) * this.side + this.coord(y)]!;
  }
}

/**
 * The Colyseus game's interest upkeep. Membership of entity i in client c's view is kept in
 * `member[c][i]`, with `viewers[i]` the clients that have it. An entity's membership can change
 * only if it moved or if it lies in the area between the window's old and new square, so a tick:
 * (1) moves the moved entities in the entity grid; (2) for each client, re-centres its window,
 * updates its cells in the window grid, and re-tests the entities in the entity-grid cells
 * under the strips its window's edges swept; (3) re-tests each moved entity against the
 * clients that had it (`viewers`) and the clients whose window may now contain it (window grid).
 */
class ColyseusInterest {
  readonly member: Uint8Array[];
  readonly viewers: number[][];
  readonly cx = new Float64Array(CLIENTS);
  readonly cy = new Float64Array(CLIENTS);
  private readonly grid: EntityGrid;
  private readonly windows = new WindowGrid(WORLD, WINDOW_CELL, CLIENTS);

  constructor(
    private readonly ents: readonly CEntity[],
    private readonly views: readonly StateView[],
    private readonly px: Float64Array,
    private readonly py: Float64Array,
  ) {
    this.grid = new EntityGrid(WORLD, ENTITY_CELL, px, py);
    this.member = Array.from({ length: CLIENTS }, () => new Uint8Array(ents.length));
    this.viewers = Array.from({ length: ents.length }, () => []);
  }

  /** The initial windows: every entity in each window added to its view (at the join, not timed). */
  join(): void {
    for (let c = 0; c < CLIENTS; c++) {
      this.cx[c] = this.px[c]!;
      this.cy[c] = this.py[c]!;
      this.windows.place(c, this.cx[c]!, this.cy[c]!);
      for (let i = 0; i < this.ents.length; i++) this.place(c, i);
    }
  }

  private place(c: number, i: number): void {
    const inside = Math.abs(this.px[i]! - this.cx[c]!) <= HALF && Math.abs(this.py[i]! - this.cy[c]!) <= HALF;
    const member = this.member[c]!;
    if (inside) {
      if (member[i] === 1) return;
      member[i] = 1;
      this.viewers[i]!.push(c);
      this.views[c]!.add(this.ents[i]!);
    } else if (member[i] === 1) {
      member[i] = 0;
      swapOut(this.viewers[i]!, c);
      this.views[c]!.remove(this.ents[i]!);
    }
  }

  /** Re-tests client c against every entity in the entity-grid cells overlapping [x0, x1] × [y0, y1]. */
  private scan(c: number, x0: number, x1: number, y0: number, y1: number): void {
    const g = this.grid;
    const gx0 = g.coord(x0);
    const gx1 = g.coord(x1);
    const gy0 = g.coord(y0);
    const gy1 = g.coord(y1);
    for (let gx = gx0; gx <= gx1; gx++) {
      for (let gy = gy0; gy <= gy1; gy++) {
        const list = g.cells[gx * g.side + gy]!;
        for (let k = 0; k < list.length; k++) this.place(c, list[k]!);
      }
    }
  }

  tick(m: TickMoves): void {
    const idx = m.idx;
    const xya = m.xya;
    const px = this.px;
    const py = this.py;
    // (1) The positions the game wrote, in its grid.
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      px[i] = xya[3 * k]!;
      py[i] = xya[3 * k + 1]!;
      this.grid.move(i, px[i]!, py[i]!);
    }
    // (2) Windows follow their players (move c is player c); the swept strips are re-tested.
    for (let c = 0; c < CLIENTS; c++) {
      const ax = this.cx[c]!;
      const ay = this.cy[c]!;
      const bx = xya[3 * c]!;
      const by = xya[3 * c + 1]!;
      this.cx[c] = bx;
      this.cy[c] = by;
      this.windows.place(c, bx, by);
      const xlo = Math.min(ax, bx);
      const xhi = Math.max(ax, bx);
      const ylo = Math.min(ay, by);
      const yhi = Math.max(ay, by);
      if (ax !== bx) {
        this.scan(c, xlo - HALF, xhi - HALF, ylo - HALF, yhi + HALF);
        this.scan(c, xlo + HALF, xhi + HALF, ylo - HALF, yhi + HALF);
      }
      if (ay !== by) {
        this.scan(c, xlo - HALF, xhi + HALF, ylo - HALF, yhi - HALF);
        this.scan(c, xlo - HALF, xhi + HALF, ylo + HALF, yhi + HALF);
      }
    }
    // (3) Moved entities: leaving the views that had them, entering the windows now around them.
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const x = px[i]!;
      const y = py[i]!;
      const vs = this.viewers[i]!;
      // Backwards: place() swaps the last viewer into a visited slot.
      for (let j = vs.length - 1; j >= 0; j--) this.place(vs[j]!, i);
      const near = this.windows.near(x, y);
      for (let j = 0; j < near.length; j++) {
        const c = near[j]!;
        if (this.member[c]![i] === 0 && Math.abs(x - this.cx[c]!) <= HALF && Math.abs(y - this.cy[c]!) <= HALF) this.place(c, i);
      }
    }
  }
}

function runColyseus(fx: FollowFixture, members: readonly Int32Array[]): SystemRun<Key> {
  const s = fx.initial;
  const state = new CScenarioState();
  const encoder = new Encoder(state);
  const map = state.entities as Map<string, CEntity>;
  const ents: CEntity[] = new Array(ENTITIES);
  for (let i = 0; i < ENTITIES; i++) {
    const e = new CEntity();
    e.x = s.x[i]!;
    e.y = s.y[i]!;
    e.angle = s.angle[i]!;
    e.hp = s.hp[i]!;
    e.name = s.name[i]!;
    map.set(String(i + 1), e);
    ents[i] = e;
  }
  const views = Array.from({ length: CLIENTS }, () => new StateView());
  const decoders = Array.from({ length: CLIENTS }, () => new Decoder(new CScenarioState()));
  const interest = new ColyseusInterest(ents, views, s.x.slice(), s.y.slice());
  const kept: (Uint8Array | null)[] = new Array<Uint8Array | null>(CLIENTS).fill(null);
  const it = { offset: 1 };
  const decode = () => {
    for (let c = 0; c < CLIENTS; c++) {
      const f = kept[c];
      if (f) {
        it.offset = 1;
        decoders[c]!.decode(f, it);
        kept[c] = null;
      }
    }
  };
  // Join (not measured): each window's entities added to its view, the shared full state, then
  // every client's full state, as SchemaSerializer.getFullState does.
  interest.join();
  {
    const full = { offset: 1 };
    encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE;
    encoder.encodeAll(full);
    const shared = full.offset;
    for (let c = 0; c < CLIENTS; c++) kept[c] = encoder.encodeAllView(views[c]!, shared, { ...full });
    encoder.discardChanges();
    decode();
  }
  collectGarbage();

  const problems: string[] = [];
  let writes = 0;
  let server = 0;
  let upkeep = 0;
  let dec = 0;
  let sent = 0;
  let frames = 0;
  for (let t = 0; t < fx.ticks.length; t++) {
    const m = fx.ticks[t]!;
    let count = 0;
    let bytes = 0;
    const t0 = now();
    writeCEntities(ents, m);
    const t1 = now();
    interest.tick(m);
    const t2 = now();
    // SchemaSerializer.applyPatches with filters: the shared changes once, then each view.
    const pit = { offset: 1 };
    encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE_PATCH;
    encoder.encode(pit);
    const shared = pit.offset;
    for (let c = 0; c < CLIENTS; c++) {
      // encodeView returns a fresh array: already an owned copy.
      const f = encoder.encodeView(views[c]!, shared, pit);
      kept[c] = f;
      count++;
      bytes += f.length;
    }
    encoder.discardChanges();
    const t3 = now();
    decode();
    const t4 = now();
    if (t >= WARMUP) {
      writes += ms(t0, t1);
      upkeep += ms(t1, t2);
      server += ms(t1, t3);
      dec += ms(t3, t4);
      sent += bytes;
      frames += count;
    }
  }
  const maps = decoders.map((d) => (d.state as CScenarioState).entities as Map<string, CEntity>);
  problems.push(
    ...checkReplicas(
      'colyseus',
      members,
      fx.final,
      F32_PROJECTION,
      (c) => maps[c]!.size,
      (c, i) => maps[c]!.get(String(i + 1)) as ReplicaFields | undefined,
    ),
  );
  for (const v of views) v.dispose();
  return { sample: sample(writes, server, upkeep, sent, frames, dec), problems };
}

export const following: Scenario = {
  key: 'following',
  run(options: ScenarioOptions): ScenarioReport {
    const fx = makeFixture(options.seed);
    const members = finalMembers(fx.final);
    const r = runPaired('following', options.runs, KEYS, () => runNetschema(fx, members), () => runColyseus(fx, members));
    let population = 0;
    for (const m of members) population += m.length;
    return {
      key: 'following',
      title:
        `${CLIENTS} clients each following its own player; ${ENTITIES} entities in ${WORLD}×${WORLD}; per tick every player steps ±${PLAYER_STEP} ` +
        `and ${OTHERS_MOVED} others ±${OTHER_STEP} (x, y, angle written); windows ${2 * HALF}×${2 * HALF} on the player, no hysteresis ` +
        `(~${Math.round(population / CLIENTS)} entities each); ${TICKS} ticks after ${WARMUP}, every client a frame every tick`,
      systems: {
        netschema: `RoomCore (grid cell ${NETSCHEMA_CELL}), player owned by its client (setOwner); per tick client.setView({x, y, halfWidth: ${HALF}, halfHeight: ${HALF}, hysteresis: 0}) for every client, then one room.update`,
        colyseus:
          `StateView per client; the game keeps membership itself: an entity grid (cell ${ENTITY_CELL}) re-tests the strips each window swept, ` +
          `a grid of windows (cell ${WINDOW_CELL}) and each entity's viewer list re-test moved entities; view.add/remove; encode once, encodeView per client, discardChanges`,
      },
      metrics: [
        r.metric('writes_ms', 'field writes per tick (ms)'),
        r.metric('server_ms', 'server time per tick (ms)'),
        r.metric('server_us_per_client', 'server time per client (µs)'),
        r.metric('upkeep_ms', '  of which outside update/encode: setView calls | interest (ms)'),
        r.metric('bytes_per_client', 'bytes per client per tick', true),
        r.metric('decode_us_per_client', 'client decode per frame (µs)'),
      ],
      ratios: {
        following_ratio: r.ratio('server_ms'),
        following_bytes_ratio: r.ratio('bytes_per_client'),
        following_decode_ratio: r.ratio('decode_us_per_client'),
      },
      problems: r.problems,
    };
  },
};
