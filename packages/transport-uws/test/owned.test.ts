// The client knows what it owns, end to end: a NetServer on 127.0.0.1 with real `ws` clients.
// `Connection.owned` and the 'owned' event follow the room's add/setOwner/remove, each owned
// entity is in the replica when the event fires, and the set survives a resume and a fresh join.
import { connect, type Connection, type OwnedEvent } from '@netschema/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NetServer } from '../src/index.js';
import { until, within } from './helpers.js';
import { netSchema, Player, TestRoom } from '@netschema/test-fixtures/rooms/net-room';

const servers: NetServer[] = [];
const conns: Connection[] = [];

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(resumeGraceMs: number): Promise<NetServer> {
  const server = await NetServer.listen({ schema: netSchema, onError: () => {}, resumeGraceMs });
  server.define('test', TestRoom, { tickRate: 50, patchRate: 50 });
  servers.push(server);
  return server;
}

/** A joined client that records its 'owned' events and checks each owned id is in its replica then. */
async function joined(server: NetServer, name: string, minDelayMs = 50): Promise<{ conn: Connection; events: OwnedEvent[]; missing: number[] }> {
  const conn = connect(`ws://127.0.0.1:${server.port}/ws`, netSchema.netschema, {
    room: 'test', options: { name }, WebSocket: WebSocket as never, pingIntervalMs: 0,
    reconnect: { retries: 3, minDelayMs, maxDelayMs: minDelayMs },
  });
  conns.push(conn);
  const events: OwnedEvent[] = [];
  const missing: number[] = [];
  conn.on('owned', (e) => {
    events.push({ added: [...e.added], removed: [...e.removed], reset: e.reset });
    for (const id of e.added) if (conn.replica.get(id) === undefined) missing.push(id);
  });
  await within(conn.ready(), `${name} to be ready`);
  return { conn, events, missing };
}

const roomOf = (server: NetServer, conn: Connection) => server.room(conn.roomId) as TestRoom;
const sessionOf = (server: NetServer, conn: Connection) => roomOf(server, conn).clients.find((x) => x.id === conn.clientId)!;
/** The ids the server says the connection owns. */
function serverOwned(server: NetServer, conn: Connection): number[] {
  const room = roomOf(server, conn);
  const me = sessionOf(server, conn);
  return [...room.core.world.values()].filter((e) => room.ownerOf(e as Player) === me).map((e) => room.core.world.idOf(e)).sort((a, b) => a - b);
}
const ownedOf = (conn: Connection) => [...conn.owned].sort((a, b) => a - b);

describe('ownership over a real server', () => {
  it('each client is told its own player, then every change, and nothing about others', async () => {
    const server = await serve(10_000);
    const ann = await joined(server, 'ann');
    const bob = await joined(server, 'bob');
    const room = roomOf(server, ann.conn);
    await until(() => ann.conn.owned.size === 1 && bob.conn.owned.size === 1, 'each client to learn its player');
    const annPlayer = room.players.get(sessionOf(server, ann.conn))!;
    const annId = room.core.world.idOf(annPlayer);
    expect(ownedOf(ann.conn)).toEqual([annId]);
    expect(ownedOf(bob.conn)).toEqual(serverOwned(server, bob.conn));
    expect(ann.events).toEqual([{ reset: true, added: [annId], removed: [] }]);

    // A pet for ann, then the pet given to bob, then to nobody, then removed.
    const pet = room.add(Object.assign(new Player(), { name: 'pet' }), { owner: sessionOf(server, ann.conn).core });
    const petId = room.core.world.idOf(pet);
    await until(() => ann.conn.owned.has(petId), 'ann to own the pet');
    room.setOwner(pet, sessionOf(server, bob.conn));
    await until(() => bob.conn.owned.has(petId) && !ann.conn.owned.has(petId), 'the pet to change hands');
    room.setOwner(pet, null);
    await until(() => !bob.conn.owned.has(petId), 'bob to lose the pet');
    room.setOwner(pet, sessionOf(server, ann.conn));
    await until(() => ann.conn.owned.has(petId), 'ann to own the pet again');
    room.remove(pet);
    await until(() => !ann.conn.owned.has(petId), 'the removed pet to leave the owned set');

    expect(ann.events.slice(1)).toEqual([
      { reset: false, added: [petId], removed: [] },
      { reset: false, added: [], removed: [petId] },
      { reset: false, added: [petId], removed: [] },
      { reset: false, added: [], removed: [petId] },
    ]);
    expect(bob.events.slice(1)).toEqual([
      { reset: false, added: [petId], removed: [] },
      { reset: false, added: [], removed: [petId] },
    ]);
    expect(ann.missing).toEqual([]);
    expect(bob.missing).toEqual([]);
    expect(ownedOf(ann.conn)).toEqual(serverOwned(server, ann.conn));
    expect(ownedOf(bob.conn)).toEqual(serverOwned(server, bob.conn));
  });

  it('keeps the set across a resume, with changes made while dropped, and starts afresh on a new join', async () => {
    const server = await serve(10_000);
    const ann = await joined(server, 'ann', 100);
    const room = roomOf(server, ann.conn);
    await until(() => ann.conn.owned.size === 1, 'ann to learn her player');
    const session = sessionOf(server, ann.conn);
    const socket = (ann.conn as unknown as { ws: WebSocket }).ws;
    socket.terminate();
    await until(() => !session.connected, 'the server to notice the drop');
    const pet = room.add(Object.assign(new Player(), { name: 'pet' }), { owner: session.core });
    const petId = room.core.world.idOf(pet);
    await until(() => ann.conn.owned.has(petId), 'the pet given while dropped, after the resume');
    expect(sessionOf(server, ann.conn)).toBe(session); // resumed, not rejoined
    expect(ownedOf(ann.conn)).toEqual(serverOwned(server, ann.conn));
    expect(ann.missing).toEqual([]);

    // A new server on another port: a fresh join drops the old set and learns the new one.
    const before = ownedOf(ann.conn);
    await servers.splice(0, 1)[0]!.close();
    const again = await serve(10_000);
    const fresh = await joined(again, 'ann');
    await until(() => fresh.conn.owned.size === 1, 'the fresh join to learn its player');
    expect(ownedOf(fresh.conn)).toEqual(serverOwned(again, fresh.conn));
    expect(before.length).toBe(2);
  });
});
