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
import { netSchema, Player, TestRoom } from '@netschema/test-fixtures/rooms/net-room';

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
    if (r.ammo !== (own ? p.ammo : undefined)) return false;
  }
  return true;
}

/** Resume tokens the server keeps: one per live or held session (checked for leaks). */
function heldTokens(server: NetServer): number {
  return server.stats().sessions;
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
    // ammo = 10 + client id, owner-only: the owner sees it, everyone else holds undefined (never sent).
    expect(playerNamed(ann, 'ann')![1].ammo).toBe(10 + ann.clientId);
    expect(playerNamed(ann, 'bob')![1].ammo).toBeUndefined();
    expect(playerNamed(bob, 'bob')![1].ammo).toBe(10 + bob.clientId);
    expect(playerNamed(bob, 'ann')![1].ammo).toBeUndefined();

    expect(ann.send(move(3, -2))).toBe(1);
    const seq = ann.send(move(3, -2));
    expect(seq).toBe(2);
    await until(() => ann.replica.lastInputSeq === seq, 'the ack of input 2');
    expect(playerNamed(ann, 'ann')![1]).toMatchObject({ x: 6, y: -4 });
    await until(() => playerNamed(bob, 'ann')?.[1].x === 6, 'bob to see ann move');
    expect(playerNamed(bob, 'ann')![1]).toMatchObject({ x: 6, y: -4, ammo: undefined });

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
  it('unhandled messages count as bad messages: past maxErrors the client is closed with 4005 and does not reconnect', async () => {
    const server = await serve({ maxErrors: 2 });
    const ann = await joined(server, 'ann');
    const { log, closes } = events(ann);
    for (let i = 0; i < 3; i++) ann.send(new netSchema.Checksum());
    await until(() => ann.status === 'closed', 'the close');
    expect(log.filter((l) => l.startsWith('error no handler'))).toHaveLength(2);
    expect(closes).toEqual([{ code: CloseCode.TOO_MANY_ERRORS, reason: expect.stringContaining('no handler for message Checksum'), willReconnect: false }]);
    expect(roomOf(server, ann).log).toEqual(['join ann', 'leave ann false']);
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

/** A room that writes a lot every tick: NPCs with long names, all renamed and moved each tick. */
class FloodRoom extends TestRoom {
  static readonly npcs = 200;
  static readonly nameLength = 1000;
  /** Bytes of the largest frame: every NPC whole (name, x, y, header and id), players and header on top. */
  static readonly frameBound = FloodRoom.npcs * (FloodRoom.nameLength + 24) + 1024;
  /** Stops the changes, so a client can be compared with the server. */
  frozen = false;
  private readonly npcs: Player[] = [];

  override onCreate(): void {
    super.onCreate();
    for (let i = 0; i < FloodRoom.npcs; i++) this.npcs.push(this.add(Object.assign(new Player(), { name: 'a'.repeat(FloodRoom.nameLength) })));
  }

  override onTick(): void {
    if (this.frozen) return;
    const name = String.fromCharCode(97 + (this.tickStats.ticks % 26)).repeat(FloodRoom.nameLength);
    for (const p of this.npcs) {
      p.x++;
      p.name = name;
    }
  }
}

describe('real client: a slow consumer', () => {
  const pauseBytes = 16 * 1024;
  const maxBackpressure = 256 * 1024;

  it('is skipped while its socket is backed up, with a bounded uWS buffer, while others keep getting frames; reading again, it converges', async () => {
    const server = await serve({ pauseBytes, maxBackpressure }, {}, FloodRoom);
    const slow = await joined(server, 'slow');
    const fast = await joined(server, 'fast');
    const room = roomOf(server, slow) as FloodRoom;
    const session = sessionOf(server, slow);
    const socket = socketOf(slow)._socket;
    socket.pause();
    let maxBuffered = 0;
    const sample = () => {
      maxBuffered = Math.max(maxBuffered, server.bufferedAmount(session as Client));
    };
    await until(() => {
      sample();
      return session.core.paused && session.stats.framesSkipped > 0;
    }, 'the server to skip the slow client', 15_000);
    const fastFrames = fast.stats.framesIn;
    const ticks = room.tickStats.ticks;
    await until(() => {
      sample();
      return room.tickStats.ticks >= ticks + 25 && fast.stats.framesIn >= fastFrames + 10;
    }, 'more ticks while the slow client is backed up');
    expect(session.core.paused).toBe(true);
    expect(session.stats.framesSkipped).toBeGreaterThan(10);
    expect(maxBuffered).toBeGreaterThan(pauseBytes);
    expect(maxBuffered).toBeLessThanOrEqual(maxBackpressure + FloodRoom.frameBound);
    // Paused before uWS had to refuse a send: nothing was dropped, so no resync was needed.
    expect(session.stats.dropped).toBe(0);

    room.frozen = true;
    socket.resume();
    await until(() => converged(server, slow), 'the slow client to converge', 15_000);
    await until(() => !session.core.paused, 'the server to resume its frames');
    expect(converged(server, fast)).toBe(true);
    expect(slow.status).toBe('open');
  });

  it('is disconnected with 4007 once it stays backed up past stuckMs; reading again, it reconnects to a fresh session', async () => {
    const server = await serve({ pauseBytes, maxBackpressure, stuckMs: 300 }, {}, FloodRoom);
    const slow = await joined(server, 'slow');
    const room = roomOf(server, slow) as FloodRoom;
    const session = sessionOf(server, slow);
    const { log, closes } = events(slow);
    const socket = socketOf(slow)._socket;
    socket.pause();
    await until(() => session.left, 'the server to give up on the slow client', 15_000);
    expect(room.log).toEqual(['join slow', 'leave slow false']);
    expect(heldTokens(server)).toBe(0);

    room.frozen = true;
    socket.resume();
    await until(() => log.includes('connected false'), 'the reconnect', 15_000);
    expect(closes[0]).toEqual({ code: CloseCode.CONGESTED, reason: 'not reading: frames backed up for more than 300 ms', willReconnect: true });
    expect(slow.clientId).not.toBe(session.id);
    await until(() => converged(server, slow), 'the new session to converge');
  });
});

describe('real client: resume', () => {
  /** Drops the client's TCP connection right after it applied a frame, so no frame is in flight. */
  /** Drops the connection right after its next frame, which `provoke` (a change the client sees) brings: an idle client gets none. */
  function dropAfterFrame(conn: Connection, provoke: () => void): Promise<void> {
    return new Promise((resolve) => {
      const off = conn.on('frame', () => {
        off();
        socketOf(conn).terminate();
        resolve();
      });
      provoke();
    });
  }

  /** Frames applied after the next `connected` event, copied. */
  function framesAfterReconnect(conn: Connection): FrameEvent[] {
    const frames: FrameEvent[] = [];
    let reconnected = false;
    conn.on('connected', () => (reconnected = true));
    conn.on('frame', (f) => {
      if (reconnected) frames.push({ ...f, added: [...f.added], changed: [...f.changed], removed: [...f.removed] });
    });
    return frames;
  }

  it('a dropped connection reconnects within the grace period, resumes its session and receives only what changed meanwhile', async () => {
    // Frames every 200 ms: the drop comes right after one, long before the next is due.
    const server = await serve({ resumeGraceMs: 10_000 }, { patchRate: 5 });
    const ann = await joined(server, 'ann', { reconnect: { retries: 3, minDelayMs: 100, maxDelayMs: 100 } });
    const room = roomOf(server, ann);
    const npcs = ['npc1', 'npc2', 'npc3'].map((name) => room.add(Object.assign(new Player(), { name })));
    await until(() => players(ann).length === 4, 'the NPCs');
    const session = sessionOf(server, ann);
    const clientId = ann.clientId;
    const { log } = events(ann);
    const frames = framesAfterReconnect(ann);

    await dropAfterFrame(ann, () => (npcs[0]!.x = 7));
    await until(() => !session.connected, 'the server to notice the drop');
    npcs[1]!.x = 42;
    await until(() => frames.length > 0, 'the first frame after the resume');
    expect(log).toEqual(['disconnected 1006 true', 'connected true']);
    expect(ann.clientId).toBe(clientId);
    expect(sessionOf(server, ann)).toBe(session);
    expect(frames[0]).toMatchObject({ added: [], removed: [], changed: [room.core.world.idOf(npcs[1]!)] });
    expect(converged(server, ann)).toBe(true);
    expect(room.log).toEqual(['join ann', 'drop ann', 'resume ann']);
  });

  it('after the grace period a reconnect joins afresh: a new session, a reset frame with everything, and onLeave(consented = false) for the old one', async () => {
    // The session is released at most one sweep (250 ms) after the grace; the retry comes later.
    const server = await serve({ resumeGraceMs: 100 });
    const ann = await joined(server, 'ann', { reconnect: { retries: 3, minDelayMs: 1500, maxDelayMs: 1500 } });
    const room = roomOf(server, ann);
    const npc = room.add(Object.assign(new Player(), { name: 'npc' }));
    await until(() => players(ann).length === 2, 'the NPC');
    const before = [...ann.replica.entities.keys()].sort();
    const clientId = ann.clientId;
    const { log } = events(ann);
    const frames = framesAfterReconnect(ann);

    await dropAfterFrame(ann, () => (npc.x = 7));
    await until(() => room.log.includes('leave ann false'), 'the session to expire');
    expect(heldTokens(server)).toBe(0);
    await until(() => frames.length > 0, 'the first frame after the new join', 10_000);
    expect(log).toEqual(['disconnected 1006 true', 'connected false']);
    expect(ann.clientId).not.toBe(clientId);
    expect(room.log).toEqual(['join ann', 'drop ann', 'leave ann false', 'join ann']);
    // The reset: everything the replica held is removed, everything the server has is added.
    expect([...frames[0]!.removed].sort()).toEqual(before);
    expect([...frames[0]!.added].sort()).toEqual([...room.core.world.values()].map((e) => room.core.world.idOf(e)).sort());
    expect(converged(server, ann)).toBe(true);
  });
});

describe('real client: server shutdown', () => {
  it('close(reason) reaches the client as 1001 with the reason; it retries, then gives up; the server leaves nothing running', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const baseline = timers();
    const server = await serve();
    const ann = await joined(server, 'ann', { reconnect: { retries: 1, minDelayMs: 20, maxDelayMs: 20 }, pingIntervalMs: 50 });
    const { closes } = events(ann);
    const room = roomOf(server, ann);
    expect(timers()).toBeGreaterThan(baseline);
    await server.close('maintenance');
    // Sessions end with the server: not held for a resume (no onDrop), left, room disposed.
    expect(room.log).toEqual(['join ann', 'leave ann false']);
    expect(room.disposed).toBe(true);
    servers.splice(servers.indexOf(server), 1);
    expect(server.rooms()).toEqual([]);
    await until(() => ann.status === 'closed', 'the client to give up');
    expect(closes).toEqual([
      { code: 1001, reason: 'maintenance', willReconnect: true },
      { code: 1006, reason: '', willReconnect: false }, // the retry: connection refused
    ]);
    // Room ticks, sweeps, pings, retries: every timer of the server and the client is gone.
    await until(() => timers() <= baseline, 'the timers to be cleared');
  });
});

describe('real client: RTT and polling', () => {
  it('both sides measure the round-trip time with their pings', async () => {
    const server = await serve({ pingIntervalMs: 50 });
    const ann = await joined(server, 'ann', { pingIntervalMs: 50 });
    const session = sessionOf(server, ann);
    await until(() => ann.stats.rtt > 0 && session.rtt > 0, 'an RTT on both sides');
    expect(ann.stats.rttSmoothed).toBeGreaterThan(0);
    expect(session.rttSmoothed).toBeGreaterThan(0);
  });

  it('with queueEvents, nothing is dispatched until pump(), which dispatches everything queued in arrival order and returns the count', async () => {
    const server = await serve();
    const bob = await joined(server, 'bob');
    const ann = join(server, 'ann', { queueEvents: true });
    const seen: string[] = [];
    ann.on('connected', (e) => seen.push(`connected ${e.resumed}`));
    ann.onAdd(netSchema.Player, (p) => seen.push(`add ${p.name}`));
    ann.onChange(netSchema.Player, (p, _id, fields) => seen.push(`change ${p.name} ${fields.join(',')}`));
    ann.onMessage(netSchema.Chat, (m) => seen.push(`chat ${m.text}`));
    ann.on('frame', () => seen.push('frame'));
    await within(ann.ready(), 'ann to be ready');
    bob.send(Object.assign(new netSchema.Chat(), { text: 'hi' }));
    bob.send(move(1, 2));
    // The replica is current even though no callback ran.
    await until(() => playerNamed(ann, 'bob')?.[1].y === 2, "bob's move in ann's replica");
    expect(seen).toEqual([]);

    const n = ann.pump();
    expect(n).toBe(seen.length);
    expect(seen.slice(0, 4)).toEqual(['connected false', 'add bob', 'add ann', 'frame']);
    const chat = seen.indexOf('chat hi');
    const change = seen.indexOf('change bob x,y');
    expect(chat).toBeGreaterThan(3);
    expect(change).toBeGreaterThan(chat);
    expect(seen[change + 1]).toBe('frame');
    expect(ann.pump()).toBe(0);
  });
});

describe('real client: rotated resume tokens', () => {
  it('resumes twice in a row: it keeps the new token each welcome carries (the old one stops working)', async () => {
    const server = await serve({ resumeGraceMs: 10_000 });
    const ann = await joined(server, 'ann', { reconnect: { retries: 5, minDelayMs: 50, maxDelayMs: 50 } });
    const session = sessionOf(server, ann);
    const clientId = ann.clientId;
    const { log } = events(ann);
    for (let i = 1; i <= 2; i++) {
      socketOf(ann).terminate();
      await until(() => log.filter((l) => l.startsWith('connected')).length === i, `resume ${i}`);
    }
    expect(log.filter((l) => l.startsWith('connected'))).toEqual(['connected true', 'connected true']);
    expect(ann.clientId).toBe(clientId);
    expect(sessionOf(server, ann)).toBe(session);
  });
});
