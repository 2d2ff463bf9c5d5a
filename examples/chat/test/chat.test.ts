// The chat: a server and two terminal clients (real processes, as a user runs them); a line typed
// into one arrives at the other with the sender's name.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetServer } from '@netschema/transport-uws';
import { afterAll, expect, it } from 'vitest';
import { startChatServer } from '../src/chat-room.js';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TSX = createRequire(join(DIR, 'package.json')).resolve('tsx/cli');
const children: ChildProcess[] = [];
let server: NetServer | undefined;

afterAll(async () => {
  // Each client runs in a process group of its own (tsx starts the program as a child): kill the group.
  for (const c of children) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await server?.close();
});

function client(name: string, url: string) {
  const child = spawn(process.execPath, [TSX, '--conditions=source', 'src/client.ts', '--name', name, '--url', url], { cwd: DIR, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = async (text: string, timeout = 15_000): Promise<void> => {
    const end = performance.now() + timeout;
    while (!out.includes(text)) {
      if (performance.now() > end || child.exitCode !== null) throw new Error(`${name}: no "${text}" within ${timeout} ms; output:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, out: () => out, waitFor, exited, type: (line: string) => child.stdin!.write(line + '\n') };
}

it('a line typed into one client reaches the other with the sender’s name; members come and go', async () => {
  server = await startChatServer();
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const ada = client('ada', url);
  await ada.waitFor(`connected to ${url} as ada; here: ada`);
  const bob = client('bob', url);
  await bob.waitFor('connected to');
  expect(bob.out()).toMatch(/here: (ada, bob|bob, ada)/);
  await ada.waitFor('* bob joined');

  ada.type('hello from ada');
  await bob.waitFor('ada: hello from ada');
  await ada.waitFor('ada: hello from ada'); // the sender gets the relayed line too
  bob.type('hi ada');
  await ada.waitFor('bob: hi ada');

  bob.type('/quit');
  expect(await bob.exited).toBe(0);
  await ada.waitFor('* bob left');
  ada.child.stdin!.end(); // Ctrl-D
  expect(await ada.exited).toBe(0);
}, 60_000);
