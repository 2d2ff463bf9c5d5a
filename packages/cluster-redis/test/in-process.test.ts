// Cluster behaviour that needs no process boundary: nodes in this process, a real redis-server.
import { connect, type Connection } from '@netschema/runtime/client';
import { NetServer } from '@netschema/transport-uws';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { netSchema, TestRoom } from '@netschema/test-fixtures/rooms/net-room';
import { startRedis, type RedisServer } from '@netschema/test-fixtures/support/redis-server';
import { Reader, readRedirect, S_REDIRECT } from '@netschema/runtime';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';
import { redisCluster } from '../src/index.js';
import { until } from './cluster-harness.js';

let redis: RedisServer;
let servers: NetServer[] = [];
let conns: Connection[] = [];
let prefix = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());
afterEach(async () => {
  for (const c of conns) c.close();
  conns = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function nodes(loads: (number | undefined)[], maxClients = 2, seatTtlMs?: number): Promise<NetServer[]> {
  const p = `ip${++prefix}`;
  servers = await Promise.all(
    loads.map((load) =>
      NetServer.listen({
        schema: netSchema,
        cluster: redisCluster({ url: redis.url, prefix: p, log: () => {}, ...(seatTtlMs === undefined ? {} : { seatTtlMs }) }),
        ...(load === undefined ? {} : { load: () => load }),
        joinRate: 1000,
        joinBurst: 1000,
      }),
    ),
  );
  for (const s of servers) s.define('arena', TestRoom, { maxClients });
  return servers;
}

const join = (url: string, room = 'arena') => {
  const c = connect(url, netSchema, { room, WebSocket: WebSocket as never });
  conns.push(c);
  return c;
};

it('the load hook decides where new rooms go', async () => {
  const [busy, idle] = await nodes([1000, 0], 1);
  const cs = [join(busy!.url), join(busy!.url), join(busy!.url)];
  await Promise.all(cs.map((c) => c.ready()));
  expect(cs.map((c) => c.nodeUrl)).toEqual([idle!.url, idle!.url, idle!.url]);
  expect(busy!.rooms()).toEqual([]);
});

it('a locked room is skipped by joins by name across the cluster, and its listing says so', async () => {
  const [a, b] = await nodes([undefined, undefined], 4);
  const first = join(a!.url);
  await first.ready();
  const holder = [a!, b!].find((s) => s.url === first.nodeUrl)!;
  holder.room(first.roomId)!.lock();
  await until(async () => (await a!.rooms({ cluster: true })).find((r) => r.id === first.roomId)?.locked, 'the lock to reach the registry');
  const second = join(b!.url);
  await second.ready();
  expect(second.roomId).not.toBe(first.roomId);
  const byId = join(b!.url, first.roomId);
  await byId.ready();
  expect(byId.roomId).toBe(first.roomId);
});

it('the clients count in the registry follows joins and leaves', async () => {
  const [a] = await nodes([undefined], 8);
  const cs = [join(a!.url), join(a!.url), join(a!.url)];
  await Promise.all(cs.map((c) => c.ready()));
  await until(async () => (await a!.rooms({ cluster: true, name: 'arena' }))[0]?.clients === 3, '3 clients registered');
  cs[0]!.close();
  await until(async () => (await a!.rooms({ cluster: true, name: 'arena' }))[0]?.clients === 2, '2 clients registered');
});

it('a redirected client whose seat expired on the way is placed again, not refused', async () => {
  // Seats live 50 ms here; the client takes longer than that to follow its redirect.
  const [busy, idle] = await nodes([1000, 0], 4, 50);
  const raw = new RawClient(busy!.url);
  await raw.open();
  raw.join(netSchema.netschema, { room: 'arena' });
  const r = new Reader(await raw.next(S_REDIRECT, 'the redirect'));
  r.u8();
  const redirect = readRedirect(r);
  expect(redirect.url).toBe(idle!.url);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const late = new RawClient(redirect.url);
  await late.open();
  late.join(netSchema.netschema, { room: 'arena', seat: redirect.seat });
  const welcome = await late.welcome();
  // The room its seat was in, now that the seat's place came back.
  expect(welcome.roomId).toBe(redirect.seat.split('.')[0]);
  late.ws.close();
});
