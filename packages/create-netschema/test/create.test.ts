// The starter: what `npm create netschema` writes, how it refuses bad targets, and that the
// written game works: generated, type-checked, and its own test (two clients moving) passing,
// with the netschema packages of this workspace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PKG = resolve(import.meta.dirname, '..');
const BIN = join(PKG, 'bin/create-netschema.js');
const REPO = resolve(PKG, '../..');
const version = (JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as { version: string }).version;
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function create(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
}

describe('create-netschema', () => {
  it('writes the game: package.json at this version, scripts, .gitignore, schema, server, client, test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-netschema-'));
    made.push(dir);
    const r = create(dir, 'My Game');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('npm run dev');
    const game = join(dir, 'My Game');
    const pkg = JSON.parse(readFileSync(join(game, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.name).toBe('my-game');
    expect(pkg.dependencies['@netschema/runtime']).toBe(`^${version}`);
    expect(pkg.dependencies['@netschema/transport-uws']).toBe(`^${version}`);
    expect(pkg.devDependencies['@netschema/cli']).toBe(`^${version}`);
    // The compiler API the CLI needs is not in TypeScript 7, so the pin matters.
    expect(pkg.devDependencies['typescript']).toBe('5.9.3');
    expect(pkg.scripts['predev']).toBe('netschema generate');
    expect(pkg.scripts['prebuild']).toBe('netschema generate');
    for (const f of ['.gitignore', 'index.html', 'vite.config.ts', 'tsconfig.json', 'src/state.ts', 'src/server/game-room.ts', 'src/server/dev.ts', 'src/client/main.ts', 'test/game.test.ts']) {
      expect(existsSync(join(game, f)), f).toBe(true);
    }
    expect(existsSync(join(game, '_gitignore'))).toBe(false);
  });

  it('refuses a folder that is not empty, naming it, and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-netschema-'));
    made.push(dir);
    mkdirSync(join(dir, 'taken'));
    writeFileSync(join(dir, 'taken/notes.txt'), 'mine');
    const r = create(dir, 'taken');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'taken')} is not empty`);
    expect(existsSync(join(dir, 'taken/package.json'))).toBe(false);
  });

  it('derives an npm package name from the folder, and refuses a folder name that has none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'create-netschema-'));
    made.push(dir);
    expect(create(dir, 'My Game!').status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'My Game!/package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('my-game');
    const r = create(dir, '__');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot make an npm package name from the folder name "__"');
    expect(existsSync(join(dir, '__'))).toBe(false);
  });

  it('asks for exactly one folder and rejects unknown options', () => {
    expect(create(tmpdir()).stderr).toContain('expected one folder name, got none');
    expect(create(tmpdir(), 'a', 'b').stderr).toContain('expected one folder name, got a b');
    const r = create(tmpdir(), '--force', 'x');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown option --force');
    expect(create(tmpdir(), '--help').stdout).toContain('usage: npm create netschema@latest <folder>');
  });

  it('writes a game that generates, type-checks and passes its own test', () => {
    // Inside this package, so @netschema/* resolve to the workspace's sources.
    const dir = mkdtempSync(join(PKG, 'test/.tmp-'));
    made.push(dir);
    expect(create(dir, 'game').status).toBe(0);
    const game = join(dir, 'game');
    // The workspace's packages are unbuilt sources, exported under the `source` condition.
    const tsconfigFile = join(game, 'tsconfig.json');
    const tsconfig = JSON.parse(readFileSync(tsconfigFile, 'utf8')) as { compilerOptions: Record<string, unknown> };
    tsconfig.compilerOptions['customConditions'] = ['source'];
    writeFileSync(tsconfigFile, JSON.stringify(tsconfig));
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: game, encoding: 'utf8', stdio: 'pipe', timeout: 120_000 });
    run(process.execPath, [join(REPO, 'packages/cli/bin/netschema.js'), 'generate']);
    const generated = readFileSync(join(game, 'src/state.netschema.ts'), 'utf8');
    expect(generated).toContain('@generated');
    expect(generated).toContain('export class Player');
    expect(generated).toContain('export class Move');
    run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.']);
    const test = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', '--test', 'test/game.test.ts'], { cwd: game, encoding: 'utf8', timeout: 120_000 });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/# pass 2/);
    expect(test.stdout).toMatch(/# fail 0/);
  }, 180_000);
});
