/**
 * `join`: a late joiner's first frame. A room with 5,000 arena entities in a 1000×1000 world and
 * 100 clients in play (fixed 224×224 windows on a 10×10 grid, as bench:arena), 500 entities
 * moved per tick (±5). Then 50 clients join one after another, each at its own place with a
 * 224×224 window: the server work that builds a joiner's first frame is timed, the frame is
 * decoded into a fresh replica (timed) and checked, the joiner stays for one more room tick (its
 * second frame's bytes are recorded and checked too) and leaves before the next one joins.
 */
import { Decoder, Encoder, StateView } from '@colyseus/schema';
import { ReplicaWorld, RoomCore, type BoxView, type RoomClient } from '@netschema/runtime';
import { Entity } from '@netschema/test-fixtures/schemas/arena';
import { netschema } from '@netschema/test-fixtures/schemas/arena.netschema';
import { makeArena, prng, type ArenaFixture, type ArenaState, type TickMoves } from '../fixtures.js';
import { inWindow, placeClients, windowMembers, WindowIndex, type RoomScenario } from '../room-scenario.js';
import { collectGarbage, ms, now } from '../stats.js';
import { CEntity, writeEntities as writeCEntities } from '../targets/colyseus.js';
import { arenaEntity, writeEntities } from '../targets/netschema.js';
import { checkReplicas } from '../targets/room-target.js';
import { F32_PROJECTION, type ReplicaFields } from '../targets/target.js';
import type { Scenario, ScenarioOptions, ScenarioReport } from './scenario.js';
import { COLYSEUS_ROOM_STATE, COLYSEUS_ROOM_STATE_PATCH, medianOf, runPaired, type SystemRun } from './paired.js';
import { CScenarioState, EntityGrid } from './side-by-side.js';

const ENTITIES = 5000;
const CLIENTS = 100;
const WORLD = 1000;
const HALF = 112;
const MOVED = 500;
const JOINERS = 50;
/** Room ticks before the first joiner. */
const WARMUP = 10;
const RATE = 20;
const INTERVAL = 1000 / RATE;
const NETSCHEMA_CELL = HALF;
/** The Colyseus game's entity grid, which answers the joiner's window query. */
const ENTITY_CELL = 32;
/** The joiner's `data` (the clients in play are 0 … CLIENTS - 1). */
const JOINER = -1;

const KEYS = ['join_ms', 'join_setup_ms', 'join_bytes', 'join_decode_ms', 'second_bytes'] as const;
type Key = (typeof KEYS)[number];

interface JoinFixture {
  readonly arena: ArenaFixture;
  readonly sc: RoomScenario;
  /** Window centres of the joiners. */
  readonly jx: Float64Array;
  readonly jy: Float64Array;
}

const f32 = (a: Float64Array): Float64Array => a.map(Math.fround);

/** The arena fixture at this scenario's size, rounded to f32 so every system's window test agrees. */
function makeFixture(seed: number): JoinFixture {
  const raw = makeArena({ entities: ENTITIES, movedPerTick: MOVED, worldSize: WORLD, ticks: WARMUP + JOINERS, seed, order: 'sorted' });
  const r = (s: ArenaState): ArenaState => ({ x: f32(s.x), y: f32(s.y), angle: f32(s.angle), hp: s.hp, name: s.name });
  const arena: ArenaFixture = {
    options: raw.options,
    initial: r(raw.initial),
    ticks: raw.ticks.map((m) => ({ idx: m.idx, xya: f32(m.xya) })),
    final: r(raw.final),
  };
  const rnd = prng(seed + 1000);
  const jx = new Float64Array(JOINERS);
  const jy = new Float64Array(JOINERS);
  for (let j = 0; j < JOINERS; j++) {
    jx[j] = Math.fround(HALF + rnd() * (WORLD - 2 * HALF));
    jy[j] = Math.fround(HALF + rnd() * (WORLD - 2 * HALF));
  }
  return { arena, sc: placeClients(CLIENTS, WORLD, HALF), jx, jy };
}

/** The state the game holds as the replay goes (updated outside the timed sections). */
class Tracker {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly angle: Float64Array;
  constructor(readonly s: ArenaState) {
    this.x = s.x.slice();
    this.y = s.y.slice();
    this.angle = s.angle.slice();
  }
  apply(m: TickMoves): void {
    for (let k = 0; k < m.idx.length; k++) {
      const i = m.idx[k]!;
      this.x[i] = m.xya[3 * k]!;
      this.y[i] = m.xya[3 * k + 1]!;
      this.angle[i] = m.xya[3 * k + 2]!;
    }
  }
  state(): ArenaState {
    return { x: this.x, y: this.y, angle: this.angle, hp: this.s.hp, name: this.s.name };
  }
  /** Fixture indices of the entities in the joiner's window now. */
  members(cx: number, cy: number): Int32Array {
    const list: number[] = [];
    for (let i = 0; i < this.x.length; i++) if (Math.abs(this.x[i]! - cx) <= HALF && Math.abs(this.y[i]! - cy) <= HALF) list.push(i);
    return Int32Array.from(list);
  }
}

/** Checks one joiner's replica against the window at (cx, cy) on the current state. */
function checkJoiner(label: string, tr: Tracker, cx: number, cy: number, size: () => number, get: (i: number) => ReplicaFields | undefined): string[] {
  return checkReplicas(label, [tr.members(cx, cy)], tr.state(), F32_PROJECTION, size, (_c, i) => get(i));
}

function finish(join: number[], setup: number[], bytes: number, decode: number[], second: number): Record<Key, number> {
  return {
    join_ms: medianOf(join),
    join_setup_ms: medianOf(setup),
    join_bytes: bytes / JOINERS,
    join_decode_ms: medianOf(decode),
    second_bytes: second / JOINERS,
  };
}

// ── netschema ──

function runNetschema(fx: JoinFixture): SystemRun<Key> {
  const { arena, sc } = fx;
  const s = arena.initial;
  const room = new RoomCore<Entity, number>({ schema: netschema, patchRate: RATE, grid: { cellSize: NETSCHEMA_CELL } });
  const ents: Entity[] = new Array(ENTITIES);
  const ids = new Int32Array(ENTITIES);
  for (let i = 0; i < ENTITIES; i++) {
    const e = (ents[i] = room.add(arenaEntity(s, i)));
    ids[i] = room.world.idOf(e);
  }
  for (let c = 0; c < CLIENTS; c++) room.addClient(c, { view: { x: sc.cx[c]!, y: sc.cy[c]!, halfWidth: HALF, halfHeight: HALF, hysteresis: 0 } });
  let others = 0;
  let mine: Uint8Array | null = null;
  let minePerTick = 0;
  // The clients in play get their frames counted (a transport would send them); the joiner's is kept.
  const sink = (c: RoomClient<number>, frame: Uint8Array): void => {
    if (c.data === JOINER) {
      mine = frame.slice();
      minePerTick++;
    } else others++;
  };
  const problems: string[] = [];
  const tr = new Tracker(s);
  let clock = 0;
  const tick = (t: number) => {
    const m = arena.ticks[t]!;
    writeEntities(ents, m);
    tr.apply(m);
    others = 0;
    room.update(clock, sink);
    // A client with nothing new in its window gets no frame (RoomCore skips empty frames).
    if (others > CLIENTS && problems.length < 5) problems.push(`tick ${t}: ${others} frames to the clients in play, expected at most ${CLIENTS}`);
    clock += INTERVAL;
  };
  room.update(clock, sink);
  clock += INTERVAL;
  for (let t = 0; t < WARMUP; t++) tick(t);
  collectGarbage();

  const join: number[] = [];
  const setup: number[] = [];
  const decode: number[] = [];
  let bytes = 0;
  let second = 0;
  for (let j = 0; j < JOINERS; j++) {
    // At the time of the last tick: every client in play has its next frame due later, so
    // this update builds the joiner's frame only.
    const at = clock - INTERVAL;
    const view: BoxView = { x: fx.jx[j]!, y: fx.jy[j]!, halfWidth: HALF, halfHeight: HALF, hysteresis: 0 };
    others = 0;
    minePerTick = 0;
    mine = null;
    const t0 = now();
    const joiner = room.addClient(JOINER, { view });
    const t1 = now();
    room.update(at, sink);
    const t2 = now();
    if (minePerTick !== 1 || others !== 0) problems.push(`joiner ${j}: the join update built ${minePerTick} joiner frame(s) and ${others} other(s), expected 1 and 0`);
    const first = mine as Uint8Array | null;
    if (first === null) continue;
    const replica = new ReplicaWorld(netschema);
    const t3 = now();
    replica.apply(first);
    const t4 = now();
    join.push(ms(t0, t2));
    setup.push(ms(t0, t1));
    decode.push(ms(t3, t4));
    bytes += first.length;
    const get = (i: number) => replica.get(ids[i]!) as ReplicaFields | undefined;
    for (const p of checkJoiner(`netschema joiner ${j} first frame`, tr, fx.jx[j]!, fx.jy[j]!, () => replica.entities.size, get)) if (problems.length < 20) problems.push(p);
    // One room tick with the joiner in: its second frame.
    minePerTick = 0;
    mine = null;
    tick(WARMUP + j);
    const next = mine as Uint8Array | null;
    // No frame when nothing in its window changed (0 bytes; with 500 moves per tick, ~25 land in a window).
    if (minePerTick > 1) problems.push(`joiner ${j}: ${minePerTick} frames on the tick after its join, expected at most 1`);
    else if (next !== null) {
      second += next.length;
      replica.apply(next);
      for (const p of checkJoiner(`netschema joiner ${j} second frame`, tr, fx.jx[j]!, fx.jy[j]!, () => replica.entities.size, get)) if (problems.length < 20) problems.push(p);
    }
    room.removeClient(joiner);
  }
  return { sample: finish(join, setup, bytes, decode, second), problems };
}

// ── Colyseus ──

function runColyseus(fx: JoinFixture): SystemRun<Key> {
  const { arena, sc } = fx;
  const s = arena.initial;
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
  // The game's positions and its entity grid (for window queries).
  const px = s.x.slice();
  const py = s.y.slice();
  const grid = new EntityGrid(WORLD, ENTITY_CELL, px, py);
  // The clients in play: fixed windows, membership kept as bench:arena's Colyseus target does
  // (each moved entity re-tested against the windows near its old and new position).
  const index = new WindowIndex(sc);
  const views = Array.from({ length: CLIENTS }, () => new StateView());
  const member = Array.from({ length: CLIENTS }, () => new Uint8Array(ENTITIES));
  windowMembers(sc, s).forEach((list, c) => {
    for (const i of list) {
      views[c]!.add(ents[i]!);
      member[c]![i] = 1;
    }
  });
  const place = (view: StateView, m: Uint8Array, i: number, inside: boolean) => {
    const v = inside ? 1 : 0;
    if (m[i] === v) return;
    m[i] = v;
    if (inside) view.add(ents[i]!);
    else view.remove(ents[i]!);
  };

  // SchemaSerializer's state for full states (getFullState): its own buffer, the cached shared
  // part, and the flag every patch sets.
  const fullEncodeBuffer = new Uint8Array(Encoder.BUFFER_SIZE);
  fullEncodeBuffer[0] = COLYSEUS_ROOM_STATE;
  let sharedOffsetCache = { offset: 1 };
  let needFullEncode = true;
  const getFullState = (view: StateView): Uint8Array => {
    if (needFullEncode || encoder.hasChanges) {
      sharedOffsetCache = { offset: 1 };
      encoder.encodeAll(sharedOffsetCache, fullEncodeBuffer);
      needFullEncode = false;
    }
    return encoder.encodeAllView(view, sharedOffsetCache.offset, { ...sharedOffsetCache }, fullEncodeBuffer);
  };

  let joinerView: StateView | null = null;
  let joinerMember = new Uint8Array(ENTITIES);
  let jcx = 0;
  let jcy = 0;
  let joinerFrame: Uint8Array | null = null;
  const problems: string[] = [];
  const tr = new Tracker(s);
  // One room tick: writes, membership, SchemaSerializer.applyPatches (shared changes once,
  // encodeView per joined client, discardChanges).
  const tick = (t: number) => {
    const m = arena.ticks[t]!;
    writeCEntities(ents, m);
    tr.apply(m);
    const idx = m.idx;
    const xya = m.xya;
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      const nx = xya[3 * k]!;
      const ny = xya[3 * k + 1]!;
      const a = index.near(px[i]!, py[i]!);
      const b = index.near(nx, ny);
      for (const c of b) place(views[c]!, member[c]!, i, inWindow(sc, c, nx, ny));
      if (a !== b) for (const c of a) if (!b.includes(c)) place(views[c]!, member[c]!, i, inWindow(sc, c, nx, ny));
      if (joinerView) place(joinerView, joinerMember, i, Math.abs(nx - jcx) <= HALF && Math.abs(ny - jcy) <= HALF);
      px[i] = nx;
      py[i] = ny;
      grid.move(i, nx, ny);
    }
    const it = { offset: 1 };
    encoder.sharedBuffer[0] = COLYSEUS_ROOM_STATE_PATCH;
    encoder.encode(it);
    const shared = it.offset;
    for (let c = 0; c < CLIENTS; c++) encoder.encodeView(views[c]!, shared, it);
    if (joinerView) joinerFrame = encoder.encodeView(joinerView, shared, it);
    encoder.discardChanges();
    needFullEncode = true;
  };
  // The clients in play join (their full states are not decoded here), then the first ticks.
  for (let c = 0; c < CLIENTS; c++) getFullState(views[c]!);
  for (let t = 0; t < WARMUP; t++) tick(t);
  collectGarbage();

  const join: number[] = [];
  const setup: number[] = [];
  const decode: number[] = [];
  let bytes = 0;
  let second = 0;
  const dit = { offset: 1 };
  for (let j = 0; j < JOINERS; j++) {
    const cx = fx.jx[j]!;
    const cy = fx.jy[j]!;
    joinerMember = new Uint8Array(ENTITIES);
    const jm = joinerMember;
    const t0 = now();
    // onJoin: the game's own query (its entity grid) adds the window's entities to the new view.
    const view = new StateView();
    const gx0 = grid.coord(cx - HALF);
    const gx1 = grid.coord(cx + HALF);
    const gy0 = grid.coord(cy - HALF);
    const gy1 = grid.coord(cy + HALF);
    for (let gx = gx0; gx <= gx1; gx++) {
      for (let gy = gy0; gy <= gy1; gy++) {
        const list = grid.cells[gx * grid.side + gy]!;
        for (let k = 0; k < list.length; k++) {
          const i = list[k]!;
          if (Math.abs(px[i]! - cx) <= HALF && Math.abs(py[i]! - cy) <= HALF) {
            jm[i] = 1;
            view.add(ents[i]!);
          }
        }
      }
    }
    const t1 = now();
    // Then the joiner's full state (SchemaSerializer.getFullState): the shared part, encoded
    // again since a patch went out after the last join, and encodeAllView for its view.
    const first = getFullState(view);
    const t2 = now();
    const decoder = new Decoder(new CScenarioState());
    const t3 = now();
    dit.offset = 1;
    decoder.decode(first, dit);
    const t4 = now();
    join.push(ms(t0, t2));
    setup.push(ms(t0, t1));
    decode.push(ms(t3, t4));
    bytes += first.length;
    const replica = (decoder.state as CScenarioState).entities as Map<string, CEntity>;
    const get = (i: number) => replica.get(String(i + 1)) as ReplicaFields | undefined;
    for (const p of checkJoiner(`colyseus joiner ${j} first frame`, tr, cx, cy, () => replica.size, get)) if (problems.length < 20) problems.push(p);
    // One room tick with the joiner in: its second frame.
    joinerView = view;
    jcx = cx;
    jcy = cy;
    joinerFrame = null;
    tick(WARMUP + j);
    const next = joinerFrame as Uint8Array | null;
    if (next === null) problems.push(`joiner ${j}: no frame on the tick after its join`);
    else {
      second += next.length;
      dit.offset = 1;
      decoder.decode(next, dit);
      for (const p of checkJoiner(`colyseus joiner ${j} second frame`, tr, cx, cy, () => replica.size, get)) if (problems.length < 20) problems.push(p);
    }
    // onLeave.
    joinerView = null;
    view.dispose();
  }
  for (const v of views) v.dispose();
  return { sample: finish(join, setup, bytes, decode, second), problems };
}

export const lateJoin: Scenario = {
  key: 'join',
  run(options: ScenarioOptions): ScenarioReport {
    const fx = makeFixture(options.seed);
    let population = 0;
    const tr = new Tracker(fx.arena.initial);
    for (let j = 0; j < JOINERS; j++) population += tr.members(fx.jx[j]!, fx.jy[j]!).length;
    const r = runPaired('join', options.runs, KEYS, () => runNetschema(fx), () => runColyseus(fx));
    return {
      key: 'join',
      title:
        `${JOINERS} late joiners one after another (each ${2 * HALF}×${2 * HALF} window, ~${Math.round(population / JOINERS)} entities) into a room of ${ENTITIES} entities in ` +
        `${WORLD}×${WORLD} with ${CLIENTS} clients in play (fixed windows), ${MOVED} entities moved per tick; each joiner stays one tick and leaves; per-join medians`,
      systems: {
        netschema:
          `RoomCore (grid cell ${NETSCHEMA_CELL}): room.addClient(data, {view: box, hysteresis 0}), then room.update at the last tick's time ` +
          `(no other client due): the joiner's first frame only`,
        colyseus:
          `onJoin: new StateView, the game's entity grid (cell ${ENTITY_CELL}) queried and view.add per entity in the window; then SchemaSerializer.getFullState: ` +
          `encodeAll (shared part, re-encoded since a patch went out) + encodeAllView(view), ROOM_STATE byte first`,
      },
      metrics: [
        r.metric('join_ms', 'server time per join (ms)'),
        r.metric('join_setup_ms', '  of which addClient | query + view.add (ms)'),
        r.metric('join_bytes', 'first frame (bytes)', true),
        r.metric('join_decode_ms', 'first frame decode, fresh replica (ms)'),
        r.metric('second_bytes', "joiner's second frame (bytes)", true),
      ],
      ratios: {
        join_ratio: r.ratio('join_ms'),
        join_bytes_ratio: r.ratio('join_bytes'),
        join_decode_ratio: r.ratio('join_decode_ms'),
      },
      problems: r.problems,
    };
  },
};
