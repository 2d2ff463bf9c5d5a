// A cluster of real node processes on a real redis-server, with real clients: the guarantees of
// docs/cluster.md under concurrent joins, a node killed with -9, Redis restarted, resume through
// another node, one machine behind one shared port, draining, and messages between nodes.
import { CloseCode, Reader, readRedirect, S_REDIRECT, type Connection } from '@netschema/runtime/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as netSchema from '@netschema/test-fixtures/schemas/net.netschema';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';
import { startRedis, type RedisServer } from '@netschema/test-fixtures/support/redis-server';
import { client, freePort, startNodes, until, type ClusterRoom, type TestNode } from './cluster-harness.js';

const LEASE_MS = 2000;
const HEARTBEAT_MS = 500;

let redis: RedisServer;
let nodes: TestNode[] = [];
let conns: Connection[] = [];
let prefix = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const c of conns) c.close();
  conns = [];
  await Promise.all(nodes.map((n) => n.stop()));
  nodes = [];
});

/** Nodes of a fresh cluster (a new key prefix: nothing of an earlier test's registry is seen). */
async function cluster(n: number, maxClients = 16, env: Record<string, string> = {}): Promise<TestNode[]> {
  nodes = await startNodes(n, { REDIS_URL: redis.url, CLUSTER_PREFIX: `t${++prefix}`, LEASE_MS: String(LEASE_MS), HEARTBEAT_MS: String(HEARTBEAT_MS), MAX_CLIENTS: String(maxClients), ...env });
  return nodes;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

/** Players each client's replica holds, by room id: everyone in a room sees the same count. */
function seen(c: Connection): number {
  return c.replica.entities.size;
}

describe('a cluster of 3 nodes', () => {
  it('200 clients joining one room name through random nodes at once fill the fewest rooms, none over capacity, and see each other', async () => {
    const ns = await cluster(3, 16);
    conns = Array.from({ length: 200 }, () => client(pick(ns).url));
    await Promise.all(conns.map((c) => c.ready()));
    const byRoom = new Map<string, Connection[]>();
    for (const c of conns) byRoom.set(c.roomId, [...(byRoom.get(c.roomId) ?? []), c]);
    expect(byRoom.size).toBe(Math.ceil(200 / 16));
    for (const members of byRoom.values()) expect(members.length).toBeLessThanOrEqual(16);
    // Each client is in the room its node holds, and sees every player of it.
    await until(() => [...byRoom.values()].every((members) => members.every((c) => seen(c) === members.length)), 'every client to see every player of its room');
    const rooms = await ns[0]!.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' });
    expect(rooms.length).toBe(byRoom.size);
    for (const r of rooms) {
      expect(r.clients).toBe(byRoom.get(r.id)!.length);
      expect(byRoom.get(r.id)!.every((c) => c.nodeUrl === r.url)).toBe(true);
    }
    // Joins through a node that does not hold the room were redirected: some of each.
    expect(conns.some((c) => c.nodeUrl !== c.url)).toBe(true);
  });

  it('a node killed with -9 leaves the registry within its lease, and its clients come back in live rooms', async () => {
    const ns = await cluster(3, 8);
    const urls = ns.map((n) => n.url);
    conns = Array.from({ length: 24 }, (_, i) => client([urls[i % 3]!, ...urls.filter((_, j) => j !== i % 3)]));
    await Promise.all(conns.map((c) => c.ready()));
    const victim = ns.find((n) => conns.some((c) => c.nodeUrl === n.url))!;
    const orphans = conns.filter((c) => c.nodeUrl === victim.url);
    expect(orphans.length).toBeGreaterThan(0);
    const killedAt = Date.now();
    await victim.kill();
    const live = ns.filter((n) => n !== victim);
    await until(async () => (await live[0]!.request<ClusterRoom[]>({ cmd: 'rooms' })).every((r) => r.node !== victim.nodeId), "the dead node's rooms to leave the registry", LEASE_MS + 2 * HEARTBEAT_MS + 2000);
    const cleanMs = Date.now() - killedAt;
    expect(cleanMs).toBeLessThan(LEASE_MS + 2 * HEARTBEAT_MS + 2000);
    // Every orphan rejoins (a fresh session: its node died with it) in a room of a live node.
    await until(() => orphans.every((c) => c.status === 'open' && c.nodeUrl !== victim.url && live.some((n) => n.url === c.nodeUrl)), 'the orphans to rejoin live nodes', 20_000);
    // A node writes its rooms' counts to the registry in a batch after the joins it served, so
    // the last rejoin may reach the registry a round trip after its client is open: the count
    // is read until it holds every client, within two heartbeats.
    const count = async () => (await live[0]!.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' })).reduce((n, r) => n + r.clients, 0);
    await until(async () => (await count()) === 24, 'the registry to count every client', 2 * HEARTBEAT_MS + 2000).catch(() => undefined);
    const rooms = await live[0]!.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' });
    for (const r of rooms) expect(r.clients).toBeLessThanOrEqual(r.maxClients);
    expect(rooms.reduce((n, r) => n + r.clients, 0)).toBe(24);
  });

  it('a resume through another node lands in the original session', async () => {
    const [a, b] = await cluster(2);
    // A room on a first, so that a join by name through a lands there (no redirect to follow).
    const roomId = await a!.request<string>({ cmd: 'create', private: false });
    await until(async () => (await b!.request<ClusterRoom[]>({ cmd: 'rooms' })).some((r) => r.id === roomId), 'the room to be registered');
    const first = new RawClient(a!.url);
    await first.open();
    first.join(netSchema.netschema, { room: 'arena' });
    const welcome = await first.welcome();
    expect(welcome.resumeToken.startsWith(`${a!.nodeId}~`)).toBe(true);
    first.ws.terminate();
    // Through b: b sends the client to a, where the session is held.
    const via = new RawClient(b!.url);
    await via.open();
    via.join(netSchema.netschema, { room: 'arena', resumeToken: welcome.resumeToken });
    const r = new Reader(await via.next(S_REDIRECT, 'the redirect'));
    r.u8();
    const redirect = readRedirect(r);
    expect(redirect).toEqual({ url: a!.url, seat: '' });
    expect((await via.closedWith()).code).toBe(CloseCode.REDIRECT);
    const back = new RawClient(redirect.url);
    await back.open();
    back.join(netSchema.netschema, { room: 'arena', resumeToken: welcome.resumeToken });
    const resumed = await back.welcome();
    expect(resumed).toMatchObject({ resumed: true, clientId: welcome.clientId, roomId: welcome.roomId });
    back.ws.close();
  });

  it('a Connection that dropped reconnects to the node holding its session, whichever node it entered by', async () => {
    const [a, b] = await cluster(2, 1);
    // The first client fills a's room or b's; the second is placed in a new room, perhaps redirected.
    const one = client(b!.url);
    const two = client(b!.url);
    conns = [one, two];
    await Promise.all(conns.map((c) => c.ready()));
    const moved = conns.find((c) => c.nodeUrl !== b!.url) ?? conns[0]!;
    const room = moved.roomId;
    const id = moved.clientId;
    const resumed = new Promise<boolean>((resolve) => moved.on('connected', (e) => resolve(e.resumed)));
    // Drop the socket without a close frame, as a network failure would.
    (moved as unknown as { ws: { terminate: () => void } }).ws.terminate();
    expect(await resumed).toBe(true);
    expect([moved.roomId, moved.clientId]).toEqual([room, id]);
    expect(a).toBeDefined();
  });

  it('a publish reaches the subscribers of every node exactly once', async () => {
    const ns = await cluster(3);
    const texts = Array.from({ length: 20 }, (_, i) => `news ${i}`);
    const receivers = await Promise.all(texts.map((text) => pick(ns).request<number>({ cmd: 'publish', topic: 'news', text })));
    expect(receivers).toEqual(texts.map(() => 3));
    await until(() => ns.every((n) => n.received('news').length >= texts.length), 'every node to hear every publish');
    await new Promise((r) => setTimeout(r, 200));
    for (const n of ns) expect(n.received('news').sort()).toEqual([...texts].sort());
  });

  it('sendToRoom reaches a room on another node, and says false for a room no live node holds', async () => {
    const [a, b] = await cluster(2);
    const c = client(a!.url);
    conns = [c];
    await c.ready();
    const holder = [a!, b!].find((n) => n.url === c.nodeUrl)!;
    const other = holder === a ? b! : a!;
    expect(await other.request<boolean>({ cmd: 'sendToRoom', roomId: c.roomId, text: 'invite' })).toBe(true);
    await until(() => holder.events.find((e) => e.event === 'roomMessage' && e.roomId === c.roomId && e.text === 'invite'), 'the room to get the message');
    expect(await other.request<boolean>({ cmd: 'sendToRoom', roomId: 'rnosuchroom000000', text: 'x' })).toBe(false);
  });
});

describe('one machine behind one port', () => {
  it('clients of a shared port reach rooms on every node; when a node is killed they come back through the same port', async () => {
    const shared = await freePort();
    const ns = await cluster(3, 8, { SHARED_PORT: String(shared) });
    const entry = `ws://127.0.0.1:${shared}/ws`;
    conns = Array.from({ length: 40 }, () => client(entry));
    await Promise.all(conns.map((c) => c.ready()));
    // Linux spread the connections; joins landed where the registry put them.
    const byRoom = new Map<string, number>();
    for (const c of conns) byRoom.set(c.roomId, (byRoom.get(c.roomId) ?? 0) + 1);
    expect(byRoom.size).toBe(5);
    // A client welcomed through the shared port does not know its node: the registry does.
    const before = await ns[0]!.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' });
    const victim = ns.find((n) => before.some((r) => r.node === n.nodeId))!;
    const lost = new Set(before.filter((r) => r.node === victim.nodeId).map((r) => r.id));
    const orphans = conns.filter((c) => lost.has(c.roomId));
    expect(orphans.length).toBeGreaterThan(0);
    await victim.kill();
    const live = ns.filter((n) => n !== victim);
    await until(() => orphans.every((c) => c.status === 'open' && !lost.has(c.roomId) && c.nodeUrl !== victim.url), 'the orphans to come back through the shared port', 20_000);
    const rooms = await live[0]!.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' });
    expect(rooms.reduce((n, r) => n + r.clients, 0)).toBe(40);
    for (const r of rooms) expect(r.clients).toBeLessThanOrEqual(8);
  });
});

describe('placement', () => {
  it('puts new rooms on the least loaded live node', async () => {
    const [a, b] = await cluster(2, 1);
    // One player per room: every join opens a room, and the nodes take turns as their loads even out.
    for (let i = 0; i < 6; i++) {
      const c = client(a!.url);
      conns.push(c);
      await c.ready();
    }
    const perNode = [a!, b!].map((n) => conns.filter((c) => c.nodeUrl === n.url).length);
    expect(perNode).toEqual([3, 3]);
  });

  it('a private room is joinable by its id through any node, and never by name', async () => {
    const [a, b] = await cluster(2, 4);
    const id = await a!.request<string>({ cmd: 'create', private: true });
    await until(async () => (await b!.request<ClusterRoom[]>({ cmd: 'rooms' })).some((r) => r.id === id), 'the private room to be registered');
    const byName = Array.from({ length: 3 }, () => client(b!.url));
    const byId = client(b!.url, { room: id });
    conns = [...byName, byId];
    await Promise.all(conns.map((c) => c.ready()));
    expect(byId.roomId).toBe(id);
    expect(byId.nodeUrl).toBe(a!.url);
    expect(byName.every((c) => c.roomId !== id)).toBe(true);
  });

  it('a join by an id no node holds is refused as not found, without a redirect', async () => {
    const [a] = await cluster(1);
    const c = client(a!.url, { room: 'rAAAAAAAAAAAAAAAA', reconnect: false });
    conns = [c];
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => c.on('disconnected', resolve));
    expect(closed.code).toBe(CloseCode.ROOM_NOT_FOUND);
  });
});

describe('draining a node', () => {
  it('takes no new rooms and no joins by name, serves its room until it empties, then exits', async () => {
    const [a, b] = await cluster(2, 4);
    const stay = client(a!.url);
    conns = [stay];
    await stay.ready();
    const draining = [a!, b!].find((n) => n.url === stay.nodeUrl)!;
    const other = draining === a ? b! : a!;
    const drained = draining.request<string>({ cmd: 'drain' });
    await until(async () => (await other.request<ClusterRoom[]>({ cmd: 'rooms', name: 'arena' })).length === 1, 'the registry to see the drain');
    // Joins by name go to the other node, though the draining node's room has space.
    const newcomers = Array.from({ length: 6 }, () => client(draining.url));
    conns.push(...newcomers);
    await Promise.all(newcomers.map((c) => c.ready()));
    expect(newcomers.every((c) => c.nodeUrl === other.url)).toBe(true);
    // The player who stayed is still served.
    const frames = stay.stats.framesIn;
    await until(() => stay.stats.framesIn > frames + 3, 'frames for the player on the draining node');
    expect(draining.exited).toBe(false);
    stay.close();
    expect(await drained).toBe('drained');
    await until(() => draining.exited, 'the drained node to exit');
    const rooms = await other.request<ClusterRoom[]>({ cmd: 'rooms' });
    expect(rooms.every((r) => r.node === other.nodeId)).toBe(true);
  });
});

describe('Redis restarted mid-game', () => {
  it('frames never stop for running rooms; new joins fail with 4017 while it is down and work after; the nodes register again', async () => {
    const ns = await cluster(2);
    const players = [client(ns[0]!.url), client(ns[1]!.url)];
    conns = [...players];
    await Promise.all(players.map((c) => c.ready()));
    const before = (await ns[0]!.request<ClusterRoom[]>({ cmd: 'rooms' })).length;
    expect(before).toBeGreaterThan(0);
    await redis.kill();
    const frames = players.map((c) => c.stats.framesIn);
    // A join while Redis is down is refused clearly, and the client would retry (4017 is not final).
    const refused = client(ns[0]!.url, { reconnect: false });
    conns.push(refused);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => refused.on('disconnected', resolve));
    expect(closed.code).toBe(CloseCode.CLUSTER_UNAVAILABLE);
    expect(closed.reason).toMatch(/registry is unreachable/);
    await new Promise((r) => setTimeout(r, 1000));
    // Both rooms kept ticking: every player got frames while Redis was down.
    players.forEach((c, i) => expect(c.stats.framesIn, `player ${i}`).toBeGreaterThan(frames[i]! + 5));
    expect(players.every((c) => c.status === 'open')).toBe(true);
    await redis.restart();
    // The nodes notice their lease is gone and register their rooms again, without a restart.
    await until(async () => (await ns[0]!.request<ClusterRoom[]>({ cmd: 'rooms' }).catch(() => [])).length === before, 'the rooms to be registered again', 10_000);
    const late = client(ns[1]!.url);
    conns.push(late);
    await late.ready();
    // Each node said once that Redis went away and once that it is back.
    await until(() => ns.every((n) => n.received('log').some((t) => /reachable again/.test(t))), 'every node to log the recovery');
    for (const n of ns) expect(n.received('log').filter((t) => / is unreachable /.test(t)), n.received('log').join('\n')).toHaveLength(1);
  });
});
