// The rooms server against the real client: `connect()` from @netschema/runtime over `ws`
// sockets, on 127.0.0.1. Raw-socket tests (net-server.test.ts) check exact bytes and hostile
// input; these check what an application sees on both sides. Every wait is bounded (`until`,
// `within`); nothing asserts on timing.
import {
  CloseCode, connect, ErrorCode, ServerError, type ConnectOptions, type Connection, type DisconnectedEvent, type FrameEvent,
  type SchemaModule,
} from '@netschema/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NetServer, UpgradeRejection, type Client, type NetServerOptions, type RoomOptions } from '../src/index.js';
import { until, within } from './helpers.js';
import { netSchema, Player, TestRoom } from './net-room.js';

const servers: NetServer[] = [];
const conns: Connection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

type TestClient = Client<{ user: string } | undefined>;

async function serve(opts: Partial<NetServerOptions> = {}, room: RoomOptions<Player, { user: string } | undefined> = {}, Type: new () => TestRoom = TestRoom): Promise<NetServer> {
  const server = await NetServer.listen({ schema: netSchema, onError: () => {}, ...opts });
  server.define('test', Type, { tickRate: 50, patchRate: 50, ...room });
  servers.push(server);
  return server;
}

/** A real client; reconnects quickly by default so tests that need a retry do not wait long. */
function join(server: NetServer, name: string, opts: Partial<ConnectOptions> = {}, schema: SchemaModule = netSchema.netschema): Connection {
  const conn = connect(`ws://127.0.0.1:${server.port}/ws`, schema, {
    room: 'test',
    options: { name },
    WebSocket: WebSocket as never,
    reconnect: { retries: 3, minDelayMs: 50, maxDelayMs: 100 },
    pingIntervalMs: 0,
    ...opts,
  });
  conns.push(conn);
  return conn;
}

async function joined(server: NetServer, name: string, opts: Partial<ConnectOptions> = {}): Promise<Connection> {
  const conn = join(server, name, opts);
  await within(conn.ready(), `${name} to be ready`);
  return conn;
}

function roomOf(server: NetServer, conn: Connection): TestRoom {
  return server.room(conn.roomId) as TestRoom;
}

/** The server-side session of a connection. */
function sessionOf(server: NetServer, conn: Connection): TestClient {
  const c = roomOf(server, conn).clients.find((x) => x.id === conn.clientId);
  if (c === undefined) throw new Error(`no session for client ${conn.clientId}`);
  return c;
}

function players(conn: Connection): netSchema.Player[] {
  return [...conn.replica.entities.values()] as netSchema.Player[];
}

function playerNamed(conn: Connection, name: string): [number, netSchema.Player] | undefined {
  for (const [id, e] of conn.replica.entities) if ((e as netSchema.Player).name === name) return [id, e as netSchema.Player];
  return undefined;
}

/** The `ws` socket under a Connection (a private field: these tests reach in to break the transport). */
function socketOf(conn: Connection): WebSocket & { _socket: import('node:net').Socket } {
  const ws = (conn as unknown as { ws: (WebSocket & { _socket: import('node:net').Socket }) | null }).ws;
  if (ws === null) throw new Error('the connection has no socket');
  return ws;
}

/** Whether the replica holds exactly the server's entities with the server's values (ammo only where owned). */
function converged(server: NetServer, conn: Connection): boolean {
  const room = roomOf(server, conn);
  const world = room.core.world;
  if (conn.replica.entities.size !== world.size) return false;
  for (const e of world.values()) {
    const p = e as Player;
    const r = conn.replica.get(world.idOf(p)) as netSchema.Player | undefined;
    if (r === undefined || r.x !== p.x || r.y !== p.y || r.name !== p.name) return false;
    const own = room.players.get(sessionOf(server, conn)) === p;
    if (r.ammo !== (own ? p.ammo : 0)) return false;
  }
  return true;
}

/** Resume tokens the server keeps: one per live or held session (private: checked for leaks). */
function heldTokens(server: NetServer): number {
  return (server as unknown as { tokens: Map<string, unknown> }).tokens.size;
}

function move(dx: number, dy: number): netSchema.Move {
  return Object.assign(new netSchema.Move(), { dx, dy });
}

function events(conn: Connection): { log: string[]; closes: DisconnectedEvent[] } {
  const log: string[] = [];
  const closes: DisconnectedEvent[] = [];
  conn.on('connected', (e) => log.push(`connected ${e.resumed}`));
  conn.on('disconnected', (e) => {
    closes.push(e);
    log.push(`disconnected ${e.code} ${e.willReconnect}`);
  });
  conn.on('error', (e) => log.push(`error ${e.message}`));
  return { log, closes };
}

describe('real client: join, state, patches, leave', () => {
  it('each client holds every Player, its own with ammo and the others without; Move inputs move it and are acknowledged; close() removes it everywhere', async () => {
    const server = await serve();
    const ann = await joined(server, 'ann');
    const bob = await joined(server, 'bob');
    expect(bob.roomId).toBe(ann.roomId);
    await until(() => players(ann).length === 2, 'ann to see bob');
    // ammo = 10 + client id, owner-only: the owner sees it, everyone else keeps the initial 0.
    expect(playerNamed(ann, 'ann')![1].ammo).toBe(10 + ann.clientId);
    expect(playerNamed(ann, 'bob')![1].ammo).toBe(0);
    expect(playerNamed(bob, 'bob')![1].ammo).toBe(10 + bob.clientId);
    expect(playerNamed(bob, 'ann')![1].ammo).toBe(0);

    expect(ann.send(move(3, -2))).toBe(1);
    const seq = ann.send(move(3, -2));
    expect(seq).toBe(2);
    await until(() => ann.replica.lastInputSeq === seq, 'the ack of input 2');
    expect(playerNamed(ann, 'ann')![1]).toMatchObject({ x: 6, y: -4 });
    await until(() => playerNamed(bob, 'ann')?.[1].x === 6, 'bob to see ann move');
    expect(playerNamed(bob, 'ann')![1]).toMatchObject({ x: 6, y: -4, ammo: 0 });

    const room = roomOf(server, ann);
    const annId = playerNamed(bob, 'ann')![0];
    const removed: number[] = [];
    bob.onRemove(netSchema.Player, (_p, id) => removed.push(id));
    ann.close();
    expect(ann.status).toBe('closed');
    await until(() => removed.length === 1, "bob's remove callback");
    expect(removed).toEqual([annId]);
    expect(bob.replica.get(annId)).toBeUndefined();
    expect(room.log).toContain('leave ann true');
    expect(room.clients.map((c) => c.id)).toEqual([bob.clientId]);
  });

  it('two clients see each other: add, change with field names, and remove → add → change → frame within one frame', async () => {
    const server = await serve();
    const ann = await joined(server, 'ann');
    const seen: string[] = [];
    ann.onAdd(netSchema.Player, (p, id) => seen.push(`add ${id} ${p.name}`));
    ann.onChange(netSchema.Player, (p, id, fields) => seen.push(`change ${id} ${p.name} ${fields.join(',')}`));
    ann.onRemove(netSchema.Player, (p, id) => seen.push(`remove ${id} ${p.name}`));
    ann.on('frame', (f) => {
      if (f.added.length + f.changed.length + f.removed.length > 0) seen.push('frame');
    });
    const bob = await joined(server, 'bob');
    await until(() => seen.includes('frame'), "bob's arrival");
    const bobId = playerNamed(ann, 'bob')![0];
    expect(seen).toEqual([`add ${bobId} bob`, 'frame']);

    seen.length = 0;
    bob.send(move(1, 1));
    await until(() => seen.includes('frame'), "bob's move");
    expect(seen).toEqual([`change ${bobId} bob x,y`, 'frame']);

    // One server tick: an NPC leaves, another arrives, bob is renamed. Everything written in one
    // synchronous stretch lands in the same tick, so in the same frame.
    const room = roomOf(server, ann);
    const first = room.add(Object.assign(new Player(), { name: 'npc1' }));
    await until(() => playerNamed(ann, 'npc1') !== undefined, 'npc1');
    const npc1 = playerNamed(ann, 'npc1')![0];
    seen.length = 0;
    room.remove(first);
    room.add(Object.assign(new Player(), { name: 'npc2' }));
    room.players.get(sessionOf(server, bob))!.name = 'robert';
    await until(() => seen.includes('frame'), 'the combined frame');
    const npc2 = playerNamed(ann, 'npc2')![0];
    expect(seen).toEqual([`remove ${npc1} npc1`, `add ${npc2} npc2`, `change ${bobId} robert name`, 'frame']);
  });
});

describe('real client: typed messages', () => {
  it('a Chat from one client is handled by the room, which broadcasts a Chat every client receives', async () => {
    const server = await serve();
    const ann = await joined(server, 'ann');
    const bob = await joined(server, 'bob');
    const got: string[] = [];
    ann.onMessage(netSchema.Chat, (m) => got.push(`ann: ${m.from} says ${m.text}`));
    bob.onMessage(netSchema.Chat, (m) => got.push(`bob: ${m.from} says ${m.text}`));
    const names: string[] = [];
    bob.on('message', (m, typeName) => names.push(`${typeName} ${m instanceof netSchema.Chat}`));
    bob.send(Object.assign(new netSchema.Chat(), { text: 'hello' }));
    await until(() => got.length === 2, 'both to receive the chat');
    expect(got.sort()).toEqual(['ann: bob says hello', 'bob: bob says hello']);
    expect(names).toEqual(['Chat true']);
  });

  it('a message class the room has no handler for gets an error event (NO_HANDLER) and the connection stays open', async () => {
    const server = await serve();
    const ann = await joined(server, 'ann');
    const errors: Error[] = [];
    ann.on('error', (e) => errors.push(e));
    ann.send(Object.assign(new netSchema.Checksum(), { tick: 1, sum: 2 }));
    await until(() => errors.length === 1, 'the error event');
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect((errors[0] as ServerError).code).toBe(ErrorCode.NO_HANDLER);
    expect(errors[0]!.message).toContain('no handler for message Checksum');
    expect(ann.status).toBe('open');
    const seq = ann.send(move(1, 0));
    await until(() => ann.replica.lastInputSeq === seq, 'a later input to be acknowledged');
    expect(playerNamed(ann, 'ann')![1].x).toBe(1);
  });
});

describe('real client: refused connections', () => {
  it('a schema with another fingerprint is refused: error naming the field, close 4001, no reconnect', async () => {
    const server = await serve();
    const base = netSchema.netschema;
    const manifest = structuredClone(base.manifest) as unknown as { fingerprint: string; classes: { name: string; fields: { name: string; type: unknown }[] }[] };
    manifest.fingerprint = '0123456789abcdef';
    manifest.classes.find((c) => c.name === 'Player')!.fields.find((f) => f.name === 'ammo')!.type = 'u8';
    const other = { ...base, fingerprint: manifest.fingerprint, manifest } as unknown as SchemaModule;
    const conn = join(server, 'eve', {}, other);
    const { log, closes } = events(conn);
    await expect(within(conn.ready(), 'ready to reject')).rejects.toThrow(/Player: field 3: ammo/);
    expect(closes).toEqual([{ code: CloseCode.SCHEMA_MISMATCH, reason: expect.stringContaining('Player: field 3: ammo'), willReconnect: false }]);
    expect(log[0]).toMatch(/^error schema mismatch \(server [0-9a-f]+\): Player: field 3: ammo/);
    expect(log.slice(1)).toEqual([`disconnected ${CloseCode.SCHEMA_MISMATCH} false`]);
    expect(conn.status).toBe('closed');
    expect(server.rooms()).toEqual([]);
  });

  it('an auth rejection (HTTP 401) looks like a failed connection to the client: 1006, retried until the retries run out', async () => {
    let attempts = 0;
    const server = await serve({
      auth: () => {
        attempts++;
        throw new UpgradeRejection(401, 'bad token');
      },
    });
    const conn = join(server, 'eve', { reconnect: { retries: 2, minDelayMs: 10, maxDelayMs: 20 } });
    const { log } = events(conn);
    await expect(within(conn.ready(), 'ready to reject')).rejects.toThrow('connection closed before it was ready: 1006');
    // The WebSocket API gives a client no HTTP status: the 401 arrives as an abnormal closure.
    expect(log).toEqual(['disconnected 1006 true', 'disconnected 1006 true', 'disconnected 1006 false']);
    expect(attempts).toBe(3);
    expect(conn.status).toBe('closed');
  });

  it('a client sending faster than messageRate is closed with 4006 and does not reconnect', async () => {
    const server = await serve({ messageRate: 10, messageBurst: 20 });
    const ann = await joined(server, 'ann');
    const { closes } = events(ann);
    for (let i = 0; i < 40 && ann.status === 'open'; i++) ann.send(move(1, 0));
    await until(() => ann.status === 'closed', 'the close');
    expect(closes).toEqual([{ code: CloseCode.RATE_LIMITED, reason: expect.stringContaining('10 messages per second'), willReconnect: false }]);
    // The session ends with the connection: no ghost Player, no resumable token left behind.
    await until(() => server.rooms()[0]?.clients === 0, 'the session to end');
    expect(roomOf(server, ann).log).toEqual(['join ann', 'leave ann false']);
    expect(heldTokens(server)).toBe(0);
  });

  it('a kicked client gets 4009 with the reason, does not reconnect, and its session is gone', async () => {
    const server = await serve();
    const ann = await joined(server, 'ann');
    const { closes } = events(ann);
    sessionOf(server, ann).kick('cheating');
    await until(() => ann.status === 'closed', 'the close');
    expect(closes).toEqual([{ code: CloseCode.KICKED, reason: 'cheating', willReconnect: false }]);
    expect(roomOf(server, ann).log).toEqual(['join ann', 'leave ann false']);
    expect(heldTokens(server)).toBe(0);
  });
});
