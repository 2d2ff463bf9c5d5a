// Two players join, each moves, and each sees both move: the server room, the generated codecs
// and the client, over a real socket on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { connect, type Connection } from '@netschema/runtime/client';
import WebSocket from 'ws';
import * as schema from '../src/state.netschema.js';
import { startServer } from '../src/server/server.js';

const server = await startServer({ port: 0 });
const url = `ws://127.0.0.1:${server.port}/ws`;
const clients: Connection[] = [];
after(async () => {
  for (const c of clients) c.close();
  await server.close();
});

async function join(name: string): Promise<{ conn: Connection; me: number }> {
  const conn = connect(url, schema, { room: 'game', options: { name }, WebSocket, reconnect: false });
  clients.push(conn);
  await conn.ready();
  if (conn.owned.size === 0) await new Promise((done) => conn.on('owned', done));
  return { conn, me: [...conn.owned][0]! };
}

function position(conn: Connection, id: number): { x: number; y: number } | undefined {
  const p = conn.replica.get(id) as schema.Player | undefined;
  return p === undefined ? undefined : { x: p.x, y: p.y };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('two players see each other move', async () => {
  const ada = await join('ada');
  const bob = await join('bob');
  await until('both players in both replicas', () => [ada.me, bob.me].every((id) => position(ada.conn, id) && position(bob.conn, id)));
  const adaStart = position(bob.conn, ada.me)!;
  const bobStart = position(ada.conn, bob.me)!;

  for (let i = 0; i < 5; i++) {
    ada.conn.send(Object.assign(new schema.Move(), { dx: 4, dy: 0 }));
    bob.conn.send(Object.assign(new schema.Move(), { dx: 0, dy: -4 }));
  }
  // 5 steps of 4 units, quantized to 16 bits over the field: within a unit of the expected place.
  await until('ada moved right, as bob sees her', () => Math.abs(position(bob.conn, ada.me)!.x - Math.min(800, adaStart.x + 20)) < 0.1);
  await until('bob moved up, as ada sees him', () => Math.abs(position(ada.conn, bob.me)!.y - Math.max(0, bobStart.y - 20)) < 0.1);
  assert.equal(position(ada.conn, ada.me)!.y.toFixed(1), adaStart.y.toFixed(1));
  assert.deepEqual(
    [...ada.conn.replica.entities.values()].map((e) => (e as schema.Player).name).sort(),
    ['ada', 'bob', 'bot'],
  );
});

test('a step larger than the speed is clamped', async () => {
  const eve = await join('eve');
  const start = position(eve.conn, eve.me)!;
  eve.conn.send(Object.assign(new schema.Move(), { dx: 100, dy: 0 }));
  await until('eve moved', () => position(eve.conn, eve.me)!.x !== start.x);
  assert.ok(Math.abs(position(eve.conn, eve.me)!.x - Math.min(800, start.x + 4)) < 0.1);
});
