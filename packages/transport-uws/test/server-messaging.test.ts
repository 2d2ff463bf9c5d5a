// What a single-process NetServer does with the cluster-era API and no cluster: topics and
// messages to rooms stay in the process, lock() keeps joins by name out, drain() lets rooms empty.
import { C_LEAVE, CloseCode } from '@netschema/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { NetServer, type Room } from '../src/index.js';
import { until } from './helpers.js';
import { Chat, netSchema, TestRoom } from '@netschema/test-fixtures/rooms/net-room';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';

const servers: NetServer[] = [];
const raws: RawClient[] = [];

afterEach(async () => {
  for (const c of raws.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(): Promise<NetServer> {
  const server = await NetServer.listen({ schema: netSchema, onError: () => {} });
  server.define('test', TestRoom, { tickRate: 50, patchRate: 50, maxClients: 4 });
  servers.push(server);
  return server;
}

async function joined(server: NetServer, room = 'test'): Promise<RawClient & { roomId: string }> {
  const c = new RawClient(server.url);
  raws.push(c);
  await c.open();
  c.join(netSchema.netschema, { room });
  return Object.assign(c, { roomId: (await c.welcome()).roomId });
}

const chat = (text: string) => Object.assign(new Chat(), { from: 'server', text });

describe('without a cluster', () => {
  it('publish reaches every subscriber of the topic once, after publish returns; unsubscribe stops it', async () => {
    const server = await serve();
    const got: string[] = [];
    const off = await server.subscribe('news', (msg, type) => got.push(`${type}:${(msg as Chat).text}`));
    await server.subscribe('news', (msg) => got.push(`second:${(msg as Chat).text}`));
    await server.subscribe('other', () => got.push('wrong topic'));
    const receivers = server.publish('news', chat('hi'));
    expect(got).toEqual([]);
    expect(await receivers).toBe(1);
    await until(() => got.length === 2, 'both handlers');
    expect(got).toEqual(['Chat:hi', 'second:hi']);
    await off();
    await server.publish('news', chat('again'));
    await until(() => got.length === 3, 'the remaining handler');
    expect(got[2]).toBe('second:again');
    expect(await server.publish('nobody', chat('x'))).toBe(0);
    await expect(server.publish('', chat('x'))).rejects.toThrow(/topic: expected a non-empty string of at most 256 characters/);
  });

  it('sendToRoom reaches the room handler for its class; false for an unknown room', async () => {
    const server = await serve();
    const c = await joined(server);
    const room = server.room(c.roomId) as Room & { got?: string[] };
    room.got = [];
    room.onRoomMessage(Chat, (m) => room.got!.push(m.text));
    expect(await server.sendToRoom(c.roomId, chat('invite'))).toBe(true);
    await until(() => room.got!.length === 1, 'the room message');
    expect(room.got).toEqual(['invite']);
    expect(await server.sendToRoom('rAAAAAAAAAAAAAAAA', chat('x'))).toBe(false);
  });

  it('a locked room takes joins by id, not by name; unlock opens it again', async () => {
    const server = await serve();
    const first = await joined(server);
    const room = server.room(first.roomId)!;
    room.lock();
    expect(server.rooms().find((r) => r.id === room.id)).toMatchObject({ locked: true });
    const byName = await joined(server);
    expect(byName.roomId).not.toBe(room.id);
    const byId = await joined(server, room.id);
    expect(byId.roomId).toBe(room.id);
    room.unlock();
    expect(server.rooms().find((r) => r.id === room.id)?.locked).toBeUndefined();
  });

  it('drain: no joins by name, the room keeps its players until it empties, then the server closes', async () => {
    const server = await serve();
    const stay = await joined(server);
    const drained = server.drain();
    expect(server.isDraining).toBe(true);
    const late = new RawClient(server.url);
    raws.push(late);
    await late.open();
    late.join(netSchema.netschema, { room: 'test' });
    expect((await late.closedWith()).code).toBe(CloseCode.SERVER_FULL);
    expect(server.rooms()).toHaveLength(1);
    stay.send([C_LEAVE]);
    // The last player left: the room goes at once (no dispose delay while draining), then the server.
    await drained;
    expect(server.rooms()).toEqual([]);
    servers.splice(servers.indexOf(server), 1);
  });
});
