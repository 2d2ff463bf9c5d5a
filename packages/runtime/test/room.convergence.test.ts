import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gen, RoomHarness, Scoreboard, Unit, type Client } from './support/room-harness.js';
import { Rng } from '@netschema/test-fixtures/support/rng';

const SEED = 31337;


/** What a client's replica of `e` must hold: every field it may see, undefined for the ones it may not. */
function expected(h: RoomHarness, c: Client, e: Unit | Scoreboard): Record<string, unknown> {
  if (e instanceof Scoreboard) return { red: e.red, blue: e.blue };
  const owner = h.room.ownerOf(e) === c;
  const team = owner || (h.teams && c.team !== undefined && c.team === e.team);
  return {
    x: Math.fround(e.x), y: Math.fround(e.y), hp: e.hp, team: e.team, name: e.name,
    stats: { kills: e.stats.kills, deaths: e.stats.deaths }, inventory: [...e.inventory],
    secret: owner ? e.secret : undefined, plan: team ? e.plan : undefined,
  };
}

function replicaJson(o: object): Record<string, unknown> {
  if (o instanceof gen.Scoreboard) return { red: o.red, blue: o.blue };
  const u = o as gen.Unit;
  return { x: u.x, y: u.y, hp: u.hp, team: u.team, name: u.name, stats: { kills: u.stats.kills, deaths: u.stats.deaths }, inventory: [...u.inventory], secret: u.secret, plan: u.plan };
}

/** Units removed by a frame callback, by id, with their owner then: frames sent before the removal may hold their secret. */
const removedMidTick = new Map<number, Unit>();
const ownerOf = {
  room: null as RoomHarness['room'] | null,
  owners: new Map<Unit, Client | null>(),
  get(u: Unit): Client | null | undefined {
    const owner = this.room?.ownerOf(u);
    return owner !== undefined ? owner : this.owners.get(u);
  },
};

/** Hidden values never reach a client's bytes: scan the raw frame for other owners' secrets and other teams' plans. */
function checkBytes(h: RoomHarness, c: Client, frame: Uint8Array): void {
  const text = Buffer.from(frame).toString('latin1');
  for (const m of text.matchAll(/OWNER-SECRET-(\d+)-/g)) {
    const u = (h.room.world.get(Number(m[1])) ?? removedMidTick.get(Number(m[1]))) as Unit | undefined;
    const owner = u && ownerOf.get(u);
    expect(owner, `client ${c.id} received the secret of entity ${m[1]}`).toBe(c);
  }
  for (const m of text.matchAll(/TEAM-PLAN-(\d+)-/g)) {
    // Any unit the client owns counts, even one a later frame callback hid from it this tick.
    const units = [...h.units, ...removedMidTick.values()];
    const ownsOne = units.some((u) => u instanceof Unit && u.team === Number(m[1]) && ownerOf.get(u) === c);
    expect((h.teams && c.team === Number(m[1])) || ownsOne, `client ${c.id} (team ${String(c.team)}) received team ${m[1]}'s plan`).toBe(true);
  }
}

/** After a tick: the replica holds exactly what the room says the client knows (or has yet to remove); settled entries equal the server. */
function checkDelivered(h: RoomHarness, c: Client): void {
  const rep = h.replicas.get(c)!;
  const entries = c.knownEntities();
  const known = entries.map((e) => e.id).sort((a, b) => a - b);
  // Removals decided after this client's frame went out (by a later frame callback) reach it next frame.
  const held = [...new Set([...known, ...c.leaving])].sort((a, b) => a - b);
  expect([...rep.entities.keys()].sort((a, b) => a - b)).toEqual(held);
  for (const { id, pending } of entries) {
    if (pending) continue;
    const e = h.room.world.get(id) as Unit | Scoreboard;
    expect(replicaJson(rep.get(id)!), `client ${c.id}, entity ${id}`).toEqual(expected(h, c, e));
  }
}

/** At rest: every entity inside a client's view (or global, owned, shown) is there, none beyond the view plus hysteresis. */
function checkInterest(h: RoomHarness, c: Client, globals: ReadonlySet<Unit>, grid: boolean): void {
  const rep = h.replicas.get(c)!;
  for (const u of h.units) {
    const id = h.room.world.idOf(u);
    const own = h.room.ownerOf(u) === c;
    if (own || !grid || globals.has(u) || c.inView(u.x, u.y, 0, false)) expect(rep.get(id), `client ${c.id} misses entity ${id}`).toBeDefined();
    else if (!c.inView(u.x, u.y, 0, true)) expect(rep.get(id), `client ${c.id} still has entity ${id}`).toBeUndefined();
  }
  expect(rep.get(h.room.world.idOf(h.board))).toBeDefined();
}

/** Every frame a scenario sends, in order: for the digests that pin the bytes down. */
type FrameRecorder = (c: Client, frame: Uint8Array) => void;

/**
 * `boxes`: a room of box views without hysteresis, budgets or teams, whose ticks note changes by
 * grid cell for the frames to collect (cell-log.ts) until some client stops qualifying (its view
 * moves, it pauses, it hides something), and again once all do.
 */
function scenario(seed: number, ticks: number, record?: FrameRecorder, boxes = false): { teams: boolean; limited: boolean; cellLogTicks: number } {
  const rng = new Rng(seed);
  let limited = rng.nextInt(0, 1) === 1;
  // Rooms without teams too: then clients share one encoding per change (the tick's fast path),
  // and team-only fields go to owners alone.
  let teams = rng.nextInt(0, 1) === 1;
  // Some rooms have no grid: every entity is then every client's, as a global one is.
  let grid = rng.nextInt(0, 3) !== 0;
  if (boxes) [limited, teams, grid] = [false, false, true];
  const h = new RoomHarness({ cellSize: 20 + rng.nextDouble() * 200, teams, grid, ...(boxes ? { cellLog: 'always' as const } : {}) });
  const globals = new Set<Unit>();
  ownerOf.room = h.room;
  for (let i = rng.nextInt(5, 40); i > 0; i--) h.addUnit(rng);
  const clients: Client[] = [];
  const newClient = () => clients.push(h.addClient(rng, limited ? 40 + rng.nextInt(0, 400) : undefined, boxes));
  for (let i = rng.nextInt(1, 4); i > 0; i--) newClient();
  const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[rng.nextInt(0, xs.length - 1)] : undefined);

  for (let t = 0; t < ticks; t++) {
    for (let a = rng.nextInt(0, 8); a > 0; a--) {
      const u = pick(h.units);
      const roll = rng.nextInt(0, 39);
      if (roll < 12 && u) {
        u.x = Math.min(1000, Math.max(0, u.x + (rng.nextDouble() - 0.5) * 80));
        u.y = Math.min(1000, Math.max(0, u.y + (rng.nextDouble() - 0.5) * 80));
      } else if (roll === 12 && u) {
        u.x = rng.nextDouble() * 1000; // teleport across the world
        u.y = rng.nextDouble() * 1000;
      } else if (roll < 16 && u) u.hp = rng.nextInt(0, 255);
      else if (roll < 18 && u) u.stats.kills++;
      else if (roll < 20 && u) (rng.nextInt(0, 1) ? u.inventory.push(rng.nextInt(0, 255)) : u.inventory.pop());
      else if (roll < 21 && u) u.secret = `OWNER-SECRET-${h.room.world.idOf(u)}-${rng.nextInt(0, 99)}`;
      else if (roll < 22 && u) u.plan = `TEAM-PLAN-${u.team}-${rng.nextInt(0, 99)}`;
      else if (roll < 23 && u) {
        u.team = rng.nextInt(1, 3);
        u.plan = `TEAM-PLAN-${u.team}-`;
      } else if (roll < 24) h.addUnit(rng);
      else if (roll < 25 && u) h.removeUnit(u);
      else if (roll < 26 && clients.length < 6) newClient();
      else if (roll < 27 && clients.length > 1) {
        const c = clients.splice(rng.nextInt(0, clients.length - 1), 1)[0]!;
        h.removeClient(c);
      } else if (roll < 30) {
        const c = pick(clients);
        if (c) c.moveView(rng.nextDouble() * 1000, rng.nextDouble() * 1000);
      } else if (roll < 31 && u) h.room.setOwner(u, pick(clients) ?? null);
      else if (roll < 32 && u) {
        const c = pick(clients);
        // A following view moves every tick: in a box room, rarely, or no tick would note by cell.
        if (c && (!boxes || rng.nextInt(0, 19) === 0)) h.room.follow(c, u);
      } else if (roll < 33 && u) {
        const c = pick(clients);
        if (c) (rng.nextInt(0, 1) ? h.room.show(c, u) : h.room.hide(c, u));
      } else if (roll < 34 && u) {
        const c = pick(clients);
        if (c) h.room.unpin(c, u);
      } else if (roll < 35) {
        const c = pick(clients);
        if (c) h.room.setTeam(c, rng.nextInt(1, 3));
      } else if (roll < 36) h.board.red++;
      else if (roll < 37 && u) {
        // Global units: their public changes go in the tick's shared run.
        const global = !globals.has(u);
        if (global) globals.add(u);
        else globals.delete(u);
        h.room.setGlobal(u, global);
      }
    }
    // Sometimes the frame callback itself changes the room mid-tick: it pauses or resumes a
    // client, hides an entity from one, or removes an entity, as a transport or game might.
    let during: ((c: Client) => void) | undefined;
    if (rng.nextInt(0, 9) === 0) {
      const kind = rng.nextInt(0, 3);
      const target = pick(clients);
      const u = pick(h.units);
      let done = false;
      during = () => {
        if (done) return;
        done = true;
        if (kind === 0 && target) target.paused = true;
        else if (kind === 1 && target && u) h.room.hide(target, rng.nextInt(0, 2) === 0 ? h.board : u);
        else if (kind === 2 && u && rng.nextInt(0, 1)) {
          removedMidTick.set(h.room.world.idOf(u), u);
          ownerOf.owners.set(u, h.room.ownerOf(u)!);
          h.removeUnit(u);
        }
        else if (kind === 3) for (const c of clients) c.paused = false;
      };
    }
    removedMidTick.clear();
    h.step(undefined, during);
    if (rng.nextInt(0, 3) === 0) for (const c of clients) c.paused = false;
    for (const [c, frame] of h.framed) {
      record?.(c, frame);
      checkBytes(h, c, frame);
      checkDelivered(h, c);
    }
  }

  // The world stops changing (clients stop pinning entities too): every client converges.
  for (const c of clients) for (const u of [...h.units, h.board]) h.room.unpin(c, u);
  for (const c of clients) c.paused = false;
  const bound = Math.max(...clients.map((c) => (h.units.length + 2) * c.rate));
  let steps = 0;
  // Settled: nothing pending in entries or entering lite, no removals to send, no changes listed for the next
  // frame, and a frame since the world last changed (changes noted by cell are collected then).
  const still = h.room.tickNo;
  const settled = () => clients.every((c) => c.pendingList.length === 0 && c.enterN === 0 && c.leaving.length === 0 && c.directN === 0 && c.frameTick > still);
  do {
    h.step();
    if (record) for (const [c, frame] of h.framed) record(c, frame);
    steps++;
  } while (!settled() && steps < bound * 3);
  // Each client's own frames deliver at least one entity each, so (entities + 2) frames suffice.
  expect(settled(), `not settled after ${steps} steps`).toBe(true);
  for (const c of clients) {
    checkDelivered(h, c);
    checkInterest(h, c, globals, grid);
  }
  return { teams, limited, cellLogTicks: h.room.stats.cellLogTicks };
}

describe('room convergence (seeded)', () => {
  it('every client replica matches the server projected on its view and visibility, after every frame, and converges at rest', () => {
    let logged = 0;
    let ticks = 0;
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 5, max: 60 }), fc.boolean(), (seed, n, boxes) => {
        const { cellLogTicks } = scenario(seed, n, undefined, boxes);
        logged += cellLogTicks;
        if (boxes) ticks += n;
      }),
      { seed: SEED, numRuns: 1000 },
    );
    // The box rooms spent a good share of their ticks noting changes by cell.
    expect(logged).toBeGreaterThan(ticks / 4);
  });
});

describe('room frames (characterization)', () => {
  // A refactor of the room core must not change one byte of what it sends. The digest covers
  // every frame of 200 seeded scenarios (teams on and off, byte budgets on and off, mid-tick
  // changes); NETSCHEMA_UPDATE_DIGESTS=1 rewrites it, for a change of the frame format on purpose.
  const file = new URL('./fixtures/room-frame-digests.json', import.meta.url);
  it('200 seeded scenarios send byte-for-byte the frames they sent when the digest was taken', () => {
    const hash = createHash('sha256');
    const kinds = { teams: 0, limited: 0, both: 0, neither: 0 };
    let frames = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const { teams, limited } = scenario(seed, 40, (c, frame) => {
        hash.update(`${seed}/${c.id}/${frame.length}:`);
        hash.update(frame);
        frames++;
      });
      kinds[teams && limited ? 'both' : teams ? 'teams' : limited ? 'limited' : 'neither']++;
    }
    // Each kind of room is in the sample.
    for (const [kind, n] of Object.entries(kinds)) expect(n, kind).toBeGreaterThan(10);
    const digest = { scenarios: 200, frames, sha256: hash.digest('hex') };
    if (process.env.NETSCHEMA_UPDATE_DIGESTS === '1') writeFileSync(file, JSON.stringify(digest, null, 2) + '\n');
    expect(digest).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });
});
