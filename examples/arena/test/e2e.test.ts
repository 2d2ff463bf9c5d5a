// The arena in headless Chromium: the real page, bundled by esbuild, against the real server on
// 127.0.0.1 with two bots. Two pages play: each sees the other move, each HUD shows only its own
// @ownerOnly values, bots are drawn interpolated between frames. Leaves a screenshot in
// test-artifacts/arena.png.
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../src/client/debug.js';
import { startArena, type ArenaServer } from '../src/server/arena-server.js';
import { buildClient, type BuiltClient } from '../src/server/build-client.js';
import { CHROMIUM, chromiumMissing, launchChromium } from '@netschema/test-fixtures/support/browser';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');

/** Polls `fn(arg)` in the page until it returns something truthy, and returns that; fails after `timeout` ms naming `what`. */
async function until<T, A>(page: Page, what: string, fn: (arg: A) => T, arg: A, timeout = 10_000): Promise<NonNullable<T>> {
  try {
    // `arg` is plain JSON here, which playwright passes through unchanged.
    const handle = await page.waitForFunction(fn as (arg: unknown) => T, arg, { timeout, polling: 50 });
    return (await handle.jsonValue()) as NonNullable<T>;
  } catch (e) {
    throw new Error(`${what}: not seen within ${timeout} ms (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

// Counted as a failed test, not a skipped one, when the browser is missing (CI installs it).
it(`Chromium is installed (${CHROMIUM})`, () => {
  expect(chromiumMissing(), 'the end-to-end tests need Chromium').toBeNull();
});

describe('the arena in headless Chromium', () => {
  let outdir = '';
  let built: BuiltClient;
  let arena: ArenaServer;
  let browser: Browser;
  let a: Page;
  let b: Page;
  const pageErrors: string[] = [];
  const serverErrors: string[] = [];

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'arena-page-'));
    built = await buildClient(outdir);
    arena = await startArena({
      publicDir: outdir,
      bots: 2,
      botsShoot: false,
      pickups: 2,
      // Everyone starts near the middle and the bots roam there: all within each other's view.
      area: { x: 1000, y: 1000, radius: 120 },
      seed: 42,
      onError: (e, where) => serverErrors.push(`${where}: ${e instanceof Error ? e.message : String(e)}`),
    });
    browser = await launchChromium();
    const open = async (name: string): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 960, height: 640 } });
      page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
      await page.goto(`${arena.url}?name=${name}`);
      await until(page, `${name} sees its own player`, () => (window.__arena?.myId() ?? 0) > 0, null);
      return page;
    };
    a = await open('alice');
    b = await open('bob');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await arena?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('the page is bundled without decorated code and starts without errors', () => {
    expect(built.inputs).toContain('examples/arena/src/state.netschema.ts');
    expect(built.inputs.filter((f) => f.endsWith('/schema/decorators.ts') || f.endsWith('arena/src/state.ts'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("the owner-only HUD shows each player its own hp and ammo; the other page's replica holds nothing for them (undefined)", async () => {
    const alice = await a.evaluate(() => ({ id: window.__arena!.myId(), clientId: window.__arena!.clientId() }));
    // Alice fires three times (Space): her ammo goes down, and only her page can know.
    await a.bringToFront();
    for (let i = 0; i < 3; i++) {
      await a.keyboard.press('Space');
      await a.waitForTimeout(200);
    }
    const hud = await until(a, "alice's HUD shows fewer than 30 rounds", () => {
      const h = window.__arena!.hud();
      return h.ammo < 30 ? h : null;
    }, null);
    expect(hud.name).toBe('alice');
    expect(hud.hp).toBeGreaterThan(0);
    expect(hud.ammo).toBeGreaterThanOrEqual(27);
    const own = await a.evaluate((id) => window.__arena!.players().find((p) => p.id === id)!, alice.id);
    expect(own.hp).toBe(hud.hp);

    // Bob's replica of Alice: her public fields arrive; hp and ammo never do (undefined in the replica).
    const aliceOnBob = await until(b, 'bob sees alice', (cid) => window.__arena!.players().find((p) => p.clientId === cid) ?? null, alice.clientId);
    expect(aliceOnBob).toMatchObject({ name: 'alice', bot: false, alive: true, hp: null, ammo: null });
    // Bob's HUD shows his own values (alice's shots may have hit him: compare with his replica).
    const bob = await b.evaluate(() => ({ hud: window.__arena!.hud(), own: window.__arena!.players().find((p) => p.id === window.__arena!.myId())! }));
    expect(bob.hud).toMatchObject({ name: 'bob', hp: bob.own.hp, ammo: 30 });
    expect(bob.own.hp).toBeGreaterThan(0);
    const bobOnAlice = await until(a, 'alice sees bob', () => window.__arena!.players().find((p) => p.name === 'bob') ?? null, null);
    expect([bobOnAlice.hp, bobOnAlice.ammo]).toEqual([null, null]);
  });

  it('each page sees the other player move (keyboard on one page, replica and drawing on the other)', async () => {
    // The walker heads toward the watcher's player, so the two stay in each other's view.
    const walk = async (walker: Page, watcher: Page, name: string) => {
      const cid = await walker.evaluate(() => window.__arena!.clientId());
      const start = await until(watcher, `${name} in view`, (c) => window.__arena!.players().find((p) => p.clientId === c) ?? null, cid);
      const watcherX = await watcher.evaluate(() => window.__arena!.predicted().x);
      const dx = watcherX >= start.x ? 1 : -1;
      const key = dx > 0 ? 'ArrowRight' : 'ArrowLeft';
      const drawnBefore = await watcher.evaluate((id) => window.__arena!.interpolated(id), start.id);
      await walker.bringToFront();
      await walker.keyboard.down(key);
      try {
        await until(
          watcher,
          `${name} 60 units ${dx > 0 ? 'right' : 'left'} of where they started, on the other page`,
          ([c, x0, d]) => {
            const p = window.__arena!.players().find((q) => q.clientId === c);
            return p !== undefined && (p.x - x0) * d > 60;
          },
          [cid, start.x, dx] as const,
        );
      } finally {
        await walker.keyboard.up(key);
      }
      // The walker's own page predicted the walk, and the server acknowledged its inputs.
      const own = await until(walker, 'every input acknowledged', () => {
        const p = window.__arena!.predicted();
        return p.pending === 0 ? p : null;
      }, null);
      expect((own.x - start.x) * dx).toBeGreaterThan(60);
      // The watcher draws the walker where the frames put her, interpolated.
      const drawn = await until(watcher, `${name} drawn further along`, ([id, x0, d]) => {
        const p = window.__arena!.interpolated(id);
        return p !== null && (p.x - x0) * d > 60 ? p : null;
      }, [start.id, drawnBefore?.x ?? start.x, dx] as const);
      expect(Number.isFinite(drawn.y)).toBe(true);
    };
    await walk(a, b, 'alice');
    await walk(b, a, 'bob');
  });

  it('a bot is drawn moving smoothly: interpolated between frames, not jumping when one arrives', async () => {
    const samples = await b.evaluate(async () => {
      const arena = window.__arena!;
      const bot = arena.players().find((p) => p.bot && p.alive);
      if (bot === undefined) return null;
      const out: { x: number; y: number; rx: number; ry: number; frames: number }[] = [];
      for (let i = 0; i < 90; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const drawn = arena.interpolated(bot.id);
        const raw = arena.players().find((p) => p.id === bot.id);
        if (drawn && raw) out.push({ x: drawn.x, y: drawn.y, rx: raw.x, ry: raw.y, frames: arena.stats().framesIn });
      }
      return out;
    });
    expect(samples, 'a live bot in view of bob').not.toBeNull();
    const s = samples!;
    const framesArrived = s[s.length - 1]!.frames - s[0]!.frames;
    expect(framesArrived, 'server frames arrived while sampling').toBeGreaterThan(2);
    // Positions the frames brought (the replica's values); a page that drew those would only
    // ever show one of them. An interpolating page draws points between them on most animation
    // frames. The first samples may lie between frames from before sampling began: skip them.
    const received = new Set(s.map((q) => `${q.rx},${q.ry}`));
    let moved = 0;
    let movedWithoutFrame = 0;
    let between = 0;
    for (let i = 1; i < s.length; i++) {
      const q = s[i]!;
      if (q.x !== s[i - 1]!.x || q.y !== s[i - 1]!.y) {
        moved++;
        if (q.frames === s[i - 1]!.frames) movedWithoutFrame++;
      }
      if (i >= 15 && !received.has(`${q.x},${q.y}`)) between++;
    }
    const summary = `${s.length} animation frames, ${framesArrived} server frames, ${moved} moves (${movedWithoutFrame} without a frame arriving), ${between} drawn between received positions`;
    expect(moved, summary).toBeGreaterThan(framesArrived);
    expect(movedWithoutFrame, summary).toBeGreaterThan(0);
    expect(between, summary).toBeGreaterThanOrEqual(20);
  });

  it('the net graph reports RTT, bytes per second and frames per second; a screenshot is saved', async () => {
    const stats = await until(a, 'an RTT sample', () => {
      const s = window.__arena!.stats();
      return s.rtt > 0 ? s : null;
    }, null);
    expect(Number.isFinite(stats.rtt)).toBe(true);
    expect(stats.bytesIn).toBeGreaterThan(0);
    expect(stats.bytesOut).toBeGreaterThan(0);
    const text = await until(a, 'the net graph text', () => {
      const t = document.getElementById('net-text')?.textContent ?? '';
      return /RTT [\d.]+ ms · in .+ · out .+ · \d+ frames\/s/.test(t) ? t : null;
    }, null);
    expect(text).toMatch(/frames\/s/);
    expect(serverErrors).toEqual([]);
    expect(pageErrors).toEqual([]);

    // A shot toward the nearest bot, so the picture has a tracer in it.
    await a.evaluate(() => {
      const arena = window.__arena!;
      const me = arena.predicted();
      const bot = arena.players().find((p) => p.bot);
      arena.shoot(bot ? Math.atan2(bot.y - me.y, bot.x - me.x) : 0);
    });
    await a.waitForTimeout(60);
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, 'arena.png');
    await a.screenshot({ path });
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });
});
