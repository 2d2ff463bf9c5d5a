// The README's walk-through is these files: each ```ts block in README.md whose first line names
// a file here must equal that file, and the files are type-checked (tsc) and run (below).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from '@netschema/runtime/client';
import type { NetServer } from '@netschema/transport-uws';
import { afterAll, expect, it } from 'vitest';
import { join as joinLobby } from '../src/client.js';
import { host } from '../src/server.js';
import * as schema from '../src/state.netschema.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it("the README's walk-through blocks are the files in examples/readme/src, verbatim", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = new Map<string, string>();
  for (const m of readme.matchAll(/^```ts\n(\/\/ (examples\/readme\/\S+)\n[\s\S]*?)^```$/gm)) blocks.set(m[2]!, m[1]!);
  const files = readdirSync(join(ROOT, 'examples/readme/src'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.netschema.ts'))
    .map((f) => `examples/readme/src/${f}`);
  expect([...blocks.keys()].sort()).toEqual(files.sort());
  for (const f of files) expect(blocks.get(f), `README block for ${f} (copy the file into the README)`).toBe(readFileSync(join(ROOT, f), 'utf8'));
});

it("CI runs exactly the README's test command, after installing Chromium (browser tests) and redis-server (cluster tests) when missing", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const test = /^(npm install -g pnpm@10 && pnpm install && pnpm test)\s+#/m.exec(readme)?.[1];
  expect(test).toBeDefined();
  expect(readme).toMatch(/^npm install -g pnpm@10 && pnpm install && pnpm start\s+#/m);
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').trimEnd().split('\n');
  expect(ci[ci.length - 1]).toBe(test);
  expect(ci.join('\n')).toMatch(/\[ -x \/usr\/bin\/chromium \] \|\| missing\+=\(chromium\)/);
  expect(ci.join('\n')).toMatch(/\[ -x \/usr\/bin\/redis-server \] \|\| missing\+=\(redis-server\)/);
  expect(ci.join('\n')).toContain('apt-get install -y "${missing[@]}"');
});

let server: NetServer | undefined;
const conns: Connection[] = [];
afterAll(async () => {
  for (const c of conns) c.close();
  await server?.close();
});

async function waitFor(what: string, ok: () => boolean, timeout = 5000): Promise<void> {
  const end = performance.now() + timeout;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('the walk-through runs: two clients join, see each other move and chat, and only the owner gets hp', async () => {
  server = await host(0);
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const adaLog: string[] = [];
  const bobLog: string[] = [];
  const ada = await joinLobby(url, 'ada', (l) => adaLog.push(l));
  conns.push(ada);
  const bob = await joinLobby(url, 'bob', (l) => bobLog.push(l));
  conns.push(bob);

  const seen = (log: string[], line: string | RegExp) => log.some((l) => (typeof line === 'string' ? l === line : line.test(l)));
  await waitFor('ada sees bob arrive and talk, and herself move', () =>
    seen(adaLog, /^bob \(#\d+\) is here$/) && seen(adaLog, 'bob: hello from bob') && seen(adaLog, 'ada moved to 510.0, 495.0'));
  expect(adaLog).toContain('ada: hello from ada');
  expect(bobLog).toContain('bob: hello from bob');

  // Bob moves again: ada's replica changes, and her onChange listener reports it.
  bob.send(Object.assign(new schema.Move(), { dx: 10, dy: -5 }));
  await waitFor('ada sees bob move', () => seen(adaLog, 'bob moved to 520.0, 490.0'));

  const players = (c: Connection) => [...c.replica.entities.values()] as schema.Player[];
  const adaOnAda = players(ada).find((p) => p.name === 'ada')!;
  const adaOnBob = players(bob).find((p) => p.name === 'ada')!;
  expect(adaOnAda.x).toBeCloseTo(510, 1); // quantized to 1000 / 65535 units
  expect(adaOnBob.y).toBeCloseTo(495, 1);
  expect(adaOnAda.hp).toBe(100); // @ownerOnly: ada's own client has it...
  expect(adaOnBob.hp).toBeUndefined(); // ...bob's replica never received it

  bob.close();
  await waitFor('ada sees bob leave', () => adaLog.includes('bob left'));
});
