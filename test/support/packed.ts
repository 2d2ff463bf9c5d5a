// Packs the publishable workspace packages the way a release would (`pnpm pack`: prepack builds
// dist/, `workspace:*` becomes the version), for tests that install them into a project outside
// this repository with npm.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');

let packed: Promise<Record<string, string>> | undefined;
let packDir: string | undefined;

/**
 * Package name → absolute path of its tarball, for every package under packages/ that is not
 * private (new packages are picked up without being named). Builds and packs once per process;
 * later calls share the result.
 */
export function packWorkspace(): Promise<Record<string, string>> {
  packed ??= Promise.resolve().then(() => {
    const out = mkdtempSync(join(tmpdir(), 'netschema-packs-'));
    packDir = out;
    // The tarballs serve the whole process (projects install from them by path), so they go with
    // it. Vitest ends its workers without an 'exit' event: test files call discardPacks().
    process.once('exit', discardPacks);
    // The root build runs in dependency order; each pack's prepack then rebuilds only its own.
    execFileSync('pnpm', ['run', 'build'], { cwd: REPO, stdio: 'pipe' });
    const tarballs: Record<string, string> = {};
    for (const dir of readdirSync(join(REPO, 'packages'))) {
      const pkgDir = join(REPO, 'packages', dir);
      const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; private?: boolean };
      if (manifest.private === true) continue;
      const printed = execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const file = printed.trim().split('\n').at(-1)!.trim();
      tarballs[manifest.name] = resolve(pkgDir, file);
    }
    return tarballs;
  });
  return packed;
}

/** Removes the tarballs packWorkspace made; a later packWorkspace() packs afresh. */
export function discardPacks(): void {
  if (packDir !== undefined) rmSync(packDir, { recursive: true, force: true });
  packDir = undefined;
  packed = undefined;
}

/** npm `overrides` that make every dependency on a netschema package resolve to its tarball. */
export function tarballOverrides(tarballs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
}

/** Runs npm in `cwd` with no audit, fund or update notices; returns stdout, throws with the output on failure. */
export function npm(cwd: string, args: readonly string[], timeoutMs = 240_000): string {
  try {
    return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--no-update-notifier'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}
