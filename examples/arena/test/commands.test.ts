// The example's commands as a user runs them: the server prints the URL to open, serves the page
// and the rooms, and stops cleanly on Ctrl-C (SIGINT, exit 0); the bot command plays against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@netschema/runtime/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildClient } from '../src/server/build-client.js';
import * as schema from '../src/state.netschema.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = createRequire(join(DIR, 'package.json')).resolve('tsx/cli');

/**
 * Runs a TypeScript entry of this example with tsx, as its package scripts do, in a process group
 * of its own (tsx runs the program in a child process): signals go to the group, as a terminal's
 * Ctrl-C does, and cleanup kills the whole group.
 */
function run(entry: string, args: string[]): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [TSX, '--conditions=source', entry, ...args], { cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, exited };
}

async function waitFor<T>(what: string, fn: () => T | null | undefined, timeout: number, log: () => string): Promise<T> {
  const end = performance.now() + timeout;
  for (;;) {
    const v = fn();
    if (v !== null && v !== undefined) return v;
    if (performance.now() > end) throw new Error(`${what}: not within ${timeout} ms; output so far:\n${log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let publicDir = '';
const children: ChildProcess[] = [];

beforeAll(async () => {
  publicDir = mkdtempSync(join(tmpdir(), 'arena-cmd-'));
  await buildClient(publicDir);
});

/** Signals a child's whole process group. */
function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    // already gone
  }
}

afterAll(() => {
  for (const c of children) signal(c, 'SIGKILL');
  rmSync(publicDir, { recursive: true, force: true });
});

it('the server prints the URL, serves the page and the room, takes headless bots, and exits 0 on Ctrl-C', async () => {
  const server = run('src/server/main.ts', ['--', '--port', '0', '--bots', '3', '--public', publicDir]);
  children.push(server.child);
  const url = await waitFor('the URL line', () => /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(server.out())?.[1], 20_000, server.out);
  const wsUrl = /--url (ws:\/\/127\.0\.0\.1:\d+\/ws)/.exec(server.out())![1]!;
  expect(server.out()).toContain('3 bots playing');

  const page = await fetch(url);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<script type="module" src="app.js">');
  expect((await fetch(`${url}app.js`)).headers.get('content-type')).toMatch(/javascript/);
  expect((await fetch(`${url}../../etc/passwd`)).status).toBe(404);
  const config = (await (await fetch(`${url}config.json`)).json()) as { wsPort: number };
  expect(wsUrl).toBe(`ws://127.0.0.1:${config.wsPort}/ws`);

  // The bot command, as the server's banner suggests it.
  const bots = run('src/bots/main.ts', ['--', '--bots', '2', '--url', wsUrl, '--seconds', '2']);
  children.push(bots.child);
  expect(await bots.exited).toBe(0);
  expect(bots.out()).toContain(`2 bots joined ${wsUrl}`);
  expect(bots.out()).toMatch(/2\/2 open · \d+ frames\/s · in [\d.]+ KiB\/s · out [\d.]+ KiB\/s · rtt [\d.]+ ms/);

  // A player is connected when Ctrl-C arrives: it is told the server is going away (1001).
  const conn = connect(wsUrl, schema, { room: 'arena', options: { name: 'ada' }, WebSocket: WebSocket as never, reconnect: false });
  await conn.ready();
  expect([...conn.replica.entities.values()].some((e) => e instanceof schema.Arena)).toBe(true);
  const closed = new Promise<number>((r) => conn.on('disconnected', (d) => r(d.code)));
  signal(server.child, 'SIGINT'); // Ctrl-C
  expect(await server.exited).toBe(0);
  expect(await closed).toBe(1001);
  expect(server.out()).toContain('SIGINT: closing');
}, 60_000);

it('the server refuses a bad option with its usage, exit 2', async () => {
  const server = run('src/server/main.ts', ['--port', 'eighty']);
  children.push(server.child);
  expect(await server.exited).toBe(2);
  expect(server.out()).toContain('--port: expected a whole number');
  expect(server.out()).toContain('usage: pnpm start');
});
