// The arena server's rooms: the main arena persists while empty; rooms opened for joins beyond
// maxClients are disposed once their players have left (issue 11: they never were).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Connection } from '@netschema/runtime/client';
import WebSocket from 'ws';
import { afterEach, expect, it } from 'vitest';
import { startArena, type ArenaServer } from '../src/server/arena-server.js';
import * as schema from '../src/state.netschema.js';

let arena: ArenaServer | undefined;
let dir: string | undefined;

afterEach(async () => {
  await arena?.close();
  arena = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('an overflow room is disposed once empty; the main arena stays', async () => {
  dir = mkdtempSync(join(tmpdir(), 'arena-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'app.js'), '');
  arena = await startArena({ publicDir: dir, maxClients: 1, bots: 0, onError: (e) => expect.fail(String(e)) });
  const url = arena.wsUrl;
  const join1 = (): Connection => connect(url, schema, { room: 'arena', options: { name: 'p' }, WebSocket: WebSocket as never, reconnect: false });
  const a = join1();
  await a.ready();
  const b = join1();
  await b.ready();
  expect(a.roomId).toBe(arena.room.id);
  const overflow = b.roomId;
  expect(overflow).not.toBe(arena.room.id);
  a.close();
  b.close();
  await until('the overflow room to be disposed', () => arena!.net.room(overflow) === undefined);
  expect(arena.net.room(arena.room.id)).toBe(arena.room);
});
