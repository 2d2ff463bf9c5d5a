import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  C_JOIN, C_LEAVE, C_MANIFEST, C_MESSAGE, C_PING, C_PONG, C_RESYNC, CloseCode, connect, DecodeError, ErrorCode, PROTOCOL_VERSION, Reader,
  S_MANIFEST_REQUEST, S_PING, S_PONG, ServerError, readJoin, readMessageBody, writeError, writeMessage, writePing, writeRedirect, writeWelcome,
  type ConnectOptions, type Welcome,
} from '../src/client.js';
import { RoomCore, World, Writer } from '../src/index.js';
import { backoffDelay, DEFAULT_RECONNECT } from '../src/net/backoff.js';
import { ChangedFields } from '../src/net/changed-fields.js';
import type { ClassCodec } from '../src/codec/schema-module.js';
import { Scoreboard, Stats, Unit } from '@netschema/test-fixtures/schemas/room';
import * as gen from '@netschema/test-fixtures/schemas/room.netschema';
import { FakeSocket } from './support/fake-socket.js';

const schema = gen.netschema;
const w = new Writer();
const bytes = (write: (w: Writer) => void): Uint8Array => {
  w.reset();
  write(w);
  return w.toBytes();
};
const welcome = (o: Partial<Welcome> = {}) =>
  bytes((w) => writeWelcome(w, { protocol: PROTOCOL_VERSION, clientId: 7, roomId: 'r-1', roomName: 'arena', resumeToken: 'tok-1', resumed: false, ...o }));
const serverError = (code: number, text: string) => bytes((w) => writeError(w, code, text));
const ping = (kind: number, id: number) => bytes((w) => writePing(w, kind, id));
const serverMessage = (msg: object) => bytes((w) => writeMessage(w, schema, msg));

/** Reads what the client sent as a join. */
function joinOf(b: Uint8Array) {
  const r = new Reader(b);
  expect(r.u8()).toBe(C_JOIN);
  return readJoin(r);
}

/** A room over the room fixture schema with one client, whose frames go to the latest socket. */
function setup(opts: Partial<ConnectOptions> = {}) {
  const room = new RoomCore<Unit | Scoreboard, string>({ schema: gen });
  const rc = room.addClient('ada');
  const conn = connect('ws://game.test/ws', gen, { room: 'arena', WebSocket: FakeSocket, pingIntervalMs: 0, ...opts });
  let now = 0;
  const tick = () => {
    now += 50;
    room.update(now, (c, frame) => {
      if (c === rc) FakeSocket.last().deliver(frame);
    });
  };
  const unit = (x: number, name = '') => {
    const u = new Unit();
    u.x = x;
    u.name = name;
    return room.add(u);
  };
  /** Opens the socket, welcomes the client and delivers the first frame. */
  const join = (o: Partial<Welcome> = {}) => {
    FakeSocket.last().accept();
    FakeSocket.last().deliver(welcome(o));
    tick();
  };
  return { room, rc, conn, tick, unit, join, sock: () => FakeSocket.last() };
}

beforeEach(() => {
  FakeSocket.all.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('handshake', () => {
  it('sends the join at open, with the fingerprint, room, empty token, tick 0, the JSON options and no seat', () => {
    const { sock } = setup({ options: { name: 'ada', team: 2 } });
    expect(sock().url).toBe('ws://game.test/ws');
    expect(sock().binaryType).toBe('arraybuffer');
    expect(sock().sent).toEqual([]);
    sock().accept();
    expect(sock().sent).toHaveLength(1);
    expect(joinOf(sock().sent[0]!)).toEqual({
      protocol: PROTOCOL_VERSION, fingerprint: schema.fingerprint, room: 'arena', resumeToken: '', lastTick: 0, options: '{"name":"ada","team":2}', seat: '',
    });
  });

  it("emits 'connected' at the welcome, and ready() resolves only once the first frame is applied too", async () => {
    const { conn, sock, tick } = setup();
    const connected: unknown[] = [];
    conn.on('connected', (e) => connected.push(e));
    let ready = false;
    void conn.ready().then(() => (ready = true));
    expect(conn.status).toBe('connecting');
    sock().accept();
    sock().deliver(welcome());
    expect(connected).toEqual([{ resumed: false, clientId: 7, roomId: 'r-1', roomName: 'arena' }]);
    expect([conn.status, conn.clientId, conn.roomId, conn.roomName]).toEqual(['open', 7, 'r-1', 'arena']);
    await Promise.resolve();
    expect(ready).toBe(false);
    tick();
    await conn.ready();
    expect(ready).toBe(true);
  });

  it('without a WebSocket implementation, tells Node users to pass the one from ws', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => connect('ws://x', gen, { room: 'arena' })).toThrow(/no WebSocket implementation.*import WebSocket from 'ws'/s);
  });
});

describe('entity events', () => {
  it('per frame: removals (with the removed object), then adds, then changes with field names, then one frame event', () => {
    const { conn, room, rc, join, tick, unit } = setup();
    const a = unit(1, 'a');
    const b = unit(2, 'b');
    const log: unknown[] = [];
    conn.on('remove', (e, id) => log.push(['remove', id, (e as gen.Unit).name]));
    conn.on('add', (e, id) => log.push(['add', id, (e as gen.Unit).name, e === conn.replica.get(id)]));
    conn.on('change', (e, id, fields) => log.push(['change', id, [...fields], (e as gen.Unit).x]));
    conn.on('frame', (f) => log.push(['frame', f]));
    join();
    const idA = room.world.idOf(a);
    const idB = room.world.idOf(b);
    expect(log).toEqual([
      ['add', idA, 'a', true],
      ['add', idB, 'b', true],
      ['frame', { tick: 1, inputAck: 0, added: [idA, idB], changed: [], removed: [] }],
    ]);
    log.length = 0;
    // In one tick: b changes two fields, a goes, c comes. The frame carries them in its own
    // order; the events come in the documented one.
    b.x = 20;
    b.hp = 5;
    const c = unit(3, 'c');
    room.remove(a);
    rc.lastInputSeq = 4;
    tick();
    const idC = room.world.idOf(c);
    expect(log).toEqual([
      ['remove', idA, 'a'],
      ['add', idC, 'c', true],
      ['change', idB, ['x', 'hp'], 20],
      ['frame', { tick: 2, inputAck: 4, added: [idC], changed: [idB], removed: [idA] }],
    ]);
    expect(conn.replica.get(idA)).toBeUndefined();
  });

  it('filtered helpers see only their class, and unsubscribing stops delivery', () => {
    const { conn, room, join, tick, unit } = setup();
    room.add(new Scoreboard(), { global: true });
    const u = unit(1);
    const added: unknown[] = [];
    const changed: string[][] = [];
    const off = conn.onAdd(gen.Unit, (e, id) => added.push([e.constructor.name, id]));
    conn.onChange(Unit, (_e, _id, fields) => changed.push([...fields]));
    join();
    expect(added).toEqual([['Unit', room.world.idOf(u)]]);
    u.name = 'renamed';
    tick();
    expect(changed).toEqual([['name']]);
    off();
    unit(2);
    tick();
    expect(added).toHaveLength(1);
    class NotInSchema {}
    expect(() => conn.onAdd(NotInSchema, () => {})).toThrow(TypeError);
  });

  it('a full World frame replaces every entity: the old objects are removed, the new ones added', () => {
    const { conn, sock } = setup();
    const world = new World(gen);
    const u = world.add(new Unit());
    u.name = 'first';
    const log: string[] = [];
    conn.on('remove', (e) => log.push(`remove ${(e as gen.Unit).name}`));
    conn.on('add', (e) => log.push(`add ${(e as gen.Unit).name}`));
    sock().accept();
    sock().deliver(world.encodeFull());
    u.name = 'second';
    sock().deliver(world.encodeFull());
    expect(log).toEqual(['add first', 'remove first', 'add second']);
  });

  it('a listener that throws is reported and the other listeners still run', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (e: unknown) => reported.push(e));
    const { conn, join, unit } = setup();
    unit(1);
    const boom = new Error('listener bug');
    const seen: string[] = [];
    conn.on('add', () => {
      throw boom;
    });
    conn.on('add', () => seen.push('add'));
    conn.on('frame', () => seen.push('frame'));
    join();
    expect(seen).toEqual(['add', 'frame']);
    expect(reported).toEqual([boom]);
  });
});

describe('changed field names', () => {
  const codec = { fields: Array.from({ length: 40 }, (_, i) => `f${i}`) } as unknown as ClassCodec;

  it('reads bit i of word 0 as field i and bit i of word 1 as field 32 + i', () => {
    const names = new ChangedFields();
    expect(names.names(codec, (1 << 0) | (1 << 31), (1 << 0) | (1 << 7))).toEqual(['f0', 'f31', 'f32', 'f39']);
    expect(names.names(codec, 0, 0)).toEqual([]);
  });

  it('shares one frozen list per one-word mask', () => {
    const names = new ChangedFields();
    const a = names.names(codec, 0b110, 0);
    expect(a).toEqual(['f1', 'f2']);
    expect(names.names(codec, 0b110, 0)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('polling style (queueEvents)', () => {
  it('keeps the replica current but holds the callbacks until pump(), which dispatches them in arrival order', () => {
    const { conn, room, join, unit } = setup({ queueEvents: true });
    const u = unit(5, 'p');
    const log: string[] = [];
    conn.on('connected', () => log.push('connected'));
    conn.on('add', () => log.push('add'));
    conn.on('frame', () => log.push('frame'));
    conn.on('message', (_m, type) => log.push(`message ${type}`));
    join();
    FakeSocket.last().deliver(serverMessage(new Scoreboard()));
    expect(log).toEqual([]);
    expect((conn.replica.get(room.world.idOf(u)) as gen.Unit).name).toBe('p');
    expect(conn.pump()).toBe(4);
    expect(log).toEqual(['connected', 'add', 'frame', 'message Scoreboard']);
    expect(conn.pump()).toBe(0);
  });

  it('without queueEvents, pump() does nothing', () => {
    const { conn, join } = setup();
    let frames = 0;
    conn.on('frame', () => frames++);
    join();
    expect(frames).toBe(1);
    expect(conn.pump()).toBe(0);
  });
});

describe('typed messages', () => {
  it('dispatches server messages by class name to onMessage handlers (replica or decorated class) and to message listeners', () => {
    const { conn, join, sock } = setup();
    join();
    const got: unknown[] = [];
    conn.onMessage(gen.Scoreboard, (m) => got.push(['replica class', m.red, m.blue, m instanceof gen.Scoreboard]));
    conn.onMessage(Scoreboard, (m) => got.push(['decorated class', m.red]));
    conn.onMessage(gen.Stats, () => got.push('wrong type'));
    conn.on('message', (m, type) => got.push(['any', type, (m as gen.Scoreboard).blue]));
    const board = new Scoreboard();
    board.red = 3;
    board.blue = 9;
    sock().deliver(serverMessage(board));
    expect(got).toEqual([['replica class', 3, 9, true], ['decorated class', 3], ['any', 'Scoreboard', 9]]);
    class Foreign {}
    expect(() => conn.onMessage(Foreign, () => {})).toThrow(/not a class of this schema/);
  });

  it('send() numbers messages from 1, drops them (-1) while not connected, and rejects classes outside the schema', () => {
    const { conn, join, sock } = setup();
    const stats = new gen.Stats();
    stats.kills = 2;
    expect(conn.send(stats)).toBe(-1);
    join();
    const before = sock().sent.length;
    expect(conn.send(stats)).toBe(1);
    const s2 = new Stats();
    s2.deaths = 4;
    expect(conn.send(s2)).toBe(2);
    const out = sock().sent.slice(before).map((b) => {
      const r = new Reader(b);
      expect(r.u8()).toBe(C_MESSAGE);
      const seq = r.varuint();
      const { codec, msg } = readMessageBody(r, schema);
      return [seq, codec.name, { ...msg }];
    });
    expect(out).toEqual([[1, 'Stats', { kills: 2, deaths: 0 }], [2, 'Stats', { kills: 0, deaths: 4 }]]);
    expect(() => conn.send({ kills: 1 })).toThrow(TypeError);
    expect(conn.stats.messagesOut).toBe(3); // join + two messages
  });

  it('the frame event acknowledges inputs the server processed', () => {
    const { conn, join, rc, tick } = setup();
    join();
    conn.send(new gen.Stats());
    conn.send(new gen.Stats());
    const acks: number[] = [];
    conn.on('frame', (f) => acks.push(f.inputAck));
    rc.lastInputSeq = 2;
    tick();
    expect(acks).toEqual([2]);
    expect(conn.replica.lastInputSeq).toBe(2);
  });
});

describe('errors from the server and bad input', () => {
  it('a non-fatal S_ERROR is an error event with its code; the connection stays open', () => {
    const { conn, join, sock } = setup();
    join();
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    sock().deliver(serverError(ErrorCode.NO_HANDLER, 'no handler for message Stats in room arena'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ServerError);
    expect(errors[0]!.message).toBe('no handler for message Stats in room arena');
    expect((errors[0] as ServerError).code).toBe(ErrorCode.NO_HANDLER);
    expect(conn.status).toBe('open');
  });

  it('unknown kinds, truncated control messages, empty and text messages are error events, never exceptions', () => {
    const { conn, join, sock } = setup();
    join();
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    sock().deliver(Uint8Array.of(99));
    sock().deliver(welcome().subarray(0, 4));
    sock().deliver(new Uint8Array(0));
    sock().deliver(Uint8Array.of(S_PONG)); // no id
    sock().deliverText('hello');
    expect(errors.map((e) => e.name)).toEqual(['DecodeError', 'DecodeError', 'DecodeError', 'DecodeError', 'TypeError']);
    expect(errors[0]!.message).toContain('unknown message kind');
    expect(conn.status).toBe('open');
    expect(conn.stats.messagesIn).toBe(7); // welcome, first frame, and the five above
  });
});

describe('schema mismatch', () => {
  it('answers the manifest request with its manifest, reports the server text as an error, and does not reconnect', async () => {
    vi.useFakeTimers();
    const { conn, sock } = setup();
    const errors: Error[] = [];
    const closes: unknown[] = [];
    conn.on('error', (e) => errors.push(e));
    conn.on('disconnected', (e) => closes.push(e));
    const ready = conn.ready();
    sock().accept();
    sock().deliver(Uint8Array.of(S_MANIFEST_REQUEST));
    const reply = sock().sent[1]!;
    const r = new Reader(reply);
    expect(r.u8()).toBe(C_MANIFEST);
    expect(JSON.parse(r.string())).toEqual(JSON.parse(JSON.stringify(schema.manifest)));
    expect(r.remaining).toBe(0);
    const text = 'schema mismatch (server abc): Unit.hp is u16 on the server, u8 here. Regenerate the client';
    sock().deliver(serverError(CloseCode.SCHEMA_MISMATCH, text));
    sock().drop(CloseCode.SCHEMA_MISMATCH, 'schema mismatch: Unit.hp');
    expect(errors.map((e) => e.message)).toEqual([text]);
    expect(closes).toEqual([{ code: CloseCode.SCHEMA_MISMATCH, reason: 'schema mismatch: Unit.hp', willReconnect: false }]);
    expect(conn.status).toBe('closed');
    await expect(ready).rejects.toThrow(text);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
  });
});

describe('ping and RTT', () => {
  it('answers server pings at once with the same id', () => {
    const { join, sock } = setup();
    join();
    sock().deliver(ping(S_PING, 41));
    const pong = new Reader(sock().sent.at(-1)!);
    expect([pong.u8(), pong.varuint()]).toEqual([C_PONG, 41]);
  });

  it('pings every pingIntervalMs once welcomed and measures the RTT from the matching pong', () => {
    vi.useFakeTimers();
    const { conn, join, sock } = setup({ pingIntervalMs: 1000 });
    sock().accept();
    vi.advanceTimersByTime(3000);
    expect(sock().kinds()).toEqual([C_JOIN]); // no pings before the welcome
    join();
    vi.advanceTimersByTime(1000);
    const p1 = new Reader(sock().sent.at(-1)!);
    expect([p1.u8(), p1.varuint()]).toEqual([C_PING, 1]);
    vi.advanceTimersByTime(30);
    sock().deliver(ping(S_PONG, 1));
    expect([conn.stats.rtt, conn.stats.rttSmoothed]).toEqual([30, 30]);
    vi.advanceTimersByTime(970);
    vi.advanceTimersByTime(70);
    sock().deliver(ping(S_PONG, 2));
    expect(conn.stats.rtt).toBe(70);
    expect(conn.stats.rttSmoothed).toBe(30 + (70 - 30) / 8);
    sock().deliver(ping(S_PONG, 99)); // never sent: ignored
    expect(conn.stats.rtt).toBe(70);
  });
});

describe('stats', () => {
  it('counts bytes, messages and frames, and fps is the frames of the last full second', () => {
    vi.useFakeTimers();
    const { conn, room, rc, join, sock, tick } = setup();
    join();
    // Frames with something in them (here an input acknowledgement): an idle client gets none.
    room.acknowledge(rc, 1);
    tick();
    room.acknowledge(rc, 2);
    tick();
    const sentBytes = sock().sent.reduce((n, b) => n + b.length, 0);
    expect([conn.stats.framesIn, conn.stats.messagesIn, conn.stats.messagesOut, conn.stats.bytesOut]).toEqual([3, 4, 1, sentBytes]);
    expect(conn.stats.bytesIn).toBeGreaterThan(welcome().length);
    expect(conn.stats.fps).toBe(0); // the current second is not over
    vi.advanceTimersByTime(1000);
    expect(conn.stats.fps).toBe(3);
    room.acknowledge(rc, 3);
    tick();
    expect(conn.stats.fps).toBe(3);
    vi.advanceTimersByTime(1000);
    expect(conn.stats.fps).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(conn.stats.fps).toBe(0);
  });
});

describe('resync after a frame that does not apply', () => {
  /** A room frame patching entity 50, which this client does not hold. */
  const corrupt = Uint8Array.of(3, 90, 0, 0, 0, 1, 0xc8, 0x01, 0);

  it('reports the DecodeError, asks once for everything, and the reset frame that follows restores the state', () => {
    const { conn, room, rc, join, sock, tick, unit } = setup();
    const u = unit(1, 'kept');
    join();
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    sock().deliver(corrupt);
    sock().deliver(corrupt);
    expect(errors.map((e) => e instanceof DecodeError)).toEqual([true, true]);
    expect(sock().kinds().filter((k) => k === C_RESYNC)).toHaveLength(1);
    // The server answers the C_RESYNC: the next frame is whole, with the reset flag.
    const log: string[] = [];
    conn.on('remove', () => log.push('remove'));
    conn.on('add', (e) => log.push(`add ${(e as gen.Unit).name}`));
    room.resync(rc);
    tick();
    expect(log).toEqual(['remove', 'add kept']);
    expect((conn.replica.get(room.world.idOf(u)) as gen.Unit).name).toBe('kept');
    // Recovered: a later failure asks again.
    sock().deliver(corrupt);
    expect(sock().kinds().filter((k) => k === C_RESYNC)).toHaveLength(2);
  });
});

describe('reconnection', () => {
  it('after an unexpected close, retries after the backoff with the resume token and last tick', () => {
    vi.useFakeTimers();
    const { conn, room, rc, join, sock, tick, unit } = setup();
    const u = unit(1, 'hero');
    join({ resumeToken: 'tok-A' });
    u.x = 2;
    tick();
    const events: unknown[] = [];
    conn.on('disconnected', (e) => events.push(['disconnected', e]));
    conn.on('connected', (e) => events.push(['connected', e]));
    sock().drop(CloseCode.SHUTDOWN, 'server shutting down');
    expect(events).toEqual([['disconnected', { code: 1001, reason: 'server shutting down', willReconnect: true }]]);
    expect(conn.status).toBe('reconnecting');
    expect(conn.send(new gen.Stats())).toBe(-1);
    vi.advanceTimersByTime(DEFAULT_RECONNECT.minDelayMs - 1);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2);
    sock().accept();
    expect(joinOf(sock().sent[0]!)).toMatchObject({ room: 'arena', resumeToken: 'tok-A', lastTick: 2 });
    expect(conn.replica.serverTick).toBe(2);
    sock().deliver(welcome({ resumed: true, resumeToken: 'tok-A' }));
    expect(events.at(-1)).toEqual(['connected', { resumed: true, clientId: 7, roomId: 'r-1', roomName: 'arena' }]);
    expect(conn.status).toBe('open');
    u.hp = 1;
    tick();
    expect((conn.replica.get(room.world.idOf(u)) as gen.Unit).hp).toBe(1);
    expect(rc.lastInputSeq).toBe(0);
  });

  it('a session that was not resumed starts over from the reset frame the server sends', () => {
    vi.useFakeTimers();
    const { conn, unit, join, sock } = setup();
    unit(1, 'old');
    join();
    sock().drop();
    vi.advanceTimersByTime(DEFAULT_RECONNECT.minDelayMs);
    // A fresh server: new room, new client, the reset flag on its first frame.
    const room2 = new RoomCore<Unit, string>({ schema: gen });
    const rc2 = room2.addClient('ada');
    const u2 = new Unit();
    u2.name = 'new';
    room2.add(u2);
    const log: string[] = [];
    conn.on('remove', (e) => log.push(`remove ${(e as gen.Unit).name}`));
    conn.on('add', (e) => log.push(`add ${(e as gen.Unit).name}`));
    sock().accept();
    sock().deliver(welcome({ resumed: false, resumeToken: 'tok-B' }));
    room2.update(50, (c, f) => c === rc2 && sock().deliver(f));
    expect(log).toEqual(['remove old', 'add new']);
    expect([...conn.replica.entities.values()].map((e) => (e as gen.Unit).name)).toEqual(['new']);
  });

  it('a reconnect while a resync is pending asks for a full state (last tick 0)', () => {
    vi.useFakeTimers();
    const { conn, join, sock, tick } = setup();
    join();
    tick();
    conn.on('error', () => {});
    sock().deliver(Uint8Array.of(3, 90, 0, 0, 0, 1, 0xc8, 0x01, 0));
    sock().drop();
    vi.advanceTimersByTime(DEFAULT_RECONNECT.minDelayMs);
    sock().accept();
    expect(joinOf(sock().sent[0]!).lastTick).toBe(0);
  });

  it('retries a first connection that fails, and gives up after the retries with a final disconnected', async () => {
    vi.useFakeTimers();
    const { conn, sock } = setup({ reconnect: { retries: 2, minDelayMs: 100, maxDelayMs: 100 } });
    const closes: boolean[] = [];
    conn.on('disconnected', (e) => closes.push(e.willReconnect));
    const ready = conn.ready();
    sock().drop(); // connection refused
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    sock().drop();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(3);
    sock().drop();
    expect(closes).toEqual([true, true, false]);
    expect(conn.status).toBe('closed');
    await expect(ready).rejects.toThrow(/closed before it was ready: 1006/);
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('by default keeps retrying past a server restart (over a minute of refused connections), reporting each attempt, and gives up after giveUpAfterMs', () => {
    vi.useFakeTimers();
    const { conn, sock } = setup();
    const attempts: { attempt: number; delayMs: number; downMs: number }[] = [];
    const finals: boolean[] = [];
    conn.on('reconnecting', (e) => attempts.push(e));
    conn.on('disconnected', (e) => finals.push(e.willReconnect));
    // The server is down: every connection is refused at once. 90 s of it: the client still retries.
    let elapsed = 0;
    sock().drop();
    while (elapsed < 90_000) {
      const wait = attempts.at(-1)!.delayMs;
      vi.advanceTimersByTime(wait);
      elapsed += wait;
      sock().drop();
    }
    expect(conn.status).toBe('reconnecting');
    expect(finals.every((w) => w)).toBe(true);
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    expect(attempts.every((a) => a.delayMs >= DEFAULT_RECONNECT.minDelayMs && a.delayMs <= DEFAULT_RECONNECT.maxDelayMs)).toBe(true);
    expect(attempts.at(-1)!.downMs).toBeGreaterThanOrEqual(90_000 - DEFAULT_RECONNECT.maxDelayMs);
    // Then it comes back: the next attempt is welcomed and the count starts over.
    vi.advanceTimersByTime(attempts.at(-1)!.delayMs);
    sock().accept();
    sock().deliver(welcome({ resumed: false, resumeToken: 'tok-new' }));
    expect(conn.status).toBe('open');
    // Down again for longer than giveUpAfterMs: it ends, once, with willReconnect false.
    const before = attempts.length;
    sock().drop();
    while (conn.status === 'reconnecting') {
      vi.advanceTimersByTime(attempts.at(-1)!.delayMs);
      sock().drop();
    }
    expect(attempts[before]!.attempt).toBe(1);
    expect(finals.at(-1)).toBe(false);
    expect(attempts.at(-1)!.downMs).toBeLessThan(DEFAULT_RECONNECT.giveUpAfterMs);
    expect(attempts.at(-1)!.downMs).toBeGreaterThan(DEFAULT_RECONNECT.giveUpAfterMs - DEFAULT_RECONNECT.maxDelayMs - 1);
  });

  it('a welcome resets the retry count', () => {
    vi.useFakeTimers();
    const { conn, join, sock } = setup({ reconnect: { retries: 1, minDelayMs: 10, maxDelayMs: 10 } });
    join();
    for (let i = 0; i < 3; i++) {
      sock().drop();
      expect(conn.status).toBe('reconnecting');
      vi.advanceTimersByTime(10);
      sock().accept();
      sock().deliver(welcome({ resumed: true }));
    }
    expect(FakeSocket.all).toHaveLength(4);
  });

  it('does not reconnect after a final close code, or with reconnect: false', () => {
    vi.useFakeTimers();
    for (const [code, opts] of [[CloseCode.KICKED, {}], [1006, { reconnect: false as const }]] as const) {
      FakeSocket.all.length = 0;
      const { conn, join, sock } = setup(opts);
      join();
      sock().drop(code);
      expect(conn.status).toBe('closed');
      vi.advanceTimersByTime(60_000);
      expect(FakeSocket.all).toHaveLength(1);
    }
  });

  it('backoff: the delay ceiling grows by the factor up to the maximum, jittered between the minimum and it', () => {
    const o = DEFAULT_RECONNECT;
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => backoffDelay(n, o, () => 0.999999))).toEqual(
      [200, 400, 800, 1600, 3200, 5000, 5000].map((c) => expect.closeTo(200 + 0.999999 * (c - 200), 6)),
    );
    expect(backoffDelay(7, o, () => 0)).toBe(200);
    expect(backoffDelay(2, o, () => 0.5)).toBe(500);
  });
});

describe('clusters: redirects and entries', () => {
  const redirect = (url: string, seat: string) => bytes((w) => writeRedirect(w, { url, seat }));

  it('follows a redirect at once, joining there with the seat and the same room and options, with no events', () => {
    const { conn, sock } = setup({ options: { name: 'ada' } });
    const events: string[] = [];
    conn.on('disconnected', () => events.push('disconnected'));
    conn.on('reconnecting', () => events.push('reconnecting'));
    sock().accept();
    sock().deliver(redirect('ws://node-2.test/ws', 'rAAAAAAAAAAAAAAAA.seat-seat-se'));
    sock().drop(CloseCode.REDIRECT, 'join at ws://node-2.test/ws');
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://game.test/ws', 'ws://node-2.test/ws']);
    sock().accept();
    expect(joinOf(sock().sent[0]!)).toMatchObject({ room: 'arena', seat: 'rAAAAAAAAAAAAAAAA.seat-seat-se', options: '{"name":"ada"}' });
    sock().deliver(welcome({ resumeToken: 'n2~tok' }));
    expect(conn.nodeUrl).toBe('ws://node-2.test/ws');
    expect(conn.url).toBe('ws://game.test/ws');
    expect(events).toEqual([]);
  });

  it('gives up after 4 redirects in a row with an error naming the last node, and refuses a redirect to a non-WebSocket URL', () => {
    const { conn, sock } = setup();
    const errors: string[] = [];
    conn.on('error', (e) => errors.push(e.message));
    const ends: number[] = [];
    conn.on('disconnected', (e) => ends.push(e.code));
    for (let i = 0; i < 5; i++) {
      sock().accept();
      sock().deliver(redirect(`ws://node-${i}.test/ws`, ''));
      sock().drop(CloseCode.REDIRECT, 'elsewhere');
    }
    expect(FakeSocket.all).toHaveLength(5);
    expect(errors).toEqual(['more than 4 redirects in a row, the last to ws://node-4.test/ws: the cluster\'s nodes disagree on where the room is']);
    expect(ends).toEqual([CloseCode.REDIRECT]);
    expect(conn.status).toBe('closed');

    FakeSocket.all.length = 0;
    const other = setup();
    const bad: string[] = [];
    other.conn.on('error', (e) => bad.push(e.message));
    other.sock().accept();
    other.sock().deliver(redirect('http://evil.test/', ''));
    expect(bad[0]).toMatch(/redirect to a URL that is not ws: or wss:/);
  });

  it('after a drop, retries the node that welcomed it first, then the entries in turn', () => {
    vi.useFakeTimers();
    const conn = connect(['ws://a.test/ws', 'ws://b.test/ws'], gen, { room: 'arena', WebSocket: FakeSocket, pingIntervalMs: 0, reconnect: { minDelayMs: 10, maxDelayMs: 10 } });
    FakeSocket.last().accept();
    FakeSocket.last().deliver(redirect('ws://c.test/ws', 'rAAAAAAAAAAAAAAAA.seat-seat-se'));
    FakeSocket.last().drop(CloseCode.REDIRECT, '');
    FakeSocket.last().accept();
    FakeSocket.last().deliver(welcome({ resumeToken: 'c~tok' }));
    for (let i = 0; i < 4; i++) {
      FakeSocket.last().drop(1006, '');
      vi.advanceTimersByTime(10);
    }
    expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://a.test/ws', 'ws://c.test/ws', 'ws://c.test/ws', 'ws://a.test/ws', 'ws://b.test/ws', 'ws://a.test/ws']);
    // Every retry carries the token, which names the session's node: any entry can send it there.
    FakeSocket.last().accept();
    expect(joinOf(FakeSocket.last().sent[0]!)).toMatchObject({ resumeToken: 'c~tok', seat: '' });
    conn.close();
  });
});

describe('close()', () => {
  it('sends C_LEAVE, closes with 1000, ends for good, and ignores the old socket afterwards', async () => {
    vi.useFakeTimers();
    const { conn, join, sock } = setup();
    join();
    const events: unknown[] = [];
    conn.on('disconnected', (e) => events.push(e));
    conn.on('frame', () => events.push('frame'));
    conn.close();
    expect(sock().kinds().at(-1)).toBe(C_LEAVE);
    expect(sock().closedWith).toEqual({ code: 1000, reason: undefined });
    expect(conn.status).toBe('closed');
    expect(events).toEqual([{ code: 1000, reason: 'closed by the client', willReconnect: false }]);
    sock().deliver(welcome());
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(events).toHaveLength(1);
    conn.close();
    expect(events).toHaveLength(1);
    await expect(conn.ready()).resolves.toBeUndefined();
  });

  it('close() before the open cancels the connection; close() while waiting to retry cancels the retry', async () => {
    vi.useFakeTimers();
    const a = setup();
    const ready = a.conn.ready();
    a.conn.close();
    expect(a.sock().sent).toEqual([]);
    await expect(ready).rejects.toThrow(/closed before it was ready/);
    const b = setup();
    b.join();
    b.sock().drop();
    b.conn.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(2);
    expect(b.conn.status).toBe('closed');
  });

  it('a listener that calls close() mid-frame gets nothing after the final disconnected', () => {
    const { conn, join, unit } = setup();
    unit(1);
    unit(2);
    const log: string[] = [];
    conn.on('add', () => {
      log.push('add');
      conn.close();
    });
    conn.on('frame', () => log.push('frame'));
    conn.on('disconnected', () => log.push('disconnected'));
    join();
    expect(log).toEqual(['add', 'disconnected']);
  });
});
