// The arena as a cluster, as `pnpm start:cluster` runs it: netschema-cluster starts a Redis of
// its own and two nodes of src/server/main.ts on free 127.0.0.1 ports. Two pages in headless
// Chromium play through different nodes (?port= picks the WebSocket port): both end up in the
// same room, on the node that holds it, and each sees the other's player. SIGTERM stops it all.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../src/client/debug.js';
import { buildClient } from '../src/server/build-client.js';
import { CHROMIUM, chromiumMissing, launchChromium } from '@netschema/test-fixtures/support/browser';
import { alive, freePorts } from '@netschema/test-fixtures/support/free-port';

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = join(DIR, 'node_modules', '@netschema', 'cluster-redis', 'bin', 'netschema-cluster.js');

/** Polls `fn` until it returns something other than undefined/null/false; fails after `ms` naming `what`. */
async function until<T>(what: string, fn: () => T | undefined | null | false, ms: number, log: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; output so far:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `fn(arg)` in the page until it returns something truthy. */
async function inPage<T, A>(page: Page, what: string, fn: (arg: A) => T, arg: A, timeout = 15_000): Promise<NonNullable<T>> {
  try {
    const handle = await page.waitForFunction(fn as (arg: unknown) => T, arg, { timeout, polling: 50 });
    return (await handle.jsonValue()) as NonNullable<T>;
  } catch (e) {
    throw new Error(`${what}: not seen within ${timeout} ms (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

it(`Chromium is installed (${CHROMIUM})`, () => {
  expect(chromiumMissing(), 'the end-to-end tests need Chromium').toBeNull();
});

describe('the arena as a cluster of 2 nodes', () => {
  let publicDir = '';
  let launcher: ChildProcess;
  let out = '';
  const log = () => out;
  let browser: Browser | undefined;
  let wsPort = 0;
  let httpPort = 0;
  const pids: number[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    publicDir = mkdtempSync(join(tmpdir(), 'arena-cluster-'));
    await buildClient(publicDir);
    wsPort = await freePorts(2);
    httpPort = await freePorts(2, [wsPort, wsPort + 1]);
    const redisPort = await freePorts(1, [wsPort, wsPort + 1, httpPort, httpPort + 1]);
    launcher = spawn(
      process.execPath,
      [
        LAUNCHER, 'src/server/main.ts', '--nodes', '2', '--port', String(wsPort), '--redis', `redis://127.0.0.1:${redisPort}`, '--start-redis',
        '--node-arg=--conditions=source', '--',
        '--port', String(httpPort), '--bots', '1', '--peaceful', '--spawn-radius', '100', '--drain-seconds', '5', '--public', publicDir,
      ],
      { cwd: DIR, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    launcher.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    launcher.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    for (const i of [0, 1]) await until(`node ${i}'s page`, () => out.includes(`[node ${i}]   open http://127.0.0.1:${httpPort + i}/`), 40_000, log);
    for (const m of out.matchAll(/\(pid (\d+)|started: pid (\d+)/g)) pids.push(Number(m[1] ?? m[2]));
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      launcher.kill('SIGTERM');
      await until('the launcher to exit', () => launcher.exitCode !== null || launcher.signalCode !== null, 40_000, log).catch(() => {});
    }
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    if (publicDir) rmSync(publicDir, { recursive: true, force: true });
  }, 60_000);

  const open = async (name: string, query: string): Promise<Page> => {
    const page = await browser!.newPage({ viewport: { width: 960, height: 640 } });
    page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    await page.goto(`http://127.0.0.1:${httpPort}/?name=${name}${query}`);
    await inPage(page, `${name} sees its own player`, () => (window.__arena?.myId() ?? 0) > 0, null);
    return page;
  };

  it('two pages joining through different nodes play in the same room and see each other', async () => {
    // The page of node 0 both times: alice plays through node 0, bob through node 1 (?port=).
    const alice = await open('alice', '');
    const bob = await open('bob', `&port=${wsPort + 1}`);
    const a = await alice.evaluate(() => window.__arena!.room());
    const b = await bob.evaluate(() => window.__arena!.room());
    expect(a.id).not.toBe('');
    expect(b.id).toBe(a.id);
    // One node holds the room: the page that entered through the other one was redirected there.
    expect(b.node).toBe(a.node);
    expect([`ws://127.0.0.1:${wsPort}/ws`, `ws://127.0.0.1:${wsPort + 1}/ws`]).toContain(a.node);

    const bobOnAlice = await inPage(alice, 'alice sees bob', () => window.__arena!.players().find((p) => p.name === 'bob' && !p.bot) ?? null, null);
    const aliceOnBob = await inPage(bob, 'bob sees alice', () => window.__arena!.players().find((p) => p.name === 'alice' && !p.bot) ?? null, null);
    expect(bobOnAlice.clientId).toBe(await bob.evaluate(() => window.__arena!.clientId()));
    expect(aliceOnBob.clientId).toBe(await alice.evaluate(() => window.__arena!.clientId()));
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('SIGTERM drains both nodes, stops the Redis the launcher started, and exits 0', async () => {
    await browser?.close();
    browser = undefined;
    launcher.kill('SIGTERM');
    const code = await until('the launcher to exit', () => launcher.exitCode ?? undefined, 40_000, log);
    expect(code, log()).toBe(0);
    expect(out).toContain('[node 0] SIGTERM: draining');
    expect(out).toContain('[node 1] SIGTERM: draining');
    expect(pids).toHaveLength(3);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);
});
