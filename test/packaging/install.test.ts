// A game project outside this repository, as a user makes one: the packed tarballs installed
// with npm (no pnpm workspace, no `source` condition, no tsx), a schema, `npx netschema generate`
// and `--check`, a server on @netschema/transport-uws compiled by tsc and run by plain node, a
// Node client, and a browser client bundled by Vite. Only npm's fetching of the fixture's
// third-party packages leaves this machine; the game itself talks over 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@netschema/test-fixtures/support/browser';
import { discardPacks, npm, packWorkspace, REPO, tarballOverrides } from '@netschema/test-fixtures/support/packed';
import { BROWSER_CLIENT, INDEX_HTML, SCHEMA, VITE } from '@netschema/test-fixtures/game-fixture';

const SERVER = `import { NetServer, Room, type Client } from '@netschema/transport-uws';
import { Player } from './state.js';
import * as schema from './state.netschema.js';

class Field extends Room<Player> {
  override onJoin(client: Client): void {
    this.add(Object.assign(new Player(), { x: 12, y: 34, name: 'ada' }), { owner: client.core });
  }
}

const server = await NetServer.listen({ schema, port: 0 });
server.define('field', Field);
process.stdout.write(\`listening \${server.port}\\n\`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
`;

const NODE_CLIENT = `import { connect } from '@netschema/runtime/client';
import WebSocket from 'ws';
import * as schema from './state.netschema.js';

const conn = connect(process.argv[2]!, schema, { room: 'field', WebSocket, reconnect: false });
await conn.ready();
// Ownership news follows the frame that carries the entity.
if (conn.owned.size === 0) await new Promise((done) => conn.on('owned', done));
const players = [...conn.replica.entities.values()].map((p) => p as schema.Player).map((p) => ({ x: p.x, y: p.y, name: p.name }));
process.stdout.write(JSON.stringify({ players, owned: [...conn.owned] }) + '\\n');
conn.close();
`;

let dir: string;
let server: ChildProcess | undefined;

// After both describe blocks: they share one set of tarballs.
afterAll(discardPacks);

function run(cmd: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  const tarballs = await packWorkspace();
  dir = mkdtempSync(join(tmpdir(), 'netschema-user-'));
  const file = (name: string): string => `file:${tarballs[name]!}`;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'a-game',
        private: true,
        type: 'module',
        dependencies: { '@netschema/runtime': file('@netschema/runtime'), '@netschema/transport-uws': file('@netschema/transport-uws'), ws: '8.23.0' },
        devDependencies: { '@netschema/cli': file('@netschema/cli'), typescript: '5.9.3', vite: VITE, '@types/ws': '8.18.1', '@types/node': '20.19.43' },
        // Every netschema package, also the ones the tarballs depend on, comes from a tarball.
        overrides: tarballOverrides(tarballs),
        netschema: { schemas: ['src/state.ts'] },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'build', rootDir: 'src', lib: ['ES2022', 'DOM'], types: ['node'] },
      include: ['src'],
      exclude: ['src/browser.ts'],
    }),
  );
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/state.ts'), SCHEMA);
  writeFileSync(join(dir, 'src/server.ts'), SERVER);
  writeFileSync(join(dir, 'src/node-client.ts'), NODE_CLIENT);
  writeFileSync(join(dir, 'src/browser.ts'), BROWSER_CLIENT);
  writeFileSync(join(dir, 'index.html'), INDEX_HTML);
  npm(dir, ['install', '--prefer-offline']);
}, 400_000);

afterAll(() => {
  server?.kill('SIGKILL');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the packed packages in a project outside the repository', () => {
  it('installed only built files: no TypeScript sources, no source export condition', () => {
    const runtime = join(dir, 'node_modules/@netschema/runtime');
    const manifest = JSON.parse(readFileSync(join(runtime, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(readdirSync(runtime).sort()).toEqual(['README.md', 'dist', 'package.json']);
    expect(Object.values(manifest.exports).every((e) => e['source'] === undefined && e['default']!.startsWith('./dist/'))).toBe(true);
    const transport = JSON.parse(readFileSync(join(dir, 'node_modules/@netschema/transport-uws/package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(transport.dependencies['@netschema/runtime']).toBe('0.1.0');
  });

  it('npx netschema generate writes the codecs, and --check fails once the schema changes', async () => {
    const gen = await run('npx', ['netschema', 'generate'], dir);
    expect(gen.code, gen.stderr).toBe(0);
    expect(readFileSync(join(dir, 'src/state.netschema.ts'), 'utf8')).toContain('@generated');
    const check = await run('npx', ['netschema', 'generate', '--check'], dir);
    expect(check.code, check.stderr).toBe(0);

    writeFileSync(join(dir, 'src/state.ts'), SCHEMA.replace("@string accessor name = '';", "@string accessor name = '';\n  @u16 accessor hp = 100;"));
    const stale = await run('npx', ['netschema', 'generate', '--check'], dir);
    expect(stale.code).not.toBe(0);
    expect(stale.stdout + stale.stderr).toContain('state.netschema');
    writeFileSync(join(dir, 'src/state.ts'), SCHEMA);
    expect((await run('npx', ['netschema', 'generate', '--check'], dir)).code).toBe(0);
  }, 120_000);

  it('a tsc-compiled server under plain node sends its state to a Node client', async () => {
    const tsc = await run('npx', ['tsc', '-p', '.'], dir);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);

    server = spawn(process.execPath, ['build/server.js'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    server.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    const port = await new Promise<number>((resolvePort, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start\n${out}\n${errors}`)), 30_000);
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening (\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolvePort(Number(m[1]));
        }
      });
      server!.on('exit', (code) => reject(new Error(`the server exited with ${code}\n${out}\n${errors}`)));
    });

    const client = await run(process.execPath, ['build/node-client.js', `ws://127.0.0.1:${port}/ws`], dir, 30_000);
    expect(client.code, client.stderr).toBe(0);
    const seen = JSON.parse(client.stdout.trim()) as { players: { x: number; y: number; name: string }[]; owned: number[] };
    expect(seen.players).toEqual([{ x: 12, y: 34, name: 'ada' }]);
    expect(seen.owned).toHaveLength(1);
    expect(errors).toBe('');
  }, 120_000);

  it('Vite bundles the browser client from the generated codecs and the client entry', async () => {
    const build = await run('npx', ['vite', 'build', '--logLevel', 'error'], dir, 120_000);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const assets = join(dir, 'dist/assets');
    const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(js).toHaveLength(1);
    const code = readFileSync(join(assets, js[0]!));
    // The client entry keeps decorators, tracking and Node built-ins out of the browser bundle.
    const text = code.toString();
    expect(text).not.toMatch(/\bnode:/);
    expect(text).not.toContain('Symbol.metadata');
    const size = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, vite: VITE };
    mkdirSync(join(REPO, 'test/packaging/.out'), { recursive: true });
    writeFileSync(join(REPO, 'test/packaging/.out/bundle-size.json'), JSON.stringify(size) + '\n');
    console.info(`browser bundle: ${size.bytes} B, ${size.gzip} B gzip (level 9)`);
    expect(size.gzip).toBeGreaterThan(1000);
  }, 120_000);
});

// The starter as `npm create netschema@latest my-game` runs it: its packed bin, then the written
// game installed with npm (netschema packages from the tarballs), its own test, its build, and
// `npm run dev` showing players in two browser tabs, the bot moving.
describe('the packed starter', () => {
  let game: string;
  let dev: ChildProcess | undefined;
  afterAll(() => {
    dev?.kill('SIGKILL');
    if (game !== undefined) rmSync(join(game, '..'), { recursive: true, force: true });
  });

  it('writes a game that installs, passes its test and builds', async () => {
    const tarballs = await packWorkspace();
    const parent = mkdtempSync(join(tmpdir(), 'netschema-create-'));
    const unpacked = join(parent, 'starter');
    mkdirSync(unpacked);
    const tar = await run('tar', ['xzf', tarballs['create-netschema']!, '-C', unpacked, '--strip-components=1'], parent);
    expect(tar.code, tar.stderr).toBe(0);
    const created = await run(process.execPath, [join(unpacked, 'bin/create-netschema.js'), 'my-game'], parent);
    expect(created.code, created.stderr).toBe(0);
    game = join(parent, 'my-game');
    // Not published yet: point the game's netschema dependencies at the tarballs.
    const pkgFile = join(game, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; overrides?: Record<string, string> };
    for (const deps of [pkg.dependencies, pkg.devDependencies]) {
      for (const name of Object.keys(deps)) if (tarballs[name] !== undefined) deps[name] = `file:${tarballs[name]}`;
    }
    pkg.overrides = tarballOverrides(tarballs);
    writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    npm(game, ['install', '--prefer-offline']);
    const test = await run('npm', ['test'], game, 120_000);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/# pass 2/);
    const build = await run('npm', ['run', 'build'], game, 120_000);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(readdirSync(join(game, 'dist/assets')).some((f) => f.endsWith('.js'))).toBe(true);
  }, 400_000);

  it('npm run dev serves the page: two tabs are two players, and the bot moves', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    dev = spawn('npm', ['run', 'dev'], { cwd: game, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: String(port), VITE_PORT: String(port + 1), VITE_GAME_PORT: String(port) }, detached: true });
    let out = '';
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('two tabs')) {
      if (Date.now() > deadline || dev.exitCode !== null) throw new Error(`npm run dev did not start\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const browser = await launchChromium();
    try {
      const tabs = [await browser.newPage(), await browser.newPage()];
      for (const tab of tabs) await tab.goto(`http://127.0.0.1:${port + 1}/`);
      const players = async (tab: (typeof tabs)[number]) => ((await tab.locator('canvas').getAttribute('data-players')) ?? '').split(' ').filter(Boolean);
      for (const tab of tabs) {
        await tab.waitForFunction(() => (document.querySelector('canvas')?.dataset['players'] ?? '').split(' ').filter(Boolean).length === 3, null, { timeout: 30_000 });
      }
      const first = await players(tabs[0]!);
      await tabs[0]!.waitForFunction((before) => document.querySelector('canvas')?.dataset['players'] !== before, first.join(' '), { timeout: 10_000 });
      expect((await players(tabs[0]!)).length).toBe(3);
      expect((await players(tabs[1]!)).length).toBe(3);
    } finally {
      await browser.close();
      process.kill(-dev.pid!, 'SIGTERM');
    }
  }, 120_000);
});
