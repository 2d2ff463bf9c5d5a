import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { NetServer, type Client, type NetServerOptions } from '../src/index.js';
import { until, within } from './helpers.js';
import { netSchema, TestRoom } from '@netschema/test-fixtures/rooms/net-room';
import { RawClient } from '@netschema/test-fixtures/support/raw-client';

const TOKEN = 'inspector-test-token-0123456789';
const servers: NetServer[] = [];
const raws: RawClient[] = [];
let browser: Browser | undefined;

afterEach(async () => {
  await browser?.close();
  browser = undefined;
  for (const c of raws.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await s.close();
});

/** TestRoom whose players move along x every tick: every later frame patches x alone. */
class MovingRoom extends TestRoom {
  override onTick(): void {
    for (const p of this.players.values()) p.x += 1;
  }
}

async function serve(opts: Partial<NetServerOptions> = {}): Promise<NetServer> {
  const server = await NetServer.listen({ schema: netSchema, onError: () => {}, ...opts });
  server.define('test', MovingRoom, { tickRate: 20, patchRate: 20 });
  servers.push(server);
  return server;
}

async function join(server: NetServer, name: string): Promise<RawClient> {
  const c = new RawClient(`ws://127.0.0.1:${server.port}/ws`);
  raws.push(c);
  await c.open();
  c.join(netSchema.netschema, { options: JSON.stringify({ name }) });
  await c.welcome();
  return c;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return within(fetch(`http://127.0.0.1:${port}${path}`, { headers, redirect: 'manual' }), `GET ${path}`);
}

interface FieldRow { name: string; bytes: number; shared: number; records: number }
interface ClassRow { name: string; bytes: number; records: number; overhead: number; fields: FieldRow[] }
interface ClientRow {
  id: number; bytesOut: number; frames: number;
  inView: { total: number; byClass: Record<string, number> };
  traffic: { bytesPerSecond: number; sampled: { frames: number; bytes: number; header: number; unattributed: number }; classes: ClassRow[] };
}
interface Snapshot { rooms: { id: string; name: string; clients: ClientRow[] }[] }

async function snapshot(port: number): Promise<Snapshot> {
  const res = await get(port, '/snapshot.json', { Authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  return (await res.json()) as Snapshot;
}

const inspector = { auth: { token: TOKEN }, windowSeconds: 60, samplesPerSecond: 1000 };

describe('inspector', () => {
  it('refuses every route without its auth, and gives no data', async () => {
    const server = await serve({ inspector });
    await join(server, 'alice');
    const port = server.inspectorPort!;
    for (const path of ['/', '/snapshot.json', '/other']) {
      const res = await get(port, path);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(server.rooms()[0]!.id);
    }
    const wrong = await get(port, '/snapshot.json', { Authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect((await get(port, '/snapshot.json?token=nope')).status).toBe(401);
    const forged = await get(port, '/snapshot.json', { Cookie: `netschema_inspector=${TOKEN}` });
    expect(forged.status).toBe(401);
  });

  it('a token in the query sets an HttpOnly SameSite=Strict cookie that then lets the page and data in', async () => {
    const server = await serve({ inspector });
    const port = server.inspectorPort!;
    const res = await get(port, `/?token=${TOKEN}`);
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const pair = cookie.split(';')[0]!;
    expect((await get(port, '/snapshot.json', { Cookie: pair })).status).toBe(200);
    expect((await get(port, '/', { Cookie: pair })).status).toBe(200);
  });

  it('a check hook decides alone when no token is set; a throwing hook lets nothing in', async () => {
    const server = await serve({ inspector: { auth: { check: (req) => req.headers['x-admin'] === 'yes' && req.address.length > 0 } } });
    const port = server.inspectorPort!;
    expect((await get(port, '/snapshot.json')).status).toBe(401);
    expect((await get(port, '/snapshot.json', { 'X-Admin': 'yes' })).status).toBe(200);
    const throwing = await serve({ inspector: { auth: { check: () => { throw new Error('no'); } } } });
    expect((await get(throwing.inspectorPort!, '/snapshot.json')).status).toBe(401);
  });

  it('lists the room and both clients, with bytes per class and per field as computed by hand', async () => {
    const server = await serve({ inspector });
    const port = server.inspectorPort!;
    // The first snapshot turns sampling on: every frame from the joins on is attributed.
    expect((await snapshot(port)).rooms).toEqual([]);
    await join(server, 'alice');
    await join(server, 'carol');
    const room = server.room(server.rooms()[0]!.id)!;
    await until(() => room.clients.every((c: Client) => c.stats.frames >= 10), 'ten frames for each client');
    const snap = await snapshot(port);
    expect(snap.rooms.map((r) => [r.id, r.name, r.clients.length])).toEqual([[room.id, 'test', 2]]);
    for (const c of snap.rooms[0]!.clients) {
      const live = room.clients.find((x: Client) => x.id === c.id)!;
      expect(c.frames).toBeGreaterThanOrEqual(10);
      expect(c.bytesOut).toBeGreaterThan(0);
      expect(c.inView).toEqual({ total: 2, byClass: { Player: 2 } });
      const t = c.traffic;
      // Every frame was sampled: the attributed bytes are exactly what went to the socket, but
      // for the one ownership message after the join's frame (S_OWNED: kind, flags, 1 added,
      // its id delta, 0 removed = 5 bytes), which is not a frame.
      expect(t.sampled.unattributed).toBe(0);
      expect(t.sampled.frames).toBe(c.frames);
      expect(t.sampled.bytes).toBe(c.bytesOut - 5);
      expect(c.frames).toBeLessThanOrEqual(live.stats.frames);
      expect(t.classes.map((k) => k.name)).toEqual(['Player']);
      const player = t.classes[0]!;
      expect(t.sampled.header + player.bytes).toBe(t.sampled.bytes);
      const f = Object.fromEntries(player.fields.map((x) => [x.name, x]));
      // Entering records: the own Player with every field (ammo is @ownerOnly), the other's without ammo.
      expect(f.ammo!.records).toBe(1);
      expect(f.y!.records).toBe(2);
      expect(f.name!.records).toBe(2);
      // Every other record is a patch of x alone: key 1 B + mask 1 B + f32 4 B.
      const patches = player.records - 2;
      expect(patches).toBeGreaterThan(0);
      expect(f.x!.records).toBe(player.records);
      expect(f.x!.bytes).toBe(4 * player.records);
      expect(f.y!.bytes).toBe(8);
      expect(f.ammo!.bytes).toBe(2);
      // 'alice' and 'carol': a 1-byte length and 5 bytes.
      expect(f.name!.bytes).toBe(12);
      // Overhead: entering records carry key 1 + class id 1 + mask 1; patches key 1 + mask 1.
      expect(player.overhead).toBe(3 * 2 + 2 * patches);
      // The own entering record splits its 3 bytes over 4 fields, the other's over 3.
      expect(f.x!.shared).toBeCloseTo(2 * patches + 3 / 4 + 3 / 3, 9);
      expect(f.ammo!.shared).toBeCloseTo(3 / 4, 9);
      expect(f.y!.shared).toBeCloseTo(3 / 4 + 1, 9);
      const own = player.fields.reduce((s, x) => s + x.bytes, 0);
      expect(own + player.overhead).toBeCloseTo(player.bytes, 9);
      // Frame header: kind, tick, input seq, flags, removals count, entity count (6 B while ticks < 128).
      expect(t.sampled.header).toBeGreaterThanOrEqual(6 * t.sampled.frames);
    }
  });

  it('renders in headless Chromium with the room, its clients and per-field rows', async () => {
    if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium is not installed at /usr/bin/chromium: apt-get install -y chromium');
    const server = await serve({ inspector });
    await join(server, 'alice');
    await join(server, 'carol');
    const id = server.rooms()[0]!.id;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'], timeout: 30_000 });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.inspectorPort}/?token=${TOKEN}`, { timeout: 10_000 });
    expect(new URL(page.url()).search).toBe('');
    await page.locator('[data-field="Player.x"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator(`[data-room="${id}"] h2`).textContent()).toContain('room test');
    expect(await page.locator(`[data-room="${id}"] .client`).count()).toBe(2);
    const cells = await page.locator('[data-field="Player.x"]').first().locator('td').allTextContents();
    expect(cells[0]).toBe('x');
    expect(Number(cells[1])).toBeGreaterThan(0);
  });

  it('is off unless asked for: no inspector port', async () => {
    const server = await serve();
    expect(server.inspectorPort).toBeUndefined();
  });

  it('listen rejects an inspector without auth, or with a weak token, before listening', async () => {
    await expect(serve({ inspector: {} as never })).rejects.toThrow(/inspector\.auth is required/);
    await expect(serve({ inspector: { auth: { token: 'short' } } })).rejects.toThrow(/at least 16 characters/);
    await expect(serve({ inspector: { auth: { check: 'yes' } } as never })).rejects.toThrow(/check: expected a function/);
  });
});
