import { C_MANIFEST, C_MESSAGE, C_PING, C_PONG, CloseCode, ErrorCode, FINAL_CLOSE_CODES, FRAME_ROOM, PROTOCOL_VERSION, ReplicaWorld, writeJoin, S_WELCOME, S_MANIFEST_REQUEST, S_MESSAGE, S_PING, S_PONG, Writer, writeMessage } from '@netschema/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { NetServer, UpgradeRejection, type NetServerOptions } from '../src/index.js';
import { until } from './helpers.js';
import { Chat, Move, netSchema, TestRoom } from '@netschema/test-fixtures/rooms/net-room';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';
import * as kitchenSink from '@netschema/test-fixtures/schemas/kitchen-sink.netschema';

const servers: NetServer[] = [];
const raws: RawClient[] = [];

afterEach(async () => {
  for (const c of raws.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(opts: Partial<NetServerOptions> = {}, room: { maxClients?: number } = {}): Promise<NetServer> {
  const server = await NetServer.listen({ schema: netSchema, onError: () => {}, ...opts });
  server.define('test', TestRoom, { tickRate: 50, patchRate: 50, ...room });
  servers.push(server);
  return server;
}

async function raw(server: NetServer, query = '', headers: Record<string, string> = {}): Promise<RawClient> {
  const c = new RawClient(`ws://127.0.0.1:${server.port}/ws${query}`, headers);
  raws.push(c);
  return c.open();
}

function message(msg: object, seq: number): Uint8Array {
  const w = new Writer(64);
  writeMessage(w, netSchema.netschema, msg, seq);
  return w.toBytes();
}

describe('NetServer handshake and rooms', () => {
  it('a join gets a welcome with a resume token, then room frames with the state it may see', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { options: JSON.stringify({ name: 'ann' }) });
    const welcome = await a.welcome();
    expect(welcome).toMatchObject({ roomName: 'test', resumed: false, clientId: 1 });
    expect(welcome.resumeToken.length).toBeGreaterThanOrEqual(20);
    const rep = new ReplicaWorld(netSchema);
    rep.apply(await a.next(FRAME_ROOM, 'the first frame'));
    const players = [...rep.entities.values()] as netSchema.Player[];
    expect(players.map((p) => [p.name, p.ammo])).toEqual([['ann', 11]]);
    expect(server.rooms()).toEqual([{ id: welcome.roomId, name: 'test', clients: 1, maxClients: 64 }]);
  });

  it('inputs are applied in order and acknowledged by the next frames', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema);
    await a.welcome();
    const rep = new ReplicaWorld(netSchema);
    rep.apply(await a.next(FRAME_ROOM));
    const move = Object.assign(new netSchema.Move(), { dx: 3, dy: -2 });
    a.send(message(move, 1));
    a.send(message(move, 2));
    await until(() => {
      while (a.received.length) {
        const m = a.received.shift()!;
        if (m[0] === FRAME_ROOM) rep.apply(m);
      }
      return rep.lastInputSeq === 2;
    }, 'the ack of input 2');
    const p = [...rep.entities.values()][0] as netSchema.Player;
    expect([p.x, p.y]).toEqual([6, -4]);
  });

  it('a fingerprint mismatch asks for the manifest and closes naming the first class and field that differ', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { fingerprint: '0000000000000000' });
    await a.next(S_MANIFEST_REQUEST, 'the manifest request');
    const theirs = structuredClone(netSchema.manifest) as unknown as { classes: { name: string; fields: { name: string; type: unknown }[] }[] };
    theirs.classes.find((c) => c.name === 'Player')!.fields.find((f) => f.name === 'ammo')!.type = 'u8';
    const w = new Writer(4096);
    w.u8(C_MANIFEST);
    w.string(JSON.stringify(theirs));
    a.send(w.toBytes());
    const closed = await a.closedWith();
    expect(closed.code).toBe(CloseCode.SCHEMA_MISMATCH);
    expect(closed.reason).toContain('Player: field 3: ammo');
    const [code, text] = a.errors()[0]!;
    expect(code).toBe(CloseCode.SCHEMA_MISMATCH);
    expect(text).toMatch(/Player: field 3: ammo.*u16.*server.*u8.*client/);
    expect(text).toContain('netschema generate');
  });

  it('a manifest is validated as data: a fake array with a huge length is refused at once, naming where', async () => {
    // A schema with an enum: the diff's enum loop ran to the client's `length`. 2e7 keeps the
    // unfixed server's loop to a fraction of a second; 1e15 hung it.
    const server = await NetServer.listen({ schema: kitchenSink, onError: () => {} });
    servers.push(server);
    const a = await raw(server);
    a.join(kitchenSink.netschema, { fingerprint: '0000000000000000' });
    await a.next(S_MANIFEST_REQUEST, 'the manifest request');
    const theirs = JSON.parse(JSON.stringify(kitchenSink.manifest)) as { enums: { name: string; members: unknown }[] };
    const i = theirs.enums.findIndex((e) => e.name === 'Rank');
    theirs.enums[i]!.members = { ...(theirs.enums[i]!.members as object[]), length: 2e7 };
    const w = new Writer(65536);
    w.u8(C_MANIFEST);
    w.string(JSON.stringify(theirs));
    a.send(w.toBytes());
    const closed = await a.closedWith();
    expect(closed.code).toBe(CloseCode.SCHEMA_MISMATCH);
    expect(a.errors()[0]![1]).toContain(`manifest.enums[${i}].members: expected an array, got object`);
  });

  it('a manifest of the wrong shape is reported as such, not as invalid JSON', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { fingerprint: '0000000000000000' });
    await a.next(S_MANIFEST_REQUEST, 'the manifest request');
    const w = new Writer(64);
    w.u8(C_MANIFEST);
    w.string('{"classes":5}');
    a.send(w.toBytes());
    await a.closedWith();
    expect(a.errors()[0]![1]).toContain('manifest.format: expected "netschema-manifest", got undefined');
    const b = await raw(server);
    b.join(netSchema.netschema, { fingerprint: '0000000000000000' });
    await b.next(S_MANIFEST_REQUEST, 'the manifest request');
    w.reset();
    w.u8(C_MANIFEST);
    w.string(JSON.stringify({ ...netSchema.manifest, classes: 5 }));
    b.send(w.toBytes());
    await b.closedWith();
    expect(b.errors()[0]![1]).toContain('manifest.classes: expected an array, got number 5');
  });

  it('a client speaking another protocol version is closed with a reason', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { protocol: 99 });
    const closed = await a.closedWith();
    expect(closed).toEqual({ code: CloseCode.PROTOCOL_VERSION, reason: expect.stringContaining('protocol 99') });
  });

  it('joins by name fill a room up to maxClients and then open another; joins by id hit that room or fail', async () => {
    const server = await serve({}, { maxClients: 2 });
    const ws = await Promise.all([0, 1, 2].map(() => raw(server)));
    const welcomes = [];
    for (const c of ws) {
      c.join(netSchema.netschema);
      welcomes.push(await c.welcome());
    }
    expect(welcomes[0]!.roomId).toBe(welcomes[1]!.roomId);
    expect(welcomes[2]!.roomId).not.toBe(welcomes[0]!.roomId);
    expect(server.rooms().map((r) => r.clients).sort()).toEqual([1, 2]);
    const full = await raw(server);
    full.join(netSchema.netschema, { room: welcomes[0]!.roomId });
    expect((await full.closedWith()).code).toBe(CloseCode.ROOM_FULL);
    const unknown = await raw(server);
    unknown.join(netSchema.netschema, { room: 'nowhere' });
    expect(await unknown.closedWith()).toEqual({ code: CloseCode.ROOM_NOT_FOUND, reason: expect.stringContaining('nowhere') });
  });

  it('broadcast can leave out one client, and sendTo reaches exactly the clients given', async () => {
    const server = await serve();
    const [a, b] = [await raw(server), await raw(server)];
    for (const c of [a, b]) {
      c.join(netSchema.netschema);
      await c.welcome();
    }
    const texts = (c: RawClient) => c.received.filter((m) => m[0] === S_MESSAGE).map((m) => Buffer.from(m).toString('latin1'));
    a.send(message(Object.assign(new netSchema.Chat(), { text: '/others one' }), 1));
    a.send(message(Object.assign(new netSchema.Chat(), { text: '/self two' }), 2));
    a.send(message(Object.assign(new netSchema.Chat(), { text: 'three' }), 3));
    await until(() => texts(a).some((t) => t.includes('three')) && texts(b).some((t) => t.includes('three')), 'the broadcast');
    expect(texts(a).map((t) => /(one|two|three)/.exec(t)![1])).toEqual(['two', 'three']);
    expect(texts(b).map((t) => /(one|two|three)/.exec(t)![1])).toEqual(['one', 'three']);
  });

  it('a message onJoin sends arrives right after the welcome', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { options: JSON.stringify({ name: 'ann', greet: true }) });
    await until(() => a.received.length >= 2, 'the welcome and the greeting');
    expect(a.received[0]![0]).toBe(S_WELCOME);
    const greeting = a.received[1]!;
    expect(greeting[0]).toBe(S_MESSAGE);
    expect(Buffer.from(greeting).toString('latin1')).toContain('hello ann');
  });

  it('onJoin may refuse a client with a reason', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema, { options: JSON.stringify({ refuse: true }) });
    expect(await a.closedWith()).toEqual({ code: CloseCode.JOIN_REFUSED, reason: 'this room does not take you' });
  });

  it('an empty room is disposed after its delay', async () => {
    const server = await NetServer.listen({ schema: netSchema });
    servers.push(server);
    server.define('test', TestRoom, { disposeDelayMs: 100 });
    const a = await raw(server);
    a.join(netSchema.netschema);
    await a.welcome();
    a.send([36]); // leave
    await a.closedWith();
    expect(server.rooms()).toHaveLength(1);
    await until(() => server.rooms().length === 0, 'the room to be disposed');
  });
});

describe('NetServer options', () => {
  it('a bad server option is refused at listen, naming it, the range and the value', async () => {
    await expect(NetServer.listen({ schema: netSchema, pingIntervalMs: 0 })).rejects.toThrow('NetServer: pingIntervalMs must be a number at least 10, finite; got 0');
    await expect(NetServer.listen({ schema: netSchema, messageRate: Number.NaN })).rejects.toThrow('NetServer: messageRate must be a number greater than 0, finite; got NaN');
    await expect(NetServer.listen({ schema: netSchema, maxPayloadLength: -1 })).rejects.toThrow('NetServer: maxPayloadLength must be a number at least 1, at most 2147483647; got -1');
    await expect(NetServer.listen({ schema: netSchema, idleTimeout: 901 })).rejects.toThrow('NetServer: idleTimeout must be a number at least 0, at most 900; got 901');
  });

  it('a bad room option is refused at define, not when a join creates the room', async () => {
    const server = await serve();
    expect(() => server.define('a', TestRoom, { tickRate: 0 })).toThrow('define("a"): tickRate must be a number greater than 0, at most 1000; got 0');
    expect(() => server.define('b', TestRoom, { maxClients: 0 })).toThrow('define("b"): maxClients must be a number at least 1; got 0');
    expect(() => server.define('c', TestRoom, { patchRate: Infinity })).toThrow('define("c"): patchRate must be a number greater than 0, finite; got Infinity');
    expect(() => server.define('d', TestRoom, { budget: -5 })).toThrow('define("d"): budget must be a number greater than 0; got -5');
    expect(() => server.define('e', TestRoom, { grid: { cellSize: 0 } })).toThrow('define("e"): grid.cellSize must be a number greater than 0, finite; got 0');
    expect(() => server.define('f', TestRoom, { grid: { cellSize: 100, cellLog: 'often' as 'auto' } })).toThrow(`define("f"): grid.cellLog must be 'auto', 'always' or 'never'; got "often"`);
    // Nothing was defined by the refused calls; the good type still serves joins.
    expect(() => server.define('a', TestRoom, { disposeDelayMs: Infinity })).not.toThrow();
    const c = await raw(server);
    c.join(netSchema.netschema);
    expect((await c.welcome()).roomName).toBe('test');
  });
});

describe('NetServer auth', () => {
  it('the auth hook sees headers, query and address; its user data reaches the room; rejections answer 401/403', async () => {
    const seen: unknown[] = [];
    const server = await serve({
      auth: async (req) => {
        seen.push({ token: req.query.get('token'), header: req.headers['x-game'], address: req.address });
        await new Promise((r) => setTimeout(r, 5));
        if (req.query.get('token') === 'bad') throw new UpgradeRejection(401, 'bad token');
        if (req.query.get('token') === 'banned') throw new UpgradeRejection(403, 'banned');
        return { user: `user-${req.query.get('token')}` };
      },
    });
    const ok = await raw(server, '?token=alice', { 'x-game': 'yes' });
    ok.join(netSchema.netschema);
    await ok.welcome();
    const rep = new ReplicaWorld(netSchema);
    rep.apply(await ok.next(FRAME_ROOM));
    expect(([...rep.entities.values()][0] as netSchema.Player).name).toBe('user-alice');
    expect(seen[0]).toMatchObject({ token: 'alice', header: 'yes' });
    expect(String((seen[0] as { address: string }).address)).toContain('127.0.0.1');
    for (const [token, status, body] of [['bad', 401, 'bad token'], ['banned', 403, 'banned']] as const) {
      const c = new RawClient(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
      raws.push(c);
      await until(() => c.unexpected !== null, `the ${status} answer`);
      expect(c.unexpected).toEqual({ status, body });
    }
  });

  it('a client that goes away while auth is pending is dropped without harm', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const server = await serve({ auth: async () => gate.then(() => ({ user: 'late' })) });
    const c = new RawClient(`ws://127.0.0.1:${server.port}/ws`);
    await new Promise((r) => setTimeout(r, 50));
    c.terminate();
    await new Promise((r) => setTimeout(r, 50));
    release();
    await new Promise((r) => setTimeout(r, 20));
    const ok = await raw(server);
    ok.join(netSchema.netschema);
    expect((await ok.welcome()).clientId).toBe(1);
  });
});

describe('NetServer against bad clients', () => {
  async function joined(server: NetServer): Promise<RawClient> {
    const c = await raw(server);
    c.join(netSchema.netschema);
    await c.welcome();
    return c;
  }

  it('messages before the join close the connection with a protocol error', async () => {
    const server = await serve();
    const a = await raw(server);
    a.send([C_MESSAGE, 1, 1]);
    expect((await a.closedWith()).code).toBe(CloseCode.PROTOCOL_ERROR);
  });

  it('unknown and malformed messages get an error each; repeated offences close; other clients are unaffected', async () => {
    const server = await serve({ maxErrors: 3 });
    const bad = await joined(server);
    const good = await joined(server);
    bad.send([99]);
    bad.send([C_MESSAGE, 1, 42]); // class 42 does not exist
    bad.send([C_MESSAGE, 1, netSchema.ChatCodec.id, 200]); // string length past the end
    await until(() => bad.errors().length === 3, 'three errors');
    expect(bad.errors().map((e) => e[0])).toEqual([ErrorCode.UNKNOWN_MESSAGE, ErrorCode.MALFORMED_MESSAGE, ErrorCode.MALFORMED_MESSAGE]);
    expect(bad.errors()[1]![1]).toContain('unknown message class');
    bad.send([99]);
    expect((await bad.closedWith()).code).toBe(CloseCode.TOO_MANY_ERRORS);
    // The room goes on: the good client still gets answers.
    good.send([C_PING, 7]);
    expect([...(await good.next(S_PONG))]).toEqual([S_PONG, 7]);
  });

  it('an onTick that throws is reported and the room keeps ticking and sending frames', async () => {
    const errors: string[] = [];
    const server = await NetServer.listen({ schema: netSchema, onError: (_e, where) => errors.push(where) });
    servers.push(server);
    let calls = 0;
    class Faulty extends TestRoom {
      override onTick(): void {
        // The game moves its players (so there is something to send), then fails every other tick.
        for (const p of this.players.values()) p.x++;
        if (++calls % 2 === 0) throw new Error('simulation bug');
      }
    }
    server.define('test', Faulty, { tickRate: 50, patchRate: 50 });
    const a = await joined(server);
    const rep = new ReplicaWorld(netSchema);
    rep.apply(await a.next(FRAME_ROOM));
    const tick = rep.serverTick;
    rep.apply(await a.next(FRAME_ROOM));
    rep.apply(await a.next(FRAME_ROOM));
    expect(rep.serverTick).toBeGreaterThan(tick);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^room test \(.+\) onTick$/);
  });

  it('a frame tap that throws is reported, and every client still gets each of its frames', async () => {
    const errors: string[] = [];
    const server = await NetServer.listen({ schema: netSchema, onError: (_e, where) => errors.push(where) });
    servers.push(server);
    let room: Moving | undefined;
    class Moving extends TestRoom {
      override onCreate(): void {
        super.onCreate();
        room = this;
      }
      override onTick(): void {
        for (const p of this.players.values()) p.x++;
      }
    }
    server.define('test', Moving, { tickRate: 50, patchRate: 50 });
    const a = await joined(server);
    const b = await joined(server);
    // Frames go out after the whole tick is built: a tap failing on the first must not cost the second its frame.
    room!.frameTap = () => {
      throw new Error('tap bug');
    };
    for (const c of [a, b]) {
      const rep = new ReplicaWorld(netSchema);
      rep.apply(await c.next(FRAME_ROOM));
      const tick = rep.serverTick;
      rep.apply(await c.next(FRAME_ROOM));
      rep.apply(await c.next(FRAME_ROOM));
      expect(rep.serverTick).toBe(tick + 2);
    }
    expect(errors[0]).toMatch(/^room test \(.+\) sending a frame$/);
  });

  it('a handler that throws answers that client with an error and the room keeps running', async () => {
    const errors: string[] = [];
    const server = await serve({ onError: (_e, where) => errors.push(where) });
    const a = await joined(server);
    a.send(message(Object.assign(new netSchema.Chat(), { text: 'boom' }), 1));
    await until(() => a.errors().length === 1, 'the error');
    expect(a.errors()[0]![0]).toBe(ErrorCode.HANDLER_FAILED);
    expect(errors[0]).toContain('onMessage(Chat)');
    a.send(message(Object.assign(new netSchema.Chat(), { text: 'hi' }), 2));
    const reply = await a.next(S_MESSAGE, 'the chat relay');
    expect(reply.length).toBeGreaterThan(3);
  });

  it('an oversized message closes only that connection, with 1009 and the sizes; past the handshake cap uWS drops it', async () => {
    const server = await serve({ maxPayloadLength: 1024, maxHandshakeLength: 8192 });
    const big = await joined(server);
    const good = await joined(server);
    big.send(new Uint8Array(4096));
    expect(await big.closedWith()).toEqual({ code: CloseCode.MESSAGE_TOO_BIG, reason: 'a message of 4096 bytes; the limit is 1024' });
    await until(() => server.rooms()[0]!.clients === 1, 'the session to end');
    const huge = await joined(server);
    huge.send(new Uint8Array(16384));
    expect((await huge.closedWith()).code).toBe(1006);
    good.send([C_PING, 1]);
    await good.next(S_PONG);
  });

  it('a client flooding messages past the rate limit is closed with a reason', async () => {
    const server = await serve({ messageRate: 10, messageBurst: 20 });
    const a = await joined(server);
    for (let i = 0; i < 40; i++) a.send([C_PING, i]);
    expect(await a.closedWith()).toEqual({ code: CloseCode.RATE_LIMITED, reason: expect.stringContaining('10 messages per second') });
  });

  it('a joined client that goes silent (no pongs) is closed with 4012 and its session held; one that answers stays', async () => {
    const server = await serve({ idleTimeout: 0.4, pingIntervalMs: 50 });
    const silent = await joined(server);
    const alive = await joined(server);
    // The live one answers every ping, as the real client does.
    const answer = setInterval(() => {
      for (const m of alive.received.splice(0)) if (m[0] === S_PING) alive.send([C_PONG, ...m.subarray(1)]);
    }, 20);
    try {
      expect(await silent.closedWith()).toEqual({ code: CloseCode.IDLE, reason: 'no message for 400 ms' });
      const room = server.room(server.rooms()[0]!.id) as TestRoom;
      expect(room.log.filter((l) => l.startsWith('drop'))).toHaveLength(1);
      expect(room.clients).toHaveLength(2); // held for a resume
      expect(alive.closed).toBeNull();
    } finally {
      clearInterval(answer);
    }
  });

  it('a connection that never joins is closed after the join timeout', async () => {
    const server = await serve({ joinTimeoutMs: 100 });
    const a = await raw(server);
    expect((await a.closedWith()).code).toBe(CloseCode.JOIN_TIMEOUT);
  });
});

describe('NetServer shutdown', () => {
  it('closes every client with 1001 and a reason, and stops listening', async () => {
    const server = await serve();
    const a = await raw(server);
    a.join(netSchema.netschema);
    await a.welcome();
    await server.close('maintenance');
    servers.length = 0;
    expect(await a.closedWith()).toEqual({ code: 1001, reason: 'maintenance' });
    const late = new RawClient(`ws://127.0.0.1:${server.port}/ws`);
    raws.push(late);
    await until(() => late.closed !== null, 'the refused connection');
    expect(late.opened).toBe(false);
  });
});


describe('NetServer under churn', () => {
  it('after many clients join, play and go (leaving, dropping, or kicked), nothing of them is left behind', async () => {
    // 61 joins from one address within a second or two: above the default join rate on purpose.
    const server = await serve({ resumeGraceMs: 100, joinRate: 1000, joinBurst: 100 });
    const anchor = await raw(server); // keeps the room alive through the churn
    anchor.join(netSchema.netschema);
    const roomId = (await anchor.welcome()).roomId;
    const room = server.room(roomId) as TestRoom;
    const baseline = room.core.world.size;
    for (let wave = 0; wave < 5; wave++) {
      const cs = await Promise.all(Array.from({ length: 12 }, () => raw(server)));
      for (const c of cs) c.join(netSchema.netschema, { room: roomId });
      await Promise.all(cs.map((c) => c.welcome()));
      for (const [i, c] of cs.entries()) c.send(message(Object.assign(new netSchema.Move(), { dx: 1, dy: i % 3 }), 1));
      await until(() => room.clients.length === 13, `wave ${wave} to be in`);
      // A third leave, a third drop their connection, a third are kicked.
      cs.forEach((c, i) => {
        if (i % 3 === 0) c.send([36]);
        else if (i % 3 === 1) c.terminate();
      });
      for (const c of room.clients.filter((c, i) => i > 0 && i % 3 === 0)) c.kick('churn');
      await until(() => room.clients.length === 1 && server.stats().heldSessions === 0, `wave ${wave} to be gone`, 5000);
    }
    expect(room.core.clients).toHaveLength(1);
    expect(room.core.world.size).toBe(baseline);
    expect(server.stats().sessions).toBe(1);
    expect(server.stats().rooms).toBe(1);
    expect(server.stats().heldSessions).toBe(0);
    await until(() => server.stats().connections === 1, 'closed sockets to be forgotten');
    expect(room.log.filter((l) => l.startsWith('join'))).toHaveLength(61);
    expect(room.log.filter((l) => l.startsWith('leave'))).toHaveLength(60);
  });
});

describe('NetServer hardening: sessions, private rooms, handshake (issue 11)', () => {
  /** Joins by name (or id) and returns the client with its welcome. */
  async function joinAs(server: NetServer, query = '', j: Parameters<RawClient['join']>[1] = {}) {
    const c = await raw(server, query);
    c.join(netSchema.netschema, j);
    return { c, welcome: await c.welcome() };
  }
  const byQuery = { auth: (req: { query: URLSearchParams }) => ({ id: req.query.get('user'), user: req.query.get('user') ?? 'anon' }) };

  it('a resume token presented by another identity gets a fresh join; the owner keeps the session', async () => {
    const server = await serve({ ...byQuery, resumeGraceMs: 5000 });
    const alice = await joinAs(server, '?user=alice');
    alice.c.terminate();
    const room = server.room(alice.welcome.roomId) as TestRoom;
    await until(() => room.log.includes('drop alice'), 'the drop');
    const mallory = await joinAs(server, '?user=mallory', { resumeToken: alice.welcome.resumeToken, room: alice.welcome.roomId });
    expect(mallory.welcome.resumed).toBe(false);
    expect(mallory.welcome.clientId).not.toBe(alice.welcome.clientId);
    expect(room.log).toContain('join mallory');
    // Alice's session is still held, and hers to take back.
    const back = await joinAs(server, '?user=alice', { resumeToken: alice.welcome.resumeToken });
    expect(back.welcome).toMatchObject({ resumed: true, clientId: alice.welcome.clientId });
    expect(mallory.c.closed).toBeNull();
  });

  it('a token presented by another identity while its owner is connected neither resumes nor closes the owner', async () => {
    const server = await serve(byQuery);
    const alice = await joinAs(server, '?user=alice');
    const mallory = await joinAs(server, '?user=mallory', { resumeToken: alice.welcome.resumeToken, room: alice.welcome.roomId });
    expect(mallory.welcome).toMatchObject({ resumed: false });
    expect(mallory.welcome.clientId).not.toBe(alice.welcome.clientId);
    alice.c.send([C_PING, 7]);
    await alice.c.next(S_PONG, 'a pong on the owner\'s connection');
    expect(alice.c.closed).toBeNull();
  });

  it('a resume rotates the token: the welcome carries a new one and the old one stops working', async () => {
    const server = await serve({ resumeGraceMs: 5000 });
    const first = await joinAs(server);
    first.c.terminate();
    const room = server.room(first.welcome.roomId) as TestRoom;
    await until(() => room.log.some((l) => l.startsWith('drop')), 'the drop');
    const second = await joinAs(server, '', { resumeToken: first.welcome.resumeToken });
    expect(second.welcome.resumed).toBe(true);
    expect(second.welcome.resumeToken).not.toBe(first.welcome.resumeToken);
    second.c.terminate();
    await until(() => room.log.filter((l) => l.startsWith('drop')).length === 2, 'the second drop');
    const stale = await joinAs(server, '', { resumeToken: first.welcome.resumeToken });
    expect(stale.welcome.resumed).toBe(false);
    // The right lookup id with a wrong secret is no token either.
    const t = second.welcome.resumeToken;
    const forged = await joinAs(server, '', { resumeToken: t.slice(0, -2) + (t.endsWith('AA') ? 'BB' : 'AA') });
    expect(forged.welcome.resumed).toBe(false);
    const third = await joinAs(server, '', { resumeToken: t });
    expect(third.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });

  it('private rooms are joinable by id only and marked in rooms(); room ids are random', async () => {
    const server = await serve();
    const secret = server.create('test', {}, { private: true });
    const open = server.create('test');
    expect(secret.id).toMatch(/^r[A-Za-z0-9_-]{16}$/);
    const byName = await joinAs(server);
    expect(byName.welcome.roomId).toBe(open.id);
    const byId = await joinAs(server, '', { room: secret.id });
    expect(byId.welcome.roomId).toBe(secret.id);
    expect(server.rooms().find((r) => r.id === secret.id)).toMatchObject({ private: true });
    expect(server.rooms().find((r) => r.id === open.id)).not.toHaveProperty('private');
    open.setPrivate();
    const third = await joinAs(server);
    expect([secret.id, open.id]).not.toContain(third.welcome.roomId);
  });

  it('a join sent as a text frame is refused', async () => {
    const server = await serve();
    const a = await raw(server);
    const w = new Writer(256);
    writeJoin(w, { protocol: PROTOCOL_VERSION, fingerprint: netSchema.netschema.fingerprint, room: 'test', resumeToken: '', lastTick: 0, options: '{}' });
    a.ws.send(w.toBytes(), { binary: false });
    expect(await a.closedWith()).toEqual({ code: CloseCode.PROTOCOL_ERROR, reason: expect.stringContaining('text frame') });
    expect(a.received.filter((m) => m[0] === S_WELCOME)).toHaveLength(0);
  });

  it('a second join on a joined connection is answered with ALREADY_JOINED naming the room', async () => {
    const server = await serve();
    const { c, welcome } = await joinAs(server);
    c.join(netSchema.netschema);
    await until(() => c.errors().length > 0, 'the error');
    expect(c.errors()[0]).toEqual([ErrorCode.ALREADY_JOINED, expect.stringContaining(`already joined room test (${welcome.roomId})`)]);
  });
});

describe('NetServer limits (issue 11)', () => {
  it('connections per address and in total are refused at upgrade with 429 and 503', async () => {
    const perAddress = await serve({ maxConnectionsPerAddress: 2 });
    await raw(perAddress);
    await raw(perAddress);
    const third = new RawClient(`ws://127.0.0.1:${perAddress.port}/ws`);
    raws.push(third);
    await until(() => third.unexpected !== null, 'the refusal');
    expect(third.unexpected).toEqual({ status: 429, body: expect.stringContaining('too many connections from your address') });
    const total = await serve({ maxConnections: 1 });
    await raw(total);
    const second = new RawClient(`ws://127.0.0.1:${total.port}/ws`);
    raws.push(second);
    await until(() => second.unexpected !== null, 'the refusal');
    expect(second.unexpected).toEqual({ status: 503, body: expect.stringContaining('server full') });
  });

  it('behind a proxy, clientAddress decides which address a connection counts against', async () => {
    const server = await serve({ maxConnectionsPerAddress: 1, clientAddress: (req) => req.headers['x-forwarded-for'] ?? req.address });
    await raw(server, '', { 'x-forwarded-for': '203.0.113.1' });
    await raw(server, '', { 'x-forwarded-for': '203.0.113.2' });
    const again = new RawClient(`ws://127.0.0.1:${server.port}/ws`, { 'x-forwarded-for': '203.0.113.1' });
    raws.push(again);
    await until(() => again.unexpected !== null, 'the refusal');
    expect(again.unexpected!.status).toBe(429);
  });

  it('joins faster than the per-address rate are closed with JOIN_RATE_LIMITED, which is not final', async () => {
    const server = await serve({ joinRate: 0.01, joinBurst: 2 });
    for (let i = 0; i < 2; i++) {
      const c = await raw(server);
      c.join(netSchema.netschema);
      await c.welcome();
      c.terminate();
    }
    const c = await raw(server);
    c.join(netSchema.netschema);
    expect(await c.closedWith()).toEqual({ code: CloseCode.JOIN_RATE_LIMITED, reason: expect.stringContaining('joins per second') });
    expect(FINAL_CLOSE_CODES.has(CloseCode.JOIN_RATE_LIMITED)).toBe(false);
    expect(FINAL_CLOSE_CODES.has(CloseCode.SERVER_FULL)).toBe(false);
  });

  it('rooms per name and in total are capped: a join that needs one more is closed with SERVER_FULL', async () => {
    const server = await serve({ maxRoomsPerName: 2 }, { maxClients: 1 });
    await raw(server).then((c) => (c.join(netSchema.netschema), c.welcome()));
    await raw(server).then((c) => (c.join(netSchema.netschema), c.welcome()));
    const c = await raw(server);
    c.join(netSchema.netschema);
    expect(await c.closedWith()).toEqual({ code: CloseCode.SERVER_FULL, reason: expect.stringContaining('maxRoomsPerName') });
    expect(server.rooms()).toHaveLength(2);
    expect(() => server.create('test')).toThrow(/^create: the server has 2 rooms named "test"/);
    const total = await serve({ maxRooms: 1 });
    total.create('test');
    expect(() => total.create('test')).toThrow(/maxRooms/);
  });

  it('join-and-drop churn holds at most maxHeldPerRoom / maxHeldSessions sessions and bounded rooms', async () => {
    const server = await serve({ joinRate: 1000, joinBurst: 1000, maxHeldPerRoom: 3, maxHeldSessions: 5, resumeGraceMs: 60_000 }, { maxClients: 4 });
    for (let i = 0; i < 40; i++) {
      const c = await raw(server);
      c.join(netSchema.netschema);
      await c.welcome();
      c.terminate();
      await until(() => c.closed !== null, 'the drop');
    }
    await until(() => server.stats().heldSessions <= 5, 'evictions');
    expect(server.stats().heldSessions).toBeLessThanOrEqual(5);
    expect(server.stats().sessions).toBeLessThanOrEqual(5);
    for (const r of server.rooms()) expect(r.clients).toBeLessThanOrEqual(3);
    // Held sessions count against maxClients (the default): 40 joins needed at most 40/1 rooms,
    // but evictions keep the live rooms few.
    expect(server.rooms().filter((r) => r.clients > 0).length).toBeLessThanOrEqual(5);
  });

  it('held sessions can be left out of maxClients', async () => {
    const counted = await serve({}, { maxClients: 1 });
    const a = await raw(counted);
    a.join(netSchema.netschema);
    const wa = await a.welcome();
    a.terminate();
    await until(() => (counted.room(wa.roomId) as TestRoom).log.some((l) => l.startsWith('drop')), 'the drop');
    const b = await raw(counted);
    b.join(netSchema.netschema);
    expect((await b.welcome()).roomId).not.toBe(wa.roomId);
    const uncounted = await serve({ heldCountsAgainstMaxClients: false }, { maxClients: 1 });
    const c = await raw(uncounted);
    c.join(netSchema.netschema);
    const wc = await c.welcome();
    c.terminate();
    await until(() => (uncounted.room(wc.roomId) as TestRoom).log.some((l) => l.startsWith('drop')), 'the drop');
    const d = await raw(uncounted);
    d.join(netSchema.netschema);
    expect((await d.welcome()).roomId).toBe(wc.roomId);
  });
});
