// The arena server with Node clients (the `ws` WebSocket, the same `connect` browsers use):
// owner-only fields, acknowledged inputs that prediction can replay, shots, kills, bots,
// interest, and the headless bot client.
import { connect, type Connection } from '@netschema/runtime/client';
import { NetServer } from '@netschema/transport-uws';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startBots } from '../src/bots/bots.js';
import { Predictor } from '../src/client/prediction.js';
import { applyInput, MAX_AMMO, MAX_HP, SHOT_DAMAGE, VIEW_RADIUS } from '../src/rules.js';
import { ArenaRoom, type ArenaConfig } from '../src/server/arena-room.js';
import * as schema from '../src/state.netschema.js';

let server: NetServer | undefined;
const conns: Connection[] = [];
const errors: string[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await server?.close();
  server = undefined;
  expect(errors.splice(0)).toEqual([]);
});

async function arena(config: ArenaConfig): Promise<{ url: string; room: ArenaRoom }> {
  server = await NetServer.listen({ schema, onError: (e, where) => errors.push(`${where}: ${String(e)}`) });
  server.define('arena', ArenaRoom.with({ seed: 3, ...config }), { tickRate: 60, patchRate: 20, disposeDelayMs: Infinity, grid: { cellSize: VIEW_RADIUS } });
  const room = server.create('arena') as ArenaRoom;
  return { url: `ws://127.0.0.1:${server.port}/ws`, room };
}

async function waitFor<T>(what: string, fn: () => T | null | undefined | false, timeout = 5000): Promise<T> {
  const end = performance.now() + timeout;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined && v !== false) return v;
    if (performance.now() > end) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Player {
  conn: Connection;
  /** The own player's entity id. */
  id: number;
  me(): schema.Player;
  of(clientId: number): schema.Player | undefined;
}

async function join(url: string, name: string): Promise<Player> {
  const conn = connect(url, schema, { room: 'arena', options: { name }, WebSocket: WebSocket as never, pingIntervalMs: 100 });
  conns.push(conn);
  conn.on('error', (e) => errors.push(`${name}: ${e.message}`));
  await conn.ready();
  const of = (cid: number) => [...conn.replica.entities.values()].find((e): e is schema.Player => e instanceof schema.Player && e.clientId === cid);
  const me = await waitFor(`${name}'s own player`, () => of(conn.clientId));
  const id = [...conn.replica.entities].find(([, e]) => e === me)![0];
  return { conn, id, me: () => conn.replica.get(id) as schema.Player, of };
}

function input(dx: number, dy: number, aim = 0): schema.Input {
  return Object.assign(new schema.Input(), { dx, dy, aim });
}

describe('the arena room', () => {
  it('sends hp and ammo only to their owner; everyone gets the Arena settings', async () => {
    const { url } = await arena({ bots: 0, pickups: 0, area: { x: 1000, y: 1000, radius: 50 } });
    const a = await join(url, 'ada');
    const b = await join(url, 'bob');
    expect(a.me()).toMatchObject({ name: 'ada', hp: MAX_HP, ammo: MAX_AMMO, alive: true, bot: false });
    const adaOnBob = await waitFor('bob sees ada', () => b.of(a.conn.clientId));
    expect(adaOnBob).toMatchObject({ name: 'ada', hp: undefined, ammo: undefined, alive: true });
    const settings = [...b.conn.replica.entities.values()].find((e) => e instanceof schema.Arena) as schema.Arena;
    expect(settings).toMatchObject({ size: 2000, viewRadius: 400, tickRate: 60, patchRate: 20 });
  });

  it('applies each Input as one step of the shared rules and acknowledges it: prediction lands where the server does', async () => {
    const { url } = await arena({ bots: 0, pickups: 0, area: { x: 1000, y: 1000, radius: 50 } });
    const a = await join(url, 'ada');
    const predictor = new Predictor();
    predictor.reset(a.me().x, a.me().y);
    const expected = { x: a.me().x, y: a.me().y };
    a.conn.on('frame', (f) => predictor.reconcile(a.me().x, a.me().y, f.inputAck));
    let last = 0;
    for (let i = 0; i < 12; i++) {
      const [dx, dy] = i < 8 ? [1, 0] : [0, -1];
      last = a.conn.send(input(dx, dy));
      predictor.input(last, dx, dy);
      applyInput(expected, dx, dy);
      await new Promise((r) => setTimeout(r, 17));
    }
    await waitFor('every input acknowledged', () => a.conn.replica.lastInputSeq === last && predictor.pending.length === 0);
    // 16-bit positions over 2000 units: within half a step (0.015) of the unquantized value.
    expect(Math.abs(a.me().x - expected.x)).toBeLessThan(0.02);
    expect(Math.abs(a.me().y - expected.y)).toBeLessThan(0.02);
    expect(Math.abs(predictor.x - expected.x)).toBeLessThan(0.02);
    expect(predictor.corrections).toBe(0);
  });

  it('does not let a client move faster by sending more inputs than room time allows', async () => {
    const { url } = await arena({ bots: 0, pickups: 0, area: { x: 1000, y: 1000, radius: 10 } });
    const a = await join(url, 'ada');
    const x0 = a.me().x;
    let last = 0;
    for (let i = 0; i < 100; i++) last = a.conn.send(input(-1, 0));
    await waitFor('the burst acknowledged', () => a.conn.replica.lastInputSeq === last);
    const steps = (x0 - a.me().x) / ((220 * 1000) / 60 / 1000);
    expect(steps).toBeGreaterThan(5);
    expect(steps).toBeLessThan(40);
  });

  it('a Shoot becomes a Shot tracer for those nearby, a Hit on the target, and after enough hits a Kill and a respawn', async () => {
    const { url } = await arena({ bots: 0, pickups: 0, area: { x: 1000, y: 1000, radius: 40 } });
    const a = await join(url, 'ada');
    const b = await join(url, 'bob');
    const shots: schema.Shot[] = [];
    const hits: schema.Hit[] = [];
    const kills: schema.Kill[] = [];
    a.conn.onMessage(schema.Shot, (s) => shots.push(s));
    b.conn.onMessage(schema.Hit, (h) => hits.push(h));
    b.conn.onMessage(schema.Kill, (k) => kills.push(k));
    const bobOnAda = await waitFor('ada sees bob', () => a.of(b.conn.clientId));
    const aim = Math.atan2(bobOnAda.y - a.me().y, bobOnAda.x - a.me().x);
    a.conn.send(Object.assign(new schema.Shoot(), { angle: aim }));
    await waitFor('bob hit once', () => hits.length === 1 && b.me().hp === MAX_HP - SHOT_DAMAGE);
    expect(hits[0]).toMatchObject({ target: b.id, shooter: a.id, damage: SHOT_DAMAGE });
    expect(shots[0]!.shooter).toBe(a.id);
    await waitFor("ada's ammo down by one", () => a.me().ammo === MAX_AMMO - 1);

    for (let i = 1; i < MAX_HP / SHOT_DAMAGE; i++) {
      await new Promise((r) => setTimeout(r, 170)); // the cooldown is 150 ms
      a.conn.send(Object.assign(new schema.Shoot(), { angle: aim }));
    }
    await waitFor('bob killed', () => kills.length === 1 && !b.me().alive);
    expect(kills[0]).toMatchObject({ victim: b.id, killer: a.id, victimName: 'bob', killerName: 'ada' });
    // Messages go out at once; state (ada's kill count) with her next frame.
    await waitFor("ada's kill counted", () => a.me().kills === 1);
    // Dead players do not move; two seconds later bob is back with full health.
    await waitFor('bob respawned', () => b.me().alive && b.me().hp === MAX_HP, 5000);
  });

  it('bots walk and shoot on their own', async () => {
    const { url, room } = await arena({ bots: 4, pickups: 0, area: { x: 1000, y: 1000, radius: 100 } });
    expect(room.fighters.length).toBe(4);
    const a = await join(url, 'ada');
    const shots: schema.Shot[] = [];
    a.conn.onMessage(schema.Shot, (s) => shots.push(s));
    const bots = () => [...a.conn.replica.entities].filter(([, e]) => e instanceof schema.Player && e.bot) as [number, schema.Player][];
    await waitFor('four bots in view', () => bots().length === 4);
    const start = new Map(bots().map(([id, p]) => [id, { x: p.x, y: p.y }]));
    await waitFor('every bot moved', () => bots().every(([id, p]) => p.x !== start.get(id)!.x || p.y !== start.get(id)!.y));
    await waitFor('a bot fired', () => shots.some((s) => start.has(s.shooter)), 8000);
  });

  it('each client holds only what is near it (grid interest): the world has more than it sees', async () => {
    const { url, room } = await arena({ bots: 40, pickups: 12 });
    const a = await join(url, 'ada');
    await new Promise((r) => setTimeout(r, 300));
    const me = a.me();
    const seen = [...a.conn.replica.entities.values()].filter((e): e is schema.Player | schema.Pickup => e instanceof schema.Player || e instanceof schema.Pickup);
    const total = room.core.world.size - 1; // all but the Arena entity
    expect(seen.length).toBeLessThan(total);
    // Entities enter inside the view radius and leave 10% beyond it; bots move between frames.
    for (const e of seen) expect(Math.hypot(e.x - me.x, e.y - me.y)).toBeLessThan(VIEW_RADIUS * 1.1 + 20);
  });

  it('headless bots join over WebSocket, play, and report traffic and RTT', async () => {
    const { url } = await arena({ bots: 0, pickups: 0, area: { x: 1000, y: 1000, radius: 60 } });
    const bots = startBots({ url, count: 3, seed: 1 });
    try {
      await bots.ready();
      await waitFor('bots moving and an RTT', () => {
        const r = bots.report();
        return r.open === 3 && r.inputs > 30 && r.framesIn > 10 && r.rtt > 0;
      }, 8000);
      await waitFor('bots fired at each other', () => bots.report().shots > 0, 8000);
      expect(bots.report().errors).toEqual([]);
    } finally {
      bots.close();
    }
  });
});
